#!/usr/bin/env node
/**
 * `npm start`'s last step: serves the built site (build/) on http://localhost:4173 (or $PORT; $HOST to listen
 * elsewhere than 127.0.0.1) with the project's one static server, scripts/static-server.mjs. Ctrl+C stops it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'build');
if (!existsSync(join(dir, 'index.html'))) {
  console.error('build/index.html is missing: run `npx vite build` first (npm start does).');
  process.exit(1);
}

const port = process.env.PORT ? Number(process.env.PORT) : 4173;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}".`);
  process.exit(1);
}
const host = process.env.HOST || '127.0.0.1';

let server;
try {
  server = await startStaticServer(dir, port, host);
} catch (err) {
  const e = /** @type {NodeJS.ErrnoException} */ (err);
  const why = e.code === 'EADDRINUSE' ? `port ${port} is already in use (set PORT to another one)` : String(e.message ?? e);
  console.error(`Cannot serve build/: ${why}.`);
  process.exit(1);
}

const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
const shown = loopback ? `http://localhost:${server.port}/` : `${server.url}/`;
console.log(`Sjukfallsanalys is served at ${shown}  (Ctrl+C to stop)`);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
