// The "New appointment" dialog: customer, location, start, staff, services and notes; free
// starts suggested as the form is filled; one Idempotency-Key for a save and its repeats, so a
// double click books once; the server's field messages beside their fields; a taken slot or
// closed hours answered with "Book anyway" or (admin) "Book outside hours".
import { ApiError, api, newKey } from './api.js';
import { createAvailability } from './booking-availability.js';
import { createLines } from './booking-lines.js';
import { serverNow, timeOfDay, today } from './format.js';
import { clearFieldErrors, clearOnInput, showFieldErrors } from './forms.js';
import { refusal, showRefusal } from './refusals.js';
import { createServicePicker } from './services-picker.js';
import { chosenStaff, fillStaff } from './staff-options.js';
import { toast } from './toasts.js';
import { CLOCK, instant, minutesOf, wallClock } from './zoned.js';

const STEP_MINUTES = 5;

/** The next whole five minutes on the board's clock, as "HH:MM" (a walk-in starts now). */
function soon() {
  const { time } = wallClock(serverNow() + STEP_MINUTES * 60000);
  const minute = Math.floor(minutesOf(time) % 60 / STEP_MINUTES) * STEP_MINUTES;
  return `${time.slice(0, 3)}${String(minute).padStart(2, '0')}`;
}

function option(value, text) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = text;
  return node;
}

/** ``booked(appointment)`` is told of each appointment booked here. */
export function createBooking({ dialog, sync, booked }) {
  const $ = (name) => dialog.querySelector(`#booking-${name}`);
  const form = $('form');
  const [name, phone, email, place, day, start, end, staff, notes] = [
    'name', 'phone', 'email', 'location', 'date', 'start', 'end', 'staff', 'notes',
  ].map($);
  const saveButton = $('save');
  const refusalBox = $('refusal');
  const problems = $('problems');
  let saving = false;
  let key = null;
  let sent = null;
  let returnFocus = null;

  const startsAt = () => instant(day.value, start.value.slice(0, 5));
  const availability = createAvailability({
    box: $('availability'),
    pickTime: (time) => {
      start.value = time;
      changed();
      start.focus();
    },
    pickStaff: (id) => {
      staff.value = id;
      changed();
      staff.focus();
    },
    position: () => sync.seen.own,
  });
  const lines = createLines({
    table: $('lines-table'), tbody: $('lines'), summary: $('summary'), start: startsAt,
    changed: () => changed(),
    removed: () => picker.input.focus(),
  });
  const picker = createServicePicker($('picker'), {
    label: 'Add a service', field: 'services', choose: (service) => lines.add(service),
  });

  function changed() {
    lines.update(false);
    availability.check({
      location: place.value,
      date: day.value,
      time: start.value.slice(0, 5),
      minutes: lines.minutes(),
      staff: chosenStaff(staff),
    });
  }

  async function fillLocations(chosen) {
    let known = [];
    try {
      known = (await api.get('/locations')).items;
    } catch {
      known = [];
    }
    if (chosen && !known.some((location) => location.id === chosen)) known = [{ id: chosen }, ...known];
    place.replaceChildren(...known.map((location) => option(location.id, location.name || location.id)));
    place.value = chosen ?? known[0]?.id ?? '';
  }

  function showProblems(texts) {
    problems.textContent = texts.join(' ');
    problems.hidden = !texts.length;
  }

  function clearAnswer() {
    showRefusal(refusalBox, null);
    showProblems([]);
  }

  /** The request, or null after showing what is missing. */
  function request(overrides) {
    const starts = startsAt();
    const errors = {};
    if (!starts) errors.starts_at = ['Choose the day and the start time.'];
    if (end.value && !CLOCK.test(end.value.slice(0, 5))) errors.ends_at = ['Give the end as a time, or leave it empty.'];
    if (!lines.count) errors.services = ['Add at least one service.'];
    if (Object.keys(errors).length) {
      showFieldErrors(form, errors);
      return null;
    }
    const customer = { name: name.value };
    if (phone.value.trim()) customer.phone = phone.value.trim();
    if (email.value.trim()) customer.email = email.value.trim();
    const body = { location_id: place.value, starts_at: starts, customer, services: lines.services() };
    if (end.value) body.ends_at = instant(day.value, end.value.slice(0, 5));
    const member = chosenStaff(staff);
    if (member) body.staff = member;
    if (notes.value) body.notes = notes.value;
    return { ...body, ...overrides };
  }

  async function save(overrides = {}) {
    if (saving) return;
    clearAnswer();
    const body = request(overrides);
    if (!body) return;
    // The same form sent again (a double click, a retry after no answer) is the same booking.
    const print = JSON.stringify(body);
    if (print !== sent) {
      sent = print;
      key = newKey();
    }
    saving = true;
    saveButton.disabled = true;
    $('state').textContent = 'Booking…';
    try {
      const { data, position } = await api.command('POST', '/appointments', body, {
        key,
        onRetry: (attempt) => { $('state').textContent = `No answer yet; trying again (${attempt})…`; },
      });
      sync.sawWrite(position);
      booked(data);
      dialog.close();
      toast(`Booked ${data.customer.name} at ${timeOfDay(data.starts_at)}`, { kind: 'success' });
      sync.refresh();
    } catch (error) {
      const found = refusal(error, { staffName: body.staff?.name, location: body.location_id });
      if (found) {
        showRefusal(refusalBox, found, (flag) => save({ ...overrides, [flag]: true }));
      } else if (error instanceof ApiError && error.problem.errors) {
        showProblems(showFieldErrors(form, error.problem.errors));
      } else if (!(error instanceof ApiError && error.status === 401)) {
        showProblems([`Not booked: ${error.message}`]);
      }
    } finally {
      saving = false;
      saveButton.disabled = false;
      $('state').textContent = '';
    }
  }

  clearOnInput(form);
  form.addEventListener('input', (event) => {
    if (event.target !== picker.input) clearAnswer();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save();
  });
  for (const input of [day, start, staff]) input.addEventListener('change', changed);
  place.addEventListener('change', async () => {
    await fillStaff(staff, place.value, chosenStaff(staff));
    changed();
  });
  $('cancel').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    availability.hide();
    returnFocus?.focus?.();
  });

  return {
    /** ``prefill``: {location, date, start: 'HH:MM', staff: id or {id, name}}, all optional. */
    async open(prefill = {}) {
      returnFocus = document.activeElement;
      form.reset();
      clearFieldErrors(form);
      clearAnswer();
      picker.reset();
      lines.clear();
      sent = null;
      day.value = prefill.date ?? today();
      start.value = prefill.start ?? (day.value === today() ? soon() : '');
      dialog.showModal();
      name.focus();
      await fillLocations(prefill.location);
      await fillStaff(staff, place.value, prefill.staff ?? null);
      changed();
    },
  };
}
