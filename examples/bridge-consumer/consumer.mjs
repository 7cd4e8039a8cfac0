// A program in another language following NC Vault through the TCP event-bus bridge.
//
// Follow the domain events (one JSON line per frame on stdout):
//   node consumer.mjs --port 7000 --token <login token> [--host 127.0.0.1] [--count N]
// Ask a read-only question (files.list, files.get, files.history, events.since, events.latest):
//   node consumer.mjs --port 7000 --token <login token> --request files.get --body '{"filename":"1234567.nc"}'
//
// Frames on the wire, both ways: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
// Every register and send carries the login token in headers.token. After registering, the
// consumer asks for the latest seq and prints {"type":"ready","latestSeq":N}: every event with a
// greater seq will arrive live (events.since fills in anything older it needs).
// Exit codes: 0 done, 2 connection failed, 3 the bridge refused (an "err" frame or a failed request).
import net from 'node:net';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '7000'));
const token = option('token', '');
const address = option('address', 'pdm.events.domain');
const count = Number(option('count', '0'));
const request = option('request', '');
const body = JSON.parse(option('body', '{}'));
const READY = 'consumer.ready';
const ANSWER = 'consumer.answer';

function frame(message) {
  const json = Buffer.from(JSON.stringify(message), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([length, json]);
}

function ask(action, replyAddress, requestBody) {
  return frame({ type: 'send', address: 'pdm.bridge.request', replyAddress, headers: { token, action },
    body: requestBody });
}

const socket = net.connect(port, host, () => {
  if (request) {
    socket.write(ask(request, ANSWER, body));
  } else {
    socket.write(frame({ type: 'register', address, headers: { token } }));
    socket.write(ask('events.latest', READY, {}));
  }
});

function finish(code) {
  process.exitCode = code;
  socket.end();
}

let pending = Buffer.alloc(0);
let received = 0;
function onFrame(message) {
  if (message.type === 'err' || message.failureCode !== undefined) {
    console.log(JSON.stringify(message));
    finish(3);
    return;
  }
  if (message.address === READY) {
    console.log(JSON.stringify({ type: 'ready', latestSeq: message.body.seq }));
    return;
  }
  console.log(JSON.stringify(message));
  if (message.address === ANSWER) {
    finish(0);
    return;
  }
  received += 1;
  if (count > 0 && received >= count) {
    finish(0);
  }
}

socket.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4 && !socket.writableEnded) {
    const length = pending.readUInt32BE(0);
    if (pending.length < 4 + length) break;
    const message = JSON.parse(pending.subarray(4, 4 + length).toString('utf8'));
    pending = pending.subarray(4 + length);
    onFrame(message);
  }
});
socket.on('error', (e) => {
  console.error(`bridge connection failed: ${e.message}`);
  process.exitCode = 2;
});
// keeps an idle connection open through firewalls and the bridge's idle checks
setInterval(() => socket.write(frame({ type: 'ping' })), 10000).unref();
