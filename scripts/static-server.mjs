/**
 * The one static file server of the project: serves the built site (build/) for `npm start`
 * (scripts/serve.mjs) and for the end-to-end tests (tests/e2e/server.ts re-exports it).
 *
 * - GET and HEAD only; `/` and folders serve their index.html (`/dir` redirects to `/dir/`); `/x` also tries
 *   `/x.html` (prerendered pages).
 * - An unknown path without an extension gets index.html (single-page-app fallback); with one, 404.
 * - MIME types for what the site ships (.wasm is application/wasm, so the browser can stream-compile it).
 * - No directory traversal: every path is resolved inside the served folder or refused.
 * Plain Node, no dependencies.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** @type {Record<string, string>} */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.parquet': 'application/vnd.apache.parquet'
};

/**
 * The MIME type to send for a file name.
 * @param {string} file
 * @returns {string}
 */
export function mimeType(file) {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * @param {string} path
 * @returns {Promise<import('node:fs').Stats | undefined>}
 */
async function statOrUndefined(path) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * What answers a URL path: `{ file }`, `{ redirect }` (a folder asked without its trailing slash), undefined (404),
 * or null when the path is refused (400).
 * @param {string} root absolute folder served
 * @param {string} urlPath the request's path, still percent-encoded, without the query
 * @returns {Promise<{ file: string } | { redirect: string } | undefined | null>}
 */
export async function resolvePath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const target = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (target !== root && !target.startsWith(root + sep)) return null;

  const st = await statOrUndefined(target);
  if (st?.isFile()) return { file: target };
  // Prerendered pages: /about is build/about.html.
  if (target !== root && !decoded.endsWith('/') && !extname(target)) {
    const html = target + '.html';
    if ((await statOrUndefined(html))?.isFile()) return { file: html };
  }
  if (st?.isDirectory()) {
    const index = join(target, 'index.html');
    if ((await statOrUndefined(index))?.isFile()) {
      // Relative asset paths in that index.html only work from the folder's own URL.
      return decoded.endsWith('/') ? { file: index } : { redirect: '/' + urlPath.replace(/^\/+/, '') + '/' };
    }
  }
  // Single-page-app fallback: a path without an extension is a route of the app.
  if (!extname(decoded)) {
    const index = join(root, 'index.html');
    if ((await statOrUndefined(index))?.isFile()) return { file: index };
  }
  return undefined;
}

/**
 * Serves `dir` over HTTP.
 * @param {string} dir folder to serve (e.g. build/)
 * @param {number} [port] 0 (the default) picks a free port
 * @param {string} [host] address to listen on; 127.0.0.1 unless given
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>} url has no trailing slash
 */
export async function startStaticServer(dir, port = 0, host = '127.0.0.1') {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Method not allowed\n');
        return;
      }
      const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] || '/';
      const found = await resolvePath(root, urlPath);
      if (found === null) {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Bad request\n');
        return;
      }
      if (found === undefined) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
        return;
      }
      if ('redirect' in found) {
        const query = (req.url ?? '').slice(urlPath.length);
        res.writeHead(301, { Location: found.redirect + query, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Moved\n');
        return;
      }
      const file = found.file;
      const st = await stat(file);
      res.writeHead(200, {
        'Content-Type': mimeType(file),
        'Content-Length': st.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff'
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const stream = createReadStream(file);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Internal server error\n');
      } else {
        res.destroy();
      }
    }
  });

  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(port, host, () => {
      server.off('error', ko);
      ok(undefined);
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      })
  };
}
