// The activity page (support and admin): every appointment change, filtered by who, where, when
// and what, oldest first and paged; a row opens the appointment as it was after that change.
import { api } from './api.js';
import { element } from './card.js';
import { TIMEZONE } from './config.js';
import { when } from './format.js';
import { describeChange } from './history.js';
import { apiQuery, fillTypes, readAddress, typeName, writeAddress } from './activity_filters.js';

const PAGE = 50;
const DOING = {
  Booked: 'booked it',
  Rescheduled: 'changed its time',
  Assigned: 'changed its staff',
  NotesEdited: 'edited the notes',
  ServiceLineAdded: 'added a service',
  ServiceLineRemoved: 'removed a service',
};
const $ = (id) => document.getElementById(id);

/** A change told in words; a move names its columns as the drawer's history does. */
function what(item) {
  if (item.to_status) {
    return describeChange({ type: item.type, changes: { status: [item.from_status, item.to_status] } });
  }
  return DOING[item.type] ?? typeName(item.type).toLowerCase();
}

function rowFor(item) {
  const button = element('button', 'activity-row');
  button.type = 'button';
  button.dataset.id = item.appointment_id;
  button.dataset.version = String(item.version);
  button.dataset.type = item.type;
  button.setAttribute('aria-describedby', 'activity-help');
  const at = element('time', 'activity-when', when(item.at));
  at.dateTime = item.at;
  button.append(
    at,
    element('span', 'activity-who', item.actor),
    element('span', 'activity-what', what(item)),
    element('span', 'activity-which',
      `${item.location_id} · appointment ${item.appointment_id.slice(0, 8)} · version ${item.version}`),
  );
  const entry = element('li');
  entry.append(button);
  return entry;
}

/** ``openAt(id, version, onClose)`` opens the drawer on that version of the appointment. */
export function createActivity({ openAt }) {
  const form = $('activity-filters');
  const list = $('activity-rows');
  const more = $('activity-more');
  const count = $('activity-count');
  let next = null;
  let serial = 0;

  fillTypes(form.elements.type);
  $('activity-zone').textContent = `Times are in ${TIMEZONE}, the board's time zone. Oldest changes first.`;

  function showCount() {
    const shown = list.children.length;
    const rest = next ? '; more follow' : '';
    count.textContent = shown ? `${shown} ${shown === 1 ? 'change' : 'changes'} shown${rest}.`
      : 'No changes match these filters.';
    more.hidden = !next;
  }

  async function load({ append = false } = {}) {
    const mine = ++serial;
    try {
      const page = await api.get('/activity', {
        ...apiQuery(form), limit: PAGE, cursor: append ? next : undefined,
      });
      if (mine !== serial) return;
      const rows = page.items.map(rowFor);
      if (append) list.append(...rows);
      else list.replaceChildren(...rows);
      next = page.next_cursor;
      showCount();
      // "Show more" may hide itself: the keyboard goes on from the first row it brought.
      if (append) rows[0]?.firstElementChild.focus();
    } catch (error) {
      if (mine === serial) count.textContent = `The activity could not be loaded: ${error.message}`;
    }
  }

  function apply() {
    writeAddress(form);
    load();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.addEventListener('change', apply);
  // The fields are emptied after the reset event: read them once they are.
  form.addEventListener('reset', () => setTimeout(apply));
  more.addEventListener('click', () => load({ append: true }));
  list.addEventListener('click', (event) => {
    const row = event.target.closest('.activity-row');
    if (row) openAt(row.dataset.id, Number(row.dataset.version), () => row.focus());
  });

  return {
    enter() {
      readAddress(form);
      writeAddress(form);
      load();
    },
    leave() {
      serial += 1;
      writeAddress(form, false);
    },
  };
}
