// The booking dialog's service lines: each with its quantity and amount, a remove button, and
// the running total, length and end time under them.
import { money, timeOfDay } from './format.js';
import { later } from './zoned.js';

function cell(tag, className, ...content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...content);
  return node;
}

/**
 * ``table`` and ``tbody`` show the lines, ``summary`` the totals; ``start()`` gives the chosen
 * start (ISO) or null; ``changed()`` is told when the lines change, ``removed()`` after a line
 * is taken away (to put the focus somewhere).
 */
export function createLines({ table, tbody, summary, start, changed, removed = () => {} }) {
  let lines = [];

  const quantityOf = (line) => (Number.isInteger(line.quantity) && line.quantity > 0 ? line.quantity : 0);
  const minutes = () => lines.reduce((sum, line) => sum + line.service.duration_minutes * quantityOf(line), 0);
  const cents = () => lines.reduce((sum, line) => sum + line.service.price_cents * quantityOf(line), 0);

  function row(line, index) {
    const { service } = line;
    const name = cell('th', null, `${service.name} `, cell('span', 'muted', `(${service.code}, ${service.duration_minutes} min)`));
    name.scope = 'row';
    const codeError = cell('p', 'field-error');
    Object.assign(codeError, { hidden: true, id: `booking-line-${index}-error` });
    codeError.dataset.errorFor = `services.${index}.code`;
    name.append(codeError);
    const quantity = Object.assign(document.createElement('input'), {
      type: 'number', min: 1, max: 999, step: 1, value: String(line.quantity), className: 'quantity',
    });
    quantity.dataset.field = `services.${index}.quantity`;
    quantity.setAttribute('aria-label', `Quantity of ${service.name}`);
    const amount = cell('td', 'num', money(service.price_cents * quantityOf(line)));
    quantity.addEventListener('input', () => {
      line.quantity = quantity.value === '' ? null : Number(quantity.value);
      amount.textContent = money(service.price_cents * quantityOf(line));
      update();
    });
    const remove = cell('button', 'button-quiet line-remove', 'Remove');
    remove.type = 'button';
    remove.setAttribute('aria-label', `Remove ${service.name}`);
    remove.addEventListener('click', () => {
      lines = lines.filter((other) => other !== line);
      render();
      removed();
    });
    return cell('tr', null, name, cell('td', 'num', quantity), amount, cell('td', 'num', remove));
  }

  /** The total, the length and, once a start is chosen, the end; ``tell`` calls ``changed``. */
  function update(tell = true) {
    if (!lines.length) {
      summary.textContent = 'No services yet.';
    } else {
      const begins = start();
      const ends = begins ? ` · ends ${timeOfDay(later(begins, minutes()))}` : '';
      summary.textContent = `Total ${money(cents())} · ${minutes()} min${ends}`;
    }
    if (tell) changed();
  }

  function render() {
    table.hidden = !lines.length;
    tbody.replaceChildren(...lines.map(row));
    update();
  }

  return {
    /** Adds a service, or one more of it when it is there already. */
    add(service) {
      const found = lines.find((line) => line.service.code === service.code);
      if (found) found.quantity = quantityOf(found) + 1;
      else lines.push({ service, quantity: 1 });
      render();
    },
    clear() {
      lines = [];
      table.hidden = true;
      tbody.replaceChildren();
      update(false);
    },
    update,
    get count() {
      return lines.length;
    },
    minutes,
    /** The lines as the API books them. */
    services: () => lines.map((line) => ({ code: line.service.code, quantity: line.quantity })),
  };
}
