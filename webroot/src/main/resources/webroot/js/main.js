// Wiring: login, views, one delegated click listener keyed on data-action, live messages -> state -> views.
import { byId } from './dom.js';
import { api, onUnauthorized, request } from './api.js';
import { createStore } from './state.js';
import { LiveConnection, applyToFiles, endpointsFor } from './websocket.js';
import { FileList, markOffline } from './filelist.js';
import { FileTable } from './filetable.js';
import { openViewer } from './viewer.js';
import { passwordProblem } from './userrules.js';
import { atLeast } from './filemodel.js';
import { activityText, isFileEvent, warmUpFormatters } from './format.js';
import { confirmModal, openCheckinModal, openHistoryModal, openNewFileModal, openTransitionModal, promptModal } from './modals.js';
import { formatSize } from './format.js';
import { createDashboard } from './dashboard.js';
import { createAdmin } from './admin.js';
import { createMachines } from './machines.js';
import { initToasts, showError, showToast } from './toasts.js';
import { initTooltips } from './tooltips.js';
import { initTheme, listModeOf, notifyBrowser, openSettings, rememberListMode } from './settings.js';
import { mountFactFilter } from './factfilter.js';
import { createInbox } from './inbox.js';

const SEARCH_DEBOUNCE_MS = 150;
const SNAPSHOT_WAIT_MS = 2500;
let fallbackTimer = null;
const VIEWS = ['files', 'dashboard', 'machines', 'admin'];

const store = createStore({
  user: null,
  settings: null,
  files: new Map(),
  filesLoaded: false,
  filter: { q: '', status: 'all', sort: 'name' },
  watched: new Set(),
  unread: 0,
  presence: [],
  connection: 'offline',
  via: null,
  view: 'files',
  listMode: 'cards',
  tableSort: { column: 'name', dir: 'asc' },
  // Whether actions that need the server can be tried: the browser has a network and the page's
  // node answers (see reachability()).
  browserOnline: navigator.onLine !== false,
  reachable: true,
});

const el = {
  login: byId('login-view'),
  loginForm: byId('login-form'),
  loginMessage: byId('login-message'),
  app: byId('app'),
  userName: byId('user-name'),
  userRole: byId('user-role'),
  dot: byId('connection-dot'),
  connectionText: byId('connection-text'),
  presence: byId('presence'),
  banner: byId('offline-banner'),
  bannerText: byId('offline-text'),
  bannerRetry: byId('offline-retry'),
  bannerPeer: byId('offline-peer'),
  search: byId('search'),
  statusFilter: byId('status-filter'),
  stateFilter: byId('state-filter'),
  sort: byId('sort'),
  sortField: byId('sort-field'),
  loadError: byId('files-error'),
  groups: byId('file-groups'),
  table: byId('file-table'),
  selectionBar: byId('selection-bar'),
  selectionText: byId('selection-text'),
  selectionReason: byId('selection-reason'),
  downloadSelected: byId('download-selected'),
};

const me = () => (store.state.user ? store.state.user.username : null);

const fileList = new FileList({ root: byId('file-groups'), summary: byId('files-summary'), store });
const fileTable = new FileTable({ root: byId('file-table'), store, onSelection: (selection) => renderSelection(selection) });
mountFactFilter(el.search.closest('.toolbar'), {
  store, onMatches: (only) => store.set({ filter: { ...store.state.filter, only } }),
});
const dashboard = createDashboard({ store, toast: showToast });
const admin = createAdmin({ store, toast: showToast });
const inbox = createInbox({ store, toast: showToast });
const machines = createMachines({ store, toast: showToast });

// ---- rendering follows state ----

store.subscribe((state, keys, detail) => {
  if (state.listMode === 'table') {
    // The time of each redraw is kept for the browser tests (10,000 files).
    if (detail.changed && !detail.snapshot && state.filesLoaded) {
      document.body.dataset.lastTableUpdateMs = fileTable.update(detail.changed, { flash: detail.flash }).toFixed(1);
    } else {
      const ms = fileTable.render();
      document.body.dataset.lastTableMs = ms.toFixed(1);
      if (keys.includes('filter')) document.body.dataset.lastFilterMs = ms.toFixed(1);
    }
    fileList.updateTableSummary(fileTable.rows.length);
  } else if (detail.changed && !detail.snapshot && state.filesLoaded) {
    fileList.update(detail.changed, { flash: detail.flash });
  } else {
    const ms = fileList.render();
    if (keys.includes('filter')) document.body.dataset.lastFilterMs = ms.toFixed(1);
    if (detail.flash && detail.changed && detail.changed.length <= 50) fileList.update(detail.changed, { flash: true });
  }
  admin.filesChanged();
}, ['files', 'filter', 'watched', 'filesLoaded', 'tableSort', 'settings']);

// ---- cards or table ----

function setListMode(mode, { remember = true } = {}) {
  const listMode = mode === 'table' ? 'table' : 'cards';
  for (const button of document.querySelectorAll('[data-action="list-mode"]')) {
    button.setAttribute('aria-pressed', String(button.dataset.mode === listMode));
  }
  el.groups.hidden = listMode !== 'cards';
  el.table.hidden = listMode !== 'table';
  // The table sorts by its column headers; the select is for the cards.
  el.sortField.hidden = listMode === 'table';
  if (remember && store.state.user) rememberListMode(store.state.user.username, listMode);
  if (listMode !== 'table') fileTable.clearSelection();
  store.set({ listMode, filter: { ...store.state.filter } });
}

function renderSelection(selection) {
  const count = selection.size;
  el.selectionBar.hidden = count === 0 || store.state.listMode !== 'table';
  el.selectionText.textContent = `${count} selected`;
  const problem = zipProblem(selection.list());
  el.selectionReason.textContent = problem || '';
  el.downloadSelected.textContent = `Download ${count} as zip`;
  el.downloadSelected.disabled = Boolean(problem) || !store.state.reachable;
  el.downloadSelected.dataset.tooBig = problem ? 'true' : '';
}

/** Why the selected files cannot go in one zip (the server's limits), or null. */
function zipProblem(names) {
  const s = store.state.settings || {};
  if (s.zipMaxFiles && names.length > s.zipMaxFiles) return `At most ${s.zipMaxFiles} files per zip.`;
  const bytes = names.reduce((sum, name) => sum + ((store.state.files.get(name) || {}).size || 0), 0);
  if (s.zipMaxBytes && bytes > s.zipMaxBytes) return `At most ${formatSize(s.zipMaxBytes)} per zip (${formatSize(bytes)} selected).`;
  return null;
}

async function downloadSelected() {
  const names = fileTable.selection.list();
  if (names.length === 0) return;
  showToast(`Preparing a zip of ${names.length} files\u2026`, 'info');
  const { blob, filename } = await api.downloadZip(names);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; the memory can go after a moment.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  showToast(`Downloaded ${filename}`, 'success');
}

store.subscribe((state) => {
  const names = state.presence.map((p) => p.username);
  el.presence.textContent = names.length ? `online: ${names.join(', ')}` : '';
  el.presence.hidden = names.length === 0;
  dashboard.knowUsers(names);
}, ['presence']);

const CONNECTION_TEXT = { connected: 'Live', reconnecting: 'Connecting\u2026', offline: 'Offline' };
/** The other node the page is live through, or null at home and while not connected. */
const liveVia = (state) => (state.connection === 'connected' ? state.via : null);

// ---- what needs the server ----

let everConnected = false;

/**
 * Actions that need the server wait while the browser has no network, or while the page's node
 * does not answer (the live connection was lost, or the page is live through another node while
 * REST calls still go to its own).
 */
function reachability(state) {
  if (state.connection === 'connected') everConnected = true;
  if (!state.browserOnline) return false;
  if (!everConnected) return true;
  return state.connection === 'connected' && !state.via;
}

store.subscribe((state) => {
  const reachable = reachability(state);
  if (reachable !== state.reachable) store.set({ reachable });
}, ['connection', 'via', 'browserOnline']);

store.subscribe((state) => {
  document.body.dataset.reachable = String(state.reachable);
  for (const node of document.querySelectorAll('[data-needs-server]')) markOffline(node, !state.reachable);
  if (state.reachable) renderSelection(fileTable.selection);
  renderBanner();
}, ['reachable']);

store.subscribe((state) => {
  const dotState = state.connection === 'connecting' ? 'reconnecting' : state.connection;
  const via = liveVia(state);
  const text = via ? `Live via ${via}` : CONNECTION_TEXT[dotState];
  el.dot.dataset.state = dotState;
  el.dot.dataset.via = via || '';
  el.dot.setAttribute('aria-label', `Live updates: ${text}`);
  el.dot.dataset.tip = `Live updates: ${text}`;
  el.connectionText.textContent = text;
  renderBanner();
}, ['connection', 'via']);

// ---- live connection ----

let bannerShown = false;
let suppressToastSeq = null;
const OFFLINE_TEXT = el.bannerText.textContent;

/** An upload answered before enough nodes held its content says so (saved all the same). */
function warnIfFewCopies(reply) {
  if (reply && reply.warning && typeof reply.warning.message === 'string') showToast(reply.warning.message, 'warning');
}

/** The other nodes' URLs from the node's settings (none until they are loaded). */
function peerUrls() {
  return store.state.settings && Array.isArray(store.state.settings.peerUrls) ? store.state.settings.peerUrls : [];
}

const BROWSER_OFFLINE_TEXT = 'This computer is offline. Checking out, checking in and downloads are off until the network is back; '
  + 'changes made meanwhile appear then.';
const SERVER_AWAY_TEXT = ' Checking out, checking in and downloads are off until then.';

/** The banner shows while the own node is away: offline, or live through another node (then Retry has nothing to do). */
function renderBanner() {
  const via = liveVia(store.state);
  const browserOffline = !store.state.browserOnline;
  el.banner.hidden = !bannerShown && !via && !browserOffline;
  el.banner.dataset.reason = browserOffline ? 'browser-offline' : via ? 'via-peer' : 'server';
  el.bannerText.textContent = browserOffline ? BROWSER_OFFLINE_TEXT
    : via ? `This node is not answering - live updates come through ${via}. Check-outs and check-ins here wait until it is back.`
      : OFFLINE_TEXT + (store.state.reachable ? '' : SERVER_AWAY_TEXT);
  el.bannerRetry.hidden = Boolean(via) || browserOffline;
  // Check-outs need a node that answers: offer to carry on at the one the page is live through.
  const peer = via ? endpointsFor(location, peerUrls()).find((endpoint) => endpoint.via === via) : null;
  el.bannerPeer.hidden = !peer;
  if (peer) {
    el.bannerPeer.href = peer.url;
    el.bannerPeer.textContent = `Work on ${via}`;
  }
}

const live = new LiveConnection({
  onMessage: handleMessage,
  onState: (state, { via }) => {
    if (state === 'connected' && bannerShown) {
      if (!via) showToast('Back online', 'success');
      startCatchUp();
    }
    // Watches and notices are the server's: what changed while the page was away shows now.
    if (state === 'connected') {
      inbox.loadWatches();
      inbox.load();
    }
    // On another node the page is still away from home: the banner stays, with that node's name.
    if (state === 'connected') bannerShown = Boolean(via);
    // Presence is only known while connected; an old list would claim people are online.
    store.set(state === 'connected' ? { connection: state, via } : { connection: state, via, presence: [] });
  },
  failover: {
    peerUrls,
    liveToken: () => api.liveToken().then((reply) => (reply && typeof reply.token === 'string' ? reply.token : null)),
  },
  onFailedAttempt: ({ wasOpen }) => {
    bannerShown = true;
    renderBanner();
    // A refused upgrade looks like any drop; ask the REST API whether the session is still good.
    if (!wasOpen) request('GET', '/api/auth/me').catch(() => {});
    if (!store.state.filesLoaded) loadFiles();
  },
  onSessionExpired: () => sessionExpired(),
});

function applyFiles(result, { flash }) {
  if (!result) return;
  const wasLoaded = store.state.filesLoaded;
  store.set({ files: result.files, filesLoaded: true }, {
    changed: result.changed,
    snapshot: result.snapshot || !wasLoaded,
    flash: flash && wasLoaded,
  });
}

function handleMessage(msg) {
  const payload = msg.payload || {};
  switch (msg.type) {
    case 'FILE_LIST_UPDATED':
      el.loadError.hidden = true;
      applyFiles(applyToFiles(store.state.files, msg), { flash: true });
      break;
    case 'FILE_ADDED':
    case 'FILE_LOCKED':
    case 'FILE_UNLOCKED':
    case 'REVISION_ADDED':
    case 'FILE_DELETED':
    case 'FILE_RESTORED':
    case 'FILE_STATE_CHANGED':
      if (msg.type === 'FILE_UNLOCKED' && payload.reason === 'override' && payload.formerHolder === me()) suppressToastSeq = msg.seq;
      applyFiles(applyToFiles(store.state.files, msg), { flash: true });
      break;
    case 'ACTIVITY':
      if (payload.user !== me() && isFileEvent(payload.event_type) && msg.seq !== suppressToastSeq) {
        activityToast(activityText(payload));
      }
      dashboard.onActivity(payload);
      admin.onActivity(payload);
      machines.onActivity(payload);
      break;
    case 'PRESENCE':
      store.set({ presence: (payload.users || []).slice().sort((a, b) => (a.username < b.username ? -1 : 1)) });
      break;
    case 'NOTIFY':
      notify(payload);
      inbox.onNotify(payload);
      break;
    case 'WATCHING':
      // A watch of this user changed, on this page or another of theirs.
      setWatched(payload.filename, Boolean(payload.watching));
      break;
    case 'INBOX':
      inbox.onInbox(payload);
      break;
    case 'ERROR':
      showToast(payload.message || 'The server refused a message', 'warning');
      break;
    default:
      // PONG and unknown types need nothing.
      break;
  }
}

// Right after a reconnect the catch-up may bring many changes at once: a few toasts and one
// summary, not a wall of them. In normal live operation every change gets its toast.
const CATCH_UP_MS = 2000;
const CATCH_UP_TOASTS = 3;
let catchUp = { until: 0, count: 0, timer: null };
function startCatchUp() {
  clearTimeout(catchUp.timer);
  catchUp = { until: performance.now() + CATCH_UP_MS, count: 0, timer: null };
  catchUp.timer = setTimeout(() => {
    if (catchUp.count > CATCH_UP_TOASTS) showToast(`${catchUp.count - CATCH_UP_TOASTS} more changes by others while you were offline`, 'info');
  }, CATCH_UP_MS);
}
function activityToast(text) {
  if (performance.now() >= catchUp.until) {
    showToast(text, 'info');
    return;
  }
  catchUp.count++;
  if (catchUp.count <= CATCH_UP_TOASTS) showToast(text, 'info');
}

function setWatched(filename, watching) {
  if (typeof filename !== 'string' || store.state.watched.has(filename) === watching) return;
  const watched = new Set(store.state.watched);
  if (watching) watched.add(filename);
  else watched.delete(filename);
  store.set({ watched }, { changed: [filename] });
}

function notify(n) {
  let text;
  let kind = 'info';
  if (n.kind === 'free') {
    text = n.text || `${n.filename} is free now`;
    kind = 'success';
    // The watch ended with its notice.
    setWatched(n.filename, false);
  } else if (n.kind === 'override') {
    text = n.text || `${n.from} overrode your lock on ${n.filename}`;
    kind = 'warning';
  } else {
    text = `Message from ${n.from || 'admin'}: ${n.text || ''}`;
  }
  showToast(text, kind, { timeout: 8000 });
  notifyBrowser('NC Vault', text);
}

// ---- files ----

function loadFiles({ force = false } = {}) {
  return api.files().then((groups) => {
    el.loadError.hidden = true;
    // The live snapshot carries a seq; a REST list is only used until one has arrived, or on Refresh.
    if (!force && live.lastSeq != null) return;
    applyFiles(applyToFiles(store.state.files, { type: 'FILE_LIST_UPDATED', payload: groups }), { flash: force });
  }).catch((err) => {
    if (err.status === 401) return;
    el.loadError.hidden = false;
    byId('files-error-text').textContent = `Error loading the files: ${err.message}.`;
  });
}

/** Applies the FileInfo a REST action returned unless the live connection delivers it anyway. */
function applyReply(reply) {
  const file = reply && reply.filename && reply.status ? reply : reply && reply.file;
  if (!file || !file.filename || store.state.connection === 'connected') return;
  applyFiles(applyToFiles(store.state.files, { type: 'FILE_LOCKED', payload: { file } }), { flash: true });
}

function fileOf(filename) {
  return store.state.files.get(filename);
}

// ---- actions (one delegated click listener keyed on data-action) ----

const actions = {
  view: (d) => showView(d.view),
  refresh: () => loadFiles({ force: true }).then(() => showToast('File list refreshed', 'success')),
  reconnect: () => live.reconnectNow(),
  'retry-load': () => loadFiles({ force: true }),
  logout: () => logout(),
  settings: () => openSettings({ user: store.state.user, serverSettings: store.state.settings }),
  'new-file': () => openNewFileModal({
    toast: showToast, settings: store.state.settings,
    onDone: (file) => {
      applyReply(file);
      showToast(`Added ${file && file.filename ? file.filename : 'the file'}`, 'success');
      warnIfFewCopies(file);
    },
  }),
  'show-more': (d) => fileList.showMore(d.group),
  'list-mode': (d) => setListMode(d.mode),
  'download-selected': () => downloadSelected(),
  'clear-selection': () => fileTable.clearSelection(),
  viewer({ filename }) {
    const file = fileOf(filename);
    if (file) openViewer(filename, file.revision, { toast: showToast });
  },
  'load-more-activity': () => dashboard.loadMore(),

  async checkout({ filename }) {
    const message = await promptModal({
      title: `Check out: ${filename}`, label: 'Lock message', confirmLabel: 'Check out', testid: 'checkout-modal',
      intro: 'Others see the file as locked by you until you check it in or cancel.',
    });
    if (message === null) return;
    applyReply(await api.checkout(filename, message));
    showToast(`Checked out ${filename}`, 'success');
  },
  checkin({ filename }) {
    const file = fileOf(filename);
    if (!file) return;
    openCheckinModal(file, {
      toast: showToast,
      onDone: (reply) => {
        applyReply(reply);
        showToast(`Checked in ${filename}`, 'success');
        warnIfFewCopies(reply);
      },
    });
  },
  async 'cancel-checkout'({ filename }) {
    applyReply(await api.cancelCheckout(filename));
    showToast(`Checkout of ${filename} cancelled`, 'success');
  },
  history: ({ filename }) => openHistoryModal(filename, { toast: showToast, settings: store.state.settings }),
  lifecycle({ filename }) {
    const file = fileOf(filename);
    if (!file) return;
    openTransitionModal(file, {
      user: store.state.user,
      rules: store.state.settings && store.state.settings.lifecycle,
      onDone: (reply) => {
        applyReply(reply);
        showToast(`${filename} is now ${reply.state}`, 'success');
      },
    });
  },
  async watch({ filename }) {
    await api.watch(filename);
    setWatched(filename, true);
    showToast(`Watching ${filename}: you will be told when it is free`, 'info');
  },
  async unwatch({ filename }) {
    await api.unwatch(filename);
    setWatched(filename, false);
    showToast(`Stopped watching ${filename}`, 'info');
  },
  inbox: () => inbox.open(),
  'inbox-older': () => inbox.older(),
  'notice-read': ({ id }) => inbox.readOne(id),
  'notices-read-all': () => inbox.readAll(),
  async override({ filename }) {
    const file = fileOf(filename);
    const reason = await promptModal({
      title: `Override: ${filename}`, label: 'Reason', required: true, confirmLabel: 'Override', danger: true, testid: 'override-modal',
      intro: file && file.lockedBy ? `${file.lockedBy} loses the lock and is told why.` : undefined,
    });
    if (reason === null) return;
    applyReply(await api.override(filename, reason));
    showToast(`Lock on ${filename} overridden`, 'success');
  },
  async delete({ filename }) {
    const ok = await confirmModal({
      title: `Delete ${filename}?`, text: 'The file disappears from the list. An admin can restore it with its history.',
      confirmLabel: 'Delete', danger: true,
    });
    if (!ok) return;
    await api.remove(filename);
    applyFiles(applyToFiles(store.state.files, { type: 'FILE_DELETED', payload: { file: { ...(fileOf(filename) || { filename }), deleted: true } } }), { flash: false });
    showToast(`Deleted ${filename}`, 'success');
    admin.reloadDeleted();
  },
  async restore({ filename }) {
    applyReply(await api.restore(filename));
    showToast(`Restored ${filename}`, 'success');
    admin.reloadDeleted();
  },
  async 'user-password'({ username }) {
    const password = await promptModal({ title: `New password for ${username}`, label: 'Password', type: 'password', required: true, confirmLabel: 'Set password',
      intro: `${username} is signed out everywhere and logs in again with the new password.`, validate: passwordProblem });
    if (password === null) return;
    await api.resetPassword(username, password);
    showToast(`Password of ${username} changed; ${username} is signed out everywhere`, 'success');
  },
  async 'user-delete'({ username }) {
    const ok = await confirmModal({ title: `Delete user ${username}?`, text: 'The user can no longer log in.', confirmLabel: 'Delete', danger: true });
    if (!ok) return;
    await api.deleteUser(username);
    showToast(`User ${username} deleted`, 'success');
    admin.reloadUsers();
  },
};

document.addEventListener('click', (e) => {
  const target = e.target.closest('[data-action]');
  if (!target || target.disabled) return;
  const handler = actions[target.dataset.action];
  if (!handler) return;
  e.preventDefault();
  Promise.resolve()
    .then(() => handler({ ...target.dataset }, target))
    .catch((err) => {
      if (err && err.status === 401) return;
      showError(err);
    });
});

// ---- search, filter, sort ----

let searchTimer = null;
el.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => store.set({ filter: { ...store.state.filter, q: el.search.value } }), SEARCH_DEBOUNCE_MS);
});
el.statusFilter.addEventListener('change', () => store.set({ filter: { ...store.state.filter, status: el.statusFilter.value } }));
el.stateFilter.addEventListener('change', () => store.set({ filter: { ...store.state.filter, state: el.stateFilter.value } }));
el.sort.addEventListener('change', () => store.set({ filter: { ...store.state.filter, sort: el.sort.value } }));

// ---- views ----

function showView(name) {
  const user = store.state.user;
  let view = VIEWS.includes(name) ? name : 'files';
  if (view === 'admin' && !(user && user.role === 'admin')) view = 'files';
  for (const v of VIEWS) {
    byId(`view-${v}`).hidden = v !== view;
    const tab = document.querySelector(`[data-action="view"][data-view="${v}"]`);
    if (tab) {
      if (v === view) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
  }
  const previous = store.state.view;
  store.set({ view });
  if (view === 'dashboard') dashboard.show();
  else if (previous === 'dashboard') dashboard.hide();
  if (view === 'admin') admin.show();
  else if (previous === 'admin') admin.hide();
  if (view === 'machines') machines.show();
  else if (previous === 'machines') machines.hide();
  const hash = view === 'files' ? '' : `#${view}`;
  if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
}

window.addEventListener('hashchange', () => showView(location.hash.slice(1)));

// ---- session ----

function showLogin(message) {
  el.app.hidden = true;
  el.login.hidden = false;
  el.loginMessage.textContent = message || '';
  el.loginMessage.hidden = !message;
  for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
  el.loginForm.elements.password.value = '';
  el.loginForm.elements.username.focus();
}

function enterApp(user) {
  const admin = user.role === 'admin';
  everConnected = false;
  store.set({ user: { username: user.username, role: user.role }, files: new Map(), filesLoaded: false, watched: new Set(), presence: [] });
  el.userName.textContent = user.username;
  el.userRole.textContent = user.role;
  for (const node of document.querySelectorAll('[data-requires]')) node.hidden = !atLeast(user.role, node.dataset.requires);
  setListMode(listModeOf(user.username), { remember: false });
  byId('nav-admin').hidden = !admin;
  el.login.hidden = true;
  el.app.hidden = false;
  bannerShown = false;
  renderBanner();
  api.settings().then((settings) => {
    store.set({ settings });
    if (settings && settings.wsPingSeconds) live.setHeartbeat(settings.wsPingSeconds * 1000);
    // The token comes from this node: fetch it while the node answers, not once it has died.
    live.prefetchToken();
  }).catch(() => {});
  inbox.loadWatches();
  inbox.load();
  live.start();
  // The live snapshot normally brings the list; the REST list is the fallback when it is late.
  clearTimeout(fallbackTimer);
  fallbackTimer = setTimeout(() => {
    if (!store.state.filesLoaded && store.state.user) loadFiles();
  }, SNAPSHOT_WAIT_MS);
  (window.requestIdleCallback || setTimeout)(() => warmUpFormatters());
  showView(location.hash.slice(1));
}

function leaveApp() {
  clearTimeout(fallbackTimer);
  live.stop();
  dashboard.hide();
  dashboard.reset();
  inbox.reset();
  store.set({ user: null, files: new Map(), filesLoaded: false, presence: [], watched: new Set() });
}

function sessionExpired() {
  if (el.app.hidden) return;
  leaveApp();
  showLogin('Session expired - login again');
}

function logout() {
  return api.logout().catch(() => {}).then(() => {
    leaveApp();
    showLogin('You are logged out.');
  });
}

onUnauthorized(sessionExpired);

el.loginForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const form = el.loginForm;
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  if (!username || !password) {
    el.loginMessage.textContent = 'Enter your username and password.';
    el.loginMessage.hidden = false;
    return;
  }
  const submit = form.querySelector('button[type=submit]');
  submit.disabled = true;
  api.login(username, password)
    .then((user) => enterApp(user))
    .catch((err) => {
      el.loginMessage.textContent = err.status === 401 ? 'Wrong username or password.' : err.message;
      el.loginMessage.hidden = false;
      form.elements.password.select();
    })
    .finally(() => {
      submit.disabled = false;
    });
});

// The browser's own word on the network: offline closes the live connection and turns off what
// needs the server at once (no minute of a green dot); online reconnects without waiting.
window.addEventListener('offline', () => {
  store.set({ browserOnline: false });
  live.goOffline();
});
window.addEventListener('online', () => {
  store.set({ browserOnline: true });
  live.reconnectNow();
});
window.addEventListener('pagehide', () => live.stop());
window.addEventListener('pageshow', (e) => {
  if (e.persisted && store.state.user) live.start();
});

// ---- start ----

initToasts(byId('toasts'));
initTooltips();
initTheme();
api.me()
  .then((user) => enterApp(user))
  .catch((err) => showLogin(err.status === 401 || err.status === 0 ? '' : err.message));
