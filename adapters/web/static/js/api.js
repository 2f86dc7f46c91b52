// The JSON API client: the bearer token, problem+json errors, and commands that survive a
// flaky network by retrying with the same Idempotency-Key (so a retry never moves twice).
import { API } from './config.js';
import { noteServerDate } from './format.js';

const TOKEN_KEY = 'statusboard.token';
const RETRY_DELAYS_MS = [400, 1000, 2500, 5000];

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.headers = headers;
  }

  get slug() {
    return String(this.problem.type ?? '').split(':').pop();
  }

  get retryAfterMs() {
    const seconds = Number(this.headers?.get('Retry-After'));
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
  }
}

/** The request never got an answer: offline, server down, connection dropped. */
export class NetworkError extends Error {}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
  /**
   * A sign-in link's token (``?token=`` or ``#token=``) is kept for this tab and taken out of
   * the address bar, so it is not bookmarked, shared or left in the history.
   */
  adoptFromUrl() {
    const url = new URL(window.location.href);
    const fragment = new URLSearchParams(url.hash.slice(1));
    const given = url.searchParams.get('token') || fragment.get('token');
    if (!given) return;
    this.set(given);
    url.searchParams.delete('token');
    fragment.delete('token');
    url.hash = fragment.toString();
    window.history.replaceState(window.history.state, '', url);
  },
};

let unauthorized = () => {};

export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** A fresh key per user action; crypto.randomUUID needs https, which a LAN tablet may lack. */
export function newKey() {
  if (window.isSecureContext && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function call(method, path, { query = {}, body, headers = {} } = {}) {
  const url = new URL(API + path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  const secret = token.get();
  const init = {
    method,
    cache: 'no-store',
    headers: {
      Accept: 'application/json',
      ...(secret ? { Authorization: `Bearer ${secret}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new NetworkError(error.message);
  }
  noteServerDate(response.headers.get('Date'));
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers);
    if (response.status === 401) unauthorized(error);
    throw error;
  }
  return { data, headers: response.headers };
}

function position(headers, name) {
  const value = Number(headers.get(name));
  return Number.isFinite(value) ? value : 0;
}

async function read(path, query) {
  const { data, headers } = await call('GET', path, { query });
  return { data, position: position(headers, 'X-Projection-Position') };
}

function retryable(error) {
  return error instanceof NetworkError || (error instanceof ApiError && [429, 502, 503, 504].includes(error.status));
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Sends a command; on no answer (or "busy") sends the very same request again, a few times,
 * further apart each time. ``onRetry(attempt)`` lets the page say it is trying again; ``key``
 * is given when a repeat of the same user action must be recognised as one (a double click).
 */
async function command(method, path, body, { onRetry = () => {}, key = newKey() } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const { data, headers } = await call(method, path, { body, headers: { 'Idempotency-Key': key } });
      return { data, position: position(headers, 'X-Event-Position') };
    } catch (error) {
      if (!retryable(error) || attempt >= RETRY_DELAYS_MS.length) throw error;
      const jitter = Math.random() * 200;
      onRetry(attempt + 1);
      await pause((error.retryAfterMs ?? RETRY_DELAYS_MS[attempt]) + jitter);
    }
  }
}

export const api = {
  /** Any read: its data, and the read model's position when it names one. */
  get: async (path, query = {}) => (await call('GET', path, { query })).data,
  read,
  /** Any command, sent with an Idempotency-Key and retried as ``command`` says. */
  command,
  board: (location, date, minPosition) => read('/appointments/board', {
    location, date, min_position: minPosition || undefined,
  }),
  stats: (location, date, minPosition) => read('/dashboard/stats', {
    location, date, min_position: minPosition || undefined,
  }),
  appointment: async (id) => (await call('GET', `/appointments/${id}`)).data,
  history: async (id) => (await call('GET', `/appointments/${id}/history`)).data.items,
  move: (id, body, options) => command('POST', `/appointments/${id}/move`, body, options),
  edit: (id, body, options) => command('PATCH', `/appointments/${id}`, body, options),
};
