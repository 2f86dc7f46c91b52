// The drawer as it was at a past version (support and admin): read-only, with a banner "As it
// was at version N — DATE by ACTOR", a "Show current" button, and the parts that version
// changed marked. The address #appointment=ID&version=N opens it, so it can be shared.
import { when } from './format.js';

const $ = (id) => document.getElementById(id);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The appointment (and version) the address names: {id, version | null}, or null. */
export function readLink() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const id = params.get('appointment') ?? '';
  const version = Number(params.get('version'));
  if (!UUID.test(id)) return null;
  return { id, version: Number.isInteger(version) && version > 0 ? version : null };
}

/** Names the appointment at a version in the address, or (no id) takes it out. */
export function writeLink(id, version = null) {
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.hash.slice(1));
  params.delete('appointment');
  params.delete('version');
  if (id) params.set('appointment', id);
  if (id && version) params.set('version', String(version));
  url.hash = params.toString();
  if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url);
}

function unmark() {
  for (const node of document.querySelectorAll('#drawer .is-changed')) node.classList.remove('is-changed');
  for (const tag of document.querySelectorAll('#drawer .changed-tag')) tag.remove();
}

/** Marks the parts of the drawer ([data-shows="field …"]) whose fields ``change`` changed. */
function mark(change) {
  const changed = new Set(Object.keys(change?.changes ?? {}));
  for (const node of document.querySelectorAll('#drawer [data-shows]')) {
    if (!node.dataset.shows.split(' ').some((field) => changed.has(field))) continue;
    node.classList.add('is-changed');
    if (node.tagName === 'DD') continue;
    const tag = document.createElement('span');
    tag.className = 'changed-tag';
    tag.textContent = 'changed';
    node.append(tag);
  }
}

/** Shows the banner for ``version`` and marks what its history item ``change`` changed. */
export function showPast(version, change) {
  unmark();
  const by = change ? ` — ${when(change.at)} by ${change.actor}` : '';
  $('drawer-past-text').textContent = `As it was at version ${version}${by}`;
  $('drawer-past').hidden = false;
  mark(change);
}

export function hidePast() {
  unmark();
  $('drawer-past').hidden = true;
}
