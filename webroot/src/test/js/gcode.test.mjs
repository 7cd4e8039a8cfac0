import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineReader, isBinaryContent, isToolChange, tokenizeLine } from '../../main/resources/webroot/js/gcode.js';

const kinds = (line) => tokenizeLine(line).filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.text}`);
const bytes = (text) => new TextEncoder().encode(text);

test('addresses, comments and tool changes are told apart; the tokens give the line back', () => {
  const line = 'N20 G01 X-12.5 Y.5 F200 (finish pass) ; first contour';
  assert.deepEqual(kinds(line), ['lineno:N20', 'gcode:G01', 'coord:X-12.5', 'coord:Y.5', 'feed:F200',
    'comment:(finish pass)', 'comment:; first contour']);
  assert.equal(tokenizeLine(line).map((t) => t.text).join(''), line);
  assert.deepEqual(kinds('T5 M06'), ['tool:T5', 'toolchange:M06']);
  assert.ok(isToolChange(tokenizeLine('T5 M6')));
  assert.ok(!isToolChange(tokenizeLine('M3 S1200')));
  assert.deepEqual(kinds('O1000 (PART 12)'), ['program:O1000', 'comment:(PART 12)']);
  assert.deepEqual(kinds('%'), ['mark:%']);
  assert.deepEqual(kinds('G2 X10 Y0 I5 J0'), ['gcode:G2', 'coord:X10', 'coord:Y0', 'arc:I5', 'arc:J0']);
});

test('odd text is kept as text: an unclosed comment, a word without number, markup', () => {
  for (const line of ['G0 (no end', 'IF [#1 GT 2] GOTO 10', '<img src=x onerror=alert(1)>', '', '   ']) {
    assert.equal(tokenizeLine(line).map((t) => t.text).join(''), line);
  }
  assert.deepEqual(kinds('G0 (no end'), ['gcode:G0', 'comment:(no end']);
});

test('a NUL early on or bytes that are not UTF-8 make a file binary; a cut character at the end of a start does not', () => {
  assert.ok(isBinaryContent(Uint8Array.from([77, 67, 65, 77, 0, 1, 2])));
  assert.ok(isBinaryContent(Uint8Array.from([0x47, 0xff, 0x30])));
  assert.ok(!isBinaryContent(bytes('G21\nG0 X0 (Größe)\n')));
  const cut = bytes('G0 (Größe').slice(0, -2);
  assert.ok(!isBinaryContent(cut, { complete: false }));
  assert.ok(isBinaryContent(cut, { complete: true }));
});

test('lines come out whole across pages, a CR of CRLF is dropped, a character split between pages survives', () => {
  const reader = createLineReader();
  const all = bytes('G21\r\nG0 X1 (Größe)\nM30\n');
  const cutAt = all.indexOf(0xc3) + 1;
  assert.deepEqual(reader.push(all.slice(0, cutAt), false), ['G21']);
  assert.deepEqual(reader.push(all.slice(cutAt), true), ['G0 X1 (Größe)', 'M30']);
  assert.deepEqual(createLineReader().push(bytes('G0\nM30'), true), ['G0', 'M30'], 'no final newline');
});
