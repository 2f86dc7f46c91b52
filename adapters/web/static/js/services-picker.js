// The services picker, shared by the booking dialog and the drawer: a combobox that searches
// the catalog as the user types (GET /services?search=, debounced), pages on with the keyset
// cursor ("More results"), and is used by keyboard: arrows move through the list
// (aria-activedescendant), Enter takes the service, Escape closes the list.
import { api } from './api.js';
import { money } from './format.js';

const DEBOUNCE_MS = 250;
const PAGE_SIZE = 8;
let made = 0;

function element(tag, props = {}, attributes = {}) {
  const node = Object.assign(document.createElement(tag), props);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** One line of the list: the name, then code, duration and price. */
function option(service, id) {
  const item = element('li', { id, className: 'picker-option' }, { role: 'option', 'aria-selected': 'false' });
  const name = element('span', { className: 'picker-name', textContent: service.name });
  const meta = element('span', {
    className: 'picker-meta',
    textContent: `${service.code} · ${service.duration_minutes} min · ${money(service.price_cents)}`,
  });
  item.append(name, ' ', meta);
  return item;
}

/**
 * Builds the picker in ``root``. ``choose(service)`` is told of each service taken; ``field``
 * names the API field its messages belong to (data-field), e.g. "services".
 */
export function createServicePicker(root, { label, choose, field = null }) {
  made += 1;
  const id = `service-picker-${made}`;
  const input = element('input', { id: `${id}-input`, type: 'text', autocomplete: 'off', spellcheck: false }, {
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `${id}-list`,
    'aria-describedby': `${id}-status`,
  });
  if (field) input.dataset.field = field;
  const list = element('ul', { id: `${id}-list`, className: 'picker-list', hidden: true }, {
    role: 'listbox', 'aria-label': 'Services found', tabindex: '-1',
  });
  const more = element('button', { type: 'button', className: 'button-quiet picker-more', hidden: true, textContent: 'More results' });
  const status = element('p', { id: `${id}-status`, className: 'picker-status muted' }, { role: 'status' });
  // The list and its "More results" float over what follows, so opening them moves nothing.
  const popup = element('div', { className: 'picker-popup', hidden: true });
  popup.append(list, more);
  const box = element('div', { className: 'picker-box' });
  box.append(input, popup);
  root.classList.add('picker');
  root.replaceChildren(element('label', { htmlFor: input.id, textContent: label }), box, status);

  let items = [];
  let active = -1;
  let cursor = null;
  let total = 0;
  let serial = 0;
  let timer = null;

  function setActive(index) {
    active = index;
    list.querySelectorAll('[role="option"]').forEach((node, at) => node.setAttribute('aria-selected', String(at === index)));
    const node = index >= 0 ? list.children[index] : null;
    if (node) {
      input.setAttribute('aria-activedescendant', node.id);
      node.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(open) {
    list.hidden = !open || !items.length;
    more.hidden = !open || !cursor;
    popup.hidden = list.hidden && more.hidden;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (list.hidden) setActive(-1);
  }

  function render() {
    list.replaceChildren(...items.map((service, index) => {
      const node = option(service, `${id}-option-${index}`);
      node.addEventListener('mousedown', (event) => event.preventDefault());
      node.addEventListener('click', () => take(index));
      return node;
    }));
  }

  async function search(next = false) {
    const asked = ++serial;
    status.textContent = 'Searching…';
    try {
      const page = await api.get('/services', {
        search: input.value.trim(), active: true, limit: PAGE_SIZE, cursor: next ? cursor : undefined,
      });
      if (asked !== serial) return;
      const first = next ? items.length : 0;
      items = next ? items.concat(page.items) : page.items;
      cursor = page.next_cursor ?? null;
      total = page.total ?? items.length;
      render();
      show(true);
      setActive(items.length ? Math.min(first, items.length - 1) : -1);
      status.textContent = items.length
        ? `${items.length} of ${total} services shown; arrow keys to choose, Enter to add.`
        : 'No active service matches.';
    } catch (error) {
      if (asked === serial) status.textContent = `Could not search the catalog: ${error.message}`;
    }
  }

  function take(index) {
    const service = items[index];
    if (!service) return;
    choose(service);
    input.value = '';
    show(false);
    status.textContent = `${service.name} added.`;
    input.focus();
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) {
        search();
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(Math.max(0, Math.min(items.length - 1, active + step)));
    } else if (event.key === 'Enter') {
      // Enter in the picker takes a service; it never submits the form around it.
      event.preventDefault();
      if (open && active >= 0) take(active);
      else search();
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      show(false);
    }
  });
  more.addEventListener('click', async () => {
    await search(true);
    input.focus();
  });
  root.addEventListener('focusout', (event) => {
    if (!root.contains(event.relatedTarget)) show(false);
  });

  return {
    input,
    /** Empties the search and the list. */
    reset() {
      serial += 1;
      clearTimeout(timer);
      input.value = '';
      items = [];
      cursor = null;
      render();
      show(false);
      status.textContent = '';
    },
  };
}
