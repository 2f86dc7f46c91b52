// The seven columns and their cards. Cards are kept by id and only updated or moved in place,
// so a refresh every few seconds does not steal focus or lose a column's scroll position.
import { cardKey, showKeyHelp } from './board_keys.js';
import { createCard, fillAge, fillCard } from './card.js';
import { buildColumn, showFolded, storeFolded, storedFolded } from './columns.js';
import { STATUSES, allowedFrom } from './config.js';
import { role } from './role.js';

function byStartThenName(a, b) {
  return Date.parse(a.starts_at) - Date.parse(b.starts_at)
    || (a.customer_name < b.customer_name ? -1 : a.customer_name > b.customer_name ? 1 : 0)
    || (a.id < b.id ? -1 : 1);
}

export class BoardView {
  /** ``actions`` has ``open(id)`` (the drawer) and ``moveMenu(id, anchor)``. */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    this.cards = new Map();
    this.pending = new Map();
    this.elements = new Map();
    this.columns = new Map();
    this.activeId = null;
    this.folded = new Set(storedFolded());
    for (const status of STATUSES) {
      const column = buildColumn(status, () => this.setFolded(status, !this.folded.has(status)));
      root.append(column.section);
      this.columns.set(status, column);
      this.setFolded(status, this.folded.has(status));
    }
    root.addEventListener('click', (event) => this.clicked(event));
    root.addEventListener('keydown', (event) => cardKey(root, actions, event));
    root.addEventListener('focusin', (event) => {
      const card = event.target.closest('.card');
      if (card) this.activate(card.dataset.id);
    });
  }

  setFolded(status, folded) {
    showFolded(this.columns.get(status).section, status, folded);
    if (folded) this.folded.add(status); else this.folded.delete(status);
    storeFolded(this.folded);
    this.activate(this.tabStop());
  }

  /** A board read from the API replaces what is shown, except for moves still on their way. */
  show(board) {
    const incoming = new Map();
    for (const column of board.columns) for (const card of column.cards) incoming.set(card.id, card);
    for (const [id, card] of incoming) {
      const before = this.cards.get(id);
      if (before && before.version !== card.version && before.status !== card.status && !this.pending.has(id)) {
        this.flash(id, 'just-changed');
      }
    }
    this.cards = incoming;
    this.render();
  }

  clear() {
    this.cards = new Map();
    this.pending.clear();
    this.render();
  }

  card(id) {
    return this.cards.get(id);
  }

  isPending(id) {
    return this.pending.has(id);
  }

  shownStatus(card) {
    return this.pending.get(card.id)?.to ?? card.status;
  }

  /** Shows the card in ``to`` at once, while the move is sent. */
  setPending(id, to) {
    this.pending.set(id, { to, retrying: 0 });
    this.render();
  }

  markRetrying(id, attempt) {
    const move = this.pending.get(id);
    if (!move) return;
    move.retrying = attempt;
    this.render();
  }

  /** The server's answer to a move: the card is where the server says. */
  confirm(appointment) {
    this.pending.delete(appointment.id);
    this.update(appointment);
  }

  /** A newer version of an appointment than the board has: its status, version and staff. */
  update(appointment) {
    const card = this.cards.get(appointment.id);
    if (card && appointment.version >= card.version) {
      Object.assign(card, {
        status: appointment.status,
        version: appointment.version,
        status_since: appointment.status_since,
        staff_name: appointment.staff?.name ?? null,
      });
    }
    this.render();
  }

  snapBack(id) {
    this.pending.delete(id);
    this.render();
    this.flash(id, 'snapped-back');
  }

  flash(id, className) {
    const node = this.elements.get(id);
    if (!node) return;
    node.classList.remove(className);
    void node.offsetWidth; // restart the animation
    node.classList.add(className);
    node.addEventListener('animationend', () => node.classList.remove(className), { once: true });
  }

  render() {
    showKeyHelp();
    const focused = document.activeElement;
    const hadFocus = this.root.contains(focused);
    const shown = new Map(STATUSES.map((status) => [status, []]));
    for (const card of this.cards.values()) shown.get(this.shownStatus(card))?.push(card);
    for (const [status, cards] of shown) {
      cards.sort(byStartThenName);
      const { section, list, count } = this.columns.get(status);
      count.textContent = String(cards.length);
      section.classList.toggle('is-empty', cards.length === 0);
      const wanted = cards.map((card) => this.cardElement(card));
      const current = Array.from(list.children);
      if (current.length !== wanted.length || current.some((node, i) => node !== wanted[i])) {
        list.replaceChildren(...wanted);
      }
    }
    for (const [id, node] of this.elements) {
      if (!this.cards.has(id)) {
        node.remove();
        this.elements.delete(id);
      }
    }
    this.activate(this.tabStop());
    if (hadFocus && focused !== document.activeElement && focused.isConnected) {
      focused.focus({ preventScroll: true });
    }
  }

  /** The card Tab lands on: the last one used, unless it is gone or folded away. */
  tabStop() {
    const node = this.elements.get(this.activeId);
    if (node?.isConnected && !node.closest('.folded')) return this.activeId;
    return this.root.querySelector('.column:not(.folded) .card')?.dataset.id ?? null;
  }

  /** One card is the board's tab stop; arrow keys move between cards from there. */
  activate(id) {
    this.activeId = id;
    for (const [cardId, node] of this.elements) {
      const tabIndex = cardId === id ? 0 : -1;
      if (node.tabIndex !== tabIndex) node.tabIndex = tabIndex;
      for (const button of node.querySelectorAll('button')) button.tabIndex = tabIndex;
    }
  }

  cardElement(card) {
    let node = this.elements.get(card.id);
    if (!node) {
      node = createCard(card.id);
      this.elements.set(card.id, node);
    }
    fillCard(node, card, this.pending.get(card.id));
    return node;
  }

  /** Refreshes the "12 min" on every card. */
  tick() {
    for (const [id, node] of this.elements) {
      const card = this.cards.get(id);
      if (card) fillAge(node, card, this.pending.get(id));
    }
  }

  clicked(event) {
    const node = event.target.closest('.card');
    if (!node) return;
    const { id } = node.dataset;
    if (event.target.closest('.card-move') && role.may('staff')) this.actions.moveMenu(id, node.parts.move);
    else this.actions.open(id);
  }

  /** Focus on a card; on its column's fold button when the column is folded away. */
  focusCard(id) {
    const node = this.elements.get(id);
    if (!node) return;
    const folded = node.closest('.folded');
    if (folded) {
      folded.querySelector('.fold')?.focus();
      return;
    }
    this.activate(id);
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** Marks the card whose details are open. */
  select(id) {
    for (const node of this.root.querySelectorAll('.card.is-selected')) node.classList.remove('is-selected');
    this.elements.get(id)?.classList.add('is-selected');
  }

  /** Marks every column as a place the card may or may not go, for the length of a drag. */
  markDropTargets(card) {
    const allowed = allowedFrom(card ? card.status : null);
    for (const [status, { section }] of this.columns) {
      if (!card) delete section.dataset.drop;
      else section.dataset.drop = status === card.status ? 'origin' : allowed.includes(status) ? 'allowed' : 'blocked';
    }
  }
}
