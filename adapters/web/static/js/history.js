// One history entry ({type, changes: {field: [before, after]}}) told in words.
import { title } from './config.js';
import { timeRange } from './format.js';

function clip(text, length = 80) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

export function names(lines) {
  return (lines ?? []).map((line) => (line.quantity > 1 ? `${line.name} ×${line.quantity}` : line.name)).join(', ') || 'none';
}

export function describeChange({ type, changes = {} }) {
  const after = (field) => changes[field]?.[1];
  switch (type) {
    case 'Booked':
      return `booked it for ${timeRange(after('starts_at'), after('ends_at'))}: ${names(after('service_lines'))}`;
    case 'Moved':
      return `moved it from ${title(changes.status?.[0])} to ${title(after('status'))}`;
    case 'NotesEdited':
      return after('notes') ? `edited the notes: “${clip(after('notes'))}”` : 'cleared the notes';
    case 'Assigned':
      return after('staff') ? `assigned it to ${after('staff').name}` : 'took the staff off it';
    case 'Rescheduled':
      return `moved the time to ${timeRange(after('starts_at'), after('ends_at'))}`;
    case 'ServiceLineAdded':
    case 'ServiceLineRemoved':
      return `changed the services from ${names(changes.service_lines?.[0])} to ${names(after('service_lines'))}`;
    default:
      return `${type}: ${Object.keys(changes).join(', ')}`;
  }
}
