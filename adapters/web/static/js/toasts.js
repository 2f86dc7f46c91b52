// Short messages in one aria-live region. Each goes after a while, but not while the pointer or
// focus is on it; a failed call's toast shows its request id, to quote to support.
const region = document.getElementById('toasts');
const MAX_TOASTS = 4;
const LINGER_MS = { info: 5000, success: 4000, error: 12000 };

function paragraph(className, text) {
  const line = document.createElement('p');
  line.className = className;
  line.textContent = text;
  return line;
}

/** "Request ID …", small and selectable in one go: the server's log has the same id. */
function requestLine(requestId) {
  const line = paragraph('toast-request', 'Request ID ');
  const id = document.createElement('code');
  id.className = 'toast-request-id';
  id.textContent = requestId;
  line.append(id);
  return line;
}

/** Stays while hovered or focused, so an id can be read and copied; goes ``ms`` after. */
function lingerFor(item, ms) {
  let timer = setTimeout(() => item.remove(), ms);
  const hold = () => clearTimeout(timer);
  const release = () => {
    clearTimeout(timer);
    timer = setTimeout(() => item.remove(), ms);
  };
  item.addEventListener('pointerenter', hold);
  item.addEventListener('focusin', hold);
  item.addEventListener('pointerleave', release);
  item.addEventListener('focusout', release);
}

/**
 * ``kind`` is info, success or error; ``lines`` are extra details under the message; ``error``
 * is the failed call's ApiError or NetworkError, whose request id is shown.
 */
export function toast(message, { kind = 'info', lines = [], error = null } = {}) {
  const item = document.createElement('div');
  item.className = `toast toast-${kind}`;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  item.append(paragraph('toast-message', message));
  if (lines.length) {
    const list = document.createElement('ul');
    for (const line of lines) {
      const entry = document.createElement('li');
      entry.textContent = line;
      list.append(entry);
    }
    item.append(list);
  }
  if (error?.requestId) item.append(requestLine(error.requestId));
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '✕';
  close.addEventListener('click', () => item.remove());
  item.append(close);
  region.append(item);
  while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();
  lingerFor(item, LINGER_MS[kind] ?? LINGER_MS.info);
  return item;
}
