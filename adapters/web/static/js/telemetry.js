// The page's own timings of its API calls, reported to the server's metrics in batches: how
// long each call took as the desk saw it, how it ended, how often it was sent again. A report
// that cannot be sent is dropped; the page never waits for one or says anything about it.
const FLUSH_EVERY_MS = 10000;
const BATCH_SIZE = 50;
const MAX_ROUTE = 200;
const MAX_DURATION_MS = 600000;
const MAX_RETRIES = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLAIN = /^[A-Za-z0-9_.-]*$/;

/**
 * The route of an API path, the same for every record: ids (UUIDs, the location after
 * ``/locations/``, anything not plain) become ``{id}``; the query is left out.
 */
export function routeOf(path) {
  const segments = new URL(path, window.location.origin).pathname.split('/');
  const route = segments.map((segment, index) => {
    const named = segments[index - 1] === 'locations' && segment !== '';
    return named || UUID.test(segment) || !PLAIN.test(segment) ? '{id}' : segment;
  }).join('/');
  return route.slice(0, MAX_ROUTE);
}

const bounded = (value, max) => Math.min(max, Math.max(0, Math.round(value)));

/**
 * Keeps samples and posts them to ``url`` every ten seconds, at fifty, and when the page is
 * hidden or left (``keepalive``, so the post outlives the page; sendBeacon cannot carry the
 * token). ``headers()`` gives the post's headers, or null when it cannot be sent.
 */
export function createTelemetry({ url, headers }) {
  const pending = [];

  function post(samples) {
    const given = headers();
    if (given === null) return Promise.resolve();
    return fetch(url, {
      method: 'POST',
      keepalive: true,
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', ...given },
      body: JSON.stringify({ samples }),
    }).then(() => {}, () => {});
  }

  const telemetry = {
    /** ``{route, method, status, duration_ms, retries, request_id}`` of one call. */
    record(sample) {
      pending.push({
        ...sample,
        duration_ms: bounded(sample.duration_ms, MAX_DURATION_MS),
        retries: bounded(sample.retries, MAX_RETRIES),
      });
      if (pending.length >= BATCH_SIZE) telemetry.flush();
    },
    /** Sends what is kept now; resolves once the posts are answered or have failed. */
    flush() {
      const batches = [];
      while (pending.length) batches.push(pending.splice(0, BATCH_SIZE));
      return Promise.all(batches.map(post)).then(() => batches.length);
    },
  };
  setInterval(() => telemetry.flush(), FLUSH_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') telemetry.flush();
  });
  window.addEventListener('pagehide', () => telemetry.flush());
  return telemetry;
}
