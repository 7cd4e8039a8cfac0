import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Selection, compareRevisions, nextSort, statusText, tableComparator, tableRows }
  from '../../main/resources/webroot/js/tablemodel.js';

const file = (filename, extra = {}) => ({
  filename, description: '', revision: '1.0', size: 10, modifiedAt: '2024-05-01T10:00:00Z', deleted: false,
  status: 'unlocked', lockedBy: null, ...extra,
});
const vault = () => new Map([
  ['9900001_OP10.nc', file('9900001_OP10.nc', { description: 'Flange', revision: '1.9', modifiedAt: '2024-05-03T10:00:00Z' })],
  ['1200001_OP20.nc', file('1200001_OP20.nc', { status: 'locked', lockedBy: 'bob', revision: '1.10', modifiedAt: '2024-05-01T10:00:00Z' })],
  ['fixture.tap', file('fixture.tap', { description: 'clamp', status: 'locked', lockedBy: 'alice', revision: '2.0', modifiedAt: '2024-05-02T10:00:00Z' })],
]);
const names = (rows) => rows.map((f) => f.filename);
const rows = (column, dir = 'asc', q = '') => names(tableRows(vault(), { q, status: 'all' }, 'alice', { column, dir }));

test('the table sorts every file by one column across all groups, either way', () => {
  assert.deepEqual(rows('name'), ['1200001_OP20.nc', '9900001_OP10.nc', 'fixture.tap']);
  assert.deepEqual(rows('name', 'desc'), ['fixture.tap', '9900001_OP10.nc', '1200001_OP20.nc']);
  assert.deepEqual(rows('modified', 'desc'), ['9900001_OP10.nc', 'fixture.tap', '1200001_OP20.nc']);
  assert.deepEqual(rows('revision'), ['9900001_OP10.nc', '1200001_OP20.nc', 'fixture.tap'], '1.9 before 1.10 before 2.0');
  assert.deepEqual(rows('status'), ['9900001_OP10.nc', 'fixture.tap', '1200001_OP20.nc'], 'free, mine, locked by others');
});

test('files without a description or a holder come last whichever way the column is sorted', () => {
  assert.deepEqual(rows('description'), ['fixture.tap', '9900001_OP10.nc', '1200001_OP20.nc']);
  assert.deepEqual(rows('description', 'desc'), ['9900001_OP10.nc', 'fixture.tap', '1200001_OP20.nc']);
  assert.deepEqual(rows('holder'), ['fixture.tap', '1200001_OP20.nc', '9900001_OP10.nc']);
  assert.deepEqual(rows('holder', 'desc'), ['1200001_OP20.nc', 'fixture.tap', '9900001_OP10.nc']);
});

test('the table shows only the files the search finds', () => {
  assert.deepEqual(rows('name', 'asc', 'op clamp'), []);
  assert.deepEqual(rows('name', 'asc', 'tap clamp'), ['fixture.tap']);
});

test('clicking a header sorts by it ascending, clicking it again flips the direction', () => {
  assert.deepEqual(nextSort({ column: 'name', dir: 'asc' }, 'name'), { column: 'name', dir: 'desc' });
  assert.deepEqual(nextSort({ column: 'name', dir: 'desc' }, 'name'), { column: 'name', dir: 'asc' });
  assert.deepEqual(nextSort({ column: 'name', dir: 'desc' }, 'holder'), { column: 'holder', dir: 'asc' });
  assert.equal(compareRevisions('1.10', '1.9') > 0, true);
  assert.equal(statusText(file('a', { status: 'locked', lockedBy: 'me' }), 'me'), 'Mine');
  assert.equal(tableComparator(undefined)(file('a'), file('b')) < 0, true, 'by name when nothing is chosen');
});

test('a shift-click selects the range from the last clicked row, in the order shown', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  const selection = new Selection();
  selection.set('b', true, { order });
  selection.set('d', true, { range: true, order });
  assert.deepEqual(selection.list(), ['b', 'c', 'd']);
  selection.set('a', true, { range: true, order });
  assert.deepEqual(selection.list(), ['a', 'b', 'c', 'd'], 'the anchor moved to d; a..d');
  selection.set('c', false, { range: true, order: ['e', 'c', 'a', 'b', 'd'] });
  assert.deepEqual(selection.list(), ['b', 'd'], 'from the anchor a to c in the order now shown: c and a cleared');
  selection.set('e', true, { order });
  assert.deepEqual(selection.list(), ['b', 'd', 'e'], 'a plain click sets one row only');
});

test('select all takes every visible row, a second time clears them; deleted files leave the selection', () => {
  const selection = new Selection();
  selection.set('x', true);
  assert.equal(selection.stateOf(['a', 'b']), 'none');
  selection.toggleAll(['a', 'b']);
  assert.equal(selection.stateOf(['a', 'b']), 'all');
  assert.equal(selection.stateOf(['a', 'b', 'c']), 'some');
  selection.toggleAll(['a', 'b']);
  assert.deepEqual(selection.list(), ['x'], 'rows outside the visible ones stay as they were');
  selection.keepOnly(new Map([['a', {}]]));
  assert.equal(selection.size, 0);
});
