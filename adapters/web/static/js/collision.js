// An edit that collided with someone else's change to the same field: who changed it and when,
// their value, and the choice between "Keep mine" (send again over theirs) and "Use theirs".
// The notes and every other edit of the drawer show their collisions this way.
import { title } from './config.js';
import { ago, whenRange } from './format.js';
import { describeChange, names } from './history.js';

/** The value the other person left in ``fields`` of ``current``, in words. */
export function theirValue(current, fields) {
  const said = new Set();
  for (const field of fields) {
    if (field === 'notes') said.add(current.notes || '(no notes)');
    else if (field === 'staff') said.add(current.staff?.name ?? 'Unassigned');
    else if (field === 'starts_at' || field === 'ends_at') said.add(whenRange(current.starts_at, current.ends_at));
    else if (field === 'status') said.add(title(current.status));
    else if (field === 'service_lines') said.add(names(current.service_lines));
    else said.add(String(current[field] ?? ''));
  }
  return [...said].join('; ');
}

/** "sam assigned it to Kemi 2 min ago" for a 409's conflicting_event. */
export function whoChanged(change = {}) {
  const what = change.type ? describeChange(change) : 'changed it';
  return `${change.actor ?? 'Someone'} ${what} ${change.at ? ago(change.at) : 'meanwhile'}`;
}

export class Collision {
  /** ``root`` holds [data-collision="who" | "theirs" | "keep" | "take"]. */
  constructor(root) {
    this.root = root;
    const part = (name) => root.querySelector(`[data-collision="${name}"]`);
    this.who = part('who');
    this.theirs = part('theirs');
    this.keep = part('keep');
    this.choices = null;
    this.keep.addEventListener('click', () => this.choose('keepMine'));
    part('take').addEventListener('click', () => this.choose('useTheirs'));
  }

  get shown() {
    return !this.root.hidden;
  }

  /** ``keepMine()`` and ``useTheirs()`` are what the two buttons do. */
  show({ who, theirs, keepMine, useTheirs }) {
    this.who.textContent = who;
    this.theirs.textContent = theirs;
    this.choices = { keepMine, useTheirs };
    this.root.hidden = false;
    this.keep.focus();
  }

  hide() {
    this.root.hidden = true;
    this.choices = null;
  }

  choose(name) {
    const choice = this.choices?.[name];
    this.hide();
    choice?.();
  }
}
