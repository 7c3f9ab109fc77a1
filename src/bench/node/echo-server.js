// Reference echo server on Node's `ws` library, for duplex-bench side-by-side runs.
//
//   node --expose-gc echo-server.js --port 8484 [--host 127.0.0.1]
//
// ws://HOST:PORT/echo echoes every message whole, as text or binary as it came (up to 16 MiB,
// subprotocol "echo" when offered, no compression). GET /metrics answers
// {"heapUsed": bytes, "rss": bytes, "connections": n} after a full garbage collection when Node
// runs with --expose-gc, for `duplex-bench connect --mode hold --metrics-url`.
import http from 'node:http';
import { WebSocketServer } from 'ws';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '8484'));
if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  console.error(`refusing to listen on ${host}: loopback only`);
  process.exit(2);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/metrics') {
    if (typeof globalThis.gc === 'function') {
      globalThis.gc();
    }
    const memory = process.memoryUsage();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ heapUsed: memory.heapUsed, rss: memory.rss, connections: wss.clients.size }));
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('not found\n');
});

const wss = new WebSocketServer({
  server,
  path: '/echo',
  maxPayload: 16 * 1024 * 1024,
  perMessageDeflate: false,
  clientTracking: true,
  handleProtocols: (protocols) => (protocols.has('echo') ? 'echo' : false),
});

wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', () => ws.terminate());
});

server.listen(port, host, () => {
  console.log(`node ws echo server ready on ws://${host}:${port}/echo (pid ${process.pid})`);
});

function stop() {
  for (const client of wss.clients) {
    client.terminate();
  }
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
