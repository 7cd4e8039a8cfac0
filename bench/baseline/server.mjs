// Minimal WebSocket broadcaster used as the reference for fan-out: Node's `ws`, nothing else to do.
//   node --expose-gc server.mjs PORT
// env WS_PREFIX: the directory `npm install --prefix DIR ws` installed into (bench/run.sh does that).
// POST /broadcast  body -> sent as one text frame to every open client, then 204
// GET  /stats      {clients, heapUsed, rss} after a full GC (when --expose-gc is given)
// any other path upgrades to a WebSocket (the load generator connects to /ws?proto=3 like on a node)
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const prefix = process.env.WS_PREFIX;
const require = createRequire(prefix ? path.join(path.resolve(prefix), 'node_modules', '') + path.sep : import.meta.url);
const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 9090);
const wss = new WebSocketServer({ noServer: true });

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/broadcast') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const data = Buffer.concat(chunks);
      // The broadcast example of the ws README: the same buffer to every open client
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: false });
        }
      }
      res.writeHead(204);
      res.end();
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/stats') {
    if (global.gc) {
      global.gc();
    }
    const memory = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ clients: wss.clients.size, heapUsed: memory.heapUsed, rss: memory.rss }));
    return;
  }
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"UP"}');
    return;
  }
  res.writeHead(404);
  res.end();
});

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
wss.on('connection', (ws) => {
  ws.on('error', () => {});
});

server.listen(port, '127.0.0.1', () => {
  console.log(`ws broadcaster listening on 127.0.0.1:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
