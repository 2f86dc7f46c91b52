// Keeps the board and the numbers current without a reload. Every read asks for at least the
// highest position this page has seen, its own writes included (min_position), and a reply
// older than the user's own last move is dropped: the page never goes back in time.
import { ApiError, NetworkError, api } from './api.js';
import { timeOfDay } from './format.js';

const OWN_KEY = 'statusboard.own-position';
const EVERY_MS = 4000;
const LAGGING_RETRY_MS = 1000;
const OFFLINE_RETRY_MS = [2000, 4000, 8000, 15000];

export class Sync {
  /** ``where()`` gives {location, date} or null; ``onBoard`` and ``onStats`` take the data. */
  constructor({ where, onBoard, onStats, state }) {
    Object.assign(this, { where, onBoard, onStats, state });
    // Kept for the tab, so a reload right after a move still waits for it.
    this.seen = { own: Number(sessionStorage.getItem(OWN_KEY)) || 0, board: 0, stats: 0 };
    this.ticket = 0;
    this.holds = new Set();
    this.missed = false;
    this.failures = 0;
    this.running = false;
    this.timer = null;
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.running) this.refresh();
    });
  }

  /** The position of a change this user made: reads from now on must include it. */
  sawWrite(position) {
    this.seen.own = Math.max(this.seen.own, position || 0);
    sessionStorage.setItem(OWN_KEY, String(this.seen.own));
  }

  start() {
    this.running = true;
    return this.refresh();
  }

  stop() {
    this.running = false;
    this.ticket += 1;
    clearTimeout(this.timer);
  }

  /** While held (a card is being dragged) nothing is redrawn; a missed refresh runs on release. */
  hold(reason) {
    this.holds.add(reason);
  }

  release(reason) {
    this.holds.delete(reason);
    if (!this.holds.size && this.missed && this.running) this.refresh();
  }

  async refresh() {
    clearTimeout(this.timer);
    const place = this.where();
    if (!this.running || !place) return;
    if (this.holds.size) {
      this.missed = true;
      return;
    }
    const ticket = ++this.ticket;
    const [board, stats] = await Promise.allSettled([
      api.board(place.location, place.date, Math.max(this.seen.own, this.seen.board)),
      api.stats(place.location, place.date, Math.max(this.seen.own, this.seen.stats)),
    ]);
    if (ticket !== this.ticket) return; // a newer refresh has the page now
    if (this.holds.size) {
      this.missed = true;
      return;
    }
    this.missed = false;
    this.take(board, 'board', this.onBoard);
    this.take(stats, 'stats', this.onStats);
    const failure = [board, stats].find((result) => result.status === 'rejected')?.reason;
    this.report(failure);
  }

  take(result, name, show) {
    if (result.status !== 'fulfilled') return;
    const { data, position } = result.value;
    if (position < this.seen.own) return;
    this.seen[name] = Math.max(this.seen[name], position);
    show(data);
  }

  report(failure) {
    if (!failure) {
      this.failures = 0;
      this.state(`Live · updated ${timeOfDay(new Date().toISOString())}`, 'live');
      this.schedule(EVERY_MS);
    } else if (failure instanceof ApiError && failure.status === 401) {
      this.stop();
    } else if (failure instanceof ApiError && failure.slug === 'projection_lagging') {
      this.state('Catching up with the latest changes…', 'waiting');
      this.schedule(failure.retryAfterMs ?? LAGGING_RETRY_MS);
    } else {
      const delay = OFFLINE_RETRY_MS[Math.min(this.failures, OFFLINE_RETRY_MS.length - 1)];
      this.failures += 1;
      const why = failure instanceof NetworkError ? 'No connection' : failure.message;
      this.state(`${why} · trying again in ${Math.round(delay / 1000)} s`, 'offline');
      this.schedule(delay);
    }
  }

  schedule(ms) {
    clearTimeout(this.timer);
    if (this.running && !document.hidden) this.timer = setTimeout(() => this.refresh(), ms);
  }
}
