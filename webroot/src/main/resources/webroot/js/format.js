// Formatting of sizes, durations, times and activity sentences. Pure: no DOM access.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 0 -> "0 B", 1536 -> "1.5 KB", 10485760 -> "10 MB" (1024-based). */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  const text = value >= 100 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, '');
  return `${text} ${UNITS[unit]}`;
}

/** Dashboard duration: "Ns" under a minute, else "Xd Yh Zm". */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds || 0));
  if (s < 60) return `${s}s`;
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return `${days}d ${hours}h ${minutes}m`;
}

// Formatters are built once: toLocale*String builds a new one per call, too slow for 10,000 cards.
let formatters = null;
function fmt() {
  if (!formatters) {
    formatters = {
      time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
      date: new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }),
      full: new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' }),
    };
  }
  return formatters;
}

/**
 * Builds the formatters ahead of need (loading locale data takes tens of ms): called when the
 * browser is idle after login, so the first search over a big vault does not pay for it.
 */
export function warmUpFormatters() {
  fmt();
}

/** Local time of an ISO instant: "14:05" today, otherwise date and time. */
export function formatTime(iso, now = new Date()) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  const time = fmt().time.format(d);
  if (sameDay) return time;
  return `${fmt().date.format(d)} ${time}`;
}

/** Full local date and time of an ISO instant, for titles. */
export function formatFullTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fmt().full.format(d);
}

const VERBS = {
  create: 'added',
  checkout: 'checked out',
  checkin: 'checked in',
  cancel: 'cancelled the checkout of',
  override: 'overrode the lock on',
  delete: 'deleted',
  restore: 'restored',
  transition: 'changed the state of',
  user_created: 'created user',
  user_changed: 'changed user',
  user_deleted: 'deleted user',
  machine_changed: 'changed a machine',
  machines_assigned: 'assigned machines',
  transfer_started: 'sent a program',
  transfer_attempt: 'retried a transfer',
  transfer_finished: 'finished a transfer',
  import_received: 'received a program',
  import_decided: 'decided an import',
};

/** Machines, transfers and the import queue: the server's message says what happened. */
const MACHINE_EVENTS = new Set(['machine_changed', 'machines_assigned', 'transfer_started', 'transfer_attempt',
  'transfer_finished', 'import_received', 'import_decided']);

export function isMachineEvent(eventType) {
  return MACHINE_EVENTS.has(eventType);
}

export const EVENT_TYPES = Object.keys(VERBS);

export function verbOf(eventType) {
  return VERBS[eventType] || eventType || 'changed';
}

/** True for events about files (as opposed to user administration, machines and transfers). */
export function isFileEvent(eventType) {
  return !String(eventType || '').startsWith('user_') && !isMachineEvent(eventType);
}

/** "alice checked out 1234567_OP10.nc" (+ " (rev 1.2)" for check-ins and new files). */
export function activityText(entry) {
  if (isMachineEvent(entry.event_type) && entry.message) return `${entry.user || 'someone'}: ${entry.message}`;
  const parts = [entry.user || 'someone', verbOf(entry.event_type)];
  if (entry.filename) parts.push(entry.filename);
  let text = parts.join(' ');
  if (entry.revision && (entry.event_type === 'checkin' || entry.event_type === 'create')) text += ` (rev ${entry.revision})`;
  return text;
}
