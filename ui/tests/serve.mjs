// What the browser checks share: ui/ served on a local port (never the
// tests folder), the mock of the Rust side as text, and headless Chromium.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = normalize(join(here, '..'));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

/** mock-ipc.js, to inject before the page's own scripts. */
export const mock = await readFile(join(here, 'mock-ipc.js'), 'utf8');

/** Serves ui/; returns its URL and the server (to close). */
export async function serveUi() {
  const server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(root) || path.includes('/tests/')) { res.writeHead(404); return res.end(); }
    try {
      const file = path.endsWith('/') ? join(path, 'index.html') : path;
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, server };
}

/** Headless Chromium, offline in all but name. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
