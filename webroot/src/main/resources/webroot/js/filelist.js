// The grouped file list. Only open groups hold cards (closed <details> get theirs when opened),
// and a change to one file redraws that one card (cards are kept in a Map filename -> element).
import { fillTime, h, timeEl } from './dom.js';
import { buildView, cardActions, isBinaryName, isFiltering, lockState, sameFile, stateLabel, stateOf } from './filemodel.js';
import { formatSize, formatTime } from './format.js';
import { contentUrl } from './api.js';

/** Cards drawn per group before a "Show more" button. */
const PAGE = 200;
/** Above this many files groups start closed, so the first paint stays fast. */
const BIG_VAULT = 1000;
/** While searching, groups with matches open by themselves when there are at most this many matches. */
const AUTO_OPEN_MATCHES = 300;
const OPEN_KEY = 'ncvault.openGroups';

export const LABELS = {
  viewer: 'View',
  checkout: 'Check out',
  checkin: 'Check in',
  'cancel-checkout': 'Cancel checkout',
  watch: 'Watch',
  unwatch: 'Stop watching',
  history: 'History',
  lifecycle: 'State',
  override: 'Override',
  delete: 'Delete',
};
const TIPS = {
  viewer: 'Read the program in the page',
  checkout: 'Lock the file so that only you can check in',
  checkin: 'Upload a new revision',
  'cancel-checkout': 'Release your lock without a new revision',
  watch: 'Tell me when this file is free',
  unwatch: 'Stop telling me when this file is free',
  history: 'Revisions, downloads and differences',
  lifecycle: 'Send to review, release, back to draft, obsolete',
  override: 'Force unlock (admin)',
  delete: 'Delete the file (admin)',
};
const DANGER = new Set(['override', 'delete']);

function lockText(file, state) {
  if (state === 'free') return ['Free'];
  const who = state === 'mine' ? 'Checked out by you' : `Locked by ${file.lockedBy}`;
  if (!file.lockedAt) return [who];
  return [`${who} since `, timeEl(file.lockedAt, formatTime(file.lockedAt))];
}

/** Reason shown on what needs the server while it cannot be reached. */
export const OFFLINE_TIP = 'Not available offline: waits for the connection';

function buttonClass(action) {
  if (DANGER.has(action)) return 'btn btn-small btn-danger';
  return action === 'checkout' || action === 'checkin' ? 'btn btn-small btn-primary' : 'btn btn-small';
}

// Cards are cloned from a skeleton built once: cloning is several times faster than building
// each node, which matters when a search opens hundreds of cards at once.
let templates = null;
function cardTemplates() {
  if (!templates) {
    const card = h('li', { class: 'card', dataset: { testid: 'file-card' } },
      h('div', { class: 'card-head' },
        h('h3', { class: 'card-name', dataset: { testid: 'file-name' } }),
        h('span', { class: 'badge state-badge', dataset: { testid: 'file-state' } }),
        h('span', { class: 'badge', dataset: { testid: 'file-revision' } })),
      h('p', { class: 'card-desc', dataset: { testid: 'file-description' } }),
      h('p', { class: 'card-meta' }, h('span', { dataset: { testid: 'file-size' } }), ' \u00b7 modified ', h('time')),
      h('p', { class: 'lock', dataset: { testid: 'lock-state' } }, h('span', { class: 'lock-dot', 'aria-hidden': 'true' })),
      h('p', { class: 'lock-message', dataset: { testid: 'lock-message' } }),
      h('div', { class: 'card-actions' },
        h('a', { class: 'btn btn-small', download: '', dataset: { testid: 'action-download', needsServer: '' }, 'data-tip': 'Download the current revision' },
          'Download')));
    const buttons = {};
    for (const action of Object.keys(LABELS)) {
      buttons[action] = actionButton(action);
    }
    templates = { card, buttons };
  }
  return templates;
}

/** A button for a file action; every action needs the server. */
function actionButton(action) {
  return h('button', { type: 'button', class: buttonClass(action), dataset: { action, testid: `action-${action}`, needsServer: '' }, 'data-tip': TIPS[action] },
    LABELS[action]);
}

/**
 * The action buttons of a file (cards and table rows), cloned from `buttons`: each carries the
 * filename, an accessible name that includes it ("Check out 1234567_AB1.nc": a screen reader
 * hears which file), and is disabled while the server cannot be reached.
 */
export function fileButtons(file, user, watched, { binary, offline, rules }) {
  const { buttons } = cardTemplates();
  return cardActions(file, user, watched, { binary, rules }).map((action) => {
    const button = buttons[action].cloneNode(true);
    button.dataset.filename = file.filename;
    button.setAttribute('aria-label', `${LABELS[action]} ${file.filename}`);
    if (offline) markOffline(button, true);
    return button;
  });
}

/** A download link of a file's current revision, named for screen readers. */
export function fillDownload(link, file, offline) {
  link.href = contentUrl(file.filename);
  link.setAttribute('aria-label', `Download ${file.filename}`);
  if (offline) markOffline(link, true);
  return link;
}

/** Disables (or enables) something that needs the server; a link cannot be disabled, so it is marked. */
export function markOffline(el, offline) {
  if (el.tagName === 'A') {
    if (offline) el.setAttribute('aria-disabled', 'true');
    else el.removeAttribute('aria-disabled');
  } else {
    el.disabled = offline;
  }
  if (offline) {
    if (!el.dataset.onlineTip) el.dataset.onlineTip = el.dataset.tip || '';
    el.dataset.tip = OFFLINE_TIP;
  } else if (el.dataset.onlineTip !== undefined) {
    el.dataset.tip = el.dataset.onlineTip;
    delete el.dataset.onlineTip;
  }
}

/** The card and table options that come from the state: binary files by extension, offline. */
export function viewOptions(state, file) {
  const binaryExtensions = state.settings && state.settings.binaryExtensions;
  const rules = state.settings && state.settings.lifecycle;
  return { binary: isBinaryName(file.filename, binaryExtensions), offline: !state.reachable, rules };
}

/** One file card. All user text (filename, description, lock message, names) goes in as text. */
export function renderCard(file, user, watched, options = { binary: false, offline: false }) {
  const { card: skeleton } = cardTemplates();
  const state = lockState(file, user ? user.username : null);
  const stateName = state === 'other' ? 'locked' : state;
  const card = skeleton.cloneNode(true);
  card.className = `card card-${stateName}`;
  card.dataset.filename = file.filename;
  card.dataset.state = stateName;
  const [head, description, meta, lock, lockMessage, actions] = card.children;
  head.firstChild.textContent = file.filename;
  head.lastChild.textContent = `rev ${file.revision}`;
  head.lastChild.setAttribute('aria-label', `revision ${file.revision}`);
  fillStateBadge(head.children[1], file);
  if (file.description) description.textContent = file.description;
  else description.remove();
  meta.firstChild.textContent = formatSize(file.size);
  fillTime(meta.lastChild, file.modifiedAt, formatTime(file.modifiedAt));
  lock.className = `lock lock-${stateName}`;
  lock.dataset.state = stateName;
  lock.append(...lockText(file, state));
  if (state !== 'free' && file.lockMessage) lockMessage.textContent = file.lockMessage;
  else lockMessage.remove();
  fillDownload(actions.firstChild, file, options.offline);
  actions.append(...fileButtons(file, user, watched, options));
  return card;
}

/** The lifecycle badge of a card or a table row: the state, and the released revision behind a newer draft. */
export function fillStateBadge(badge, file) {
  const state = stateOf(file);
  badge.className = `badge state-badge state-${state}`;
  badge.dataset.state = state;
  badge.textContent = stateLabel(file);
  badge.setAttribute('aria-label', `state ${stateLabel(file)}`);
  return badge;
}

function loadOpenState(storage) {
  try {
    return JSON.parse(storage.getItem(OPEN_KEY) || '{}') || {};
  } catch (e) {
    return {};
  }
}

export class FileList {
  constructor({ root, summary, store, storage = globalThis.localStorage }) {
    this.root = root;
    this.summary = summary;
    this.store = store;
    this.storage = storage;
    this.openState = loadOpenState(storage);
    this.groups = new Map();
    this.cards = new Map();
    this.view = { groups: [], matched: 0, total: 0 };
    this.lastMs = 0;
  }

  /** Full redraw (new snapshot, filter, sort, user): reuses cached cards that did not change. */
  render() {
    const started = performance.now();
    const { files, filter, user, filesLoaded } = this.store.state;
    const me = user ? user.username : null;
    this.view = buildView(files, filter, me);
    const filtering = isFiltering(filter);
    const autoOpen = filtering && this.view.matched <= AUTO_OPEN_MATCHES;
    const order = [];
    const seen = new Set();
    for (const data of this.view.groups) {
      const group = this.groups.get(data.name) || this.createGroup(data.name);
      group.data = data;
      seen.add(data.name);
      this.updateGroupHead(group, filtering);
      const wantOpen = this.rememberedOpen(data.name) || (autoOpen && data.items.length > 0);
      this.setOpen(group, wantOpen);
      if (group.details.open) this.renderBody(group);
      order.push(group.details);
    }
    for (const [name, group] of this.groups) {
      if (!seen.has(name)) {
        group.details.remove();
        this.groups.delete(name);
      }
    }
    for (const [name, entry] of this.cards) {
      if (!files.has(name)) this.cards.delete(name);
    }
    const current = this.root.children;
    if (current.length !== order.length || order.some((el, i) => current[i] !== el)) this.root.replaceChildren(...order);
    this.updateSummary(filtering, filesLoaded);
    this.lastMs = performance.now() - started;
    return this.lastMs;
  }

  /** Redraws only what the change of these files touches; the changed cards flash when asked. */
  update(filenames, { flash = false } = {}) {
    const { files, filter, user, filesLoaded } = this.store.state;
    const me = user ? user.username : null;
    const before = new Set(this.view.groups.map((g) => g.name));
    this.view = buildView(files, filter, me);
    const after = this.view.groups.map((g) => g.name);
    if (after.length !== before.size || after.some((n) => !before.has(n))) {
      this.render();
    } else {
      const filtering = isFiltering(filter);
      const byName = new Map(this.view.groups.map((g) => [g.name, g]));
      for (const group of this.groups.values()) {
        group.data = byName.get(group.name);
        this.updateGroupHead(group, filtering);
        if (!group.details.open) continue;
        const items = group.data.items;
        const next = items.slice(0, group.limit).map((f) => f.filename);
        const same = items.length === group.itemCount && next.length === group.visible.length
          && next.every((n, i) => n === group.visible[i]);
        if (same) {
          for (const fname of filenames) if (next.includes(fname)) this.replaceCard(fname);
        } else {
          this.renderBody(group);
        }
      }
      this.updateSummary(filtering, filesLoaded);
    }
    if (flash) {
      for (const name of filenames) {
        const entry = this.cards.get(name);
        if (entry && entry.el.isConnected) flashElement(entry.el);
      }
    }
  }

  /** Next page of cards in a big group. */
  showMore(groupName) {
    const group = this.groups.get(groupName);
    if (!group) return;
    group.limit += PAGE;
    this.renderBody(group);
  }

  cardElement(filename) {
    const entry = this.cards.get(filename);
    return entry && entry.el.isConnected ? entry.el : null;
  }

  rememberedOpen(name) {
    if (name in this.openState) return this.openState[name];
    return this.store.state.files.size <= BIG_VAULT;
  }

  createGroup(name) {
    const count = h('span', { class: 'group-count', dataset: { testid: 'group-count' } });
    const body = h('ul', { class: 'cards' });
    const details = h('details', { class: 'group', dataset: { testid: 'file-group', group: name } },
      h('summary', null, h('span', { class: 'group-name' }, name), count), body);
    const group = { name, details, count, body, limit: PAGE, visible: [], itemCount: 0, rendered: false, wantOpen: false, data: null };
    details.addEventListener('toggle', () => {
      if (details.open !== group.wantOpen) {
        // The user toggled it: remember the choice.
        group.wantOpen = details.open;
        this.openState[name] = details.open;
        try {
          this.storage.setItem(OPEN_KEY, JSON.stringify(this.openState));
        } catch (e) {
          // Storage full or disabled: the choice lasts for this page only.
        }
      }
      // A group opened by render() already has its cards.
      if (details.open) {
        if (!group.rendered) this.renderBody(group);
      } else if (group.rendered) {
        this.dropCards(group);
      }
    });
    this.groups.set(name, group);
    return group;
  }

  setOpen(group, open) {
    group.wantOpen = open;
    if (group.details.open !== open) group.details.open = open;
    if (!open && group.rendered) this.dropCards(group);
  }

  dropCards(group) {
    group.visible = [];
    group.rendered = false;
    // A closed group shows nothing; removing its cards can wait until the browser is idle, so
    // closing many groups does not slow down the search that closed them.
    whenIdle(() => {
      if (!group.rendered) group.body.replaceChildren();
    });
  }

  updateGroupHead(group, filtering) {
    const { total, items } = group.data;
    group.count.textContent = filtering ? `${items.length} of ${total}` : String(total);
    group.count.setAttribute('aria-label', filtering ? `${items.length} of ${total} files match` : `${total} files`);
    group.details.hidden = filtering && items.length === 0;
  }

  renderBody(group) {
    if (!group.data) return;
    const items = group.data.items;
    const shown = items.length > group.limit ? items.slice(0, group.limit) : items;
    const els = shown.map((f) => this.cardFor(f));
    group.visible = shown.map((f) => f.filename);
    group.itemCount = items.length;
    group.rendered = true;
    const rest = items.length - shown.length;
    if (rest > 0) {
      els.push(h('li', { class: 'more' }, h('button', { type: 'button', class: 'btn', dataset: { action: 'show-more', group: group.name, testid: 'show-more' } },
        `Show ${Math.min(rest, PAGE)} more (${rest} not shown)`)));
    }
    group.body.replaceChildren(...els);
  }

  cardFor(file) {
    const { user, watched, settings } = this.store.state;
    const isWatched = watched.has(file.filename);
    const entry = this.cards.get(file.filename);
    const offline = !this.store.state.reachable;
    if (entry && entry.user === user && entry.watched === isWatched && entry.settings === settings && entry.offline === offline
      && (entry.file === file || sameFile(entry.file, file))) {
      entry.file = file;
      return entry.el;
    }
    const el = renderCard(file, user, watched, viewOptions(this.store.state, file));
    this.cards.set(file.filename, { file, el, user, watched: isWatched, settings, offline });
    return el;
  }

  replaceCard(filename) {
    const file = this.store.state.files.get(filename);
    const old = this.cards.get(filename);
    if (!file) return;
    const oldEl = old ? old.el : null;
    const focusedAction = oldEl && oldEl.contains(document.activeElement) ? document.activeElement.dataset.action || 'download' : null;
    const el = this.cardFor(file);
    if (oldEl && oldEl !== el && oldEl.isConnected) {
      oldEl.replaceWith(el);
      if (focusedAction) {
        const target = el.querySelector(`[data-action="${focusedAction}"]`) || el.querySelector('button[data-action]') || el.querySelector('a');
        if (target) target.focus();
      }
    }
  }

  /** The summary line for the table view, which counts its own rows: `matched` of all files. */
  updateTableSummary(matched) {
    if (!this.summary) return;
    const { files, filter, filesLoaded } = this.store.state;
    const total = files.size;
    if (!filesLoaded) this.summary.textContent = 'Loading files\u2026';
    else if (total === 0) this.summary.textContent = 'No files yet.';
    else if (isFiltering(filter)) this.summary.textContent = matched === 0 ? `No file matches (of ${total}).` : `${matched} of ${total} files match.`;
    else this.summary.textContent = `${plural(total, 'file')}.`;
  }

  updateSummary(filtering, loaded) {
    if (!this.summary) return;
    const { matched, total } = this.view;
    if (!loaded) this.summary.textContent = 'Loading files\u2026';
    else if (total === 0) this.summary.textContent = 'No files yet.';
    else if (filtering) this.summary.textContent = matched === 0 ? `No file matches (of ${total}).` : `${matched} of ${total} files match.`;
    else this.summary.textContent = `${plural(total, 'file')} in ${plural(this.view.groups.length, 'group')}.`;
  }
}

const whenIdle = (fn) => (globalThis.requestIdleCallback || setTimeout)(fn);

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Restart the flash animation on `el`. */
export function flashElement(el) {
  el.classList.remove('flash');
  // Reading layout restarts the CSS animation.
  void el.offsetWidth;
  el.classList.add('flash');
  el.addEventListener('animationend', () => el.classList.remove('flash'), { once: true });
}
