// The day's numbers above the board: totals, revenue, rates and how long cards stay put.
import { STATUSES, title } from './config.js';
import { minutes, money, percent } from './format.js';

const tiles = document.getElementById('stat-tiles');
const bar = document.getElementById('status-bar');
const legend = document.getElementById('status-legend');

function tile(label, value, hint) {
  const box = document.createElement('div');
  box.className = 'tile';
  const name = document.createElement('dt');
  name.textContent = label;
  const figure = document.createElement('dd');
  figure.textContent = value;
  if (hint) box.title = hint;
  box.append(name, figure);
  return box;
}

export function showStats(stats) {
  const stay = stats.avg_minutes_in_status;
  tiles.replaceChildren(
    tile('Appointments', String(stats.total)),
    tile('Booked revenue', money(stats.booked_revenue_cents), 'All but cancelled and no-shows'),
    tile('Completed revenue', money(stats.completed_revenue_cents)),
    tile('Completion rate', percent(stats.completion_rate), 'Completed of those not cancelled'),
    tile('No-show rate', percent(stats.no_show_rate), 'No-shows of those not cancelled'),
    tile('Avg. checked in', minutes(stay.checked_in), 'Mean length of finished stays'),
    tile('Avg. in progress', minutes(stay.in_progress), 'Mean length of finished stays'),
    tile('Avg. ready', minutes(stay.ready), 'Mean length of finished stays'),
  );
  const segments = [];
  const entries = [];
  for (const status of STATUSES) {
    const count = stats.by_status[status] ?? 0;
    if (count) {
      const segment = document.createElement('span');
      segment.className = 'segment';
      segment.dataset.status = status;
      segment.style.flexGrow = String(count);
      segments.push(segment);
    }
    const entry = document.createElement('li');
    entry.dataset.status = status;
    entry.className = count ? '' : 'none';
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    const figure = document.createElement('strong');
    figure.textContent = String(count);
    entry.append(dot, `${title(status)} `, figure);
    entries.push(entry);
  }
  bar.replaceChildren(...segments);
  legend.replaceChildren(...entries);
}
