// One card: its time, customer, services, staff, and how long it has been in its column.
import { title } from './config.js';
import { since, timeRange, when } from './format.js';
import { role } from './role.js';

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(className, text) {
  const node = element('button', className, text);
  node.type = 'button';
  return node;
}

/** The card's element, made once per appointment and refilled as it changes. */
export function createCard(id) {
  const node = element('li', 'card');
  node.dataset.id = id;
  node.tabIndex = -1;
  node.setAttribute('aria-describedby', 'board-help');
  const parts = {
    time: element('time', 'card-time'),
    age: element('span', 'card-age'),
    customer: element('p', 'card-customer'),
    services: element('p', 'card-services'),
    staff: element('span', 'card-staff'),
    avatar: element('span', 'avatar'),
    staffName: element('span', 'card-staff-name'),
    move: button('card-move', 'Move'),
    details: button('card-details', 'Details'),
  };
  parts.avatar.setAttribute('aria-hidden', 'true');
  parts.move.setAttribute('aria-haspopup', 'menu');
  parts.staff.append(parts.avatar, parts.staffName);
  const top = element('div', 'card-top');
  top.append(parts.time, parts.age);
  const buttons = element('span', 'card-buttons');
  buttons.append(parts.move, parts.details);
  const bottom = element('div', 'card-bottom');
  bottom.append(parts.staff, buttons);
  node.append(top, parts.customer, parts.services, bottom);
  node.parts = parts;
  return node;
}

/** ``pending`` is the card's move still on its way ({to, retrying}), if any. */
export function fillCard(node, card, pending) {
  const { parts } = node;
  const status = pending?.to ?? card.status;
  node.dataset.status = status;
  node.classList.toggle('is-pending', Boolean(pending));
  // Checked at each render: the role arrives after sign-in and changes with the token.
  parts.move.hidden = !role.may('staff');
  parts.time.textContent = timeRange(card.starts_at, card.ends_at);
  parts.time.dateTime = card.starts_at;
  parts.customer.textContent = card.customer_name;
  parts.services.textContent = card.services.join(' · ');
  parts.avatar.textContent = card.staff_name ? card.staff_name.slice(0, 1).toUpperCase() : '?';
  parts.staffName.textContent = card.staff_name ?? 'Unassigned';
  parts.staff.classList.toggle('unassigned', !card.staff_name);
  fillAge(node, card, pending);
  node.setAttribute('aria-label', [
    timeRange(card.starts_at, card.ends_at),
    card.customer_name,
    card.services.join(', '),
    card.staff_name ? `with ${card.staff_name}` : 'unassigned',
    pending ? `moving to ${title(pending.to)}` : `${title(status)} for ${since(card.status_since)}`,
  ].join(', '));
}

/** "12 min" in the column, or how the move is getting on. */
export function fillAge(node, card, pending) {
  const { age } = node.parts;
  if (pending) {
    age.textContent = pending.retrying ? `retrying (${pending.retrying})…` : 'moving…';
    age.title = '';
  } else {
    age.textContent = since(card.status_since);
    age.title = `In ${title(card.status)} since ${when(card.status_since)}`;
  }
}
