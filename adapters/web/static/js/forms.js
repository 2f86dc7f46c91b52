// Field messages in forms: a 422's ``errors`` ({"customer.name": ["…"]}) shown beside their
// fields, announced to screen readers, and cleared when the field is edited. A form names the
// API field of each input with data-field="customer.name"; the message goes into an element
// with data-error-for="customer.name", made after the input when the form has none.

function messageFor(form, name, input) {
  let note = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
  if (!note && input) {
    note = document.createElement('p');
    note.className = 'field-error';
    note.dataset.errorFor = name;
    note.id = `${form.id || 'form'}-${name.replace(/[^a-z0-9_-]/gi, '-')}-error`;
    input.insertAdjacentElement('afterend', note);
  }
  return note;
}

/** Clears every message (or only ``name``'s) and the invalid marks. */
export function clearFieldErrors(form, name = null) {
  const selector = name ? `[data-error-for="${CSS.escape(name)}"]` : '[data-error-for]';
  for (const note of form.querySelectorAll(selector)) {
    note.textContent = '';
    note.hidden = true;
  }
  const inputs = name
    ? form.querySelectorAll(`[data-field="${CSS.escape(name)}"]`)
    : form.querySelectorAll('[data-field]');
  for (const input of inputs) input.removeAttribute('aria-invalid');
}

/**
 * Shows each field's messages beside it and focuses the first invalid field. Returns the
 * messages that belong to no field of the form ("field: message"), for a summary or a toast.
 */
export function showFieldErrors(form, errors = {}) {
  clearFieldErrors(form);
  const unplaced = [];
  let first = null;
  for (const [name, texts] of Object.entries(errors)) {
    const input = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const note = messageFor(form, name, input);
    if (!note) {
      unplaced.push(`${name === '_schema' ? '' : `${name}: `}${texts.join(' ')}`);
      continue;
    }
    note.textContent = texts.join(' ');
    note.hidden = false;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      const described = new Set((input.getAttribute('aria-describedby') ?? '').split(' '));
      described.add(note.id);
      input.setAttribute('aria-describedby', [...described].filter(Boolean).join(' '));
      first ??= input;
    }
  }
  first?.focus();
  return unplaced;
}

/** Editing a field takes its message away. */
export function clearOnInput(form) {
  form.addEventListener('input', (event) => {
    const name = event.target.closest('[data-field]')?.dataset.field;
    if (name) clearFieldErrors(form, name);
  });
}
