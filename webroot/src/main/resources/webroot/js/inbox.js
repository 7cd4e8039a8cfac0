// The inbox: the notices the server keeps for this user (unread count in the header, shared live by
// all of the user's pages through INBOX and NOTIFY messages) and the files the user watches.
import { byId, h, timeEl } from './dom.js';
import { api } from './api.js';
import { formatTime } from './format.js';
import { openModal } from './modals.js';
import { markRead, unreadLabel } from './inboxmodel.js';

const PAGE = 50;
const KIND_LABEL = { free: 'File free', override: 'Lock overridden', message: 'Message' };

export function createInbox({ store, toast }) {
  const button = byId('inbox-button');
  const badge = byId('inbox-unread');
  let notices = [];
  let more = false;
  let modal = null;
  let generation = 0;

  store.subscribe((state) => {
    const label = unreadLabel(state.unread);
    badge.textContent = label.badge;
    badge.hidden = label.badge === '0';
    button.setAttribute('aria-label', label.name);
    button.dataset.tip = label.name;
    button.dataset.unread = String(state.unread || 0);
  }, ['unread']);
  store.subscribe(() => {
    if (modal) renderWatches();
  }, ['watched']);

  const list = h('ul', { class: 'notice-list', dataset: { testid: 'notice-list' } });
  const olderButton = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'inbox-older', testid: 'inbox-older' } }, 'Older notices');
  const watchList = h('ul', { class: 'watch-list', dataset: { testid: 'watch-list' } });

  function noticeItem(n) {
    const item = h('li', { class: n.read ? 'notice' : 'notice notice-unread', dataset: { testid: 'notice', id: String(n.id), read: String(Boolean(n.read)) } },
      h('div', { class: 'notice-head' },
        h('span', { class: 'badge' }, KIND_LABEL[n.kind] || 'Notice'),
        n.timestamp ? timeEl(n.timestamp, formatTime(n.timestamp)) : null),
      h('p', { class: 'notice-text' }, n.kind === 'message' && n.from ? `${n.from}: ${n.text || ''}` : (n.text || '')));
    if (!n.read) {
      item.appendChild(h('button', {
        type: 'button', class: 'btn btn-small', 'aria-label': `Mark read: ${n.text || ''}`,
        dataset: { action: 'notice-read', id: String(n.id), testid: 'notice-read' },
      }, 'Mark read'));
    }
    return item;
  }

  function renderNotices() {
    list.replaceChildren(...(notices.length ? notices.map(noticeItem)
      : [h('li', { class: 'muted', dataset: { testid: 'inbox-empty' } }, 'No notices.')]));
    olderButton.hidden = !more;
  }

  function renderWatches() {
    const names = [...store.state.watched].sort();
    watchList.replaceChildren(...(names.length ? names.map((filename) => h('li', { class: 'watch', dataset: { testid: 'watch', filename } },
      h('span', { class: 'watch-name' }, filename),
      h('button', {
        type: 'button', class: 'btn btn-small', 'aria-label': `Stop watching ${filename}`,
        dataset: { action: 'unwatch', filename, testid: 'watch-remove' },
      }, 'Stop watching')))
      : [h('li', { class: 'muted', dataset: { testid: 'watches-empty' } }, 'You watch no files. Watch a file someone else holds to be told when it is free.')]));
  }

  /** The newest page and the unread count; on every (re)connection, so nothing missed meanwhile stays unseen. */
  function load() {
    const mine = ++generation;
    return api.notifications({ limit: PAGE }).then((page) => {
      if (mine !== generation || !store.state.user) return;
      notices = page.notices || [];
      more = Boolean(page.more);
      store.set({ unread: page.unread || 0 });
      if (modal) renderNotices();
    }).catch(() => {});
  }

  /** The watches as the server keeps them (they outlast pages and connections). */
  function loadWatches() {
    return api.watches().then((reply) => {
      if (!store.state.user) return;
      const watched = new Set((reply.watches || []).map((w) => w.filename));
      store.set({ watched }, { changed: [...new Set([...store.state.watched, ...watched])] });
    }).catch(() => {});
  }

  function older() {
    const last = notices[notices.length - 1];
    if (!last) return Promise.resolve();
    return api.notifications({ limit: PAGE, before: last.id }).then((page) => {
      notices = notices.concat(page.notices || []);
      more = Boolean(page.more);
      renderNotices();
    });
  }

  function open() {
    if (modal) return;
    renderNotices();
    renderWatches();
    const readAll = h('button', { type: 'button', class: 'btn', dataset: { action: 'notices-read-all', testid: 'inbox-read-all' } }, 'Mark all read');
    const close = h('button', { type: 'button', class: 'btn btn-primary', dataset: { testid: 'inbox-close' } }, 'Close');
    modal = openModal({
      title: 'Inbox', testid: 'inbox-modal',
      content: [
        h('h3', { class: 'modal-subtitle' }, 'Notices'), list, olderButton,
        h('h3', { class: 'modal-subtitle' }, 'Watching'), watchList,
      ],
      footer: [readAll, close],
      onClose: () => { modal = null; },
    });
    close.addEventListener('click', () => modal && modal.close());
    load();
  }

  return {
    open,
    load,
    loadWatches,
    older,
    readOne: (id) => api.readNotifications({ ids: [Number(id)] }).then((r) => applyRead({ read: [Number(id)], unread: r.unread })),
    readAll: () => api.readNotifications({ all: true }).then((r) => applyRead({ all: true, unread: r.unread })),
    /** NOTIFY: a new notice, kept already; its unread count is the user's. */
    onNotify(payload) {
      if (Number.isInteger(payload.unread)) store.set({ unread: payload.unread });
      if (Number.isInteger(payload.id) && !notices.some((n) => n.id === payload.id)) {
        notices = [{ ...payload, read: false }, ...notices];
        if (modal) renderNotices();
      }
    },
    /** INBOX: notices were read, on this page or another of the user's. */
    onInbox: applyRead,
    reset() {
      generation++;
      notices = [];
      more = false;
      if (modal) modal.close();
      store.set({ unread: 0 });
    },
    toast,
  };

  function applyRead(payload) {
    if (Number.isInteger(payload.unread)) store.set({ unread: payload.unread });
    notices = markRead(notices, payload);
    if (modal) renderNotices();
  }
}
