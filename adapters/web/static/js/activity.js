// The activity page (support and admin).
export function createActivity() {
  return { enter() {}, leave() {} };
}
