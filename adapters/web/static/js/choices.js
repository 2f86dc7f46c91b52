// The selects of the booking dialog and the drawer: the locations booked at (GET /locations)
// and the staff seen at one (GET /staff?location=) with "Unassigned", each keeping a chosen
// value the list does not know yet.
import { api } from './api.js';

const UNASSIGNED = '';

function choice(value, text) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = text;
  return node;
}

/**
 * Fills ``select`` with the location's staff and selects ``chosen`` (an id, or {id, name}).
 * A failed read leaves "Unassigned" and the chosen member, so the form still works.
 */
export async function fillStaff(select, location, chosen = null) {
  const wanted = typeof chosen === 'string' ? { id: chosen, name: chosen } : chosen;
  let staff = [];
  try {
    staff = location ? (await api.get('/staff', { location })).items : [];
  } catch {
    staff = [];
  }
  if (wanted?.id && !staff.some((member) => member.id === wanted.id)) staff = [...staff, wanted];
  select.replaceChildren(
    choice(UNASSIGNED, 'Unassigned'),
    ...staff.map((member) => choice(member.id, member.name || member.id)),
  );
  select.value = wanted?.id ?? UNASSIGNED;
}

/** The select's member as the API takes it: {id, name}, or null for "Unassigned". */
export function chosenStaff(select) {
  if (select.value === UNASSIGNED) return null;
  return { id: select.value, name: select.selectedOptions[0]?.textContent ?? select.value };
}

/** Fills ``select`` with the locations and selects ``chosen`` (or the first). */
export async function fillLocations(select, chosen = null) {
  let known = [];
  try {
    known = (await api.get('/locations')).items;
  } catch {
    known = [];
  }
  if (chosen && !known.some((location) => location.id === chosen)) known = [{ id: chosen }, ...known];
  select.replaceChildren(...known.map((location) => choice(location.id, location.name || location.id)));
  select.value = chosen ?? known[0]?.id ?? '';
}
