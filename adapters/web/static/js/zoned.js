// Wall-clock arithmetic in the board's time zone: "09:30 on 4 March" as an instant (the API
// speaks UTC instants), an instant as a local day and time or as minutes after a day's local
// midnight, and the days of a week.
import { TIMEZONE } from './config.js';
import { timeOfDay, timeRange } from './format.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const reading = new Intl.DateTimeFormat('en-US', {
  timeZone: TIMEZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the zone's clocks read at ``ms``, as milliseconds of a UTC clock reading the same. */
function wall(ms) {
  const part = Object.fromEntries(reading.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(+part.year, +part.month - 1, +part.day, +part.hour % 24, +part.minute, +part.second);
}

function midnight(day) {
  const [year, month, date] = day.split('-').map(Number);
  return Date.UTC(year, month - 1, date);
}

/** The instant the zone's clocks read ``minutes`` after midnight on ``day`` (YYYY-MM-DD). */
export function instantAt(day, minutes) {
  const target = midnight(day) + minutes * 60000;
  let at = target;
  for (let pass = 0; pass < 2; pass += 1) at = target - (wall(at) - (at - (at % 1000)));
  return new Date(at);
}

/** Minutes after ``day``'s local midnight at which the instant ``iso`` falls. */
export function minutesInto(day, iso) {
  return (wall(Date.parse(iso)) - midnight(day)) / 60000;
}

/** "HH:MM" (24 h) for minutes after midnight; 1440 is "24:00". */
export function clockText(minutes) {
  const whole = Math.round(minutes);
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** The time ``minutes`` after ``day``'s midnight as the locale writes it ("9:30 AM"). */
export function clockAt(day, minutes) {
  return timeOfDay(instantAt(day, minutes).toISOString());
}

/** A range of minutes after ``day``'s midnight as the locale writes it. */
export function clockRange(day, start, end) {
  return timeRange(instantAt(day, start).toISOString(), instantAt(day, end).toISOString());
}

/** Minutes after midnight for "HH:MM". */
export function clockMinutes(text) {
  const [hours, mins] = text.split(':').map(Number);
  return hours * 60 + mins;
}

/** "monday" … "sunday" for a YYYY-MM-DD day. */
export function weekdayOf(day) {
  return WEEKDAYS[new Date(midnight(day)).getUTCDay()];
}

/** The seven days (YYYY-MM-DD) of the week, Monday first, that holds ``day``. */
export function weekOf(day) {
  const date = new Date(midnight(day));
  const back = (date.getUTCDay() + 6) % 7;
  return Array.from({ length: 7 }, (_, index) => {
    const each = new Date(midnight(day));
    each.setUTCDate(date.getUTCDate() - back + index);
    return each.toISOString().slice(0, 10);
  });
}

/** ``{date: 'YYYY-MM-DD', time: 'HH:MM'}`` of an instant, in the board's time zone. */
export function wallClock(at) {
  const iso = new Date(wall(new Date(at).getTime())).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** The instant (ISO, UTC) of a day and a time of day in the board's time zone; null if invalid. */
export function instant(date, time) {
  if (!DAY.test(date ?? '') || !CLOCK.test(time ?? '')) return null;
  if (new Date(midnight(date)).toISOString().slice(0, 10) !== date) return null; // e.g. 31 June
  return instantAt(date, clockMinutes(time)).toISOString().replace('.000Z', 'Z');
}

/** ``minutes`` after an instant, as an ISO instant. */
export function later(iso, minutes) {
  return new Date(Date.parse(iso) + minutes * 60000).toISOString().replace('.000Z', 'Z');
}

/** Minutes since midnight of "HH:MM". */
export const minutesOf = clockMinutes;

/** The first whole ``step`` minutes after ``ms`` (a walk-in starts now), as "HH:MM". */
export function nextStart(ms, step = 5) {
  const { time } = wallClock(ms + step * 60000);
  const minute = Math.floor((minutesOf(time) % 60) / step) * step;
  return `${time.slice(0, 3)}${String(minute).padStart(2, '0')}`;
}
