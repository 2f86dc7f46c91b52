// Moving a card: shown at once, sent with expected_version and one Idempotency-Key per move,
// snapped back with an explanation when the server says no.
import { ApiError, NetworkError, api } from './api.js';
import { allowedFrom, isTerminal, title } from './config.js';
import { ago } from './format.js';
import { role } from './role.js';
import { toast } from './toasts.js';

const SHOW_SNAP_BACK_MS = 900;

const reasonDialog = document.getElementById('reason-dialog');
const reasonForm = document.getElementById('reason-form');
const reasonInput = document.getElementById('reason');
const reasonSummary = document.getElementById('reason-summary');
document.getElementById('reason-cancel').addEventListener('click', () => reasonDialog.close('cancel'));

/** Reopening a finished card needs a reason; null when the user thinks better of it. */
function askReason(card, to) {
  reasonSummary.textContent = `${card.customer_name}: from ${title(card.status)} back to ${title(to)}.`;
  reasonInput.value = '';
  reasonDialog.returnValue = '';
  reasonDialog.showModal();
  reasonInput.focus();
  return new Promise((resolve) => {
    reasonDialog.addEventListener('close', () => {
      const text = reasonInput.value.trim();
      resolve(reasonDialog.returnValue === 'move' && text ? text : null);
    }, { once: true });
  });
}

reasonForm.addEventListener('submit', (event) => {
  if (!reasonInput.value.trim()) {
    event.preventDefault();
    reasonInput.focus();
  }
});

function listOf(statuses) {
  return statuses.map(title).join(', ') || 'nowhere';
}

/** What went wrong, told as the front desk would want to hear it. */
export function explain(error, card, to) {
  if (error instanceof NetworkError) {
    return ['No answer from the server after several tries.', {
      kind: 'error', lines: ['The board will show whether the move was made once it reconnects.'],
    }];
  }
  if (!(error instanceof ApiError)) return [String(error.message ?? error), { kind: 'error' }];
  const problem = error.problem;
  if (error.status === 409 && problem.conflicting_event) {
    const change = problem.conflicting_event;
    const moved = change.changes?.status;
    const what = moved ? `moved this to ${title(moved[1])}` : `changed this (${change.type})`;
    return [`${change.actor} ${what} ${ago(change.at)}.`, {
      kind: 'error', lines: [`Your move of ${card.customer_name} to ${title(to)} was not made.`],
    }];
  }
  if (error.status === 422 && problem.allowed) {
    const from = problem.from_status ?? card.status;
    return [`A card in ${title(from)} cannot go to ${title(to)}.`, {
      kind: 'error', lines: [`Allowed from ${title(from)}: ${listOf(problem.allowed)}`],
    }];
  }
  const fields = Object.entries(problem.errors ?? {}).map(([name, texts]) => `${name}: ${texts.join(' ')}`);
  return [problem.detail || error.message, { kind: 'error', lines: fields }];
}

/** ``board`` shows the card; ``sync`` hears of the position written; ``moved`` is told after. */
export function createMover({ board, sync, moved = () => {} }) {
  return async function moveCard(id, to) {
    const card = board.card(id);
    if (!card || board.isPending(id) || card.status === to || !role.may('staff')) return false;
    let reason = null;
    if (isTerminal(card.status) && allowedFrom(card.status).includes(to)) {
      reason = await askReason(card, to);
      if (reason === null) {
        board.focusCard(id);
        return false;
      }
    }
    board.setPending(id, to);
    try {
      const body = { to_status: to, expected_version: card.version, ...(reason ? { reason } : {}) };
      const { data, position } = await api.move(id, body, {
        onRetry: (attempt) => board.markRetrying(id, attempt),
      });
      sync.sawWrite(position);
      board.confirm(data.appointment);
      if (data.applied) toast(`${card.customer_name} → ${title(to)}`, { kind: 'success' });
      else toast(`${card.customer_name} was already moved to ${title(to)} by someone else.`);
      moved(data.appointment);
      sync.refresh();
      return true;
    } catch (error) {
      board.snapBack(id);
      if (!(error instanceof ApiError && error.status === 401)) {
        const [message, options] = explain(error, card, to);
        toast(message, { ...options, error });
      }
      // Let the snap-back be seen, then show where the card really is now.
      setTimeout(() => sync.refresh(), SHOW_SNAP_BACK_MS);
      return false;
    }
  };
}
