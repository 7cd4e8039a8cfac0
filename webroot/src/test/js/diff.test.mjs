import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnifiedDiff } from '../../main/resources/webroot/js/diff.js';

const DIFF = [
  '--- 1234567_OP10.nc 1.0',
  '+++ 1234567_OP10.nc 1.1',
  '@@ -2,4 +2,5 @@',
  ' G21 G90',
  '-G0 X0 Y0',
  '+G0 X10 Y0',
  '+M8',
  ' G1 Z-1 F100',
  ' M30',
  '@@ -20,2 +21,1 @@',
  ' M5',
  '-M9',
  '',
].join('\n');

test('lines are numbered on the old and the new side', () => {
  const rows = parseUnifiedDiff(DIFF);
  const pick = (r) => [r.kind, r.oldNo, r.newNo, r.text];
  assert.deepEqual(rows.map(pick), [
    ['meta', null, null, '--- 1234567_OP10.nc 1.0'],
    ['meta', null, null, '+++ 1234567_OP10.nc 1.1'],
    ['hunk', null, null, '@@ -2,4 +2,5 @@'],
    ['ctx', 2, 2, 'G21 G90'],
    ['del', 3, null, 'G0 X0 Y0'],
    ['add', null, 3, 'G0 X10 Y0'],
    ['add', null, 4, 'M8'],
    ['ctx', 4, 5, 'G1 Z-1 F100'],
    ['ctx', 5, 6, 'M30'],
    ['hunk', null, null, '@@ -20,2 +21,1 @@'],
    ['ctx', 20, 21, 'M5'],
    ['del', 21, null, 'M9'],
  ]);
});

test('a removed line that starts with dashes is not mistaken for a file header', () => {
  const rows = parseUnifiedDiff('--- a\n+++ b\n@@ -1,2 +1,1 @@\n---comment\n keep\n');
  assert.deepEqual(rows.slice(3).map((r) => [r.kind, r.oldNo, r.newNo, r.text]), [
    ['del', 1, null, '--comment'],
    ['ctx', 2, 1, 'keep'],
  ]);
});

test('hunks without counts and "no newline" markers are understood', () => {
  const rows = parseUnifiedDiff('@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n');
  assert.deepEqual(rows.map((r) => r.kind), ['hunk', 'del', 'meta', 'add']);
  assert.equal(rows[3].newNo, 1);
});

test('an added file starts counting its new lines at 1', () => {
  const rows = parseUnifiedDiff('@@ -0,0 +1,2 @@\n+x\n+y\n');
  assert.deepEqual(rows.slice(1).map((r) => r.newNo), [1, 2]);
});

test('empty diff text gives no rows', () => {
  assert.deepEqual(parseUnifiedDiff(''), []);
  assert.deepEqual(parseUnifiedDiff(null), []);
});
