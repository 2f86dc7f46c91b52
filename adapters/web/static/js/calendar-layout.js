// Where things go on the calendar's day: the hours the grid spans, the columns of staff, and
// cards that overlap in one column set side by side.
import { clockMinutes, minutesInto, weekdayOf } from './zoned.js';

export const STEP = 15;
const DEFAULT_OPEN = [{ start: 8 * 60, end: 20 * 60 }];
const DAY_END = 24 * 60;

/** The open intervals of ``date`` as minutes ([] when closed); the default hours without any. */
export function openIntervals(hours, date) {
  if (!hours) return DEFAULT_OPEN;
  if ((hours.closed_dates ?? []).includes(date)) return [];
  return (hours.weekly?.[weekdayOf(date)] ?? []).map((interval) => ({
    start: clockMinutes(interval.opens),
    end: clockMinutes(interval.closes),
  }));
}

/** A card's place in the day: minutes after local midnight, at least one step long. */
export function spanOf(card, date) {
  const start = minutesInto(date, card.starts_at);
  return { start, end: Math.max(minutesInto(date, card.ends_at), start + STEP) };
}

/**
 * The whole hours the grid shows: the opening hours (or the default ones on a closed day),
 * widened to hold every card.
 */
export function gridRange(open, spans) {
  const edges = open.length ? open : DEFAULT_OPEN;
  let start = Math.min(...edges.map((interval) => interval.start));
  let end = Math.max(...edges.map((interval) => interval.end));
  for (const span of spans) {
    start = Math.min(start, Math.floor(span.start / 60) * 60);
    end = Math.max(end, Math.ceil(span.end / 60) * 60);
  }
  start = Math.max(0, Math.floor(start / 60) * 60);
  end = Math.min(DAY_END, Math.ceil(end / 60) * 60);
  return { start, end: Math.max(end, start + 60) };
}

/** The stretches of the range when the location is not open. */
export function shutBands(open, range) {
  const bands = [];
  let from = range.start;
  for (const interval of [...open].sort((a, b) => a.start - b.start)) {
    if (interval.start > from) bands.push({ start: from, end: Math.min(interval.start, range.end) });
    from = Math.max(from, interval.end);
  }
  if (from < range.end) bands.push({ start: from, end: range.end });
  return bands.filter((band) => band.end > band.start);
}

/** A column per staff member (by name), those only seen on cards included, then Unassigned. */
export function staffColumns(staff, cards) {
  const names = new Map(staff.map((member) => [member.id, member.name]));
  for (const card of cards) {
    if (card.staff_id && !names.has(card.staff_id)) names.set(card.staff_id, card.staff_name ?? card.staff_id);
  }
  const counts = new Map();
  for (const name of names.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const columns = Array.from(names, ([id, name]) => ({
    id,
    name,
    label: counts.get(name) > 1 ? `${name} (${id})` : name,
  }));
  columns.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return [...columns, { id: null, name: 'Unassigned', label: 'Unassigned' }];
}

/**
 * Side by side: each item ({id, start, end}) gets a lane and how many lanes its cluster of
 * overlapping items needs, as a Map id → {lane, lanes}.
 */
export function lanes(items) {
  const placed = new Map();
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  let cluster = [];
  let ends = [];
  let clusterEnd = -Infinity;
  const close = () => {
    for (const id of cluster) placed.get(id).lanes = ends.length;
    cluster = [];
    ends = [];
  };
  for (const item of sorted) {
    if (item.start >= clusterEnd) close();
    let lane = ends.findIndex((end) => end <= item.start);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = item.end;
    clusterEnd = cluster.length ? Math.max(clusterEnd, item.end) : item.end;
    cluster.push(item.id);
    placed.set(item.id, { lane, lanes: 1 });
  }
  close();
  return placed;
}
