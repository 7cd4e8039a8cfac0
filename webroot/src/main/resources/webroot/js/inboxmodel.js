// What the inbox shows, without the page: the unread badge and the read state of notices.

/** The header badge's text and the button's accessible name for an unread count. */
export function unreadLabel(unread) {
  const n = Number.isInteger(unread) && unread > 0 ? unread : 0;
  return { badge: n > 99 ? '99+' : String(n), name: n === 0 ? 'Inbox, nothing unread' : `Inbox, ${n} unread` };
}

/** The notices after an INBOX message: those it names (or all) read. */
export function markRead(notices, payload) {
  const ids = new Set(Array.isArray(payload.read) ? payload.read : []);
  return notices.map((n) => (payload.all || ids.has(n.id) ? { ...n, read: true } : n));
}
