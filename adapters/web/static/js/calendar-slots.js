// The free slots of the calendar's day: a click (or Enter) books in that staff member's column
// at that time. Tab reaches one slot; the arrow keys go a step up or down, or a column across.
const KEYS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

/** ``book(slot)`` gets {staff: {id, name} | null, start: 'HH:MM'}. */
export function enableSlots({ grid, host, book }) {
  function slotOf(target) {
    const slot = target.closest('.cal-slot');
    return slot && host.contains(slot) ? slot : null;
  }

  host.addEventListener('click', (event) => {
    const slot = slotOf(event.target);
    if (!slot) return;
    grid.rove(slot);
    const column = grid.model.columns[Number(slot.closest('.cal-column').dataset.index)];
    book({ staff: column.id ? { id: column.id, name: column.name } : null, start: slot.dataset.start });
  });

  host.addEventListener('keydown', (event) => {
    const slot = slotOf(event.target);
    const step = KEYS[event.key];
    if (!slot || (!step && event.key !== 'Home' && event.key !== 'End')) return;
    event.preventDefault();
    const index = Number(slot.closest('.cal-column').dataset.index);
    const slots = (at) => Array.from(grid.columnNodes[at]?.querySelectorAll('.cal-slot') ?? []);
    const here = slots(index);
    const row = here.indexOf(slot);
    let next;
    if (event.key === 'Home') next = here[0];
    else if (event.key === 'End') next = here[here.length - 1];
    else next = slots(index + step[0])[row + step[1]];
    if (!next) return;
    grid.rove(next);
    next.focus();
  });
}
