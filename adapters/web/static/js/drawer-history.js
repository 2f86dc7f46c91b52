// The drawer's history timeline, newest first, for roles that may read the audit trail.
import { ApiError, api } from './api.js';
import { ago, when } from './format.js';
import { describeChange } from './history.js';

const $ = (id) => document.getElementById(id);

function historyItem(change, marked) {
  const item = document.createElement('li');
  item.className = 'event';
  item.dataset.type = change.type;
  if (change.version === marked) {
    item.classList.add('is-this-version');
    item.setAttribute('aria-current', 'step');
  }
  const head = document.createElement('p');
  head.className = 'event-what';
  const who = document.createElement('strong');
  who.textContent = change.actor;
  head.append(who, ` ${describeChange(change)}`);
  const meta = document.createElement('p');
  meta.className = 'event-meta';
  const time = document.createElement('time');
  time.dateTime = change.at;
  time.textContent = when(change.at);
  meta.append(time, ` · ${ago(change.at)} · version ${change.version}`);
  item.append(head, meta);
  if (change.reason) {
    const reason = document.createElement('p');
    reason.className = 'event-reason';
    reason.textContent = `Reason: ${change.reason}`;
    item.append(reason);
  }
  return item;
}

export class History {
  /** ``drawer`` gives id, serial (which load is current) and past (a version, or null). */
  constructor(drawer) {
    this.drawer = drawer;
    this.allowed = true;
  }

  /** Shows the appointment's history; resolves to its items, or null when it may not be read. */
  async load() {
    const { id, serial, past } = this.drawer;
    const section = $('drawer-history');
    if (!this.allowed) return null;
    try {
      const items = await api.history(id);
      if (serial !== this.drawer.serial) return null;
      $('drawer-timeline').replaceChildren(...items.slice().reverse().map((change) => historyItem(change, past)));
      section.hidden = false;
      return items;
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) this.allowed = false;
      section.hidden = true;
      return null;
    }
  }

  hide() {
    $('drawer-history').hidden = true;
  }

  /** A new token may have another role: ask for the history again. */
  forgetAccess() {
    this.allowed = true;
  }
}
