// The activity page's filters and the address that keeps them, so a shared link shows the same
// list. Times are typed as the board's wall clock (its time zone) and asked for in UTC.
import { EVENT_TYPES } from './config.js';
import { instant } from './zoned.js';

/** The form's field names, which are also the address's query parameters. */
const PARAMS = ['actor', 'place', 'type', 'from', 'to'];
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const RULES = {
  type: (value) => EVENT_TYPES.includes(value),
  from: (value) => LOCAL_TIME.test(value),
  to: (value) => LOCAL_TIME.test(value),
};

/** "NotesEdited" → "Notes edited". */
export function typeName(type) {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fillTypes(select) {
  select.append(...EVENT_TYPES.map((type) => new Option(typeName(type), type)));
}

/** "2030-03-04T09:30" on the board's wall clock, as a UTC instant in ISO form. */
function boardTimeToIso(local) {
  const [date, time] = local.split('T');
  return instant(date, time) ?? '';
}

/** The form's filters as the API's query. */
export function apiQuery(form) {
  const value = (name) => form.elements[name].value.trim();
  return {
    actor: value('actor'),
    location: value('place'),
    type: value('type'),
    since: value('from') && boardTimeToIso(value('from')),
    until: value('to') && boardTimeToIso(value('to')),
  };
}

/** Fills the form from the address, leaving out values that are not a filter's. */
export function readAddress(form) {
  const params = new URL(window.location.href).searchParams;
  for (const name of PARAMS) {
    const value = params.get(name) ?? '';
    form.elements[name].value = !value || (RULES[name] ?? (() => true))(value) ? value : '';
  }
}

/** Writes the form's filters into the address, or takes them out with ``keep`` false. */
export function writeAddress(form, keep = true) {
  const url = new URL(window.location.href);
  for (const name of PARAMS) {
    const value = keep ? form.elements[name].value.trim() : '';
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  window.history.replaceState(window.history.state, '', url);
}
