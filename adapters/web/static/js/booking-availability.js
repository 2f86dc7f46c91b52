// Whether the chosen start is free, from GET /availability ({staff: [{id, name, free}]}), with
// the next free starts (or the staff free then) as buttons. A server without the endpoint
// (404) leaves the dialog without suggestions.
import { ApiError, api } from './api.js';

const DEBOUNCE_MS = 300;
const SUGGESTIONS = 4;

function button(text, label, onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = 'button-quiet suggestion';
  node.textContent = text;
  node.setAttribute('aria-label', label);
  node.addEventListener('click', onClick);
  return node;
}

/**
 * ``pickTime('HH:MM')`` and ``pickStaff(id)`` take a suggestion into the form; ``position()``
 * is the page's last own write, which the answer must include.
 */
export function createAvailability({ box, pickTime, pickStaff, position = () => 0 }) {
  let missing = false;
  let serial = 0;
  let timer = null;

  function say(text, buttons = []) {
    const line = document.createElement('p');
    line.textContent = text;
    box.replaceChildren(line);
    if (buttons.length) {
      const row = document.createElement('div');
      row.className = 'suggestions';
      row.append(...buttons);
      box.append(row);
    }
    box.hidden = false;
  }

  function nextStarts(free, time) {
    const after = free.filter((start) => start > time);
    return (after.length ? after : free).slice(0, SUGGESTIONS);
  }

  function show(data, { time, staff }) {
    const times = (starts) => nextStarts(starts, time).map((start) => button(start, `Start at ${start}`, () => pickTime(start)));
    if (staff) {
      const free = data.staff.find((member) => member.id === staff.id)?.free ?? [];
      if (free.includes(time)) say(`${time} is free for ${staff.name}.`);
      else if (free.length) say(`${staff.name} is not free at ${time}. Next free starts:`, times(free));
      else say(`${staff.name} has no free start that day.`);
      return;
    }
    const freeThen = data.staff.filter((member) => member.free.includes(time));
    if (freeThen.length) {
      say(`Free at ${time}:`, freeThen.map((member) => button(member.name, `Assign ${member.name}`, () => pickStaff(member.id))));
      return;
    }
    const any = [...new Set(data.staff.flatMap((member) => member.free))].sort();
    if (any.length) say(`Nobody is free at ${time}. Next free starts:`, times(any));
    else box.hidden = true;
  }

  async function ask(wanted) {
    const asked = ++serial;
    try {
      const data = await api.get('/availability', {
        location: wanted.location,
        date: wanted.date,
        duration_minutes: wanted.minutes,
        staff: wanted.staff?.id,
        min_position: position() || undefined,
      });
      if (asked === serial) show(data, wanted);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && !error.problem?.errors) missing = true;
      if (asked === serial) box.hidden = true;
    }
  }

  return {
    /** ``wanted``: {location, date, time, minutes, staff: {id, name} | null}. */
    check(wanted) {
      clearTimeout(timer);
      serial += 1;
      const complete = wanted.location && wanted.date && wanted.time && wanted.minutes > 0;
      if (missing || !complete) {
        box.hidden = true;
        return;
      }
      timer = setTimeout(() => ask(wanted), DEBOUNCE_MS);
    },
    hide() {
      clearTimeout(timer);
      serial += 1;
      box.hidden = true;
    },
  };
}
