// The calendar view of a location's day: a time grid with a column per staff member (see
// calendar-day.js), or the week's counts per day (calendar-week.js). The address keeps
// span=week while the week is shown.
import { api } from './api.js';
import { element } from './card.js';
import { DayGrid } from './calendar-day.js';
import { enableCardMoves } from './calendar-drag.js';
import { gridRange, openIntervals, spanOf, staffColumns } from './calendar-layout.js';
import { createRescheduler } from './calendar-move.js';
import { enableSlots } from './calendar-slots.js';
import { buildToolbar } from './calendar-toolbar.js';
import { createWeek } from './calendar-week.js';
import { dayName, serverNow, shiftDay, today } from './format.js';
import { role } from './role.js';
import { clockRange, instantAt, minutesInto, weekOf } from './zoned.js';

function spanFromUrl() {
  return new URL(window.location.href).searchParams.get('span') === 'week' ? 'week' : 'day';
}

function rememberSpan(span) {
  const url = new URL(window.location.href);
  if (span === 'week') url.searchParams.set('span', 'week');
  else url.searchParams.delete('span');
  window.history.replaceState(window.history.state, '', url);
}

/** ``open(id, onClose)`` shows a card's details; ``book(slot)`` the booking dialog. */
export function createCalendar({ root, sync, open, book, goToDay = () => {} }) {
  const state = {
    place: null, span: 'day', board: null, hours: null, staff: [], drawn: null, scrolled: null, ticket: 0, active: false,
  };
  const dayHost = element('div', 'cal-day-host');
  const weekHost = element('div', 'cal-week-host');
  const toolbar = buildToolbar({
    choose(span) {
      state.span = span;
      rememberSpan(span);
      draw();
    },
    shift: (days) => goToDay(shiftDay(state.place.date, days)),
  });
  root.append(toolbar.node, dayHost, weekHost);
  const grid = new DayGrid(dayHost);
  const week = createWeek({ host: weekHost, pick: pickDay, seen: () => sync.seen.own });
  const moves = createRescheduler({
    sync,
    draw: () => drawDay(),
    snapped: (id) => grid.cardNode(id)?.classList.add('snapped-back'),
  });
  const cards = () => (state.board?.columns ?? []).flatMap((column) => column.cards).map(moves.shown);
  const drag = enableCardMoves({
    grid,
    host: dayHost,
    sync,
    card: (id) => cards().find((card) => card.id === id),
    open: (id) => open(id, () => grid.cardNode(id)?.focus()),
    commit(id, to) {
      const card = cards().find((each) => each.id === id);
      const column = grid.model.columns[to.index];
      const length = Date.parse(card.ends_at) - Date.parse(card.starts_at);
      const starts = to.start === spanOf(card, state.place.date).start ? new Date(card.starts_at)
        : instantAt(state.place.date, to.start);
      return moves.move(card, {
        starts_at: starts.toISOString(),
        ends_at: new Date(starts.getTime() + length).toISOString(),
        staff: column.id ? { id: column.id, name: column.name } : null,
      });
    },
    canMove: () => role.may('staff'),
    say: (text) => { toolbar.live.textContent = text; },
  });
  enableSlots({
    grid,
    host: dayHost,
    book: ({ staff, start }) => book({ ...state.place, start, staff }),
  });

  function pickDay(date) {
    state.span = 'day';
    rememberSpan('day');
    if (date === state.place.date) draw();
    else goToDay(date);
  }

  function drawDay() {
    const { place, board, hours } = state;
    if (!board) {
      dayHost.replaceChildren(element('p', 'muted', 'Loading…'));
      state.drawn = null;
      return;
    }
    const shown = cards();
    const open = openIntervals(hours, place.date);
    const closed = Boolean(hours) && open.length === 0;
    const model = {
      date: place.date,
      columns: staffColumns(state.staff, shown),
      cards: shown,
      open,
      closed,
      range: gridRange(open, shown.map((card) => spanOf(card, place.date))),
      canMove: role.may('staff'),
      canBook: role.may('staff') && (!closed || role.may('admin')),
    };
    root.toggleAttribute('data-moves', model.canMove);
    const drawn = JSON.stringify(model);
    if (drawn !== state.drawn || !dayHost.firstChild?.classList.contains('cal-day')) grid.render(model);
    state.drawn = drawn;
    toolbar.hours(closed ? 'Closed' : open.map((i) => clockRange(place.date, i.start, i.end)).join(', '));
    const now = place.date === today() ? minutesInto(place.date, new Date(serverNow()).toISOString()) : null;
    grid.showNow(now);
    const key = `${place.location}/${place.date}`;
    if (state.scrolled !== key) {
      state.scrolled = key;
      const first = Math.min(...model.cards.map((card) => spanOf(card, place.date).start));
      grid.scrollTo(now ?? (Number.isFinite(first) ? first : model.range.start));
    }
  }

  function draw() {
    if (!state.place) return;
    const { place, span } = state;
    toolbar.show(span, span === 'week' ? `Week of ${dayName(weekOf(place.date)[0])}` : dayName(place.date));
    dayHost.hidden = span !== 'day';
    weekHost.hidden = span !== 'week';
    if (span === 'week') week.load(place);
    else drawDay();
  }

  /** The hours and staff of the location, asked again each time the view is entered. */
  async function loadLocation(place) {
    const ticket = ++state.ticket;
    const [hours, staff] = await Promise.allSettled([
      api.get(`/locations/${encodeURIComponent(place.location)}/hours`),
      api.get('/staff', { location: place.location, min_position: sync.seen.own || undefined }),
    ]);
    if (ticket !== state.ticket || !state.active) return;
    state.hours = hours.status === 'fulfilled' ? hours.value : null;
    state.staff = staff.status === 'fulfilled' ? staff.value.items : [];
    if (state.span === 'day') drawDay();
  }

  return {
    enter(place) {
      const before = state.place;
      if (before?.location !== place.location || before?.date !== place.date) {
        state.board = null;
        moves.forget();
      }
      if (before?.location !== place.location) Object.assign(state, { hours: null, staff: [] });
      state.place = place;
      state.active = true;
      state.span = spanFromUrl();
      rememberSpan(state.span);
      root.dataset.ready = 'true';
      draw();
      loadLocation(place);
    },
    leave() {
      state.active = false;
      drag.cancel();
      week.stop();
      rememberSpan('day');
    },
    show(board) {
      const { place } = state;
      if (!place || board.location !== place.location || board.date !== place.date) return;
      state.board = board;
      if (!state.active) return;
      if (state.span === 'day') drawDay();
      else week.load(place, false);
    },
  };
}
