// The details drawer: facts, service lines and total, notes editing that merges with other
// people's changes, moves, and the history timeline for roles that may read the audit trail.
import { ApiError, api } from './api.js';
import { allowedFrom, title } from './config.js';
import { ago, money, since, when, whenRange } from './format.js';
import { describeChange } from './history.js';
import { toast } from './toasts.js';

const $ = (id) => document.getElementById(id);

function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach(([text, className], index) => {
    const cell = document.createElement(index === 0 ? 'th' : 'td');
    if (index === 0) cell.scope = 'row';
    if (className) cell.className = className;
    cell.textContent = text;
    tr.append(cell);
  });
  return tr;
}

function fact(list, label, value) {
  if (!value) return;
  const name = document.createElement('dt');
  name.textContent = label;
  const text = document.createElement('dd');
  text.textContent = value;
  list.append(name, text);
}

export class Drawer {
  /** ``move(id, to)`` moves a card as the board does; ``saved(appointment)`` updates the card. */
  constructor({ sync, move, saved }) {
    Object.assign(this, { sync, move, saved });
    this.dialog = $('drawer');
    this.notes = $('drawer-notes');
    this.saveButton = $('notes-save');
    this.id = null;
    this.appointment = null;
    this.base = null; // the notes as they were when the user began editing them: {version, text}
    this.theirs = null;
    this.drafts = new Map();
    this.serial = 0;
    this.saving = false;
    this.historyAllowed = true;
    this.returnFocus = null;
    $('drawer-close').addEventListener('click', () => this.close());
    this.dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
    this.notes.addEventListener('input', () => this.noteState(this.dirty ? 'Not saved yet' : ''));
    this.notes.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.save();
    });
    this.saveButton.addEventListener('click', () => this.save());
    $('notes-keep-mine').addEventListener('click', () => this.keepMine());
    $('notes-take-theirs').addEventListener('click', () => this.takeTheirs());
  }

  get isOpen() {
    return this.dialog.open;
  }

  get dirty() {
    return Boolean(this.base) && this.notes.value !== this.base.text;
  }

  async open(id, returnFocus) {
    this.stash();
    this.id = id;
    this.returnFocus = returnFocus ?? null;
    this.appointment = null;
    this.base = null;
    $('drawer-loading').textContent = 'Loading…';
    $('drawer-loading').hidden = false;
    $('notes-state').textContent = '';
    $('drawer-content').hidden = true;
    $('notes-conflict').hidden = true;
    $('drawer-history').hidden = true;
    if (!this.dialog.open) this.dialog.show();
    $('drawer-close').focus();
    await this.reload();
  }

  close() {
    if (!this.dialog.open) return;
    this.stash();
    this.serial += 1;
    this.dialog.close();
    this.id = null;
    this.returnFocus?.();
  }

  /** Unsaved notes wait for the drawer to open on the same card again. */
  stash() {
    if (this.id && this.dirty) this.drafts.set(this.id, { text: this.notes.value, base: this.base });
  }

  /** The board saw a newer version of the open card: show it, keeping any unsaved notes. */
  changed(card) {
    if (this.isOpen && this.appointment && card.id === this.id && card.version > this.appointment.version) {
      this.reload();
    }
  }

  async reload() {
    const { id } = this;
    const serial = ++this.serial;
    try {
      const appointment = await api.appointment(id);
      if (serial === this.serial) this.show(appointment);
    } catch (error) {
      if (serial !== this.serial) return;
      $('drawer-loading').textContent = error instanceof ApiError && error.status === 404
        ? 'This appointment no longer exists.' : `Could not load it: ${error.message}`;
      return;
    }
    this.loadHistory(id, serial);
  }

  show(appointment) {
    this.appointment = appointment;
    const draft = this.base ? null : this.drafts.get(appointment.id);
    if (draft) {
      this.drafts.delete(appointment.id);
      this.base = draft.base;
      this.notes.value = draft.text;
      this.noteState('Unsaved draft restored');
    } else if (!this.dirty) {
      this.base = { version: appointment.version, text: appointment.notes };
      this.notes.value = appointment.notes;
    }
    $('drawer-title').textContent = appointment.customer.name;
    const chip = $('drawer-chip');
    chip.textContent = title(appointment.status);
    chip.dataset.status = appointment.status;
    $('drawer-since').textContent = `for ${since(appointment.status_since)} · version ${appointment.version}`;
    this.showFacts(appointment);
    this.showMoves(appointment);
    this.showLines(appointment);
    this.noteState();
    $('drawer-loading').hidden = true;
    $('drawer-content').hidden = false;
  }

  showFacts(appointment) {
    const facts = $('drawer-facts');
    facts.replaceChildren();
    fact(facts, 'When', whenRange(appointment.starts_at, appointment.ends_at));
    fact(facts, 'Location', appointment.location_id);
    fact(facts, 'Staff', appointment.staff?.name ?? 'Unassigned');
    fact(facts, 'Phone', appointment.customer.phone);
    fact(facts, 'Email', appointment.customer.email);
    fact(facts, 'Booked', when(appointment.created_at));
  }

  showMoves(appointment) {
    const buttons = allowedFrom(appointment.status).map((status) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'move-button';
      button.dataset.status = status;
      button.textContent = title(status);
      button.addEventListener('click', async () => {
        if (await this.move(appointment.id, status)) this.reload();
      });
      return button;
    });
    $('drawer-moves').replaceChildren(...buttons);
  }

  showLines(appointment) {
    $('drawer-lines').replaceChildren(...appointment.service_lines.map((line) => row([
      [`${line.name} (${line.code}, ${line.duration_minutes} min)`],
      [String(line.quantity), 'num'],
      [money(line.unit_price_cents), 'num'],
      [money(line.unit_price_cents * line.quantity), 'num'],
    ])));
    $('drawer-total').textContent = money(appointment.total_cents);
  }

  noteState(text) {
    if (text !== undefined) $('notes-state').textContent = text;
    this.saveButton.disabled = this.saving || !this.dirty;
  }

  async save() {
    if (!this.dirty || this.saving) return;
    const { id } = this;
    const text = this.notes.value;
    this.saving = true;
    this.noteState('Saving…');
    try {
      const { data, position } = await api.edit(id, { expected_version: this.base.version, notes: text });
      this.sync.sawWrite(position);
      this.saved(data.appointment);
      if (id !== this.id) return;
      this.base = { version: data.appointment.version, text: data.appointment.notes };
      $('notes-conflict').hidden = true;
      this.show(data.appointment);
      this.noteState('Saved');
      this.loadHistory(id, this.serial);
    } catch (error) {
      if (id !== this.id) return;
      if (error instanceof ApiError && error.status === 409 && error.problem.current) {
        this.conflict(error.problem);
      } else {
        this.noteState('Not saved');
        toast(`The notes were not saved: ${error.message}`, { kind: 'error', error });
      }
    } finally {
      this.saving = false;
      this.noteState();
    }
  }

  /** Someone else changed the notes meanwhile: show their text, let the user choose. */
  conflict(problem) {
    const change = problem.conflicting_event ?? {};
    this.theirs = problem.current;
    $('notes-conflict-who').textContent = `${change.actor ?? 'Someone'} changed the notes ${ago(change.at)}, `
      + 'while you were editing. Their text:';
    $('notes-theirs').textContent = problem.current.notes || '(no notes)';
    $('notes-conflict').hidden = false;
    this.noteState('Not saved: the notes changed meanwhile');
    $('notes-keep-mine').focus();
  }

  keepMine() {
    this.base = { version: this.theirs.version, text: this.theirs.notes };
    $('notes-conflict').hidden = true;
    this.save();
  }

  takeTheirs() {
    const theirs = this.theirs;
    this.base = { version: theirs.version, text: theirs.notes };
    this.notes.value = theirs.notes;
    $('notes-conflict').hidden = true;
    this.show(theirs);
    this.noteState('Their text is kept');
    this.notes.focus();
  }

  async loadHistory(id, serial) {
    const section = $('drawer-history');
    if (!this.historyAllowed) return;
    try {
      const items = await api.history(id);
      if (serial !== this.serial) return;
      $('drawer-timeline').replaceChildren(...items.slice().reverse().map(historyItem));
      section.hidden = false;
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) this.historyAllowed = false;
      section.hidden = true;
    }
  }

  /** A new token may have another role: ask for the history again. */
  forgetAccess() {
    this.historyAllowed = true;
  }
}

function historyItem(change) {
  const item = document.createElement('li');
  item.className = 'event';
  item.dataset.type = change.type;
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
