// Rescheduling and reassigning from the calendar: the card goes to its new place at once, the
// change is sent with expected_version, and the card snaps back with an explanation when the
// server says no.
import { ApiError, NetworkError, api } from './api.js';
import { ago, timeRange } from './format.js';
import { describeChange } from './history.js';
import { toast } from './toasts.js';

export const REASON = 'moved in the calendar';

/** The words for a refused change; ``who`` names the staff member the card was to go to. */
export function explainRefusal(error, card, who) {
  if (error instanceof NetworkError) {
    return ['No answer from the server after several tries.', {
      kind: 'error', lines: ['The calendar will show whether the change was made once it reconnects.'],
    }];
  }
  if (!(error instanceof ApiError)) return [String(error.message ?? error), { kind: 'error' }];
  const { problem } = error;
  const stays = `${card.customer_name} stays where it was.`;
  if (error.slug === 'staff_double_booked' && problem.conflicting_appointment) {
    const holder = problem.conflicting_appointment;
    return [`${who} is already booked then: ${holder.customer_name}, ${timeRange(holder.starts_at, holder.ends_at)}.`, {
      kind: 'error', lines: [stays],
    }];
  }
  if (error.status === 409 && problem.conflicting_event) {
    const change = problem.conflicting_event;
    return [`${change.actor} ${describeChange(change)} ${ago(change.at)}.`, {
      kind: 'error', lines: [`Your change to ${card.customer_name} was not made; the calendar shows it as it is now.`],
    }];
  }
  if (error.slug === 'outside_opening_hours') {
    return ['The location is not open then.', { kind: 'error', lines: [stays] }];
  }
  const fields = Object.entries(problem.errors ?? {}).map(([name, texts]) => `${name}: ${texts.join(' ')}`);
  return [problem.detail || error.message, { kind: 'error', lines: [...fields, stays] }];
}

/**
 * ``draw()`` redraws the calendar, which shows ``overrides`` (id → the fields as moved, and the
 * version that settles them) on top of the board's cards; ``snapped(id)`` marks a card sent back.
 */
export function createRescheduler({ sync, draw, snapped }) {
  const overrides = new Map();

  /** The card as the page shows it: the board's, or the move made here until the board has it. */
  function shown(card) {
    const moved = overrides.get(card.id);
    if (!moved) return card;
    if (moved.settles && card.version >= moved.settles) {
      overrides.delete(card.id);
      return card;
    }
    return { ...card, ...moved.fields, pending: !moved.settles };
  }

  /** ``to``: {starts_at, ends_at, staff: {id, name} | null}; resolves true once made. */
  async function move(card, to) {
    const body = { expected_version: card.version };
    if (to.starts_at !== card.starts_at || to.ends_at !== card.ends_at) {
      Object.assign(body, { starts_at: to.starts_at, ends_at: to.ends_at, reason: REASON });
    }
    if ((to.staff?.id ?? null) !== (card.staff_id ?? null)) body.staff = to.staff;
    if (Object.keys(body).length === 1) return false;
    const fields = {
      starts_at: to.starts_at, ends_at: to.ends_at, staff_id: to.staff?.id ?? null, staff_name: to.staff?.name ?? null,
    };
    overrides.set(card.id, { fields });
    draw();
    const who = to.staff?.name ?? 'Unassigned';
    try {
      const { data, position } = await api.edit(card.id, body);
      sync.sawWrite(position);
      const made = data.appointment;
      overrides.set(card.id, {
        settles: made.version,
        fields: {
          starts_at: made.starts_at, ends_at: made.ends_at, version: made.version,
          staff_id: made.staff?.id ?? null, staff_name: made.staff?.name ?? null,
        },
      });
      draw();
      toast(`${card.customer_name} → ${timeRange(made.starts_at, made.ends_at)}, ${made.staff ? `with ${made.staff.name}` : 'unassigned'}`, { kind: 'success' });
      sync.refresh();
      return true;
    } catch (error) {
      overrides.delete(card.id);
      draw();
      snapped(card.id);
      if (!(error instanceof ApiError && error.status === 401)) {
        const [message, options] = explainRefusal(error, card, who);
        toast(message, { ...options, error });
      }
      sync.refresh();
      return false;
    }
  }

  return { shown, move, forget: () => overrides.clear() };
}
