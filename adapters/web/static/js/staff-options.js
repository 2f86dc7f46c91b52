// The staff select of the booking dialog and the drawer: "Unassigned" and the staff seen at a
// location (GET /staff?location=), keeping a member the list does not know yet.
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
