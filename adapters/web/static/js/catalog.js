// The service catalog page (admin): search as you type, pages of a hundred followed by their
// keyset cursor, and each service changed, retired or reactivated with the version shown.
import { ApiError, api } from './api.js';
import { element } from './card.js';
import { createServiceDialog, shown } from './service_dialog.js';
import { toast } from './toasts.js';

const PAGE = 100;
const SEARCH_PAUSE_MS = 250;
const COLUMNS = [['name'], ['category'], ['price_cents', 'num'], ['duration_minutes', 'num'], ['active']];
const $ = (id) => document.getElementById(id);

function button(text, action) {
  const node = element('button', 'button-quiet row-action', text);
  node.type = 'button';
  node.dataset.action = action;
  return node;
}

/** A table row made once per service and refilled as it changes, so focus stays on it. */
function createRow(service) {
  const row = element('tr');
  row.dataset.id = service.id;
  const code = element('th');
  code.scope = 'row';
  const cells = COLUMNS.map(([, className]) => element('td', className));
  const edit = button('Edit', 'edit');
  const toggle = button('', 'toggle');
  const actions = element('td', 'row-actions');
  actions.append(edit, toggle);
  row.append(code, ...cells, actions);
  row.parts = { code, cells, edit, toggle };
  return row;
}

function fillRow(row, service) {
  const { code, cells, edit, toggle } = row.parts;
  code.textContent = service.code;
  COLUMNS.forEach(([name], index) => { cells[index].textContent = shown(name, service); });
  row.classList.toggle('is-retired', !service.active);
  edit.setAttribute('aria-label', `Edit ${service.name}`);
  toggle.textContent = service.active ? 'Retire' : 'Reactivate';
  toggle.setAttribute('aria-label', `${toggle.textContent} ${service.name}`);
}

export function createCatalog() {
  const rows = $('catalog-rows');
  const search = $('catalog-search');
  const active = $('catalog-active');
  const more = $('catalog-more');
  const count = $('catalog-count');
  const listed = new Map(); // id → {service, row}
  let next = null;
  let total = 0;
  let serial = 0;
  let timer = null;
  let position = 0; // the last write's, so the list reads what this page wrote
  const dialog = createServiceDialog({ saved });

  function showCount() {
    const words = search.value.trim() ? ' matching your search' : '';
    const noun = total === 1 ? 'service' : 'services';
    count.textContent = total ? `Showing ${listed.size} of ${total} ${noun}${words}.` : `No services${words}.`;
    more.hidden = !next;
    more.textContent = `Show ${Math.min(PAGE, Math.max(total - listed.size, 1))} more`;
  }

  async function load({ append = false } = {}) {
    clearTimeout(timer);
    const mine = ++serial;
    const query = {
      search: search.value.trim(), active: active.value, limit: PAGE,
      cursor: append ? next : undefined, min_position: position || undefined,
    };
    try {
      const page = await api.get('/services', query);
      if (mine !== serial) return;
      if (!append) {
        listed.clear();
        rows.replaceChildren();
      }
      const added = page.items.map((service) => {
        const row = listed.get(service.id)?.row ?? createRow(service);
        fillRow(row, service);
        listed.set(service.id, { service, row });
        rows.append(row);
        return row;
      });
      next = page.next_cursor;
      total = page.total;
      showCount();
      // "Show more" may hide itself: the keyboard goes on from the first row it brought.
      if (append) added[0]?.parts.edit.focus();
    } catch (error) {
      if (mine === serial) count.textContent = `The services could not be loaded: ${error.message}`;
    }
  }

  /** A service written here, or seen newer in a refusal: its row shows it at once. */
  async function saved(service, at, created) {
    position = Math.max(position, at || 0);
    const entry = listed.get(service.id);
    if (entry && service.version >= entry.service.version) {
      entry.service = service;
      fillRow(entry.row, service);
    }
    if (!created) return;
    toast(`${service.name} (${service.code}) is in the catalog.`, { kind: 'success' });
    await load();
    listed.get(service.id)?.row.parts.edit.focus();
  }

  async function toggle(entry) {
    const { service, row } = entry;
    const wanted = !service.active;
    row.parts.toggle.disabled = true;
    try {
      const { data, position: at } = await api.command('PATCH', `/services/${service.id}`, {
        expected_version: service.version, active: wanted,
      });
      saved(data, at, false);
      toast(`${data.name} ${data.active ? 'is active again' : 'is retired'}.`, { kind: 'success' });
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : {};
      if (problem.current) saved(problem.current, 0, false);
      const who = problem.conflicting_event?.actor;
      const message = who ? `${who} changed ${service.name} first; it was not changed.` : error.message;
      if (!(error instanceof ApiError && error.status === 401)) toast(message, { kind: 'error' });
    } finally {
      row.parts.toggle.disabled = false;
    }
  }

  rows.addEventListener('click', (event) => {
    const action = event.target.closest('[data-action]');
    const entry = action && listed.get(action.closest('tr').dataset.id);
    if (!entry) return;
    if (action.dataset.action === 'edit') dialog.open(entry.service, action);
    else toggle(entry);
  });
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(), SEARCH_PAUSE_MS);
  });
  active.addEventListener('change', () => load());
  $('catalog-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  more.addEventListener('click', () => load({ append: true }));
  $('catalog-new').addEventListener('click', (event) => dialog.open(null, event.currentTarget));

  return {
    enter: () => load(),
    leave() {
      clearTimeout(timer);
      serial += 1;
      dialog.close();
    },
  };
}
