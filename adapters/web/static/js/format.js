// Times, money and durations as the front desk reads them. Times are shown in the board's time
// zone, and "how long ago" uses the server's clock (from the Date header) so a skewed laptop
// clock does not say "-3 min".
import { TIMEZONE } from './config.js';

let skewMs = 0;

export function noteServerDate(header) {
  const server = header ? Date.parse(header) : NaN;
  // The header has whole seconds only: ignore differences that small.
  if (!Number.isNaN(server) && Math.abs(server - Date.now()) > 1500) skewMs = server - Date.now();
}

export function serverNow() {
  return Date.now() + skewMs;
}

const clock = new Intl.DateTimeFormat(undefined, {
  hour: 'numeric', minute: '2-digit', timeZone: TIMEZONE,
});
const dayAndClock = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  timeZone: TIMEZONE,
});
const longDay = new Intl.DateTimeFormat(undefined, {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
});
const amount = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function timeOfDay(iso) {
  return clock.format(new Date(iso));
}

/** "1:10 – 3:30 PM" or "13:10–15:30", as the locale writes a range. */
export function timeRange(startIso, endIso) {
  return clock.formatRange(new Date(startIso), new Date(endIso));
}

export function when(iso) {
  return dayAndClock.format(new Date(iso));
}

export function whenRange(startIso, endIso) {
  return dayAndClock.formatRange(new Date(startIso), new Date(endIso));
}

/** "Tuesday, 4 March 2030" for a YYYY-MM-DD day. */
export function dayName(isoDay) {
  return longDay.format(new Date(`${isoDay}T00:00:00Z`));
}

export function money(cents) {
  return amount.format(cents / 100);
}

export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${whole.format(rate * 100)}%`;
}

export function minutes(value) {
  if (value === null || value === undefined) return '—';
  return `${value >= 10 ? whole.format(value) : value.toFixed(1)} min`;
}

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function span(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const mins = Math.floor(seconds / 60);
  if (mins < 60) return `${mins} min`;
  const hours = Math.floor(mins / 60);
  if (hours < 24) return mins % 60 ? `${hours} h ${mins % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export function since(iso) {
  return span(serverNow() - Date.parse(iso));
}

export function ago(iso) {
  const ms = serverNow() - Date.parse(iso);
  return ms < 5000 ? 'just now' : `${span(ms)} ago`;
}

/** The day after (or before) a YYYY-MM-DD day. */
export function shiftDay(isoDay, days) {
  const date = new Date(`${isoDay}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const isoDay = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TIMEZONE,
});

/** Today in the board's time zone, as YYYY-MM-DD. */
export function today() {
  return isoDay.format(new Date(serverNow()));
}
