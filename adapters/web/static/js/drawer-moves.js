// The drawer's move buttons. Cancelling and marking a no-show ask why first (the reason is kept
// on the move and shown in the history) and are sent with the version the user saw; other moves
// go as on the board (reopening a finished card asks its reason there).
import { api } from './api.js';
import { allowedFrom, title } from './config.js';
import { showFieldErrors } from './forms.js';

const $ = (id) => document.getElementById(id);

const ASK_WHY = {
  cancelled: { question: 'Why cancel it?', action: 'Cancel appointment' },
  no_show: { question: 'Why mark it a no-show?', action: 'Mark no-show' },
};

/** ``move(id, status)`` moves as the board does; ``run`` sends an edit (drawer-command.js). */
export function createMoves(drawer, run, move) {
  const form = $('move-reason-form');
  const reason = $('move-reason');
  let asked = null; // {status, version, opener}

  function closeForm() {
    form.hidden = true;
    const opener = asked?.opener;
    asked = null;
    const still = opener?.isConnected ? opener : $('drawer-moves').querySelector('button');
    (still ?? $('drawer-close')).focus();
  }

  function ask(appointment, status, opener) {
    asked = { status, version: appointment.version, opener };
    $('move-reason-label').textContent = ASK_WHY[status].question;
    $('move-reason-go').textContent = ASK_WHY[status].action;
    reason.value = '';
    form.hidden = false;
    reason.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      showFieldErrors(form, { reason: ['Say why, for the history.'] });
      return;
    }
    const { appointment } = drawer;
    const { status, version } = asked;
    const made = await run({
      form,
      version,
      send: (expected) => api.move(appointment.id, { to_status: status, expected_version: expected, reason: text }),
      success: `${appointment.customer.name} → ${title(status)}`,
    });
    if (made) closeForm();
  });
  $('move-reason-back').addEventListener('click', closeForm);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      closeForm();
    }
  });

  return {
    show(appointment) {
      const buttons = allowedFrom(appointment.status).map((status) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'move-button';
        button.dataset.status = status;
        button.textContent = title(status);
        button.addEventListener('click', async () => {
          if (ASK_WHY[status]) ask(appointment, status, button);
          else if (await move(appointment.id, status)) drawer.reload();
        });
        return button;
      });
      $('drawer-moves').replaceChildren(...buttons);
      if (asked && !allowedFrom(appointment.status).includes(asked.status)) form.hidden = true;
    },
    reset() {
      form.hidden = true;
      asked = null;
    },
  };
}
