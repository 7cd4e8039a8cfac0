import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveConnection, applyToFiles, backoffDelay, createSequencer, endpointsFor, expandEvent, socketUrl, CONNECT_TIMEOUT_MS, MAX_DELAY_MS }
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
  assert.equal(socketUrl({ protocol: 'http:', host: 'localhost:8080' }, null), 'ws://localhost:8080/ws?proto=3');
  assert.equal(socketUrl({ protocol: 'https:', host: 'vault.example' }, 42), 'wss://vault.example/ws?proto=3&since=42');
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

test('an EVENT is the whole seq: it moves the position, and a repeat of it is dropped', () => {
  const seq = createSequencer(10);
  assert.ok(seq.accept({ type: 'EVENT', seq: 11 }));
  assert.equal(seq.lastSeq, 11);
  assert.ok(!seq.accept({ type: 'EVENT', seq: 11 }));
  assert.ok(!seq.accept({ type: 'EVENT', seq: 9 }));
});

test('a proto-3 check-in that released the lock reads as proto 2 would send it: the deltas, then ACTIVITY', () => {
  const file = { filename: '1234567.mcam', revision: '1.4', status: 'unlocked' };
  const parts = expandEvent({ type: 'EVENT', seq: 44, payload: { event_type: 'checkin', filename: '1234567.mcam', user: 'alice',
    timestamp: 't', revision: '1.4', message: 'new tool', changes: ['REVISION_ADDED', 'FILE_UNLOCKED'], reason: 'checkin', file } });
  assert.deepEqual(parts, [
    { type: 'REVISION_ADDED', seq: 44, payload: { file, user: 'alice', timestamp: 't', message: 'new tool', revision: '1.4' } },
    { type: 'FILE_UNLOCKED', seq: 44, payload: { file, user: 'alice', timestamp: 't', message: 'new tool', revision: '1.4', reason: 'checkin' } },
    { type: 'ACTIVITY', seq: 44, payload: { seq: 44, event_type: 'checkin', filename: '1234567.mcam', user: 'alice', timestamp: 't',
      revision: '1.4', message: 'new tool' } },
  ]);
  const override = expandEvent({ type: 'EVENT', seq: 46, payload: { event_type: 'override', changes: ['FILE_UNLOCKED'], reason: 'override',
    formerHolder: 'alice', file } });
  assert.equal(override[0].payload.formerHolder, 'alice');
  const user = expandEvent({ type: 'EVENT', seq: 47, payload: { event_type: 'user_created', user: 'admin', changes: [] } });
  assert.deepEqual(user.map((m) => m.type), ['ACTIVITY']);
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
  close(code) { this.readyState = 3; this.closedWith = code; }
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
  assert.equal(first.url, 'ws://h:1/ws?proto=3');
  first.open();
  first.message({ type: 'FILE_LIST_UPDATED', seq: 7, payload: {} });
  first.message({ type: 'FILE_LOCKED', seq: 8, payload: {} });
  first.message({ type: 'ACTIVITY', seq: 8, payload: {} });
  first.drop();
  assert.equal(states.at(-1), 'offline');
  t.mock.timers.tick(999);
  assert.equal(FakeSocket.all.length, 1, 'waits the backoff delay');
  t.mock.timers.tick(1);
  assert.equal(FakeSocket.all[1].url, 'ws://h:1/ws?proto=3&since=8');
  assert.equal(states.at(-1), 'reconnecting');
  FakeSocket.all[1].open();
  FakeSocket.all[1].message({ type: 'FILE_LOCKED', seq: 8, payload: {} });
  assert.deepEqual(messages.map((m) => m.type), ['FILE_LIST_UPDATED', 'FILE_LOCKED', 'ACTIVITY'], 'the repeated seq 8 is dropped');
  FakeSocket.all[1].message({ type: 'EVENT', seq: 8, payload: { changes: ['FILE_LOCKED'] } });
  FakeSocket.all[1].message({ type: 'EVENT', seq: 9, payload: { changes: ['FILE_UNLOCKED'], reason: 'cancel' } });
  assert.deepEqual(messages.map((m) => `${m.type}@${m.seq}`).slice(3), ['FILE_UNLOCKED@9', 'ACTIVITY@9'],
    'an EVENT reaches the page as its deltas and ACTIVITY, a repeated one not at all');
  assert.equal(conn.lastSeq, 9);
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

test('a peer URL keeps its scheme as ws or wss, loses a trailing slash and carries the token', () => {
  assert.equal(socketUrl('http://plant-b:8080/', 8, 't0k'), 'ws://plant-b:8080/ws?proto=3&since=8&token=t0k');
  assert.equal(socketUrl('https://plant-c.example:8443', null, 'a+b'), 'wss://plant-c.example:8443/ws?proto=3&token=a%2Bb');
  assert.equal(socketUrl({ protocol: 'http:', host: 'h:1' }, 3), 'ws://h:1/ws?proto=3&since=3', 'the own origin has no token');
});

test('the endpoints are the own node first, then each usable peer once', () => {
  const loc = { protocol: 'http:', host: 'h:1' };
  const peers = ['http://plant-b:8080/', 'not a url', 'ftp://x', 'http://plant-b:8080', 'http://h:1', 'https://plant-c.example:8443'];
  assert.deepEqual(endpointsFor(loc, peers).map((e) => e.via), [null, 'plant-b:8080', 'plant-c.example:8443']);
  assert.deepEqual(endpointsFor(loc, undefined).map((e) => e.via), [null]);
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Moves the fake clock and lets the promises it released settle. */
async function advance(t, ms) {
  t.mock.timers.tick(ms);
  await flush();
}
const PEERS = ['http://plant-b:8080/', 'https://plant-c.example:8443'];

/** A connection with failover; `home` says whether the own node answers (the token and /health come from it). */
function failoverConnection({ peers = PEERS, token = 'tok', home = { up: true, health: 503 }, ...extra } = {}) {
  const calls = { token: 0, health: [] };
  const failover = {
    peerUrls: () => peers,
    liveToken: () => {
      calls.token++;
      return home.up ? Promise.resolve(token) : Promise.reject(new Error('Cannot reach the server'));
    },
  };
  const fetchImpl = (url, options) => {
    calls.health.push({ url, options });
    return home.up ? Promise.resolve({ status: home.health }) : Promise.reject(new TypeError('Failed to fetch'));
  };
  const states = [];
  const made = connection({ failover, fetchImpl, probeMs: 5000, onState: (s, { via }) => states.push([s, via]), ...extra });
  return { ...made, states, calls, home };
}

test('after a drop the attempts go round own node, peer 1, peer 2, own node with the usual backoff', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, calls, home } = failoverConnection();
  conn.start();
  await flush();
  assert.equal(calls.token, 1, 'the token is fetched at start, while the own node still answers');
  FakeSocket.all[0].open();
  FakeSocket.all[0].message({ type: 'FILE_LIST_UPDATED', seq: 7, payload: {} });
  home.up = false;
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  FakeSocket.all[1].drop();
  await advance(t, 2000);
  FakeSocket.all[2].drop();
  await advance(t, 4000);
  FakeSocket.all[3].drop();
  await advance(t, 8000);
  assert.deepEqual(FakeSocket.all.map((s) => s.url), [
    'ws://h:1/ws?proto=3',
    'ws://h:1/ws?proto=3&since=7',
    'ws://plant-b:8080/ws?proto=3&since=7&token=tok',
    'wss://plant-c.example:8443/ws?proto=3&since=7&token=tok',
    'ws://h:1/ws?proto=3&since=7',
  ]);
  assert.equal(calls.token, 1, 'the token held since start serves every peer attempt');
  conn.stop();
});

test('the page is live through a peer and says which one', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, states } = failoverConnection();
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  await advance(t, 1000);
  FakeSocket.all[1].open();
  assert.deepEqual(states.at(-1), ['connected', 'plant-b:8080']);
  assert.equal(conn.via, 'plant-b:8080');
  conn.stop();
  assert.deepEqual(states.at(-1), ['offline', null]);
});

test('close 4001 from a peer ends the session as it does at home', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let expired = 0;
  const { conn } = failoverConnection({ onSessionExpired: () => expired++ });
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  await advance(t, 1000);
  const peer = FakeSocket.all[1];
  assert.match(peer.url, /^ws:\/\/plant-b:8080\//);
  peer.open();
  peer.drop(4001);
  assert.equal(expired, 1);
  await advance(t, 120000);
  assert.equal(FakeSocket.all.length, 2, 'no attempt anywhere after the session ended');
});

test('close 4000 from a peer reconnects to the same peer at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn } = failoverConnection();
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  await advance(t, 1000);
  FakeSocket.all[1].open();
  FakeSocket.all[1].drop(4000);
  assert.equal(FakeSocket.all[2].url, 'ws://plant-b:8080/ws?proto=3&token=tok');
  conn.stop();
});

test('on a peer the own node is probed; when it answers the page goes home with since, and nothing is applied twice', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, messages, states, calls, home } = failoverConnection();
  conn.start();
  await flush();
  const own = FakeSocket.all[0];
  own.open();
  own.message({ type: 'FILE_LIST_UPDATED', seq: 7, payload: {} });
  home.up = false;
  own.drop();
  t.mock.timers.tick(1000);
  FakeSocket.all[1].drop();
  await advance(t, 2000);
  const peer = FakeSocket.all[2];
  peer.open();
  peer.message({ type: 'FILE_LOCKED', seq: 8, payload: {} });
  peer.message({ type: 'ACTIVITY', seq: 8, payload: {} });

  await advance(t, 5000);
  assert.equal(calls.health.length, 1);
  assert.equal(calls.health[0].url, 'http://h:1/health');
  assert.equal(calls.health[0].options.cache, 'no-store');
  assert.equal(FakeSocket.all.length, 3, 'the own node is down: stay on the peer');

  home.up = true;
  home.health = 503;
  await advance(t, 5000);
  assert.equal(FakeSocket.all.length, 3, 'a node that is starting (503) is not home yet');

  peer.message({ type: 'FILE_UNLOCKED', seq: 9, payload: {} });
  peer.message({ type: 'ACTIVITY', seq: 9, payload: {} });
  home.health = 200;
  await advance(t, 5000);
  assert.equal(peer.closedWith, 1000);
  const back = FakeSocket.all[3];
  assert.equal(back.url, 'ws://h:1/ws?proto=3&since=9');
  peer.message({ type: 'REVISION_ADDED', seq: 10, payload: {} });
  back.open();
  assert.deepEqual(states.at(-1), ['connected', null]);
  back.message({ type: 'FILE_UNLOCKED', seq: 9, payload: {} });
  back.message({ type: 'ACTIVITY', seq: 9, payload: {} });
  back.message({ type: 'REVISION_ADDED', seq: 10, payload: {} });
  back.message({ type: 'ACTIVITY', seq: 10, payload: {} });
  assert.deepEqual(messages.map((m) => `${m.type} ${m.seq}`), [
    'FILE_LIST_UPDATED 7', 'FILE_LOCKED 8', 'ACTIVITY 8', 'FILE_UNLOCKED 9', 'ACTIVITY 9', 'REVISION_ADDED 10', 'ACTIVITY 10',
  ], 'every seq once, in order, across both switches');
  await advance(t, 60000);
  assert.equal(calls.health.length, 3, 'no probing at home');
  conn.stop();
});

test('when the own node fails again right after the probe, the round resumes with peer 1', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, home } = failoverConnection({ home: { up: true, health: 200 } });
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  await advance(t, 1000);
  FakeSocket.all[1].open();
  await advance(t, 5000);
  assert.equal(FakeSocket.all[2].url, 'ws://h:1/ws?proto=3');
  home.up = false;
  FakeSocket.all[2].drop();
  await advance(t, 999);
  assert.equal(FakeSocket.all.length, 3, 'waits the backoff delay');
  await advance(t, 1);
  assert.equal(FakeSocket.all[3].url, 'ws://plant-b:8080/ws?proto=3&token=tok');
  conn.stop();
});

test('without peers the page retries its own node only, asks for no token and probes nothing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, calls } = failoverConnection({ peers: [] });
  conn.start();
  await flush();
  for (const [i, wait] of [1000, 2000, 4000, 8000].entries()) {
    FakeSocket.all.at(-1).drop();
    t.mock.timers.tick(wait - 1);
    assert.equal(FakeSocket.all.length, i + 1, 'waits the backoff delay');
    t.mock.timers.tick(1);
  }
  assert.ok(FakeSocket.all.every((s) => s.url.startsWith('ws://h:1/ws?proto=3')));
  assert.equal(FakeSocket.all.length, 5);
  FakeSocket.all.at(-1).open();
  await advance(t, 60000);
  assert.deepEqual([calls.token, calls.health.length], [0, 0]);
  conn.stop();
});

test('when the live token cannot be had, the peer attempts go to the own node instead', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, calls } = failoverConnection({ home: { up: false } });
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  await advance(t, 1000);
  FakeSocket.all[1].drop();
  await advance(t, 2000);
  assert.deepEqual(FakeSocket.all.map((s) => s.url), ['ws://h:1/ws?proto=3', 'ws://h:1/ws?proto=3', 'ws://h:1/ws?proto=3'],
    'peer 1 had the turn after each failed attempt; without a token it went to the own node');
  assert.equal(calls.token, 3, 'fetched at start and again for each peer turn');
  conn.stop();
});

test('peers that become known after start get their token at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const peers = [];
  const { conn, calls, home } = failoverConnection({ peers });
  conn.start();
  await flush();
  assert.equal(calls.token, 0);
  peers.push('http://plant-b:8080');
  conn.prefetchToken();
  await flush();
  assert.equal(calls.token, 1);
  home.up = false;
  FakeSocket.all[0].open();
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  FakeSocket.all[1].drop();
  await advance(t, 2000);
  assert.equal(FakeSocket.all[2].url, 'ws://plant-b:8080/ws?proto=3&token=tok');
  conn.stop();
});

test('reconnectNow starts again from the own node', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn } = failoverConnection();
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  FakeSocket.all[1].drop();
  conn.reconnectNow();
  await flush();
  assert.equal(FakeSocket.all[2].url, 'ws://h:1/ws?proto=3', 'not peer 1, whose turn it was');
  conn.stop();
});

test('a new start forgets the token of the previous session', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let n = 0;
  const { conn, calls } = failoverConnection();
  conn.failover.liveToken = () => {
    calls.token++;
    return Promise.resolve(`tok${++n}`);
  };
  conn.start();
  await flush();
  conn.stop();
  conn.start();
  await flush();
  FakeSocket.all.at(-1).open();
  FakeSocket.all.at(-1).drop();
  t.mock.timers.tick(1000);
  FakeSocket.all.at(-1).drop();
  await advance(t, 2000);
  assert.equal(FakeSocket.all.at(-1).url, 'ws://plant-b:8080/ws?proto=3&token=tok2');
  conn.stop();
});

test('stop while a peer turn waits for its token opens nothing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let answer;
  const { conn } = failoverConnection();
  conn.failover.liveToken = () => new Promise((resolve) => { answer = resolve; });
  conn.start();
  await flush();
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  conn.stop();
  answer('tok');
  await flush();
  assert.equal(FakeSocket.all.length, 1);
});

test('an attempt that neither opens nor fails is given up and the round goes on to the next node', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { conn, home } = failoverConnection();
  conn.start();
  await flush();
  FakeSocket.all[0].open();
  home.up = false;
  FakeSocket.all[0].drop();
  t.mock.timers.tick(1000);
  const hanging = FakeSocket.all[1];
  assert.match(hanging.url, /^ws:\/\/h:1\//, 'the own node first');
  t.mock.timers.tick(CONNECT_TIMEOUT_MS - 1);
  assert.equal(hanging.readyState, 0, 'still waiting just before the limit');
  t.mock.timers.tick(1);
  assert.equal(hanging.readyState, 3, 'closed at the limit');
  await advance(t, 2000);
  assert.equal(FakeSocket.all.length, 3);
  assert.match(FakeSocket.all[2].url, /^ws:\/\/plant-b:8080\//);
  FakeSocket.all[2].open();
  t.mock.timers.tick(CONNECT_TIMEOUT_MS * 2);
  assert.equal(FakeSocket.all[2].readyState, 1, 'an open socket is never given up');
  conn.stop();
});

/** A connection whose clock is the mocked one: the heartbeat compares Date.now() with the last frame. */
function heartbeatConnection(t, extra = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  return connection({ heartbeatMs: 2000, ...extra });
}

test('a silent connection is pinged after one interval and counts as lost after two: "reconnecting" at once', (t) => {
  const { conn, states } = heartbeatConnection(t);
  conn.start();
  const socket = FakeSocket.all[0];
  socket.open();
  socket.message({ type: 'FILE_LIST_UPDATED', seq: 4, payload: {} });
  t.mock.timers.tick(1999);
  assert.deepEqual(socket.sent, [], 'nothing is sent while frames are recent');
  t.mock.timers.tick(1);
  assert.deepEqual(socket.sent, ['ping'], 'the text frame ping, which the server answers with PONG');
  t.mock.timers.tick(1999);
  assert.equal(states.at(-1), 'connected');
  assert.equal(FakeSocket.all.length, 1);
  t.mock.timers.tick(1);
  assert.equal(socket.readyState, 3, 'the silent socket is closed');
  assert.equal(states.at(-1), 'reconnecting', 'two intervals of silence: a new connection is being opened');
  assert.equal(FakeSocket.all.length, 2);
  assert.equal(FakeSocket.all[1].url, 'ws://h:1/ws?proto=3&since=4', 'it asks for what it missed');
  socket.drop();
  assert.equal(states.at(-1), 'reconnecting', 'the late close of the old socket changes nothing');
  conn.stop();
});

test('every frame, a PONG too, starts the silence again', (t) => {
  const { conn, states } = heartbeatConnection(t);
  conn.start();
  const socket = FakeSocket.all[0];
  socket.open();
  for (let i = 0; i < 5; i++) {
    t.mock.timers.tick(2000);
    assert.equal(socket.sent.length, i + 1, 'a ping after each interval of silence');
    socket.message({ type: 'PONG' });
  }
  t.mock.timers.tick(1500);
  socket.message({ type: 'PRESENCE', payload: { users: [] } });
  t.mock.timers.tick(1500);
  assert.equal(socket.sent.length, 5, 'the presence message counted as heard');
  assert.equal(states.at(-1), 'connected');
  assert.equal(FakeSocket.all.length, 1);
  conn.stop();
});

test('the interval follows the server setting given after start', (t) => {
  const { conn } = heartbeatConnection(t, { heartbeatMs: 30000 });
  conn.start();
  conn.setHeartbeat(1000);
  const socket = FakeSocket.all[0];
  socket.open();
  t.mock.timers.tick(1000);
  assert.deepEqual(socket.sent, ['ping']);
  conn.setHeartbeat(-5);
  assert.equal(conn.heartbeatMs, 1000, 'a nonsense interval is ignored');
  conn.stop();
});

test('the browser going offline closes the socket at once and nothing is tried until it is online again', (t) => {
  const { conn, states } = heartbeatConnection(t);
  conn.start();
  const socket = FakeSocket.all[0];
  socket.open();
  socket.message({ type: 'FILE_LIST_UPDATED', seq: 9, payload: {} });
  conn.goOffline();
  assert.equal(states.at(-1), 'offline');
  assert.equal(socket.readyState, 3);
  socket.drop();
  t.mock.timers.tick(120000);
  assert.equal(FakeSocket.all.length, 1, 'no attempt into a missing network, no heartbeat either');
  assert.deepEqual(socket.sent, []);
  conn.reconnectNow();
  assert.equal(FakeSocket.all.length, 2);
  assert.equal(FakeSocket.all[1].url, 'ws://h:1/ws?proto=3&since=9');
  assert.equal(states.at(-1), 'reconnecting');
  conn.stop();
});
