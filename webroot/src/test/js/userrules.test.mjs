import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordProblem, usernameProblem } from '../../main/resources/webroot/js/userrules.js';

test('usernames follow the server: 1 to 32 lower-case letters, digits, _ . -', () => {
  assert.equal(usernameProblem('carl.b-2_x'), null);
  assert.match(usernameProblem(''), /Enter a username/);
  assert.match(usernameProblem('Carl'), /lower-case/);
  assert.match(usernameProblem('carl b'), /lower-case/);
  assert.match(usernameProblem('x'.repeat(33)), /at most 32 characters \(this one has 33\)/);
});

test('passwords have 8 characters at least and 72 bytes at most, said while typing', () => {
  assert.equal(passwordProblem('12345678'), null);
  assert.equal(passwordProblem('1234567'), 'A password has at least 8 characters (7 so far).');
  assert.equal(passwordProblem('a long enough password'), null);
  assert.match(passwordProblem('ü'.repeat(37)), /at most 72 bytes/);
});
