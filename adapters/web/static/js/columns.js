// A board column: its heading with the count, its list of cards, and for the finished columns
// a button that folds it away (remembered in this browser).
import { element } from './card.js';
import { isTerminal, title } from './config.js';

const FOLDED_KEY = 'statusboard.folded';
const DEFAULT_FOLDED = ['cancelled', 'no_show'];

/** The columns this browser keeps folded. */
export function storedFolded() {
  try {
    const stored = JSON.parse(localStorage.getItem(FOLDED_KEY));
    return Array.isArray(stored) ? stored : DEFAULT_FOLDED;
  } catch {
    return DEFAULT_FOLDED;
  }
}

export function storeFolded(folded) {
  localStorage.setItem(FOLDED_KEY, JSON.stringify([...folded]));
}

/** ``fold(status)`` runs when the column's fold button is pressed. */
export function buildColumn(status, fold) {
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
  if (isTerminal(status)) {
    const button = element('button', 'fold');
    button.type = 'button';
    button.setAttribute('aria-controls', list.id);
    button.addEventListener('click', () => fold(status));
    head.append(button);
  }
  section.append(head, list, element('p', 'column-empty', 'No cards'));
  return { section, list, count };
}

/** Shows the column folded or not, and says so on its button. */
export function showFolded(section, status, folded) {
  section.classList.toggle('folded', folded);
  const button = section.querySelector('.fold');
  if (!button) return;
  button.setAttribute('aria-expanded', String(!folded));
  button.setAttribute('aria-label', `${folded ? 'Unfold' : 'Fold'} ${title(status)}`);
  button.textContent = folded ? '⟷' : '⟵';
}
