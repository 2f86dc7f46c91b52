// The details drawer: facts, services and total, moves, notes, the edits a desk makes (time,
// staff, services, cancel or no-show with a reason; each merged with other people's changes or
// shown as a collision), the history timeline, and the appointment as it was at a version.
import { ApiError, api, token } from './api.js';
import { AUTH_REQUIRED, title } from './config.js';
import { Collision } from './collision.js';
import { since, when, whenRange } from './format.js';
import { createRunner } from './drawer-command.js';
import { createEdits } from './drawer-edits.js';
import { History } from './drawer-history.js';
import { createLineEdits } from './drawer-lines.js';
import { createMoves } from './drawer-moves.js';
import { Notes } from './drawer-notes.js';
import { hidePast, readLink, showPast, writeLink } from './drawer-past.js';
import { role } from './role.js';

const $ = (id) => document.getElementById(id);

/** A fact of the list; ``shows`` names the API fields it shows (to mark them when changed). */
function fact(list, label, value, shows) {
  if (!value) return;
  const name = document.createElement('dt');
  name.textContent = label;
  const text = document.createElement('dd');
  text.textContent = value;
  if (shows) {
    name.dataset.shows = shows;
    text.dataset.shows = shows;
  }
  list.append(name, text);
}

export class Drawer {
  /** ``move(id, to)`` moves a card as the board does; ``saved(appointment)`` updates the card. */
  constructor({ sync, move, saved }) {
    Object.assign(this, { sync, move, saved });
    this.dialog = $('drawer');
    this.id = null;
    this.appointment = null;
    this.past = null; // the version shown read-only, or null for the current state
    this.serial = 0;
    this.returnFocus = null;
    this.notes = new Notes(this);
    this.history = new History(this);
    this.collision = new Collision($('edit-conflict'));
    const run = createRunner(this);
    this.parts = [createEdits(this, run), createLineEdits(this, run), createMoves(this, run, move)];
    $('drawer-close').addEventListener('click', () => this.close());
    $('drawer-show-current').addEventListener('click', () => this.open(this.id, this.returnFocus));
    this.dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
    window.addEventListener('hashchange', () => this.followLink());
    this.followLink();
  }

  get isOpen() {
    return this.dialog.open;
  }

  /** Edits are offered on the current state, to a role that may make them. */
  get editable() {
    return this.past === null && role.may('staff');
  }

  /** ``version`` opens the appointment read-only as it was then. */
  async open(id, returnFocus, { version = null } = {}) {
    this.notes.stash(this.id);
    this.id = id;
    this.past = version;
    this.returnFocus = returnFocus ?? null;
    this.appointment = null;
    this.notes.reset();
    this.collision.hide();
    for (const part of this.parts) part.reset();
    this.dialog.dataset.mode = version ? 'past' : 'current';
    writeLink(version ? id : null, version);
    $('drawer-loading').textContent = 'Loading…';
    $('drawer-loading').hidden = false;
    $('drawer-content').hidden = true;
    this.history.hide();
    if (!this.dialog.open) this.dialog.show();
    $('drawer-close').focus();
    await this.reload();
  }

  close() {
    if (!this.dialog.open) return;
    this.notes.stash(this.id);
    this.serial += 1;
    this.dialog.close();
    if (this.past) writeLink(null);
    this.id = null;
    this.past = null;
    this.returnFocus?.();
  }

  /** The board saw a newer version of the open card: show it, keeping any unsaved edits. */
  changed(card) {
    const current = this.isOpen && this.past === null && this.appointment;
    if (current && card.id === this.id && card.version > this.appointment.version) this.reload();
  }

  async reload() {
    const { id, past } = this;
    const serial = ++this.serial;
    try {
      const appointment = past
        ? await api.get(`/appointments/${id}`, { version: past })
        : await api.appointment(id);
      if (serial === this.serial) this.show(appointment);
    } catch (error) {
      if (serial !== this.serial) return;
      $('drawer-loading').textContent = error instanceof ApiError && error.status === 404
        ? 'This appointment (or that version of it) does not exist.' : `Could not load it: ${error.message}`;
      return;
    }
    const items = await this.history.load();
    if (past && serial === this.serial) showPast(past, items?.find((change) => change.version === past));
  }

  show(appointment) {
    this.appointment = appointment;
    const past = this.past !== null;
    // A role known not to edit reads the notes; the past is read-only for everyone.
    this.notes.show(appointment, past || (role.name !== null && !role.may('staff')));
    $('drawer-title').textContent = appointment.customer.name;
    const chip = $('drawer-chip');
    chip.textContent = title(appointment.status);
    chip.dataset.status = appointment.status;
    $('drawer-since').textContent = past
      ? `version ${appointment.version}`
      : `for ${since(appointment.status_since)} · version ${appointment.version}`;
    this.showFacts(appointment);
    for (const part of this.parts) part.show(appointment);
    if (!past) hidePast();
    $('drawer-loading').hidden = true;
    $('drawer-content').hidden = false;
  }

  showFacts(appointment) {
    const facts = $('drawer-facts');
    facts.replaceChildren();
    fact(facts, 'When', whenRange(appointment.starts_at, appointment.ends_at), 'starts_at ends_at');
    fact(facts, 'Location', appointment.location_id, 'location_id');
    fact(facts, 'Staff', appointment.staff?.name ?? 'Unassigned', 'staff');
    fact(facts, 'Phone', appointment.customer.phone, 'customer');
    fact(facts, 'Email', appointment.customer.email, 'customer');
    fact(facts, 'Booked', when(appointment.created_at));
  }

  /** The address names an appointment (#appointment=ID&version=N): open it. */
  followLink() {
    const link = readLink();
    if (!link || (AUTH_REQUIRED && !token.get())) return;
    if (this.isOpen && link.id === this.id && link.version === this.past) return;
    this.open(link.id, null, { version: link.version });
  }

  /** A new token may have another role: ask for the history again. */
  forgetAccess() {
    this.history.forgetAccess();
  }
}
