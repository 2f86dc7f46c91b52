// The calendar's own bar: which day or week it shows, the day's opening hours, Day / Week, and
// in the week the previous and next week. It also holds the words screen readers are told.
import { element } from './card.js';

function button(text, className = 'button-quiet') {
  const node = element('button', className, text);
  node.type = 'button';
  return node;
}

/** ``choose(span)`` switches between 'day' and 'week'; ``shift(days)`` goes back or on. */
export function buildToolbar({ choose, shift }) {
  const node = element('div', 'cal-toolbar');
  const heading = element('p', 'cal-title');
  heading.id = 'calendar-shown';
  const hours = element('p', 'cal-hours muted');
  const spans = element('div', 'cal-spans');
  spans.setAttribute('role', 'group');
  spans.setAttribute('aria-label', 'Show');
  const choices = { day: button('Day'), week: button('Week') };
  for (const [span, choice] of Object.entries(choices)) {
    choice.dataset.span = span;
    choice.addEventListener('click', () => choose(span));
    spans.append(choice);
  }
  const weeks = element('div', 'cal-weeks');
  const previous = button('‹ Previous week');
  const next = button('Next week ›');
  previous.addEventListener('click', () => shift(-7));
  next.addEventListener('click', () => shift(7));
  weeks.append(previous, next);
  const help = element('p', 'visually-hidden',
    'Enter opens the details. Arrow keys move the card a quarter of an hour or a column; '
    + 'then Enter places it and Escape cancels.');
  help.id = 'calendar-move-help';
  const live = element('div', 'visually-hidden');
  live.id = 'calendar-live';
  live.setAttribute('aria-live', 'polite');
  node.append(heading, hours, spans, weeks, help, live);

  return {
    node,
    live,
    show(span, title) {
      heading.textContent = title;
      weeks.hidden = span !== 'week';
      hours.hidden = span !== 'day';
      for (const [name, choice] of Object.entries(choices)) {
        choice.setAttribute('aria-pressed', String(name === span));
      }
    },
    hours(text) {
      hours.textContent = text === 'Closed' ? 'Closed' : `Open ${text}`;
    },
  };
}
