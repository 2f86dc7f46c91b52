// Two ways to move a card: drag it (mouse, pen, or touch after a long press), or open its menu
// of allowed columns from the keyboard (Enter or M) and pick one with the arrow keys.
import { allowedFrom, title } from './config.js';
import { role } from './role.js';

const DRAG_THRESHOLD_PX = 6;
const LONG_PRESS_MS = 350;
const EDGE_PX = 56;
const EDGE_SCROLL_PX = 18;

/** ``move(id, to)`` sends the move; ``sync`` is held still while a card is in the air. */
export function enableDragging({ board, scroller, sync, move }) {
  let press = null;
  let drag = null;
  let swallowClick = false;

  function reset() {
    clearTimeout(press?.timer);
    press?.node.classList.remove('drag-armed');
    press = null;
  }

  function start(event) {
    const { node, id } = press;
    const card = board.card(id);
    const box = node.getBoundingClientRect();
    const ghost = node.cloneNode(true);
    ghost.classList.add('drag-ghost');
    ghost.removeAttribute('data-id');
    ghost.removeAttribute('tabindex');
    ghost.setAttribute('aria-hidden', 'true');
    ghost.style.width = `${box.width}px`;
    document.body.append(ghost);
    drag = { id, node, ghost, dx: press.x - box.left, dy: press.y - box.top, over: null };
    node.classList.add('drag-source');
    node.setPointerCapture(event.pointerId);
    document.body.classList.add('dragging');
    board.markDropTargets(card);
    sync.hold('drag');
    follow(event);
  }

  function follow(event) {
    drag.ghost.style.transform = `translate(${event.clientX - drag.dx}px, ${event.clientY - drag.dy}px)`;
    const column = document.elementFromPoint(event.clientX, event.clientY)?.closest('.column') ?? null;
    if (column !== drag.over) {
      drag.over?.classList.remove('drop-over');
      column?.classList.add('drop-over');
      drag.over = column;
    }
    const edge = scroller.getBoundingClientRect();
    if (event.clientX < edge.left + EDGE_PX) scroller.scrollLeft -= EDGE_SCROLL_PX;
    else if (event.clientX > edge.right - EDGE_PX) scroller.scrollLeft += EDGE_SCROLL_PX;
  }

  function finish(dropped) {
    const { id, node, ghost, over } = drag;
    drag = null;
    ghost.remove();
    over?.classList.remove('drop-over');
    node.classList.remove('drag-source');
    document.body.classList.remove('dragging');
    board.markDropTargets(null);
    const to = over?.dataset.status;
    const card = board.card(id);
    if (dropped && to && card && to !== card.status) {
      move(id, to).finally(() => sync.release('drag'));
    } else {
      sync.release('drag');
      if (dropped) board.flash(id, 'snapped-back');
    }
  }

  scroller.addEventListener('pointerdown', (event) => {
    swallowClick = false;
    const node = event.target.closest('.card');
    if (!node || drag || event.button !== 0 || !event.isPrimary || event.target.closest('button')) return;
    if (board.isPending(node.dataset.id) || !role.may('staff')) return;
    reset();
    press = { node, id: node.dataset.id, x: event.clientX, y: event.clientY, armed: event.pointerType !== 'touch' };
    if (!press.armed) {
      press.timer = setTimeout(() => {
        press.armed = true;
        node.classList.add('drag-armed');
      }, LONG_PRESS_MS);
    }
  });

  scroller.addEventListener('pointermove', (event) => {
    if (drag) {
      follow(event);
      return;
    }
    if (!press) return;
    const distance = Math.hypot(event.clientX - press.x, event.clientY - press.y);
    if (distance < DRAG_THRESHOLD_PX) return;
    if (press.armed) start(event);
    else reset(); // a touch that moves before the long press is a scroll
  });

  scroller.addEventListener('pointerup', () => {
    if (drag) {
      swallowClick = true;
      finish(true);
    }
    reset();
  });

  scroller.addEventListener('pointercancel', () => {
    if (drag) finish(false);
    reset();
  });

  // Once a touch drag has begun, the finger moves the card, not the page.
  scroller.addEventListener('touchmove', (event) => {
    if (drag || press?.armed) event.preventDefault();
  }, { passive: false });

  scroller.addEventListener('click', (event) => {
    if (!swallowClick) return;
    swallowClick = false;
    event.stopPropagation();
    event.preventDefault();
  }, true);

  scroller.addEventListener('contextmenu', (event) => {
    if (press?.armed && press.timer) event.preventDefault();
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && drag) {
      event.preventDefault();
      finish(false);
    }
  });
}

/** The keyboard's way to move: a menu of the columns the card may go to. */
export function createMoveMenu({ board, menu, move }) {
  let current = null;

  function close(refocus = true) {
    if (!current) return;
    const { id } = current;
    current = null;
    menu.hidden = true;
    menu.replaceChildren();
    if (refocus) board.focusCard(id);
  }

  function place(anchor) {
    const box = anchor.getBoundingClientRect();
    menu.style.left = '0px';
    menu.style.top = '0px';
    const size = menu.getBoundingClientRect();
    const left = Math.min(Math.max(8, box.left), window.innerWidth - size.width - 8);
    const below = box.bottom + 4;
    const top = below + size.height > window.innerHeight - 8 ? Math.max(8, box.top - size.height - 4) : below;
    menu.style.left = `${left}px`;
    menu.style.top = `${top}px`;
  }

  function items() {
    return Array.from(menu.querySelectorAll('[role="menuitem"]'));
  }

  menu.addEventListener('keydown', (event) => {
    const all = items();
    const index = all.indexOf(document.activeElement);
    const go = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: all.length - 1 }[event.key];
    if (go !== undefined) {
      event.preventDefault();
      all[(go + all.length) % all.length]?.focus();
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      close();
    }
  });

  menu.addEventListener('click', (event) => {
    const item = event.target.closest('[role="menuitem"]');
    if (!item || !current) return;
    const { id } = current;
    close(false);
    move(id, item.dataset.status).finally(() => board.focusCard(id));
  });

  document.addEventListener('pointerdown', (event) => {
    if (current && !menu.contains(event.target)) close(false);
  });
  window.addEventListener('resize', () => close(false));

  return function open(id, anchor) {
    const card = board.card(id);
    if (!card || board.isPending(id) || !role.may('staff')) return;
    close(false);
    current = { id };
    const heading = document.createElement('p');
    heading.className = 'move-menu-title';
    heading.textContent = `Move ${card.customer_name} to`;
    heading.setAttribute('aria-hidden', 'true');
    menu.setAttribute('aria-label', `Move ${card.customer_name} from ${title(card.status)} to`);
    const choices = allowedFrom(card.status).map((status) => {
      const item = document.createElement('button');
      item.type = 'button';
      item.setAttribute('role', 'menuitem');
      item.dataset.status = status;
      item.tabIndex = -1;
      item.textContent = title(status);
      return item;
    });
    menu.replaceChildren(heading, ...choices);
    menu.hidden = false;
    place(anchor);
    choices[0]?.focus();
  };
}
