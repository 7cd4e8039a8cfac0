// The table view: one sortable table of all matching files across groups, with checkboxes for bulk
// download. Only the rows in sight are in the page (plus a margin): 10,000 files make a tall
// scroll area, not 10,000 rows.
import { h, fillTime } from './dom.js';
import { COLUMNS, COLUMN_LABELS, Selection, nextSort, statusText, tableRows } from './tablemodel.js';
import { formatTime } from './format.js';
import { fileButtons, fillDownload, fillStateBadge, flashElement, viewOptions } from './filelist.js';
import { lockState, sameFile } from './filemodel.js';

/** Every row has this height (app.css .ftable tbody tr), so a scroll position is a row number. */
export const ROW_PX = 40;
/** Rows drawn above and below the visible ones, so a quick scroll does not show blanks. */
const OVERSCAN = 15;

export class FileTable {
  constructor({ root, store, onSelection }) {
    this.root = root;
    this.store = store;
    this.onSelection = onSelection || (() => {});
    this.selection = new Selection();
    this.rows = [];
    this.names = [];
    this.drawn = new Map();
    this.first = 0;
    this.last = -1;
    this.frame = 0;
    this.rowPx = ROW_PX;
    this.build();
  }

  build() {
    this.selectAll = h('input', { type: 'checkbox', dataset: { testid: 'select-all' }, 'aria-label': 'Select all files shown' });
    this.selectAll.addEventListener('change', () => {
      this.selection.toggleAll(this.names);
      this.selectionChanged();
    });
    this.heads = new Map();
    const headCells = COLUMNS.map((column) => {
      const button = h('button', { type: 'button', class: 'sort-btn', dataset: { column, testid: `sort-${column}` } }, COLUMN_LABELS[column]);
      button.addEventListener('click', () => {
        const sort = nextSort(this.store.state.tableSort, column);
        this.store.set({ tableSort: sort });
      });
      const th = h('th', { scope: 'col', class: `col-${column}` }, button);
      this.heads.set(column, th);
      return th;
    });
    this.topSpacer = h('td', { colspan: COLUMNS.length + 2 });
    this.bottomSpacer = h('td', { colspan: COLUMNS.length + 2 });
    this.body = h('tbody', null);
    this.table = h('table', { class: 'table ftable', dataset: { testid: 'file-table' } },
      h('caption', { class: 'visually-hidden' }, 'Files; the column headers sort'),
      h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'pick' }, this.selectAll), headCells,
        h('th', { scope: 'col', class: 'col-actions' }, 'Actions'))),
      this.body);
    this.scroller = h('div', { class: 'ftable-scroll', tabindex: '-1' }, this.table);
    this.scroller.addEventListener('scroll', () => this.scheduleWindow(), { passive: true });
    this.body.addEventListener('click', (e) => {
      const box = e.target.closest('input[data-testid="row-select"]');
      if (!box) return;
      this.selection.set(box.dataset.filename, box.checked, { range: e.shiftKey, order: this.names });
      this.selectionChanged();
    });
    this.root.replaceChildren(this.scroller);
  }

  /** Full redraw: the rows are filtered and sorted again; the time in ms is returned. */
  render() {
    const started = performance.now();
    const { files, filter, user, tableSort } = this.store.state;
    this.rows = tableRows(files, filter, user ? user.username : null, tableSort);
    this.names = this.rows.map((f) => f.filename);
    this.selection.keepOnly(files);
    for (const [column, th] of this.heads) {
      th.setAttribute('aria-sort', tableSort.column === column ? (tableSort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    this.table.setAttribute('aria-rowcount', String(this.rows.length + 1));
    this.first = 0;
    this.last = -1;
    this.drawWindow();
    this.selectionChanged();
    return performance.now() - started;
  }

  /** A live change of some files: rows are sorted again (a lock may move one), only changed rows redrawn. */
  update(filenames, { flash = false } = {}) {
    const started = performance.now();
    for (const name of filenames) {
      const entry = this.drawn.get(name);
      if (entry) entry.file = null;
    }
    this.render();
    if (flash) {
      for (const name of filenames) {
        const entry = this.drawn.get(name);
        if (entry && entry.el.isConnected) flashElement(entry.el);
      }
    }
    return performance.now() - started;
  }

  scheduleWindow() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawWindow();
    });
  }

  /** Draws the rows in sight; rows already drawn for the same file state are reused. */
  drawWindow() {
    const rowPx = this.rowPx;
    // The scroll area grows with its rows up to its maximum, so its height before drawing says
    // little; it never shows more than the window's height.
    const height = Math.max(this.scroller.clientHeight, globalThis.innerHeight || rowPx * 20);
    const top = Math.max(0, Math.floor(this.scroller.scrollTop / rowPx) - OVERSCAN);
    const bottom = Math.min(this.rows.length, Math.ceil((this.scroller.scrollTop + height) / rowPx) + OVERSCAN);
    if (top === this.first && bottom - 1 === this.last && this.body.childElementCount > 0) return;
    this.first = top;
    this.last = bottom - 1;
    const els = [];
    const keep = new Map();
    for (let i = top; i < bottom; i++) {
      const file = this.rows[i];
      const el = this.rowFor(file, i);
      keep.set(file.filename, this.drawn.get(file.filename));
      els.push(el);
    }
    this.drawn = keep;
    this.topSpacer.style.height = `${top * rowPx}px`;
    this.bottomSpacer.style.height = `${(this.rows.length - bottom) * rowPx}px`;
    const parts = [];
    if (top > 0) parts.push(spacerRow(this.topSpacer));
    parts.push(...els);
    if (bottom < this.rows.length) parts.push(spacerRow(this.bottomSpacer));
    this.body.replaceChildren(...parts);
    // The stylesheet fixes the row height; should the browser round it otherwise, the spacers follow.
    const drawnRow = els.length ? els[0].getBoundingClientRect().height : 0;
    if (drawnRow > 0 && Math.abs(drawnRow - rowPx) > 0.5) {
      this.rowPx = drawnRow;
      this.first = 0;
      this.last = -1;
      this.drawWindow();
    }
  }

  rowFor(file, index) {
    const state = this.store.state;
    const entry = this.drawn.get(file.filename);
    const offline = !state.reachable;
    const watched = state.watched.has(file.filename);
    if (entry && entry.file && entry.user === state.user && entry.watched === watched && entry.offline === offline
      && entry.settings === state.settings && (entry.file === file || sameFile(entry.file, file))) {
      entry.file = file;
      entry.el.setAttribute('aria-rowindex', String(index + 2));
      return entry.el;
    }
    const el = this.renderRow(file, index);
    this.drawn.set(file.filename, { file, el, user: state.user, watched, offline, settings: state.settings });
    return el;
  }

  renderRow(file, index) {
    const { user, watched } = this.store.state;
    const me = user ? user.username : null;
    const state = lockState(file, me);
    const stateName = state === 'other' ? 'locked' : state;
    const options = viewOptions(this.store.state, file);
    const selected = this.selection.has(file.filename);
    const box = h('input', { type: 'checkbox', checked: selected, dataset: { testid: 'row-select', filename: file.filename },
      'aria-label': `Select ${file.filename}` });
    const download = fillDownload(h('a', { class: 'btn btn-small', download: '', dataset: { testid: 'action-download', needsServer: '' } }, 'Download'),
      file, options.offline);
    return h('tr', { class: `frow frow-${stateName}${selected ? ' row-selected' : ''}`, 'aria-rowindex': String(index + 2),
      dataset: { testid: 'file-row', filename: file.filename, state: stateName } },
      h('td', { class: 'pick' }, box),
      h('td', { class: 'col-name' }, h('span', { class: 'fname', title: file.filename }, file.filename), ' ',
        fillStateBadge(h('span', { dataset: { testid: 'row-state' } }), file)),
      h('td', { class: 'col-description', title: file.description || '' }, file.description || ''),
      h('td', { class: `col-status lock-${stateName}`, dataset: { testid: 'row-status' } }, statusText(file, me)),
      h('td', { class: 'col-holder', dataset: { testid: 'row-holder' } }, file.status === 'locked' ? file.lockedBy || '' : ''),
      h('td', { class: 'col-revision', dataset: { testid: 'row-revision' } }, file.revision),
      h('td', { class: 'col-modified' }, fillTime(document.createElement('time'), file.modifiedAt, formatTime(file.modifiedAt))),
      h('td', { class: 'col-actions' }, h('div', { class: 'row-actions' }, download, fileButtons(file, user, watched, options))));
  }

  selectionChanged() {
    const state = this.selection.stateOf(this.names);
    this.selectAll.checked = state === 'all';
    this.selectAll.indeterminate = state === 'some';
    this.selectAll.setAttribute('aria-label', `Select all ${this.names.length} files shown`);
    for (const [name, entry] of this.drawn) {
      const selected = this.selection.has(name);
      entry.el.classList.toggle('row-selected', selected);
      const box = entry.el.querySelector('input[data-testid="row-select"]');
      if (box) box.checked = selected;
    }
    this.onSelection(this.selection);
  }

  clearSelection() {
    this.selection.clear();
    this.selectionChanged();
  }

  /** The row of a file when it is drawn. */
  rowElement(filename) {
    const entry = this.drawn.get(filename);
    return entry && entry.el.isConnected ? entry.el : null;
  }
}

function spacerRow(td) {
  return h('tr', { class: 'spacer', 'aria-hidden': 'true' }, td);
}
