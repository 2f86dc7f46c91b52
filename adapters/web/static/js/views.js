// The page's views (board, calendar, catalog, activity) and the address that names them: the
// URL keeps the view, the location and the day, so a reload or a shared link lands in the same
// place. Each view registers what it does when it is shown and when it is left.
const VIEWS = ['board', 'calendar', 'catalog', 'activity'];
const handlers = new Map();
let current = null;

export const views = {
  names: VIEWS,
  get current() {
    return current;
  },

  /** The view the address asks for (board when it names none or an unknown one). */
  fromUrl() {
    const asked = new URL(window.location.href).searchParams.get('view');
    return VIEWS.includes(asked) ? asked : 'board';
  },

  /** ``enter(place)`` runs when the view is shown, ``leave()`` when another one is. */
  register(name, { enter, leave = () => {} }) {
    handlers.set(name, { enter, leave });
  },

  /**
   * Shows ``name`` (a view whose control is hidden for this role falls back to the board) and
   * enters it, also when it is already shown (the location or the day may have changed).
   */
  show(name, place, today) {
    const tab = document.querySelector(`[data-view-tab="${name}"]`);
    const wanted = VIEWS.includes(name) && !(tab && tab.hidden) ? name : 'board';
    if (current && current !== wanted) handlers.get(current)?.leave();
    current = wanted;
    for (const view of VIEWS) {
      for (const node of document.querySelectorAll(`[data-view="${view}"]`)) {
        node.hidden = view !== wanted;
      }
    }
    for (const control of document.querySelectorAll('[data-view-tab]')) {
      const on = control.dataset.viewTab === wanted;
      if (on) control.setAttribute('aria-current', 'page');
      else control.removeAttribute('aria-current');
    }
    views.remember(place, today);
    handlers.get(wanted)?.enter(place);
  },

  /** Writes the view, location and day into the address without a new history entry. */
  remember(place, today) {
    const url = new URL(window.location.href);
    if (current && current !== 'board') url.searchParams.set('view', current);
    else url.searchParams.delete('view');
    if (place?.location) url.searchParams.set('location', place.location);
    if (place?.date) {
      if (today && place.date === today) url.searchParams.delete('date');
      else url.searchParams.set('date', place.date);
    }
    window.history.replaceState(window.history.state, '', url);
  },

  hideAll() {
    if (current) handlers.get(current)?.leave();
    current = null;
    for (const node of document.querySelectorAll('[data-view]')) node.hidden = true;
  },
};
