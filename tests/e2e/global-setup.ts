/**
 * Global setup of the vitest project 'e2e': builds the site once (`npx vite build` into build/), unless
 * E2E_SKIP_BUILD=1 and build/index.html exists, serves build/ on 127.0.0.1 with a free port, and provides its URL
 * to the tests as inject('baseUrl').
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startStaticServer } from './server';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// BUILD_DIR (also read by svelte.config.js) lets parallel runs build into their own folders.
const buildDir = resolve(root, process.env.BUILD_DIR ?? 'build');

export default async function setup({ provide }: Pick<TestProject, 'provide'>) {
  const skip = process.env.E2E_SKIP_BUILD === '1' && existsSync(join(buildDir, 'index.html'));
  if (!skip) {
    const started = Date.now();
    console.log('[e2e] building the site: npx vite build');
    const r = spawnSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vite', 'build'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    });
    if (r.error || r.status !== 0) {
      process.stdout.write(r.stdout ?? '');
      process.stderr.write(r.stderr ?? '');
      throw new Error(`[e2e] vite build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    }
    console.log(`[e2e] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(join(buildDir, 'index.html'))) throw new Error('[e2e] build/index.html is missing after the build');

  const server = await startStaticServer(buildDir);
  console.log(`[e2e] serving build/ at ${server.url}`);
  provide('baseUrl', server.url);

  return async () => {
    await server.close();
  };
}
