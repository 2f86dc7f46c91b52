// A booking, reschedule or assignment the server refused for the schedule's sake, told in the
// desk's words, with the choice to go ahead on purpose: "Sam already has Alex Kim 10:00–11:00"
// with "Book anyway" (allow_overlap), or "not open then" with "Book outside hours"
// (allow_outside_hours, for an admin). Shared by the booking dialog and the drawer.
import { ApiError } from './api.js';
import { timeRange } from './format.js';
import { role } from './role.js';

/**
 * What to say about ``error`` and which override may answer it; null when it is not one of
 * these refusals. ``staffName`` names the member booked; ``verb`` is the action ("Book").
 */
export function refusal(error, { staffName = null, location = null, verb = 'Book' } = {}) {
  if (!(error instanceof ApiError)) return null;
  const problem = error.problem;
  if (error.status === 409 && error.slug === 'staff_double_booked') {
    const holder = problem.conflicting_appointment ?? {};
    const when = holder.starts_at && holder.ends_at ? ` ${timeRange(holder.starts_at, holder.ends_at)}` : '';
    return {
      message: `${staffName ?? 'The staff member'} already has ${holder.customer_name ?? 'another appointment'}${when}.`,
      override: { label: `${verb} anyway`, flag: 'allow_overlap' },
    };
  }
  if (error.status === 422 && error.slug === 'outside_opening_hours') {
    const place = problem.location_id ?? location ?? 'The location';
    if (role.may('admin')) {
      return {
        message: `${place} is not open then.`,
        override: { label: `${verb} outside hours`, flag: 'allow_outside_hours' },
      };
    }
    return { message: `${place} is not open then. Choose a time within its opening hours.`, override: null };
  }
  return null;
}

/**
 * Shows ``found`` (from ``refusal``) in ``box`` with its override button, which calls
 * ``retry(flag)``; an empty ``found`` hides the box.
 */
export function showRefusal(box, found, retry) {
  box.replaceChildren();
  box.hidden = !found;
  if (!found) return;
  const text = document.createElement('p');
  text.textContent = found.message;
  box.append(text);
  if (found.override) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button-quiet refusal-override';
    button.textContent = found.override.label;
    button.addEventListener('click', () => retry(found.override.flag));
    box.append(button);
    button.focus();
  }
}
