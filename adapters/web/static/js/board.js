// The seven columns and their cards. Cards are kept by id and only updated or moved in place,
// so a refresh every few seconds does not steal focus or lose a column's scroll position.
import { createCard, element, fillAge, fillCard } from './card.js';
import { STATUSES, allowedFrom, isTerminal, title } from './config.js';
import { role } from './role.js';

const FOLDED_KEY = 'statusboard.folded';
const DEFAULT_FOLDED = ['cancelled', 'no_show'];
const HELP = {
  mover: 'Arrow keys go from card to card. Enter or M opens the list of columns the card may move to. '
    + 'D opens its details.',
  reader: 'Arrow keys go from card to card. Enter or D opens its details.',
};

function byStartThenName(a, b) {
  return Date.parse(a.starts_at) - Date.parse(b.starts_at)
    || (a.customer_name < b.customer_name ? -1 : a.customer_name > b.customer_name ? 1 : 0)
    || (a.id < b.id ? -1 : 1);
}

function storedFolded() {
  try {
    const stored = JSON.parse(localStorage.getItem(FOLDED_KEY));
    return Array.isArray(stored) ? stored : DEFAULT_FOLDED;
  } catch {
    return DEFAULT_FOLDED;
  }
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
    for (const status of STATUSES) this.buildColumn(status);
    root.addEventListener('click', (event) => this.clicked(event));
    root.addEventListener('keydown', (event) => this.keyed(event));
    root.addEventListener('focusin', (event) => {
      const card = event.target.closest('.card');
      if (card) this.activate(card.dataset.id);
    });
  }

  buildColumn(status) {
    const section = element('section', 'column');
    section.dataset.status = status;
    section.setAttribute('aria-labelledby', `column-${status}-title`);
    const head = element('header', 'column-head');
    const heading = element('h3', 'column-title');
    heading.id = `column-${status}-title`;
    const name = element('span', 'column-name', title(status));
    const count = element('span', 'count', '0');
    heading.append(name, ' ', count, element('span', 'visually-hidden', ' cards'));
    head.append(heading);
    const list = element('ol', 'cards');
    list.id = `column-${status}-cards`;
    list.setAttribute('aria-labelledby', heading.id);
    if (isTerminal(status)) head.append(this.foldButton(status, section, list));
    const empty = element('p', 'column-empty', 'No cards');
    section.append(head, list, empty);
    this.root.append(section);
    this.columns.set(status, { section, list, count });
    this.setFolded(status, this.folded.has(status));
  }

  foldButton(status, section, list) {
    const button = element('button', 'fold');
    button.type = 'button';
    button.setAttribute('aria-controls', list.id);
    button.addEventListener('click', () => this.setFolded(status, !section.classList.contains('folded')));
    return button;
  }

  setFolded(status, folded) {
    const { section } = this.columns.get(status);
    section.classList.toggle('folded', folded);
    const button = section.querySelector('.fold');
    if (button) {
      button.setAttribute('aria-expanded', String(!folded));
      button.setAttribute('aria-label', `${folded ? 'Unfold' : 'Fold'} ${title(status)}`);
      button.textContent = folded ? '⟷' : '⟵';
    }
    if (folded) this.folded.add(status); else this.folded.delete(status);
    localStorage.setItem(FOLDED_KEY, JSON.stringify([...this.folded]));
    if (this.elements) this.activate(this.tabStop());
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
    this.showHelp();
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

  /** The keys a card answers to, for this role: only a role that may move cards has the menu. */
  showHelp() {
    const help = document.getElementById('board-help');
    const text = role.may('staff') ? HELP.mover : HELP.reader;
    if (help && help.textContent !== text) help.textContent = text;
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

  keyed(event) {
    const node = event.target.closest('.card');
    if (!node || event.target !== node || event.altKey || event.ctrlKey || event.metaKey) return;
    const { id } = node.dataset;
    const key = event.key;
    const moves = role.may('staff');
    if (moves && (key === 'Enter' || key === 'm' || key === 'M')) this.actions.moveMenu(id, node);
    else if (key === 'Enter' || key === 'd' || key === 'D') this.actions.open(id);
    else if (!this.focusNeighbour(node, key)) return;
    event.preventDefault();
  }

  /** Arrow keys: up and down in a column, left and right to the nearest card next door. */
  focusNeighbour(node, key) {
    const list = node.parentElement;
    const siblings = Array.from(list.children);
    const index = siblings.indexOf(node);
    let target = null;
    if (key === 'ArrowDown') target = siblings[index + 1];
    else if (key === 'ArrowUp') target = siblings[index - 1];
    else if (key === 'Home') target = siblings[0];
    else if (key === 'End') target = siblings.at(-1);
    else if (key === 'ArrowRight' || key === 'ArrowLeft') {
      const lists = Array.from(this.root.querySelectorAll('.column:not(.folded) .cards'))
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
