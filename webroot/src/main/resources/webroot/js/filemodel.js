// The file list as data: grouping, filtering, sorting and the actions a user may take on a file.
// Pure: no DOM access, so it runs under Node's test runner as well.

export const STATUS_FILTERS = ['all', 'free', 'locked', 'mine'];
/** The lifecycle states in their order (docs/lifecycle.md); "all" in the state filter. */
export const STATES = ['draft', 'review', 'released', 'obsolete'];

/** A file's lifecycle state; files from a server without the lifecycle count as drafts. */
export function stateOf(file) {
  return file && STATES.includes(file.state) ? file.state : 'draft';
}

/**
 * The states this user may move the file to, from the server's lifecycle rules (settings.lifecycle:
 * [{from, to, role, comment, signature}]): the rules that start at its state and whose role the user
 * has. The server decides again.
 */
export function transitionsFor(file, role, rules) {
  const from = stateOf(file);
  return (rules || []).filter((r) => r.from === from && atLeast(role, r.role));
}

/**
 * The card's state badge text: the state, and the released revision when the current one is a newer
 * draft ("draft \u00b7 1.0 released").
 */
export function stateLabel(file) {
  const state = stateOf(file);
  if (file.releasedRevision && state !== 'released') return `${state} \u00b7 ${file.releasedRevision} released`;
  return state;
}
export const SORTS = ['name', 'modified'];

/** Part-number grouping: 7 leading digits -> first two + "XXXXX", anything else -> "Misc". */
export function groupOf(filename) {
  return /^\d{7}/.test(filename) ? `${filename.slice(0, 2)}XXXXX` : 'Misc';
}

export function groupName(file) {
  return file.group || groupOf(file.filename);
}

/** Body of GET /api/files (group -> files) -> Map filename -> FileInfo, without deleted files. */
export function filesFromGroups(groups) {
  const files = new Map();
  for (const list of Object.values(groups || {})) {
    for (const file of list || []) {
      if (file && file.filename && !file.deleted) files.set(file.filename, file);
    }
  }
  return files;
}

/** "free", "mine" or "other" (locked by someone else). */
export function lockState(file, me) {
  if (file.status !== 'locked') return 'free';
  return file.lockedBy === me ? 'mine' : 'other';
}

const haystacks = new WeakMap();
function haystack(file) {
  let text = haystacks.get(file);
  if (text === undefined) {
    text = `${file.filename}\n${file.description || ''}`.toLowerCase();
    haystacks.set(file, text);
  }
  return text;
}

const modifiedTimes = new WeakMap();
/** A file's modification time in ms, parsed once per file object. */
export function modifiedTime(file) {
  let t = modifiedTimes.get(file);
  if (t === undefined) {
    t = Date.parse(file.modifiedAt || '') || 0;
    modifiedTimes.set(file, t);
  }
  return t;
}

/** The words of a search, lower case: "OP20 mcam" -> ["op20", "mcam"]; [] for blank text. */
export function searchWords(q) {
  const text = String(q || '').trim().toLowerCase();
  return text ? text.split(/\s+/) : [];
}

// The words of the last search, kept so that filtering 10,000 files splits the text once.
let lastQuery = null;
let lastWords = [];
function wordsOf(q) {
  if (q !== lastQuery) {
    lastQuery = q;
    lastWords = searchWords(q);
  }
  return lastWords;
}

/**
 * Whether `file` passes the search, the status filter, and `filter.only` (a Set of filenames, e.g.
 * those the server found by program facts) when set. The search matches when every word is in the
 * filename or the description, in any order ("OP20 mcam" finds 1234567_OP20.mcam), as the server's
 * q does (storage FileListCache).
 */
export function matchesFilter(file, filter, me) {
  if (filter.only && !filter.only.has(file.filename)) return false;
  const words = wordsOf(filter.q || '');
  if (words.length) {
    const text = haystack(file);
    for (const word of words) if (!text.includes(word)) return false;
  }
  if (filter.state && filter.state !== 'all' && stateOf(file) !== filter.state) return false;
  switch (filter.status || 'all') {
    case 'free': return file.status !== 'locked';
    case 'locked': return file.status === 'locked';
    case 'mine': return file.status === 'locked' && file.lockedBy === me;
    default: return true;
  }
}

function byName(a, b) {
  return a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0;
}

/** Comparator for a sort key: "name" (A-Z) or "modified" (newest first, then by name). */
export function comparator(sort) {
  if (sort === 'modified') return (a, b) => (modifiedTime(b) - modifiedTime(a)) || byName(a, b);
  return byName;
}

/**
 * What the list shows: groups sorted by name, each with its total and its matching files in
 * sort order. Groups without a match are kept (with no items) so that counts can say "0 of N".
 */
export function buildView(files, filter, me) {
  const groups = new Map();
  let matched = 0;
  for (const file of files.values()) {
    const name = groupName(file);
    let group = groups.get(name);
    if (!group) {
      group = { name, total: 0, items: [] };
      groups.set(name, group);
    }
    group.total++;
    if (matchesFilter(file, filter, me)) {
      group.items.push(file);
      matched++;
    }
  }
  const compare = comparator(filter.sort);
  const list = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const group of list) group.items.sort(compare);
  return { groups: list, matched, total: files.size };
}

/** True when a filter narrows the list (search text, a status other than "all", or a set of names). */
export function isFiltering(filter) {
  return Boolean((filter.q || '').trim()) || (filter.status || 'all') !== 'all' || Boolean(filter.only)
    || (filter.state || 'all') !== 'all';
}

/**
 * The name a download is saved under: the file's own for its current revision, the revision added
 * before the extension for any other (1234567_AB1.nc rev 1.0 -> 1234567_AB1_rev1.0.nc), as the
 * server's Content-Disposition says (api DownloadName).
 */
export function downloadName(filename, rev, currentRev) {
  if (!rev || rev === currentRev) return filename;
  const dot = filename.lastIndexOf('.');
  if (dot <= 0) return `${filename}_rev${rev}`;
  return `${filename.slice(0, dot)}_rev${rev}${filename.slice(dot)}`;
}

/** True for a file whose extension the server lists as binary (no viewer, no differences). */
export function isBinaryName(filename, binaryExtensions) {
  const name = String(filename || '').toLowerCase();
  return (binaryExtensions || []).some((ext) => name.endsWith(String(ext).toLowerCase()));
}

/** The name a path from a file chooser ends with ("C:\\fakepath\\v3.nc" -> "v3.nc"). */
export function baseName(path) {
  const text = String(path || '');
  return text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1);
}

/**
 * Whether a file chosen for check-in has another name than the vault file it would become: the
 * way a wrong program reaches a machine. Case alone does not count (the vault's names ignore it).
 */
export function nameDiffers(chosen, vaultName) {
  return baseName(chosen).normalize('NFC').toLowerCase() !== String(vaultName).normalize('NFC').toLowerCase();
}

/**
 * The query of a check-in upload. lockId is the checkout the dialog was opened under (the file's
 * lockId then): the server refuses the upload once that lock has ended, even if the user has
 * checked the file out again, so an upload prepared before an override never undoes later work.
 */
export function checkinParams({ message, major, keepLocked, lockId }) {
  const params = { message: String(message).trim(), major: String(Boolean(major)), keepLocked: String(Boolean(keepLocked)) };
  if (lockId) params.lockId = lockId;
  return params;
}

const ROLE_RANK = { viewer: 0, programmer: 1, approver: 2, admin: 3 };
export function atLeast(role, required) {
  return (ROLE_RANK[role] ?? -1) >= ROLE_RANK[required];
}

/**
 * The actions shown on a file card for this user, in display order. The server checks again;
 * this only hides what cannot succeed. A binary file has no viewer.
 */
export function cardActions(file, user, watched, { binary = false, rules = null } = {}) {
  const role = user ? user.role : 'viewer';
  const state = lockState(file, user ? user.username : null);
  const actions = [];
  if (atLeast(role, 'programmer')) {
    if (state === 'free') actions.push('checkout');
    if (state === 'mine') actions.push('checkin', 'cancel-checkout');
  }
  if (state === 'other') actions.push(watched && watched.has(file.filename) ? 'unwatch' : 'watch');
  if (!binary) actions.push('viewer');
  actions.push('history');
  if (transitionsFor(file, role, rules).length > 0) actions.push('lifecycle');
  if (atLeast(role, 'admin')) {
    if (state === 'other') actions.push('override');
    actions.push('delete');
  }
  return actions;
}

const FIELDS = ['filename', 'group', 'description', 'revision', 'size', 'sha256', 'modifiedAt', 'deleted',
  'status', 'lockedBy', 'lockedAt', 'lockMessage', 'lockId', 'state', 'releasedRevision'];

/** Whether two FileInfo objects show the same thing. */
export function sameFile(a, b) {
  if (a === b) return true;
  if (!a || !b) return false;
  return FIELDS.every((f) => a[f] === b[f]);
}
