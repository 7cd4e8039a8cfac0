// The table view as data: its columns, sorting across all groups, and the selection (checkboxes,
// shift-click ranges, all visible). Pure: no DOM access, so it runs under Node's test runner.
import { lockState, matchesFilter, modifiedTime } from './filemodel.js';

/** Sortable columns in display order. */
export const COLUMNS = ['name', 'description', 'status', 'holder', 'revision', 'modified'];
export const COLUMN_LABELS = {
  name: 'Name', description: 'Description', status: 'Status', holder: 'Holder', revision: 'Revision', modified: 'Modified',
};

/** "Free", "Mine" (checked out by me) or "Locked" (by someone else). */
export function statusText(file, me) {
  const state = lockState(file, me);
  return state === 'free' ? 'Free' : state === 'mine' ? 'Mine' : 'Locked';
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byText = (a, b) => collator.compare(a || '', b || '');
const byName = (a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0);

/** "1.10" after "1.9": revisions compare by major, then minor. */
export function compareRevisions(a, b) {
  const [am, an] = String(a || '0.0').split('.').map(Number);
  const [bm, bn] = String(b || '0.0').split('.').map(Number);
  return (am - bm) || (an - bn) || 0;
}

/**
 * A comparator for { column, dir } ("asc" | "desc"); ties go by name, so the order is stable.
 * Empty values (no description, no holder) come last in either direction.
 */
export function tableComparator({ column = 'name', dir = 'asc' } = {}, me = null) {
  const sign = dir === 'desc' ? -1 : 1;
  const empties = (get, compare) => (a, b) => {
    const x = get(a);
    const y = get(b);
    if (!x !== !y) return x ? -1 : 1;
    return sign * compare(x, y) || byName(a, b);
  };
  switch (column) {
    case 'description': return empties((f) => f.description, byText);
    case 'holder': return empties((f) => (f.status === 'locked' ? f.lockedBy : ''), byText);
    case 'status': {
      const rank = { Free: 0, Mine: 1, Locked: 2 };
      return (a, b) => sign * (rank[statusText(a, me)] - rank[statusText(b, me)]) || byName(a, b);
    }
    case 'revision': return (a, b) => sign * compareRevisions(a.revision, b.revision) || byName(a, b);
    case 'modified': return (a, b) => sign * (modifiedTime(a) - modifiedTime(b)) || byName(a, b);
    default: return (a, b) => sign * byName(a, b);
  }
}

/** The files the table shows: those passing the filter, sorted across every group. */
export function tableRows(files, filter, me, sort) {
  const rows = [];
  for (const file of files.values()) if (matchesFilter(file, filter, me)) rows.push(file);
  return rows.sort(tableComparator(sort, me));
}

/** Clicking a column's header: sort by it ascending, or flip the direction when it is the column already. */
export function nextSort(current, column) {
  if (current && current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: 'asc' };
}

/**
 * The selected filenames. A plain click toggles one and becomes the anchor; a shift-click sets
 * every row from the anchor to the clicked one (in the order shown) to the clicked one's new state.
 */
export class Selection {
  constructor() {
    this.names = new Set();
    this.anchor = null;
  }

  get size() {
    return this.names.size;
  }

  has(name) {
    return this.names.has(name);
  }

  /** Sets one row; with `range` (shift) also every row between the anchor and it in `order`. */
  set(name, selected, { range = false, order = [] } = {}) {
    const from = range && this.anchor != null ? order.indexOf(this.anchor) : -1;
    const to = order.indexOf(name);
    if (from >= 0 && to >= 0) {
      const [lo, hi] = from < to ? [from, to] : [to, from];
      for (let i = lo; i <= hi; i++) this.apply(order[i], selected);
    } else {
      this.apply(name, selected);
    }
    this.anchor = name;
  }

  apply(name, selected) {
    if (selected) this.names.add(name);
    else this.names.delete(name);
  }

  /** "all", "some" or "none" of `visible` are selected (the header checkbox shows it). */
  stateOf(visible) {
    let count = 0;
    for (const name of visible) if (this.names.has(name)) count++;
    if (count === 0) return 'none';
    return count === visible.length ? 'all' : 'some';
  }

  /** Selects every visible row, or clears them when all already are. */
  toggleAll(visible) {
    const select = this.stateOf(visible) !== 'all';
    for (const name of visible) this.apply(name, select);
    this.anchor = null;
  }

  /** Forgets names that are no longer in the vault (deleted meanwhile). */
  keepOnly(files) {
    for (const name of [...this.names]) if (!files.has(name)) this.names.delete(name);
  }

  clear() {
    this.names.clear();
    this.anchor = null;
  }

  list() {
    return [...this.names].sort();
  }
}
