import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeFactQuery, factLines, factQuery, formatExtents, formatRunTime, toolDiff, toolLabel,
} from '../../main/resources/webroot/js/programfacts.js';

test('the tool-list difference names added, removed and re-commented tools by number', () => {
  const from = [{ number: 1, comment: 'FACE MILL', line: 3 }, { number: 2, comment: '10MM ENDMILL', line: 11 },
    { number: 7, comment: null, line: 30 }];
  const to = [{ number: 1, comment: 'FACE MILL', line: 3 }, { number: 2, comment: '10MM ENDMILL 3FL', line: 11 },
    { number: 5, comment: 'CHAMFER', line: 25 }];
  const diff = toolDiff(from, to);
  assert.deepEqual(diff.added.map((t) => t.number), [5]);
  assert.deepEqual(diff.removed.map((t) => t.number), [7]);
  assert.deepEqual(diff.changed, [{ number: 2, from: '10MM ENDMILL', to: '10MM ENDMILL 3FL' }]);
  assert.equal(diff.empty, false);
  assert.equal(toolDiff(from, from).empty, true);
  assert.equal(toolDiff([{ number: 3, comment: '' }], [{ number: 3, comment: null }]).empty, true);
  assert.equal(toolLabel(to[2]), 'T5 CHAMFER');
  assert.equal(toolLabel(from[2]), 'T7');
});

test('facts read as a few short lines', () => {
  const facts = {
    programNumber: 3001, extents: { min: { x: -30, y: 0, z: -12 }, max: { x: 150, y: 70, z: 5 } },
    feedDistance: 503.832, rapidDistance: 421.9, estimatedSeconds: 412.4, subprograms: [{ call: 'M98', program: 1000 }],
    warnings: [{ line: 17, message: 'x' }], warningCount: 3,
  };
  assert.deepEqual(factLines(facts), [
    ['Program', 'O3001'], ['Size', '180 \u00d7 70 \u00d7 17 mm'], ['Feed moves', '504 mm'], ['Rapid moves', '422 mm'],
    ['Estimated time', '6 min 52 s'], ['Calls', 'M98 P1000'], ['Warnings', '3 (first on line 17)']]);
  assert.equal(formatExtents(null), 'no moves');
  assert.equal(formatRunTime(42.3), '42 s');
  assert.equal(formatRunTime(7384), '2 h 3 min');
});

test('the fact filter makes the query of GET /api/files and says what is wrong where', () => {
  assert.deepEqual(factQuery({ tool: ' T12 ', minLengthX: '300', maxLengthZ: '25,5' }),
    { query: { tool: 12, minLengthX: 300, maxLengthZ: 25.5 }, error: null, field: null });
  assert.deepEqual(factQuery({ tool: '', minLengthX: '  ' }), { query: null, error: null, field: null });
  assert.equal(factQuery({ tool: '12a' }).field, 'tool');
  assert.equal(factQuery({ minLengthY: '-1' }).field, 'minLengthY');
  const crossed = factQuery({ minLengthX: '300', maxLengthX: '200' });
  assert.equal(crossed.field, 'minLengthX');
  assert.match(crossed.error, /300 is more than at most 200/);
  assert.equal(describeFactQuery({ tool: 12, minLengthX: 300, minLengthY: 10, maxLengthY: 20, maxLengthZ: 5 }),
    'T12, X \u2265 300 mm, 10 \u2264 Y \u2264 20 mm, Z \u2264 5 mm');
});
