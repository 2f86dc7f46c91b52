// The service catalog page (admin).
export function createCatalog() {
  return { enter() {}, leave() {} };
}
