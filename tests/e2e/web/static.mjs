// A small web server on 127.0.0.1 for the pages of other projects' clients
// (irc-framework, Converse.js): another origin on this machine, as a page
// hosting such a client would be. reed's [http] ws_origins, when empty,
// lets loopback origins open its WebSockets.
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
};

// pages: {"/path": "body" (by its extension's type)}; dirs: {"/prefix/": dir}.
export function serve({ pages = {}, dirs = {} }) {
  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    let body = pages[path];
    if (body === undefined) {
      for (const [prefix, dir] of Object.entries(dirs)) {
        const file = join(dir, path.slice(prefix.length));
        if (path.startsWith(prefix) && file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
      }
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] || 'application/octet-stream' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.url = `http://127.0.0.1:${server.address().port}`;
    resolve(server);
  }));
}
