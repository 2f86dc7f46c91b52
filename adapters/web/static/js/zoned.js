// Wall-clock days and times in the board's time zone, and the UTC instants the API speaks.
// A form asks for "2030-03-04" and "10:30" at the location; the API wants an instant.
import { TIMEZONE } from './config.js';

const wall = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIMEZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

export const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** ``{date: 'YYYY-MM-DD', time: 'HH:MM'}`` of an instant, in the board's time zone. */
export function wallClock(instant) {
  const parts = Object.fromEntries(
    wall.formatToParts(new Date(instant)).map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function asUtcMs({ date, time }) {
  return Date.parse(`${date}T${time}:00Z`);
}

/** The instant (ISO, UTC) of a day and a time of day in the board's time zone; null if invalid. */
export function instant(date, time) {
  if (!DAY.test(date ?? '') || !CLOCK.test(time ?? '')) return null;
  const wanted = asUtcMs({ date, time });
  if (Number.isNaN(wanted)) return null;
  // Guess, see which wall clock that is, and correct by the difference (twice, for DST edges).
  let guess = wanted;
  for (let step = 0; step < 2; step += 1) guess += wanted - asUtcMs(wallClock(guess));
  return new Date(guess).toISOString().replace('.000Z', 'Z');
}

/** ``minutes`` after an instant, as an ISO instant. */
export function later(iso, minutes) {
  return new Date(Date.parse(iso) + minutes * 60000).toISOString().replace('.000Z', 'Z');
}

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time) {
  const [hours, mins] = time.split(':').map(Number);
  return hours * 60 + mins;
}
