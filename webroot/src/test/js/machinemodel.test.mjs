import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendability, transferStatusText, transportFrom, transportText } from '../../main/resources/webroot/js/machinemodel.js';

test('a transport takes only the fields of its kind, numbers as numbers, empty ones left out', () => {
  const fields = { path: '/srv/cnc/mill', inboxPath: '', host: 'cnc-1', port: '2121', user: 'cnc', password: 'pw',
    directory: ' PRG ', inboxDirectory: '', bytesPerSecond: '960' };
  assert.deepEqual(transportFrom('folder', fields), { kind: 'folder', path: '/srv/cnc/mill' });
  assert.deepEqual(transportFrom('ftp', fields),
    { kind: 'ftp', host: 'cnc-1', port: 2121, user: 'cnc', password: 'pw', directory: 'PRG' });
  assert.deepEqual(transportFrom('tcp', fields), { kind: 'tcp', host: 'cnc-1', port: 2121, bytesPerSecond: 960 });
});

test('a transport reads in a few words and never shows a password', () => {
  assert.equal(transportText({ kind: 'ftp', host: 'cnc-1', port: 21, user: 'cnc', directory: 'PRG', passwordSet: true }),
    'FTP cnc@cnc-1:21/PRG');
  assert.equal(transportText({ kind: 'tcp', host: '10.0.0.9', port: 4001, bytesPerSecond: 960 }), 'TCP 10.0.0.9:4001, 960 bytes/s');
  assert.equal(transportText({ kind: 'folder', path: '/srv/cnc/drop' }), 'folder /srv/cnc/drop');
});

test('a transfer says how it stands', () => {
  assert.equal(transferStatusText({ status: 'running', attempts: 1 }), 'Sending');
  assert.equal(transferStatusText({ status: 'running', attempts: 2 }), 'Sending (attempt 2)');
  assert.equal(transferStatusText({ status: 'succeeded', verified: true }), 'Sent, read back and verified');
  assert.equal(transferStatusText({ status: 'succeeded', verified: false }), 'Sent');
  assert.equal(transferStatusText({ status: 'failed', reason: 'ConnectException: Connection refused' }),
    'Failed: ConnectException: Connection refused');
});

test('only a released revision goes to a machine, and the dialog says which one or why none', () => {
  const draft = sendability('O1.nc', { revision: '1.0', state: 'draft', releasedRevision: null });
  assert.equal(draft.ok, false);
  assert.match(draft.text, /O1\.nc is not released \(it is a draft\)/);
  assert.match(draft.text, /approver/);
  assert.deepEqual(sendability('O1.nc', { revision: '1.0', state: 'released', releasedRevision: '1.0' }),
    { ok: true, text: 'Sends rev 1.0, the released revision.' });
  const newer = sendability('O1.nc', { revision: '1.1', state: 'draft', releasedRevision: '1.0' });
  assert.equal(newer.ok, true);
  assert.match(newer.text, /^Sends rev 1\.0, the released revision \(rev 1\.1 is not released yet\)/);
  assert.match(sendability('O1.nc', { revision: '1.0', state: 'review', releasedRevision: null }).text, /it is in review/);
  assert.deepEqual(sendability('unknown.nc', undefined), { ok: true, text: '' });
});
