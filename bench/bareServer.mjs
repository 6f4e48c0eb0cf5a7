#!/usr/bin/env node
// The control for bench/hotpath.mjs: a bare node:http server, nothing else, answering
// `GET /wp-json/wp/v2/users/me` with a fixed JSON body shaped like Latchkey's users/me reply.
//
//   node bench/bareServer.mjs --port <port> [--host 127.0.0.1]
//
// `GET /healthz` answers 200 (for the harness's readiness poll); anything else 404. Prints
// "listening <host>:<port>" on stdout once it accepts connections; stops on SIGTERM/SIGINT.

import http from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('bareServer: --port <1-65535> is required');
  process.exit(2);
}
const host = values.host;
const origin = `http://${host}:${port}`;

// The same shape and about the same size as Latchkey's reply for a user (a ~460-byte body):
// the harness prints both sizes. Serialised once: the control does no per-request work beyond
// node:http itself.
const body = Buffer.from(
  JSON.stringify({
    id: 2,
    name: 'bench-one',
    url: '',
    description: '',
    link: `${origin}/author/bench-one/`,
    slug: 'bench-one',
    avatar_urls: {
      24: `${origin}/assets/avatar.svg?s=24`,
      48: `${origin}/assets/avatar.svg?s=48`,
      96: `${origin}/assets/avatar.svg?s=96`,
    },
    meta: { persisted_preferences: [] },
    _links: {
      self: [{ href: `${origin}/wp-json/wp/v2/users/2` }],
      collection: [{ href: `${origin}/wp-json/wp/v2/users` }],
    },
  }),
);
const headers = {
  'content-type': 'application/json; charset=UTF-8',
  'content-length': String(body.length),
};

const server = http.createServer((req, res) => {
  const pathOnly = req.url.split('?', 1)[0];
  if (req.method === 'GET' && pathOnly === '/wp-json/wp/v2/users/me') {
    res.writeHead(200, headers);
    res.end(body);
  } else if (req.method === 'GET' && pathOnly === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
    res.end('not found');
  }
});

server.on('error', (error) => {
  console.error(`bareServer: ${error.message}`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`listening ${host}:${port}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
