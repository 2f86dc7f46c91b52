// Moving a card on the calendar, by pointer (snapping to 15 minutes; touch after a long press)
// or by keyboard: arrow keys move a ghost a step or a column, Enter places it, Escape cancels.
// A click (or Enter while nothing is being moved) opens the card's details.
import { element } from './card.js';
import { place } from './calendar-day.js';
import { STEP, spanOf } from './calendar-layout.js';
import { clockRange } from './zoned.js';

const DRAG_THRESHOLD_PX = 6;
const LONG_PRESS_MS = 350;
const EDGE_PX = 40;
const EDGE_SCROLL_PX = 14;

/**
 * ``grid`` is the DayGrid; ``card(id)`` the card as shown; ``open(id)`` shows its details;
 * ``commit(id, {index, start})`` sends the move and resolves when done; ``canMove()`` says
 * whether this role may; ``say(text)`` tells a screen reader.
 */
export function enableCardMoves({ grid, host, sync, card, open, commit, canMove, say }) {
  let press = null;
  let moving = null;
  let swallowClick = false;

  function begin(id, how) {
    const shown = card(id);
    const node = grid.cardNode(id);
    if (!shown || !node || shown.pending) return false;
    const span = spanOf(shown, grid.model.date);
    const index = Number(node.closest('.cal-column').dataset.index);
    const ghost = element('div', 'cal-ghost');
    ghost.setAttribute('aria-hidden', 'true');
    moving = { id, how, node, ghost, span, from: { index, start: span.start }, to: { index, start: span.start } };
    node.classList.add('is-dragging');
    document.body.classList.add('dragging');
    sync.hold('drag');
    show(moving.to);
    return true;
  }

  /** Puts the ghost at ``to`` ({index, start}), kept inside the grid. */
  function show(to) {
    const { range } = grid.model;
    const length = moving.span.end - moving.span.start;
    const latest = Math.max(range.start, range.end - length);
    const index = Math.min(Math.max(to.index, 0), grid.columnNodes.length - 1);
    const start = Math.min(Math.max(to.start, range.start), latest);
    moving.to = { index, start };
    const column = grid.model.columns[index];
    moving.ghost.textContent = `${clockRange(grid.model.date, start, start + length)} · ${column.label}`;
    place(moving.ghost, start, start + length, range);
    grid.columnNodes[index].append(moving.ghost);
    if (moving.how === 'keys') moving.ghost.scrollIntoView({ block: 'nearest' });
  }

  /** Ends the move: placed (``commit``) or not; resolves when the server has answered. */
  function finish(placed) {
    if (!moving) return Promise.resolve();
    const { id, node, ghost, from, to, how } = moving;
    moving = null;
    ghost.remove();
    node.classList.remove('is-dragging');
    document.body.classList.remove('dragging');
    const changed = to.index !== from.index || to.start !== from.start;
    if (!placed || !changed) {
      sync.release('drag');
      if (how === 'keys') say('Move cancelled.');
      return Promise.resolve();
    }
    return commit(id, to).finally(() => {
      sync.release('drag');
      if (how === 'keys') grid.cardNode(id)?.focus();
    });
  }

  /**
   * A pointer's new place: the column under it, and the start snapped to 15 minutes. Near the
   * top or bottom of the grid, the grid scrolls on.
   */
  function follow(event) {
    const { scroller } = grid;
    const edge = scroller.getBoundingClientRect();
    if (event.clientY > edge.bottom - EDGE_PX) scroller.scrollTop += EDGE_SCROLL_PX;
    else if (event.clientY < edge.top + EDGE_PX) scroller.scrollTop -= EDGE_SCROLL_PX;
    const pixels = event.clientY - press.y + scroller.scrollTop - press.scrollTop;
    const moved = pixels * grid.minutesPerPixel();
    const start = Math.abs(moved) < STEP / 2 ? moving.from.start
      : Math.round((moving.from.start + moved) / STEP) * STEP;
    show({ index: grid.columnAt(event.clientX), start });
  }

  function reset() {
    clearTimeout(press?.timer);
    press?.node.classList.remove('drag-armed');
    press = null;
  }

  host.addEventListener('pointerdown', (event) => {
    swallowClick = false;
    const node = event.target.closest('.cal-card');
    if (!node || moving || !canMove() || event.button !== 0 || !event.isPrimary) return;
    reset();
    press = {
      node, id: node.dataset.id, x: event.clientX, y: event.clientY, scrollTop: grid.scroller.scrollTop,
      armed: event.pointerType !== 'touch',
    };
    if (!press.armed) {
      press.timer = setTimeout(() => {
        press.armed = true;
        node.classList.add('drag-armed');
      }, LONG_PRESS_MS);
    }
  });

  document.addEventListener('pointermove', (event) => {
    if (moving?.how === 'pointer') {
      follow(event);
      return;
    }
    if (!press || Math.hypot(event.clientX - press.x, event.clientY - press.y) < DRAG_THRESHOLD_PX) return;
    if (press.armed && begin(press.id, 'pointer')) follow(event);
    else reset(); // a touch that moves before the long press is a scroll
  });

  document.addEventListener('pointerup', () => {
    if (moving?.how === 'pointer') {
      swallowClick = true;
      finish(true);
    }
    reset();
  });

  document.addEventListener('pointercancel', () => {
    if (moving?.how === 'pointer') finish(false);
    reset();
  });

  host.addEventListener('touchmove', (event) => {
    if (moving || press?.armed) event.preventDefault();
  }, { passive: false });

  host.addEventListener('click', (event) => {
    // The click that ends a drag lands on the card or on what the drag went over: not a click.
    const swallow = swallowClick;
    swallowClick = false;
    const node = event.target.closest('.cal-card');
    if (node && !swallow) open(node.dataset.id);
  });

  const STEPS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && moving) {
      event.preventDefault();
      event.stopPropagation();
      finish(false);
      return;
    }
    const node = host.contains(event.target) && event.target.closest('.cal-card');
    if (!node || !canMove()) return;
    if (event.key === 'Enter' && moving?.how === 'keys') {
      event.preventDefault();
      finish(true);
    } else if (STEPS[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (!moving && !begin(node.dataset.id, 'keys')) return;
      if (moving.how !== 'keys') return;
      const [columns, steps] = STEPS[event.key];
      const { start, index } = moving.to;
      const next = steps > 0 ? Math.floor(start / STEP) * STEP + STEP : Math.ceil(start / STEP) * STEP - STEP;
      show({ index: index + columns, start: steps ? next : start });
      say(`${moving.ghost.textContent}. Enter places it here, Escape cancels.`);
    }
  });

  host.addEventListener('focusout', (event) => {
    if (moving?.how === 'keys' && event.target === moving.node) finish(false);
  });

  return { cancel: () => finish(false), get busy() { return Boolean(moving); } };
}
