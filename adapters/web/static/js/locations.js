// The top bar's Location: the locations booked at (GET /locations), by name, each with today's
// count. A location the address names that is not listed yet (a new one's link) is offered too.
import { ApiError, api } from './api.js';

const LAST_KEY = 'statusboard.location';

function nameOf(item) {
  return item.name || item.id;
}

function sorted(items) {
  return [...items].sort((a, b) => nameOf(a).localeCompare(nameOf(b)) || a.id.localeCompare(b.id));
}

function option(value, text) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = text;
  return node;
}

/** ``seen()`` is the lowest position the list must include (the user's own last write). */
export function createLocationPicker(select, { seen = () => 0 } = {}) {
  let listed = [];

  /** Options for the listed locations and ``chosen``; keeps ``chosen`` selected. */
  function fill(chosen) {
    const items = sorted(listed);
    const options = items.map((item) => option(item.id, `${nameOf(item)} (${item.appointments_today} today)`));
    if (chosen && !items.some((item) => item.id === chosen)) options.push(option(chosen, chosen));
    if (!options.length) {
      const none = option('', 'No locations yet');
      none.disabled = true;
      options.push(none);
    }
    select.replaceChildren(...options);
    select.value = chosen ?? '';
  }

  return {
    get value() {
      return select.value;
    },

    /** The location to show first: the address's, else the last one used here, if any. */
    initial(fromUrl) {
      return fromUrl || localStorage.getItem(LAST_KEY) || '';
    },

    remember(location) {
      localStorage.setItem(LAST_KEY, location);
    },

    /** True when no location has been booked at yet (and none is named). */
    get empty() {
      return !listed.length && !select.value;
    },

    /**
     * Asks for the list again and shows it with ``wanted`` chosen; without one (or with one
     * remembered that is gone), the first listed. Keeps the list it had when the read fails;
     * false when the token was refused.
     */
    async load(wanted, named) {
      try {
        listed = (await api.get('/locations', { min_position: seen() || undefined })).items;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return false;
        // Out of reach for now: the options shown stay, with the one wanted among them.
      }
      let chosen = wanted;
      if (!named && !listed.some((item) => item.id === wanted)) chosen = '';
      if (!chosen && listed.length) {
        chosen = sorted(listed)[0].id;
      }
      fill(chosen);
      return true;
    },
  };
}
