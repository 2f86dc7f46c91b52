// The "New appointment" dialog.
export function createBooking({ dialog }) {
  return {
    open() {
      dialog.showModal();
    },
  };
}
