// Wires the page: sign-in, the role, the location and day, the views (board, calendar, catalog,
// activity), moves, the drawer and the booking dialog.
import { onUnauthorized, token } from './api.js';
import { createActivity } from './activity.js';
import { BoardView } from './board.js';
import { createBooking } from './booking.js';
import { createCalendar } from './calendar.js';
import { createCatalog } from './catalog.js';
import { AUTH_REQUIRED, SERVER_TODAY } from './config.js';
import { showStats } from './dashboard.js';
import { createMoveMenu, enableDragging } from './dragdrop.js';
import { Drawer } from './drawer.js';
import { dayName, shiftDay, today } from './format.js';
import { createLocationPicker } from './locations.js';
import { createMover } from './moves.js';
import { role } from './role.js';
import { Sync } from './sync.js';
import { views } from './views.js';

const LOCATION = /^[a-z0-9-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TICK_MS = 30000;

const $ = (id) => document.getElementById(id);
const locationInput = $('location');
const dayInput = $('day');
const locations = createLocationPicker(locationInput, { seen: () => sync.seen.own });
/** The location asked for, and whether the address named it (kept even when not listed). */
const asked = { location: '', named: false };

token.adoptFromUrl();

function where() {
  const location = locationInput.value;
  return LOCATION.test(location) && DAY.test(dayInput.value) ? { location, date: dayInput.value } : null;
}

function setState(text, kind) {
  const line = $('sync-state');
  line.textContent = text;
  line.dataset.kind = kind;
}

let drawer = null;
let openMenu = () => {};
const board = new BoardView($('columns'), {
  open(id) {
    board.select(id);
    drawer.open(id, () => {
      board.select(null);
      board.focusCard(id);
    });
  },
  moveMenu: (id, anchor) => openMenu(id, anchor),
});
let calendar = null;
const sync = new Sync({
  where,
  onBoard(data) {
    board.show(data);
    calendar.show(data);
    const card = drawer.id && board.card(drawer.id);
    if (card) drawer.changed(card);
  },
  onStats: showStats,
  state: setState,
});
const moveCard = createMover({ board, sync, moved: (appointment) => drawer.changed(appointment) });
drawer = new Drawer({ sync, move: moveCard, saved: (appointment) => board.update(appointment) });
openMenu = createMoveMenu({ board, menu: $('move-menu'), move: moveCard });
enableDragging({ board, scroller: $('columns'), sync, move: moveCard });
const booking = createBooking({
  dialog: $('booking-dialog'),
  sync,
  booked: (appointment) => board.update(appointment),
});
calendar = createCalendar({
  root: $('calendar'),
  sync,
  open: (id, onClose = () => {}) => drawer.open(id, onClose),
  book: (slot) => booking.open(slot),
  goToDay: (day) => goToDay(day),
});
const catalog = createCatalog({ root: $('catalog') });
const activity = createActivity({
  root: $('activity'),
  openAt: (id, version, onClose = () => {}) => drawer.open(id, onClose, { version }),
});
$('new-appointment').addEventListener('click', () => booking.open(where() ?? {}));

/** The board and the calendar show a location's day, kept current by the sync. */
const dayView = {
  enter: () => sync.start(),
  leave: () => sync.stop(),
};
views.register('board', dayView);
views.register('calendar', {
  enter: (place) => {
    calendar.enter(place);
    return sync.start();
  },
  leave: () => {
    calendar.leave();
    sync.stop();
  },
});
views.register('catalog', catalog);
views.register('activity', activity);
for (const tab of document.querySelectorAll('[data-view-tab]')) {
  tab.addEventListener('click', (event) => {
    event.preventDefault();
    showView(tab.dataset.viewTab);
  });
}

function showOnly(...ids) {
  for (const id of ['sign-in', 'empty-state']) $(id).hidden = !ids.includes(id);
  if (ids.length) views.hideAll();
}

function showSignIn(message) {
  sync.stop();
  drawer.close();
  board.clear();
  role.forget();
  showOnly('sign-in');
  $('sign-in-message').textContent = message;
  $('sign-out').hidden = true;
  setState('Signed out', 'offline');
  $('token').value = '';
  $('token').focus();
}

let shown = null;
let wanted = views.fromUrl();

/** The catalog and the activity pages need no location or day. */
function showView(name) {
  wanted = name;
  if (name === 'catalog' || name === 'activity') {
    showOnly();
    $('controls').hidden = true; // these pages are not of a location's day
    setState('', 'idle');
    views.show(name, where());
    document.title = `${name === 'catalog' ? 'Catalog' : 'Activity'} · Status Board`;
    return;
  }
  begin();
}

/** Shows the chosen location's day, or asks for what is missing. */
async function begin() {
  if (AUTH_REQUIRED && !token.get()) {
    showSignIn('Enter the access token you were given to open the board.');
    return;
  }
  $('sign-out').hidden = !AUTH_REQUIRED;
  if (!role.name) {
    try {
      await role.load();
    } catch {
      // A refused token has shown the sign-in; otherwise the server is out of reach for now.
      if (!$('sign-in').hidden) return;
      setState('Cannot reach the server; reload to try again', 'offline');
      return;
    }
  }
  if (!(await locations.load(asked.location, asked.named))) return; // the token was refused
  if (wanted === 'catalog' || wanted === 'activity') {
    showView(wanted);
    return;
  }
  $('controls').hidden = false;
  const place = where();
  if (!place) {
    sync.stop();
    showOnly('empty-state');
    $('empty-state').textContent = locations.empty
      ? `No locations yet: a location is listed here once it has an appointment. ${role.may('staff')
        ? 'Book the first with New appointment.' : 'Someone with a staff token books the first.'}`
      : 'Choose a location and a day to see the board.';
    setState(locations.empty ? 'No locations yet' : 'No location chosen', 'idle');
    locationInput.focus();
    return;
  }
  if (shown && (shown.location !== place.location || shown.date !== place.date)) {
    drawer.close();
    board.clear();
  }
  shown = place;
  showOnly();
  asked.location = place.location;
  locations.remember(place.location);
  document.title = `${place.location} · ${dayName(place.date)} · Status Board`;
  setState('Loading…', 'waiting');
  views.show(wanted, place, today());
}

function goToDay(day) {
  dayInput.value = day;
  begin();
}

$('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  if (event.target.reportValidity()) begin();
});
locationInput.addEventListener('change', () => {
  Object.assign(asked, { location: locationInput.value, named: true });
  if (locationInput.checkValidity()) begin();
});
dayInput.addEventListener('change', () => {
  if (DAY.test(dayInput.value)) begin();
});
$('previous-day').addEventListener('click', () => goToDay(shiftDay(dayInput.value || today(), -1)));
$('next-day').addEventListener('click', () => goToDay(shiftDay(dayInput.value || today(), 1)));
$('today').addEventListener('click', () => goToDay(today()));

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token.set($('token').value);
  drawer.forgetAccess();
  begin();
});
$('sign-out').addEventListener('click', () => {
  token.clear();
  showSignIn('Signed out. Enter a token to open the board again.');
});
onUnauthorized(() => {
  token.clear();
  showSignIn('That token was not accepted: it may be mistyped or revoked. Enter a valid one.');
});

const params = new URL(window.location.href).searchParams;
const linked = LOCATION.test(params.get('location') ?? '') ? params.get('location') : '';
Object.assign(asked, { location: locations.initial(linked), named: Boolean(linked) });
dayInput.value = DAY.test(params.get('date') ?? '') ? params.get('date') : SERVER_TODAY;
setInterval(() => board.tick(), TICK_MS);
begin();
