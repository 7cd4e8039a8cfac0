import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fm from '../../main/resources/webroot/js/filemodel.js';
import { baseName, buildView, cardActions, checkinParams, downloadName, filesFromGroups, groupOf, isBinaryName, isFiltering, matchesFilter,
  nameDiffers, sameFile, searchWords } from '../../main/resources/webroot/js/filemodel.js';

const file = (filename, extra = {}) => ({
  filename, group: groupOf(filename), description: '', revision: '1.0', size: 10,
  modifiedAt: '2024-05-01T10:00:00Z', deleted: false, status: 'unlocked', lockedBy: null, lockedAt: null, lockMessage: null, ...extra,
});

test('names with seven leading digits group by their first two digits, others go to Misc', () => {
  assert.equal(groupOf('1234567_AB1.mcam'), '12XXXXX');
  assert.equal(groupOf('9900000.nc'), '99XXXXX');
  assert.equal(groupOf('123456_short.nc'), 'Misc');
  assert.equal(groupOf('fixture.nc'), 'Misc');
});

test('the server grouping is read into one map without deleted files', () => {
  const files = filesFromGroups({ '12XXXXX': [file('1234567.nc')], Misc: [file('x.nc'), file('gone.nc', { deleted: true })] });
  assert.deepEqual([...files.keys()], ['1234567.nc', 'x.nc']);
});

test('search matches filename and description, case-insensitively', () => {
  const f = file('1234567_OP10.nc', { description: 'Flange roughing' });
  assert.ok(matchesFilter(f, { q: 'op10' }, 'me'));
  assert.ok(matchesFilter(f, { q: 'FLANGE' }, 'me'));
  assert.ok(!matchesFilter(f, { q: 'finishing' }, 'me'));
});

test('status filter: free, locked by anyone, mine', () => {
  const free = file('a.nc');
  const mine = file('b.nc', { status: 'locked', lockedBy: 'alice' });
  const other = file('c.nc', { status: 'locked', lockedBy: 'bob' });
  const pick = (status) => [free, mine, other].filter((f) => matchesFilter(f, { status }, 'alice')).map((f) => f.filename);
  assert.deepEqual(pick('all'), ['a.nc', 'b.nc', 'c.nc']);
  assert.deepEqual(pick('free'), ['a.nc']);
  assert.deepEqual(pick('locked'), ['b.nc', 'c.nc']);
  assert.deepEqual(pick('mine'), ['b.nc']);
});

test('the view sorts groups by name and files by name or newest first', () => {
  const files = new Map([
    ['1299999.nc', file('1299999.nc', { modifiedAt: '2024-05-01T09:00:00Z' })],
    ['1200000.nc', file('1200000.nc', { modifiedAt: '2024-05-02T09:00:00Z' })],
    ['zeta.nc', file('zeta.nc')],
    ['3400000.nc', file('3400000.nc')],
  ]);
  const byName = buildView(files, { q: '', status: 'all', sort: 'name' }, 'me');
  assert.deepEqual(byName.groups.map((g) => g.name), ['12XXXXX', '34XXXXX', 'Misc']);
  assert.deepEqual(byName.groups[0].items.map((f) => f.filename), ['1200000.nc', '1299999.nc']);
  const byTime = buildView(files, { q: '', status: 'all', sort: 'modified' }, 'me');
  assert.deepEqual(byTime.groups[0].items.map((f) => f.filename), ['1200000.nc', '1299999.nc']);
  assert.equal(byTime.groups[0].items[0].modifiedAt, '2024-05-02T09:00:00Z');
});

test('filtering keeps group totals and counts the matches', () => {
  const files = new Map(['1200000_OP10.nc', '1200001_OP20.nc', 'misc_OP10.nc'].map((n) => [n, file(n)]));
  const view = buildView(files, { q: 'op10', status: 'all', sort: 'name' }, 'me');
  assert.equal(view.matched, 2);
  assert.equal(view.total, 3);
  assert.deepEqual(view.groups.map((g) => [g.name, g.total, g.items.length]), [['12XXXXX', 2, 1], ['Misc', 1, 1]]);
  assert.ok(isFiltering({ q: ' op10 ' }));
  assert.ok(!isFiltering({ q: '  ', status: 'all' }));
});

test('filtering 10,000 files takes well under 200 ms', () => {
  const files = new Map();
  for (let i = 0; i < 10000; i++) {
    const name = `${String(1000000 + i * 733).padStart(7, '0')}_OP${i % 90}.nc`;
    files.set(name, file(name, { description: `Part ${i} roughing pass` }));
  }
  buildView(files, { q: '', status: 'all', sort: 'name' }, 'me');
  const started = performance.now();
  const view = buildView(files, { q: 'op42', status: 'all', sort: 'modified' }, 'me');
  const ms = performance.now() - started;
  assert.ok(view.matched > 0);
  assert.ok(ms < 200, `took ${ms} ms`);
});

test('a viewer sees only view, history and watch; the holder sees check in and cancel; admins override others', () => {
  const free = file('a.nc');
  const mine = file('b.nc', { status: 'locked', lockedBy: 'alice' });
  const other = file('c.nc', { status: 'locked', lockedBy: 'bob' });
  const none = new Set();
  assert.deepEqual(cardActions(free, { username: 'v', role: 'viewer' }, none), ['viewer', 'history']);
  assert.deepEqual(cardActions(other, { username: 'v', role: 'viewer' }, none), ['watch', 'viewer', 'history']);
  assert.deepEqual(cardActions(free, { username: 'alice', role: 'programmer' }, none), ['checkout', 'viewer', 'history']);
  assert.deepEqual(cardActions(mine, { username: 'alice', role: 'programmer' }, none), ['checkin', 'cancel-checkout', 'viewer', 'history']);
  assert.deepEqual(cardActions(other, { username: 'alice', role: 'programmer' }, new Set(['c.nc'])), ['unwatch', 'viewer', 'history']);
  assert.deepEqual(cardActions(other, { username: 'root', role: 'admin' }, none), ['watch', 'viewer', 'history', 'override', 'delete']);
});

test('a binary file offers no viewer', () => {
  assert.deepEqual(cardActions(file('1234567_AB1.mcam'), { username: 'alice', role: 'programmer' }, new Set(), { binary: true }),
    ['checkout', 'history']);
  assert.ok(isBinaryName('1234567_AB1.MCAM', ['.mcam']));
  assert.ok(!isBinaryName('1234567_AB1.nc', ['.mcam']));
  assert.ok(!isBinaryName('1234567_AB1.mcam', undefined));
});

test('the search finds files with every word, in the name or the description, in any order', () => {
  const op20 = file('1234567_OP20.mcam', { description: 'Housing, fixture B' });
  const op10 = file('1234567_OP10.nc', { description: 'Flange roughing' });
  const pick = (q) => [op20, op10].filter((f) => matchesFilter(f, { q }, 'me')).map((f) => f.filename);
  assert.deepEqual(pick('OP20 mcam'), ['1234567_OP20.mcam']);
  assert.deepEqual(pick('mcam   op20'), ['1234567_OP20.mcam']);
  assert.deepEqual(pick('roughing op10'), ['1234567_OP10.nc'], 'one word in the description, one in the name');
  assert.deepEqual(pick('op20 roughing'), [], 'every word must be found');
  assert.deepEqual(pick('  1234567  '), ['1234567_OP20.mcam', '1234567_OP10.nc']);
  assert.deepEqual(searchWords('  A  b '), ['a', 'b']);
  assert.deepEqual(searchWords(''), []);
});

test('an older revision downloads under a name with its revision before the extension', () => {
  assert.equal(downloadName('1234567_AB1.nc', '1.0', '2.0'), '1234567_AB1_rev1.0.nc');
  assert.equal(downloadName('1234567_AB1.nc', '2.0', '2.0'), '1234567_AB1.nc');
  assert.equal(downloadName('1234567_AB1.nc', undefined, '2.0'), '1234567_AB1.nc');
  assert.equal(downloadName('plate.v2.mcam', '1.3', '1.4'), 'plate.v2_rev1.3.mcam');
  assert.equal(downloadName('PROGRAM', '1.1', '1.2'), 'PROGRAM_rev1.1');
});

test('a chosen file with another name than the vault file is flagged; another case or a path is not', () => {
  assert.ok(nameDiffers('v3.nc', '1234567_AB1.nc'));
  assert.ok(nameDiffers('1234567_AB1.tap', '1234567_AB1.nc'));
  assert.ok(!nameDiffers('1234567_ab1.NC', '1234567_AB1.nc'));
  assert.ok(!nameDiffers('C:\\fakepath\\1234567_AB1.nc', '1234567_AB1.nc'));
  assert.equal(baseName('/home/al/v3.nc'), 'v3.nc');
});

test('two file objects with the same fields are the same file', () => {
  assert.ok(sameFile(file('a.nc'), file('a.nc')));
  assert.ok(!sameFile(file('a.nc'), file('a.nc', { status: 'locked', lockedBy: 'x' })));
  assert.ok(!sameFile(undefined, file('a.nc')));
});

test('a check-in names the checkout it was prepared under, and no lock when the file showed none', () => {
  assert.deepEqual(checkinParams({ message: ' Feed 500 ', major: false, keepLocked: true, lockId: 'f3c1' }),
    { message: 'Feed 500', major: 'false', keepLocked: 'true', lockId: 'f3c1' });
  const withoutLock = checkinParams({ message: 'm', major: true, keepLocked: false, lockId: null });
  assert.equal('lockId' in withoutLock, false);
  assert.equal(new URLSearchParams(withoutLock).toString(), 'message=m&major=true&keepLocked=false');
});

test('a new lock id makes a file look changed', () => {
  assert.equal(sameFile(file('a.nc', { lockId: 'one' }), file('a.nc', { lockId: 'two' })), false);
});

test('the lifecycle: the transitions a role may make from a file\'s state, its badge and the state filter', () => {
  const rules = [
    { from: 'draft', to: 'review', role: 'programmer', comment: true, signature: false },
    { from: 'review', to: 'released', role: 'approver', comment: false, signature: true },
    { from: 'review', to: 'draft', role: 'approver', comment: true, signature: false },
    { from: 'released', to: 'obsolete', role: 'admin', comment: false, signature: false },
  ];
  const review = { filename: 'a.nc', state: 'review', revision: '1.1', releasedRevision: '1.0' };
  assert.deepEqual(fm.transitionsFor(review, 'programmer', rules), []);
  assert.deepEqual(fm.transitionsFor(review, 'approver', rules).map((r) => r.to), ['released', 'draft']);
  assert.deepEqual(fm.transitionsFor(review, 'admin', rules).map((r) => r.to), ['released', 'draft']);
  assert.deepEqual(fm.transitionsFor({ filename: 'old.nc' }, 'programmer', rules).map((r) => r.to), ['review'],
    'a file without a state is a draft');
  assert.equal(fm.stateLabel(review), 'review \u00b7 1.0 released');
  assert.equal(fm.stateLabel({ state: 'released', releasedRevision: '1.0' }), 'released');
  assert.ok(fm.cardActions(review, { username: 'q', role: 'approver' }, new Set(), { rules }).includes('lifecycle'));
  assert.ok(!fm.cardActions(review, { username: 'p', role: 'programmer' }, new Set(), { rules }).includes('lifecycle'));
  assert.ok(fm.matchesFilter(review, { state: 'review' }, 'me'));
  assert.ok(!fm.matchesFilter(review, { state: 'released' }, 'me'));
  assert.ok(fm.isFiltering({ state: 'draft' }));
});
