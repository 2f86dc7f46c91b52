// Wires the page: sign-in, the location and day, the board, its numbers, moves and the drawer.
import { onUnauthorized, token } from './api.js';
import { BoardView } from './board.js';
import { AUTH_REQUIRED, SERVER_TODAY } from './config.js';
import { showStats } from './dashboard.js';
import { createMoveMenu, enableDragging } from './dragdrop.js';
import { Drawer } from './drawer.js';
import { dayName, shiftDay, today } from './format.js';
import { createMover } from './moves.js';
import { Sync } from './sync.js';

const RECENT_KEY = 'statusboard.locations';
const LOCATION = /^[a-z0-9-]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TICK_MS = 30000;

const $ = (id) => document.getElementById(id);
const locationInput = $('location');
const dayInput = $('day');

token.adoptFromUrl();

function recentLocations() {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((name) => LOCATION.test(name)) : [];
  } catch {
    return [];
  }
}

function remember(location) {
  const list = [location, ...recentLocations().filter((name) => name !== location)].slice(0, 8);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  showRecent(list);
}

function showRecent(list) {
  $('recent-locations').replaceChildren(...list.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    return option;
  }));
}

function where() {
  const location = locationInput.value.trim();
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
const sync = new Sync({
  where,
  onBoard(data) {
    board.show(data);
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

function showOnly(...ids) {
  for (const id of ['sign-in', 'empty-state', 'dashboard', 'board']) $(id).hidden = !ids.includes(id);
}

function showSignIn(message) {
  sync.stop();
  drawer.close();
  board.clear();
  showOnly('sign-in');
  $('sign-in-message').textContent = message;
  $('sign-out').hidden = true;
  setState('Signed out', 'offline');
  $('token').value = '';
  $('token').focus();
}

let shown = null;

/** Shows the chosen location's day, or asks for what is missing. */
function begin() {
  if (AUTH_REQUIRED && !token.get()) {
    showSignIn('Enter the access token you were given to open the board.');
    return;
  }
  $('sign-out').hidden = !AUTH_REQUIRED;
  const place = where();
  if (!place) {
    sync.stop();
    showOnly('empty-state');
    $('empty-state').textContent = 'Choose a location and a day to see the board. '
      + 'The demo data (statusboard seed-demo) has downtown, harbour and northside.';
    setState('No location chosen', 'idle');
    locationInput.focus();
    return;
  }
  if (shown && (shown.location !== place.location || shown.date !== place.date)) {
    drawer.close();
    board.clear();
  }
  shown = place;
  showOnly('dashboard', 'board');
  remember(place.location);
  const url = new URL(window.location.href);
  url.searchParams.set('location', place.location);
  if (place.date === today()) url.searchParams.delete('date');
  else url.searchParams.set('date', place.date);
  window.history.replaceState(window.history.state, '', url);
  document.title = `${place.location} · ${dayName(place.date)} · Status Board`;
  setState('Loading…', 'waiting');
  sync.start();
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
locationInput.value = params.get('location') ?? recentLocations()[0] ?? '';
dayInput.value = DAY.test(params.get('date') ?? '') ? params.get('date') : SERVER_TODAY;
showRecent(recentLocations());
setInterval(() => board.tick(), TICK_MS);
begin();
