// What the server told the page up front: the API's place, the time zone of the board's days,
// the columns with the moves the domain allows between them, and the kinds of change recorded.
const config = JSON.parse(document.getElementById('board-config').textContent);

const columns = new Map(config.columns.map((column) => [column.status, column]));

export const API = config.api;
export const AUTH_REQUIRED = config.auth;
export const TIMEZONE = config.timezone;
export const SERVER_TODAY = config.today;
export const STATUSES = config.columns.map((column) => column.status);
/** The kinds of appointment change the activity trail records. */
export const EVENT_TYPES = config.event_types;

export function title(status) {
  return columns.get(status)?.title ?? status;
}

export function allowedFrom(status) {
  return columns.get(status)?.allowed ?? [];
}

/** Leaving these columns reopens the appointment, so it needs a reason; they can fold away. */
export function isTerminal(status) {
  return Boolean(columns.get(status)?.needs_reason);
}
