// The dialog that adds a service or changes one. The price is typed in currency units and sent
// as cents; the server's 422 messages appear beside their fields; a change someone else made
// meanwhile is shown with their values, for the admin to keep theirs or take the other's.
import { ApiError, api } from './api.js';
import { ago, money } from './format.js';
import { clearFieldErrors, clearOnInput, showFieldErrors } from './forms.js';
import { toast } from './toasts.js';

const $ = (id) => document.getElementById(id);
const EDITABLE = ['name', 'category', 'price_cents', 'duration_minutes'];
const LABELS = {
  code: 'Code', name: 'Name', category: 'Category', price_cents: 'Price',
  duration_minutes: 'Duration', active: 'Status',
};
const PRICE = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/;
const NUMBERS = new Set(['price_cents', 'duration_minutes']);

/** "25.00", "25" or "25,5" in cents; null when the text is not a price. */
export function parsePrice(text) {
  const match = PRICE.exec(text);
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

/** A service's field as a person reads it: "25.00", "45 min", "Retired". */
export function shown(name, service) {
  const value = service[name];
  if (name === 'price_cents') return money(value);
  if (name === 'duration_minutes') return `${value} min`;
  if (name === 'active') return value ? 'Active' : 'Retired';
  return String(value);
}

/** ``saved(service, position, created)`` hears of every service written or seen newer. */
export function createServiceDialog({ saved }) {
  const dialog = $('service-dialog');
  const form = $('service-form');
  const inputs = new Map([...form.querySelectorAll('[data-field]')].map((input) => [input.dataset.field, input]));
  let base = null; // the service being changed, as the admin last saw it; null when adding one
  let theirs = null;
  let busy = false;
  let returnFocus = null;

  function fill(service) {
    for (const [name, input] of inputs) {
      const value = service?.[name];
      if (value === undefined) input.value = '';
      else input.value = name === 'price_cents' ? (value / 100).toFixed(2) : String(value);
    }
  }

  /** The form's values; a price that is no price is a message of our own. */
  function read() {
    const values = {};
    const errors = {};
    for (const [name, input] of inputs) {
      const text = input.value.trim();
      if (text === '') values[name] = NUMBERS.has(name) ? null : '';
      else if (name === 'price_cents') {
        values[name] = parsePrice(text);
        if (values[name] === null) errors[name] = ['Enter a price in currency units, like 25.00.'];
      } else values[name] = NUMBERS.has(name) ? Number(text) : text;
    }
    return { values, errors };
  }

  /** A new service sends what is filled in (the server names what is missing); a change
   * sends only the fields that differ from the version shown, so others' changes merge. */
  function body(values) {
    if (!base) return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== null));
    return Object.fromEntries(EDITABLE.filter((name) => values[name] !== base[name]).map((name) => [name, values[name]]));
  }

  function setBusy(on) {
    busy = on;
    $('service-save').disabled = on;
  }

  async function submit() {
    if (busy) return;
    const { values, errors } = read();
    if (Object.keys(errors).length) {
      showFieldErrors(form, errors);
      return;
    }
    const changes = body(values);
    if (base && !Object.keys(changes).length) {
      dialog.close();
      saved(base, 0, false);
      return;
    }
    setBusy(true);
    try {
      const { data, position } = base
        ? await api.command('PATCH', `/services/${base.id}`, { expected_version: base.version, ...changes })
        : await api.command('POST', '/services', changes);
      const created = !base;
      dialog.close();
      saved(data, position, created);
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  }

  function refused(error) {
    const problem = error instanceof ApiError ? error.problem : {};
    if (error instanceof ApiError && error.status === 409 && problem.current) {
      conflict(problem);
    } else if (error instanceof ApiError && error.slug === 'duplicate_service') {
      showFieldErrors(form, { code: [error.message] });
    } else if (problem.errors) {
      const rest = showFieldErrors(form, problem.errors);
      if (rest.length) toast('The service was not saved.', { kind: 'error', lines: rest });
    } else if (!(error instanceof ApiError && error.status === 401)) {
      toast(`The service was not saved: ${error.message}`, { kind: 'error' });
    }
  }

  /** Someone else changed the service since it was shown: their values, and a choice. */
  function conflict(problem) {
    const change = problem.conflicting_event ?? {};
    theirs = problem.current;
    $('service-conflict-who').textContent = `${change.actor ?? 'Someone'} changed this service `
      + `${change.at ? ago(change.at) : ''} while you were editing it. Their values:`;
    const names = problem.fields?.length ? problem.fields : EDITABLE;
    $('service-theirs').replaceChildren(...names.flatMap((name) => {
      const term = document.createElement('dt');
      term.textContent = LABELS[name] ?? name;
      const value = document.createElement('dd');
      value.textContent = shown(name, theirs);
      return [term, value];
    }));
    $('service-conflict').hidden = false;
    $('service-keep-mine').focus();
  }

  function keepMine() {
    base = theirs;
    $('service-conflict').hidden = true;
    submit();
  }

  function takeTheirs() {
    $('service-conflict').hidden = true;
    dialog.close();
    saved(theirs, 0, false);
    toast(`${theirs.name} keeps the other change; yours was not saved.`);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  clearOnInput(form);
  $('service-cancel').addEventListener('click', () => dialog.close());
  $('service-keep-mine').addEventListener('click', keepMine);
  $('service-take-theirs').addEventListener('click', takeTheirs);
  dialog.addEventListener('close', () => {
    returnFocus?.focus();
    returnFocus = null;
  });

  return {
    /** Opens the form empty for a new service, or filled with ``service`` to change it. */
    open(service = null, from = document.activeElement) {
      base = service;
      returnFocus = from;
      fill(service);
      clearFieldErrors(form);
      $('service-conflict').hidden = true;
      $('service-title').textContent = service ? `Change ${service.code}` : 'New service';
      inputs.get('code').readOnly = Boolean(service);
      dialog.showModal();
      inputs.get(service ? 'name' : 'code').focus();
    },
    close: () => dialog.open && dialog.close(),
  };
}
