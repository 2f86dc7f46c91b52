// The board from the keyboard: arrow keys go from card to card, Enter or M opens the move menu
// (for a role that may move cards), D (or a reader's Enter) opens the details.
import { role } from './role.js';

const HELP = {
  mover: 'Arrow keys go from card to card. Enter or M opens the list of columns the card may move to. '
    + 'D opens its details.',
  reader: 'Arrow keys go from card to card. Enter or D opens its details.',
};

/** Tells screen readers the keys a card answers to, for this role. */
export function showKeyHelp() {
  const help = document.getElementById('board-help');
  const text = role.may('staff') ? HELP.mover : HELP.reader;
  if (help && help.textContent !== text) help.textContent = text;
}

/** Arrow keys: up and down in a column, left and right to the nearest card next door. */
function focusNeighbour(root, node, key) {
  const list = node.parentElement;
  const siblings = Array.from(list.children);
  const index = siblings.indexOf(node);
  let target = null;
  if (key === 'ArrowDown') target = siblings[index + 1];
  else if (key === 'ArrowUp') target = siblings[index - 1];
  else if (key === 'Home') target = siblings[0];
  else if (key === 'End') target = siblings.at(-1);
  else if (key === 'ArrowRight' || key === 'ArrowLeft') {
    const lists = Array.from(root.querySelectorAll('.column:not(.folded) .cards'))
      .filter((other) => other === list || other.children.length);
    const next = lists[lists.indexOf(list) + (key === 'ArrowRight' ? 1 : -1)];
    if (next) target = next.children[Math.min(index, next.children.length - 1)];
  } else {
    return false;
  }
  if (target) {
    target.focus();
    target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  return true;
}

/** A key pressed on a card of ``root``; ``actions`` has ``open(id)`` and ``moveMenu(id, anchor)``. */
export function cardKey(root, actions, event) {
  const node = event.target.closest('.card');
  if (!node || event.target !== node || event.altKey || event.ctrlKey || event.metaKey) return;
  const { id } = node.dataset;
  const key = event.key;
  // Checked at the key press: the role arrives after sign-in and changes with the token.
  const moves = role.may('staff');
  if (moves && (key === 'Enter' || key === 'm' || key === 'M')) actions.moveMenu(id, node);
  else if (key === 'Enter' || key === 'd' || key === 'D') actions.open(id);
  else if (!focusNeighbour(root, node, key)) return;
  event.preventDefault();
}
