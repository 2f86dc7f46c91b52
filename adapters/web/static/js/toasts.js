// Short messages in one aria-live region; errors stay until dismissed or replaced by newer ones.
const region = document.getElementById('toasts');
const MAX_TOASTS = 4;
const LINGER_MS = { info: 5000, success: 4000, error: 12000 };

/** ``kind`` is info, success or error; ``lines`` are extra details under the message. */
export function toast(message, { kind = 'info', lines = [] } = {}) {
  const item = document.createElement('div');
  item.className = `toast toast-${kind}`;
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('p');
  text.className = 'toast-message';
  text.textContent = message;
  item.append(text);
  if (lines.length) {
    const list = document.createElement('ul');
    for (const line of lines) {
      const entry = document.createElement('li');
      entry.textContent = line;
      list.append(entry);
    }
    item.append(list);
  }
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '✕';
  close.addEventListener('click', () => item.remove());
  item.append(close);
  region.append(item);
  while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();
  setTimeout(() => item.remove(), LINGER_MS[kind] ?? LINGER_MS.info);
  return item;
}
