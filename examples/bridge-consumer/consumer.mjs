// Prints NC Vault domain events received through the TCP event-bus bridge, one JSON line each.
// Usage: node consumer.mjs --port 7000 --token <login token> [--host 127.0.0.1]
//          [--address pdm.events.domain] [--count N] [--request files.list]
// Frames on the wire: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
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

function frame(message) {
  const json = Buffer.from(JSON.stringify(message), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([length, json]);
}

const socket = net.connect(port, host, () => {
  if (request) {
    socket.write(frame({ type: 'send', address: 'pdm.bridge.request', replyAddress: 'reply-1',
      headers: { token, action: request }, body: {} }));
  } else {
    socket.write(frame({ type: 'register', address, headers: { token } }));
    console.log(JSON.stringify({ type: 'registered', address }));
  }
});

let pending = Buffer.alloc(0);
let received = 0;
socket.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const length = pending.readUInt32BE(0);
    if (pending.length < 4 + length) break;
    const message = JSON.parse(pending.subarray(4, 4 + length).toString('utf8'));
    pending = pending.subarray(4 + length);
    console.log(JSON.stringify(message));
    if (message.type === 'err' || request) {
      socket.end();
      process.exitCode = message.type === 'err' ? 3 : 0;
      return;
    }
    received += 1;
    if (count > 0 && received >= count) {
      socket.end();
      return;
    }
  }
});
socket.on('error', (e) => {
  console.error(`bridge connection failed: ${e.message}`);
  process.exitCode = 2;
});
// keeps the bridge from closing an idle connection
setInterval(() => socket.write(frame({ type: 'ping' })), 10000).unref();
