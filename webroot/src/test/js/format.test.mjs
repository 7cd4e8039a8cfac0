import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityText, formatDuration, formatSize, isFileEvent, verbOf } from '../../main/resources/webroot/js/format.js';

test('durations under a minute show seconds only', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(59.9), '59s');
});

test('durations from a minute on show days, hours and minutes', () => {
  assert.equal(formatDuration(60), '0d 0h 1m');
  assert.equal(formatDuration(3 * 3600 + 5 * 60 + 7), '0d 3h 5m');
  assert.equal(formatDuration(2 * 86400 + 3600 + 120), '2d 1h 2m');
});

test('negative or missing durations show as zero seconds', () => {
  assert.equal(formatDuration(-5), '0s');
  assert.equal(formatDuration(undefined), '0s');
});

test('sizes are human readable, 1024-based', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(1023), '1023 B');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(10 * 1024 * 1024), '10 MB');
  assert.equal(formatSize(250 * 1024 * 1024), '250 MB');
});

test('activity sentences name the user, the verb and the file', () => {
  assert.equal(activityText({ user: 'alice', event_type: 'checkout', filename: '1234567_OP10.nc' }),
    'alice checked out 1234567_OP10.nc');
  assert.equal(activityText({ user: 'bob', event_type: 'checkin', filename: 'a.nc', revision: '1.2' }),
    'bob checked in a.nc (rev 1.2)');
  assert.equal(verbOf('override'), 'overrode the lock on');
});

test('transfers and imports read as the server wrote them and are not file events', () => {
  const entry = { user: 'pat', event_type: 'transfer_finished', filename: null,
    message: 'Failed to send O1234.nc rev 1.0 to mill: ConnectException: Connection refused' };
  assert.equal(activityText(entry), 'pat: Failed to send O1234.nc rev 1.0 to mill: ConnectException: Connection refused');
  assert.equal(isFileEvent('transfer_finished'), false);
  assert.equal(isFileEvent('import_received'), false);
  assert.equal(isFileEvent('checkin'), true);
  assert.equal(verbOf('import_decided'), 'decided an import');
});
