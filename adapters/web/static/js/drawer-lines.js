// The drawer's services: the lines with their amounts and total, a Remove button on each (the
// last one cannot go: cancel instead), and the shared services picker to add one.
import { api } from './api.js';
import { money } from './format.js';
import { createServicePicker } from './services-picker.js';

const $ = (id) => document.getElementById(id);

function cell(tag, text, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** ``drawer`` gives appointment and editable; ``run`` sends an edit (drawer-command.js). */
export function createLineEdits(drawer, run) {
  const picker = createServicePicker($('drawer-add-service'), {
    label: 'Add a service',
    choose: (service) => {
      const { appointment } = drawer;
      run({
        version: appointment.version,
        send: (version) => api.command('POST', `/appointments/${appointment.id}/service-lines`, {
          code: service.code, quantity: 1, expected_version: version,
        }),
        success: `${service.name} added`,
      });
    },
  });

  function remove(appointment, line) {
    const path = `/appointments/${appointment.id}/service-lines/${line.service_id}`;
    run({
      version: appointment.version,
      send: (version) => api.command('DELETE', `${path}?expected_version=${version}`),
      success: `${line.name} removed`,
    }).then(() => $('drawer-add-service').querySelector('input')?.focus());
  }

  function row(appointment, line, editable) {
    const tr = document.createElement('tr');
    const name = cell('th', `${line.name} (${line.code}, ${line.duration_minutes} min)`);
    name.scope = 'row';
    tr.append(
      name,
      cell('td', String(line.quantity), 'num'),
      cell('td', money(line.unit_price_cents), 'num'),
      cell('td', money(line.unit_price_cents * line.quantity), 'num'),
    );
    if (editable) {
      const button = cell('button', 'Remove', 'button-quiet line-remove');
      button.type = 'button';
      button.setAttribute('aria-label', `Remove ${line.name}`);
      if (appointment.service_lines.length === 1) {
        button.disabled = true;
        button.title = 'The last service cannot be removed; cancel the appointment instead.';
      }
      button.addEventListener('click', () => remove(appointment, line));
      const actions = cell('td', undefined, 'num');
      actions.append(button);
      tr.append(actions);
    }
    return tr;
  }

  return {
    show(appointment) {
      const editable = drawer.editable;
      $('drawer-lines-remove').hidden = !editable;
      $('drawer-total-gap').hidden = !editable;
      $('drawer-lines').replaceChildren(...appointment.service_lines.map((line) => row(appointment, line, editable)));
      $('drawer-total').textContent = money(appointment.total_cents);
    },
    reset: () => picker.reset(),
  };
}
