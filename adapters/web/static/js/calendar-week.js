// The calendar's week: how many appointments each of the seven days (Monday first) has, from
// the day's numbers (GET /dashboard/stats, a few numbers a day whatever the day holds, where
// the board would bring every card). A day opens that day's calendar.
import { api } from './api.js';
import { element } from './card.js';
import { STATUSES, title } from './config.js';
import { today } from './format.js';
import { weekOf } from './zoned.js';

const REFRESH_MS = 30000;
const dayLabel = new Intl.DateTimeFormat(undefined, {
  weekday: 'long', day: 'numeric', month: 'short', timeZone: 'UTC',
});

function bar(stats) {
  const node = element('span', 'cal-week-bar');
  node.setAttribute('aria-hidden', 'true');
  for (const status of STATUSES) {
    const count = stats?.by_status?.[status] ?? 0;
    if (!count) continue;
    const segment = element('span', 'segment');
    segment.dataset.status = status;
    segment.style.flexGrow = count;
    segment.title = `${title(status)}: ${count}`;
    node.append(segment);
  }
  return node;
}

/** ``pick(date)`` opens a day; ``seen()`` is the lowest position the counts must include. */
export function createWeek({ host, pick, seen }) {
  let ticket = 0;
  let loaded = { key: null, at: 0 };

  function draw(chosen, days, results) {
    const focused = host.contains(document.activeElement) ? document.activeElement.dataset.date : null;
    const list = element('ol', 'cal-week');
    const now = today();
    days.forEach((date, index) => {
      const result = results?.[index];
      const stats = result?.status === 'fulfilled' ? result.value.data : null;
      const item = element('li');
      const button = element('button', 'cal-week-day');
      button.type = 'button';
      button.dataset.date = date;
      if (date === chosen) button.setAttribute('aria-current', 'date');
      button.classList.toggle('is-today', date === now);
      let count = '…';
      if (result) count = stats ? String(stats.total) : '—';
      const noun = stats?.total === 1 ? 'appointment' : 'appointments';
      button.append(
        element('span', 'cal-week-name', dayLabel.format(new Date(`${date}T00:00:00Z`))),
        element('span', 'cal-week-count', count),
        element('span', 'cal-week-noun', result && !stats ? 'not available' : noun),
        bar(stats),
      );
      item.append(button);
      list.append(item);
    });
    host.replaceChildren(list);
    if (focused) host.querySelector(`[data-date="${focused}"]`)?.focus();
  }

  host.addEventListener('click', (event) => {
    const button = event.target.closest('.cal-week-day');
    if (button) pick(button.dataset.date);
  });

  return {
    /** Counts the week of ``place.date``; again only when older than a while, unless ``fresh``. */
    async load(place, fresh = true) {
      const key = `${place.location}/${place.date}`;
      if (!fresh && loaded.key === key && Date.now() - loaded.at < REFRESH_MS) return;
      loaded = { key, at: Date.now() };
      const mine = ++ticket;
      const days = weekOf(place.date);
      if (fresh) draw(place.date, days, null);
      const results = await Promise.allSettled(
        days.map((date) => api.stats(place.location, date, seen())),
      );
      if (mine === ticket) draw(place.date, days, results);
    },
    stop() {
      ticket += 1;
      loaded = { key: null, at: 0 };
    },
  };
}
