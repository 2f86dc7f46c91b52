// The calendar's day drawn: a time grid with a column per staff member, the cards placed by
// start and end, free slots to book in (for roles that may), the shut hours and a now-line.
import { element } from './card.js';
import { title } from './config.js';
import { timeRange } from './format.js';
import { STEP, lanes, shutBands, spanOf } from './calendar-layout.js';
import { clockAt, clockText } from './zoned.js';

const percent = (minutes, range) => `${((minutes - range.start) / (range.end - range.start)) * 100}%`;

/** Sets ``node``'s top and height to span ``start`` … ``end`` (minutes) of the grid's range. */
export function place(node, start, end, range) {
  node.style.top = percent(Math.max(start, range.start), range);
  node.style.height = percent(range.start + Math.min(end, range.end) - Math.max(start, range.start), range);
}

function describe(card) {
  return [
    timeRange(card.starts_at, card.ends_at),
    card.customer_name,
    card.services.join(', '),
    card.staff_name ? `with ${card.staff_name}` : 'unassigned',
    card.pending ? 'moving…' : title(card.status),
  ].join(', ');
}

export class DayGrid {
  constructor(host) {
    this.host = host;
    this.model = null;
    this.columnNodes = [];
    this.scroller = null;
  }

  /** ``model``: {date, columns, cards, open, range, closed, canBook, canMove}. */
  render(model) {
    const focused = this.focusKey();
    this.model = model;
    const { columns, range, closed } = model;
    const rows = (range.end - range.start) / STEP;
    const day = element('div', 'cal-day');
    day.classList.toggle('is-closed', closed);
    day.style.setProperty('--columns', columns.length);
    day.style.setProperty('--rows', rows);
    if (closed) day.append(element('p', 'cal-closed', 'Closed on this day'));
    const head = element('div', 'cal-head');
    head.append(element('span', 'cal-corner'));
    for (const column of columns) head.append(element('span', 'cal-staff', column.label));
    head.setAttribute('aria-hidden', 'true');
    const body = element('div', 'cal-body');
    body.append(this.times(model.date, range));
    this.columnNodes = columns.map((column, index) => this.column(column, index));
    body.append(...this.columnNodes);
    this.now = element('div', 'cal-now');
    this.now.setAttribute('aria-hidden', 'true');
    this.now.hidden = true;
    body.append(this.now);
    const scroll = element('div', 'cal-scroll');
    scroll.append(head, body);
    day.append(scroll);
    const keep = this.host.querySelector('.cal-scroll')?.scrollTop;
    this.host.replaceChildren(day);
    if (keep !== undefined) scroll.scrollTop = keep;
    this.scroller = scroll;
    this.restoreFocus(focused);
  }

  times(date, range) {
    const gutter = element('div', 'cal-times');
    gutter.setAttribute('aria-hidden', 'true');
    for (let minutes = range.start; minutes < range.end; minutes += 30) {
      const label = element('span', minutes % 60 ? 'cal-time is-half' : 'cal-time', clockAt(date, minutes));
      label.style.top = percent(minutes, range);
      gutter.append(label);
    }
    return gutter;
  }

  column(column, index) {
    const { range, cards, open, closed, canBook } = this.model;
    const node = element('div', 'cal-column');
    node.dataset.staff = column.id ?? '';
    node.dataset.index = index;
    node.setAttribute('role', 'group');
    node.setAttribute('aria-label', column.label);
    for (const band of closed ? [] : shutBands(open, range)) {
      const shut = element('div', 'cal-shut');
      place(shut, band.start, band.end, range);
      node.append(shut);
    }
    if (canBook) node.append(this.slots(column, index));
    const mine = cards.filter((card) => (card.staff_id ?? null) === column.id);
    const spans = mine.map((card) => ({ id: card.id, ...spanOf(card, this.model.date) }));
    const placed = lanes(spans);
    mine.forEach((card, at) => node.append(this.card(card, spans[at], placed.get(card.id))));
    return node;
  }

  slots(column, index) {
    const { range } = this.model;
    const list = element('div', 'cal-slots');
    for (let minutes = range.start; minutes < range.end; minutes += STEP) {
      const slot = element('button', minutes % 60 ? 'cal-slot' : 'cal-slot is-hour');
      slot.type = 'button';
      slot.tabIndex = index === 0 && minutes === range.start ? 0 : -1;
      slot.dataset.start = clockText(minutes);
      slot.dataset.label = clockAt(this.model.date, minutes);
      const who = column.id ? `with ${column.label}` : 'unassigned';
      slot.setAttribute('aria-label', `Book at ${slot.dataset.label} ${who}`);
      list.append(slot);
    }
    return list;
  }

  card(card, span, { lane, lanes: count }) {
    const node = element('button', 'cal-card');
    node.type = 'button';
    node.dataset.id = card.id;
    node.dataset.status = card.status;
    node.classList.toggle('is-pending', Boolean(card.pending));
    node.classList.toggle('is-short', span.end - span.start <= 2 * STEP);
    place(node, span.start, span.end, this.model.range);
    node.style.left = `${(lane / count) * 100}%`;
    node.style.width = `${100 / count}%`;
    const time = element('time', 'cal-card-time', timeRange(card.starts_at, card.ends_at));
    time.dateTime = card.starts_at;
    node.append(time, element('span', 'cal-card-customer', card.customer_name),
      element('span', 'cal-card-services', card.services.join(' · ')));
    node.setAttribute('aria-label', describe(card));
    if (this.model.canMove) node.setAttribute('aria-describedby', 'calendar-move-help');
    return node;
  }

  /** The now-line at ``minutes`` after midnight, or none (null: not today, or off the grid). */
  showNow(minutes) {
    if (!this.now) return;
    const { range } = this.model;
    this.now.hidden = minutes === null || minutes < range.start || minutes > range.end;
    if (!this.now.hidden) this.now.style.top = percent(minutes, range);
  }

  /** Scrolls the grid so that ``minutes`` after midnight shows near its top. */
  scrollTo(minutes) {
    const { range } = this.model;
    const body = this.scroller.querySelector('.cal-body');
    this.scroller.scrollTop = ((minutes - range.start) / (range.end - range.start)) * body.offsetHeight - 60;
  }

  cardNode(id) {
    return this.host.querySelector(`.cal-card[data-id="${CSS.escape(id)}"]`);
  }

  /** The column index under the page's x (the nearest one at the edges). */
  columnAt(x) {
    const boxes = this.columnNodes.map((node) => node.getBoundingClientRect());
    const inside = boxes.findIndex((box) => x >= box.left && x < box.right);
    if (inside >= 0) return inside;
    return x < boxes[0].left ? 0 : boxes.length - 1;
  }

  /** How many minutes one pixel of height is. */
  minutesPerPixel() {
    const { range } = this.model;
    return (range.end - range.start) / this.columnNodes[0].getBoundingClientRect().height;
  }

  focusKey() {
    const active = document.activeElement;
    if (!active || !this.host.contains(active)) return null;
    if (active.dataset.id) return { id: active.dataset.id };
    return { slot: active.dataset.start, index: active.closest('.cal-column')?.dataset.index };
  }

  restoreFocus(key) {
    if (!key) return;
    const found = key.id
      ? this.cardNode(key.id)
      : this.columnNodes[key.index]?.querySelector(`.cal-slot[data-start="${key.slot}"]`);
    if (found) {
      if (found.classList.contains('cal-slot')) this.rove(found);
      found.focus({ preventScroll: true });
    }
  }

  /** The one slot reached by Tab. */
  rove(slot) {
    for (const other of this.host.querySelectorAll('.cal-slot[tabindex="0"]')) other.tabIndex = -1;
    slot.tabIndex = 0;
  }
}
