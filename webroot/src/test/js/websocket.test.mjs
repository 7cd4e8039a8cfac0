import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveConnection, applyToFiles, backoffDelay, createSequencer, socketUrl, MAX_DELAY_MS }
  from '../../main/resources/webroot/js/websocket.js';

test('reconnect delays double from 1 s and stop growing at 30 s', () => {
  const noJitter = () => 0;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, noJitter)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
});

test('jitter adds up to a quarter of the delay and never passes the cap', () => {
  assert.equal(backoffDelay(0, () => 1), 1250);
  assert.equal(backoffDelay(3, () => 0.5), 9000);
  assert.equal(backoffDelay(4, () => 1), 20000);
  assert.equal(backoffDelay(5, () => 1), MAX_DELAY_MS);
});

test('the socket URL follows the page scheme and adds since on reconnect', () => {
  assert.equal(socketUrl({ protocol: 'http:', host: 'localhost:8080' }, null), 'ws://localhost:8080/ws?proto=2');
  assert.equal(socketUrl({ protocol: 'https:', host: 'vault.example' }, 42), 'wss://vault.example/ws?proto=2&since=42');
});

test('messages at or below the last ACTIVITY seq are dropped; a snapshot resets the position', () => {
  const seq = createSequencer();
  assert.ok(seq.accept({ type: 'FILE_LIST_UPDATED', seq: 10 }));
  assert.equal(seq.lastSeq, 10);
  assert.ok(!seq.accept({ type: 'FILE_LOCKED', seq: 10 }));
  assert.ok(seq.accept({ type: 'REVISION_ADDED', seq: 11 }));
  assert.ok(seq.accept({ type: 'FILE_UNLOCKED', seq: 11 }));
  assert.equal(seq.lastSeq, 10, 'deltas do not move the position, their ACTIVITY does');
  assert.ok(seq.accept({ type: 'ACTIVITY', seq: 11 }));
  assert.equal(seq.lastSeq, 11);
  assert.ok(!seq.accept({ type: 'FILE_UNLOCKED', seq: 11 }), 'a repeated catch-up message is ignored');
  assert.ok(seq.accept({ type: 'PRESENCE' }), 'messages without seq always apply');
  assert.ok(seq.accept({ type: 'FILE_LIST_UPDATED', seq: 5 }));
  assert.equal(seq.lastSeq, 5);
});

const info = (filename, extra = {}) => ({ filename, group: 'Misc', revision: '1.0', status: 'unlocked', deleted: false, ...extra });

test('a delta replaces one file; a deletion removes it', () => {
  const files = new Map([['a.nc', info('a.nc')], ['b.nc', info('b.nc')]]);
  const locked = applyToFiles(files, { type: 'FILE_LOCKED', seq: 3, payload: { file: info('a.nc', { status: 'locked', lockedBy: 'alice' }) } });
  assert.deepEqual(locked.changed, ['a.nc']);
  assert.equal(locked.files.get('a.nc').lockedBy, 'alice');
  assert.equal(files.get('a.nc').status, 'unlocked', 'the old state is not mutated');
  const deleted = applyToFiles(locked.files, { type: 'FILE_DELETED', seq: 4, payload: { file: info('b.nc', { deleted: true }) } });
  assert.deepEqual([...deleted.files.keys()], ['a.nc']);
  assert.equal(applyToFiles(files, { type: 'PRESENCE', payload: {} }), null);
});

test('a snapshot lists exactly the files that changed, appeared or disappeared', () => {
  const files = new Map([['a.nc', info('a.nc')], ['b.nc', info('b.nc')]]);
  const result = applyToFiles(files, { type: 'FILE_LIST_UPDATED', seq: 9, payload: { Misc: [info('a.nc'), info('c.nc')] } });
  assert.ok(result.snapshot);
  assert.deepEqual(result.changed.sort(), ['b.nc', 'c.nc']);
});

class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
  }
  send(data) { this.sent.push(data); }
  close() { this.readyState = 3; }
  open() { this.readyState = 1; this.onopen(); }
  message(obj) { this.onmessage({ data: JSON.stringify(obj) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose({ code }); }
}

function connection(extra = {}) {
  FakeSocket.all = [];
  const states = [];
  const messages = [];
  const conn = new LiveConnection({
    location: { protocol: 'http:', host: 'h:1' },
    WebSocketImpl: FakeSocket,
    random: () => 0,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    ...extra,
  });
  return { conn, states, messages };
}

test('after a drop the client reconnects with since = the last ACTIVITY seq', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, states, messages } = connection();
  conn.start();
  const first = FakeSocket.all[0];
  assert.equal(first.url, 'ws://h:1/ws?proto=2');
  first.open();
  first.message({ type: 'FILE_LIST_UPDATED', seq: 7, payload: {} });
  first.message({ type: 'FILE_LOCKED', seq: 8, payload: {} });
  first.message({ type: 'ACTIVITY', seq: 8, payload: {} });
  first.drop();
  assert.equal(states.at(-1), 'offline');
  t.mock.timers.tick(999);
  assert.equal(FakeSocket.all.length, 1, 'waits the backoff delay');
  t.mock.timers.tick(1);
  assert.equal(FakeSocket.all[1].url, 'ws://h:1/ws?proto=2&since=8');
  assert.equal(states.at(-1), 'reconnecting');
  FakeSocket.all[1].open();
  FakeSocket.all[1].message({ type: 'FILE_LOCKED', seq: 8, payload: {} });
  assert.deepEqual(messages.map((m) => m.type), ['FILE_LIST_UPDATED', 'FILE_LOCKED', 'ACTIVITY'], 'the repeated seq 8 is dropped');
  conn.stop();
});

test('failed attempts back off 1, 2, 4 s; close 4000 reconnects at once; 4001 ends the session', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let expired = 0;
  const { conn } = connection({ onSessionExpired: () => expired++ });
  conn.start();
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  FakeSocket.all[1].drop();
  t.mock.timers.tick(1999);
  assert.equal(FakeSocket.all.length, 2);
  t.mock.timers.tick(1);
  assert.equal(FakeSocket.all.length, 3);
  FakeSocket.all[2].open();
  FakeSocket.all[2].drop(4000);
  assert.equal(FakeSocket.all.length, 4, 'resync reconnects without waiting');
  FakeSocket.all[3].drop(4001);
  assert.equal(expired, 1);
  t.mock.timers.tick(60000);
  assert.equal(FakeSocket.all.length, 4, 'no reconnect after the session ended');
});

test('reconnectNow skips the wait (browser back online)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn } = connection();
  conn.start();
  FakeSocket.all[0].drop();
  conn.reconnectNow();
  assert.equal(FakeSocket.all.length, 2);
  t.mock.timers.tick(5000);
  assert.equal(FakeSocket.all.length, 2, 'the pending timer was cancelled');
  conn.stop();
});
