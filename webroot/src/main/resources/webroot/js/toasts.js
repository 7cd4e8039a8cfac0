// Toasts bottom-right: success / error / warning / info, ~4 s, the same text twice at once is shown once.

const DEFAULT_MS = 4000;
/** More at once would cover the page; the oldest goes first. */
const MAX_VISIBLE = 4;
let container = null;
const showing = new Map();

export function initToasts(el) {
  container = el;
}

/** showToast('alice checked out a.nc', 'info'); user text is set as text, never as markup. */
export function showToast(text, kind = 'info', { timeout = DEFAULT_MS } = {}) {
  if (!container) return;
  const key = `${kind}\u0000${text}`;
  const existing = showing.get(key);
  if (existing) {
    // Suppressed duplicate: keep the one on screen a little longer instead.
    clearTimeout(existing.timer);
    existing.timer = setTimeout(() => dismiss(key), timeout);
    return;
  }
  while (showing.size >= MAX_VISIBLE) dismiss(showing.keys().next().value);
  const toast = document.createElement('div');
  toast.className = `toast toast-${kind}`;
  toast.dataset.testid = 'toast';
  toast.dataset.kind = kind;
  toast.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const message = document.createElement('span');
  message.className = 'toast-text';
  message.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', 'Dismiss notification');
  close.textContent = '\u00d7';
  close.addEventListener('click', () => dismiss(key));
  toast.append(message, close);
  container.appendChild(toast);
  showing.set(key, { el: toast, timer: setTimeout(() => dismiss(key), timeout) });
}

function dismiss(key) {
  const entry = showing.get(key);
  if (!entry) return;
  showing.delete(key);
  clearTimeout(entry.timer);
  entry.el.remove();
}

/** Toast for a failed request. */
export function showError(error, prefix) {
  const text = error && error.message ? error.message : String(error);
  showToast(prefix ? `${prefix}: ${text}` : text, 'error', { timeout: 6000 });
}
