// The drawer's time and staff: reschedule (day, start, end and the reason, sent as ``reason``)
// and assign or unassign staff. Each form keeps the version the user began editing from, so a
// change someone made meanwhile is merged by the server, or shown as a collision.
import { api } from './api.js';
import { showFieldErrors } from './forms.js';
import { chosenStaff, fillStaff } from './staff-options.js';
import { instant, wallClock } from './zoned.js';

const $ = (id) => document.getElementById(id);

/** ``drawer`` gives id and appointment; ``run`` sends an edit (drawer-command.js). */
export function createEdits(drawer, run) {
  const reschedule = $('reschedule-form');
  const assign = $('assign-form');
  const [day, start, end, reason, staff] = [
    'reschedule-date', 'reschedule-start', 'reschedule-end', 'reschedule-reason', 'assign-staff',
  ].map($);
  /** The version each form was begun from, while the user has changes in it. */
  const bases = new Map();
  let staffOf = null; // the location whose staff the select lists

  for (const form of [reschedule, assign]) {
    const begin = () => {
      if (!bases.has(form) && drawer.appointment) bases.set(form, drawer.appointment.version);
    };
    form.addEventListener('input', begin);
    form.addEventListener('change', begin);
  }

  function fillTimes(appointment) {
    const from = wallClock(appointment.starts_at);
    day.value = from.date;
    start.value = from.time;
    end.value = wallClock(appointment.ends_at).time;
    reason.value = '';
  }

  async function fillAssign(appointment) {
    if (staffOf !== appointment.location_id) {
      staffOf = appointment.location_id;
      await fillStaff(staff, appointment.location_id, appointment.staff);
    } else if (appointment.staff?.id && ![...staff.options].some((node) => node.value === appointment.staff.id)) {
      await fillStaff(staff, appointment.location_id, appointment.staff);
    }
    if (!bases.has(assign)) staff.value = appointment.staff?.id ?? '';
  }

  /** The user's changes are done with (saved, or given up for the other person's). */
  const done = (form) => () => bases.delete(form);

  reschedule.addEventListener('submit', (event) => {
    event.preventDefault();
    const { appointment } = drawer;
    const body = { starts_at: instant(day.value, start.value.slice(0, 5)), ends_at: instant(day.value, end.value.slice(0, 5)) };
    const errors = {};
    if (!body.starts_at) errors.starts_at = ['Choose the day and the start time.'];
    if (!body.ends_at) errors.ends_at = ['Choose the end time.'];
    if (Object.keys(errors).length) {
      showFieldErrors(reschedule, errors);
      return;
    }
    if (reason.value.trim()) body.reason = reason.value.trim();
    run({
      form: reschedule,
      refusalBox: $('reschedule-refusal'),
      verb: 'Reschedule',
      staffName: appointment.staff?.name,
      version: bases.get(reschedule) ?? appointment.version,
      send: (version, overrides) => api.edit(appointment.id, { expected_version: version, ...body, ...overrides }),
      done: done(reschedule),
      success: `${appointment.customer.name} rescheduled`,
    });
  });

  assign.addEventListener('submit', (event) => {
    event.preventDefault();
    const { appointment } = drawer;
    const member = chosenStaff(staff);
    run({
      form: assign,
      refusalBox: $('assign-refusal'),
      verb: 'Assign',
      staffName: member?.name,
      version: bases.get(assign) ?? appointment.version,
      send: (version, overrides) => api.edit(appointment.id, { expected_version: version, staff: member, ...overrides }),
      done: done(assign),
      success: member ? `${appointment.customer.name} assigned to ${member.name}` : `${appointment.customer.name} unassigned`,
    });
  });

  return {
    /** Shows the appointment in the forms the user has not begun to change. */
    show(appointment) {
      if (!bases.has(reschedule)) fillTimes(appointment);
      fillAssign(appointment);
    },
    /** A different appointment: forget what was begun. */
    reset() {
      bases.clear();
      for (const box of [$('reschedule-refusal'), $('assign-refusal')]) box.hidden = true;
    },
  };
}
