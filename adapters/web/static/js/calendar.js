// The calendar view of a location's day: a time grid with a column per staff member.
export function createCalendar({ root }) {
  return {
    enter() {
      root.dataset.ready = 'true';
    },
    leave() {},
    show() {},
  };
}
