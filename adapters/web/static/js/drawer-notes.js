// The drawer's notes: edited in place, saved with the version they were begun from, kept as a
// draft when the drawer closes unsaved, and, when someone else changed them meanwhile, their
// text shown with "Keep mine" and "Use theirs".
import { ApiError, api } from './api.js';
import { ago } from './format.js';
import { Collision } from './collision.js';
import { toast } from './toasts.js';

const $ = (id) => document.getElementById(id);

export class Notes {
  /** ``drawer`` gives id, sync, saved(appointment), show(appointment) and history. */
  constructor(drawer) {
    this.drawer = drawer;
    this.text = $('drawer-notes');
    this.saveButton = $('notes-save');
    this.collision = new Collision($('notes-conflict'));
    this.base = null; // the notes as they were when the user began editing them: {version, text}
    this.drafts = new Map();
    this.saving = false;
    this.text.addEventListener('input', () => this.state(this.dirty ? 'Not saved yet' : ''));
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.save();
    });
    this.saveButton.addEventListener('click', () => this.save());
  }

  get dirty() {
    return Boolean(this.base) && this.text.value !== this.base.text;
  }

  /** Another appointment (or none): forget this one's base, keep its draft. */
  reset() {
    this.base = null;
    this.collision.hide();
    $('notes-state').textContent = '';
  }

  /** Unsaved notes wait for the drawer to open on the same card again. */
  stash(id) {
    if (id && this.dirty) this.drafts.set(id, { text: this.text.value, base: this.base });
  }

  /** Shows the appointment's notes unless the user has unsaved ones; ``readOnly`` for the past. */
  show(appointment, readOnly) {
    this.text.readOnly = readOnly;
    if (readOnly) {
      this.base = null;
      this.text.value = appointment.notes;
      return;
    }
    const draft = this.base ? null : this.drafts.get(appointment.id);
    if (draft) {
      this.drafts.delete(appointment.id);
      this.base = draft.base;
      this.text.value = draft.text;
      this.state('Unsaved draft restored');
    } else if (!this.dirty) {
      this.base = { version: appointment.version, text: appointment.notes };
      this.text.value = appointment.notes;
    }
    this.state();
  }

  state(text) {
    if (text !== undefined) $('notes-state').textContent = text;
    this.saveButton.disabled = this.saving || !this.dirty;
  }

  async save() {
    if (!this.dirty || this.saving) return;
    const { drawer } = this;
    const { id } = drawer;
    const text = this.text.value;
    this.saving = true;
    this.state('Saving…');
    try {
      const { data, position } = await api.edit(id, { expected_version: this.base.version, notes: text });
      drawer.sync.sawWrite(position);
      drawer.saved(data.appointment);
      if (id !== drawer.id) return;
      this.base = { version: data.appointment.version, text: data.appointment.notes };
      this.collision.hide();
      drawer.show(data.appointment);
      this.state('Saved');
      drawer.history.load();
    } catch (error) {
      if (id !== drawer.id) return;
      if (error instanceof ApiError && error.status === 409 && error.problem.current) {
        this.conflict(error.problem);
      } else {
        this.state('Not saved');
        toast(`The notes were not saved: ${error.message}`, { kind: 'error' });
      }
    } finally {
      this.saving = false;
      this.state();
    }
  }

  /** Someone else changed the notes meanwhile: show their text, let the user choose. */
  conflict(problem) {
    const change = problem.conflicting_event ?? {};
    const theirs = problem.current;
    this.collision.show({
      who: `${change.actor ?? 'Someone'} changed the notes ${ago(change.at)}, while you were editing. Their text:`,
      theirs: theirs.notes || '(no notes)',
      keepMine: () => {
        this.base = { version: theirs.version, text: theirs.notes };
        this.save();
      },
      useTheirs: () => {
        this.base = { version: theirs.version, text: theirs.notes };
        this.text.value = theirs.notes;
        this.drawer.show(theirs);
        this.state('Their text is kept');
        this.text.focus();
      },
    });
    this.state('Not saved: the notes changed meanwhile');
  }
}
