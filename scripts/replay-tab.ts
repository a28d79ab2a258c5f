/**
 * Replays statements captured by `npm run bench -- --dump-sql DIR` in the tab itself (DuckDB-WASM, the built site in
 * headless Chromium), one after another with nothing else running: per view, each statement's best of three runs.
 * Where `scripts/replay-sql.ts` shows what a statement costs natively, this shows what it costs where users run it
 * (planning included, which natively is cheap enough to hide).
 * Usage: npx tsx scripts/replay-tab.ts DIR [view ...] [--build-dir DIR]
 *   (loads bench-data/certs-1m.csv into the build in build-bench/, which `npm run bench` writes)
 */
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStaticServer } from './static-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/browser';

const args = process.argv.slice(2);
const at = args.indexOf('--build-dir');
const buildDir = at >= 0 ? args.splice(at, 2)[1] : 'build-bench';
const [dir, ...only] = args;
if (!dir) throw new Error('usage: npx tsx scripts/replay-tab.ts DIR [view ...] [--build-dir DIR]');

const server = await startStaticServer(resolve(buildDir), 0, '127.0.0.1');
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext();
  // __sfProfile: the app hands its state to the page (globalThis.__sf), as for the benchmark.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f; globalThis.__sfProfile = true;' });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('main[data-status="ready"]', { timeout: 180_000 });
  await page.setInputFiles('[data-testid="file-input"]', 'bench-data/certs-1m.csv');
  await page.waitForSelector('[data-testid="load-summary"] tr[data-file="certs-1m.csv"]', { timeout: 600_000 });
  // The waiting view writes cert_fact on first use, the per-physician table episode_cells and episode_fmb; the
  // statements of every view may read them.
  for (const view of ['waiting', 'physicians']) {
    await page.click(`[data-nav="${view}"]`);
    await page.waitForSelector('main[data-status="ready"]');
    await page.waitForTimeout(2000);
    await page.waitForFunction(() => ((globalThis as { __sfInflight?: number }).__sfInflight ?? 0) === 0, null, { timeout: 600_000 });
  }
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const view = f.replace(/\.json$/, '');
    if (only.length && !only.includes(view)) continue;
    const statements: string[] = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const timed = await page.evaluate(async (list) => {
      const engine = (globalThis as unknown as { __sf: { engine: { query(sql: string): Promise<unknown> } } }).__sf.engine;
      const out: [number, string][] = [];
      for (const sql of list) {
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          await engine.query(sql);
          best = Math.min(best, performance.now() - t0);
        }
        out.push([best, sql.replace(/\s+/g, ' ').slice(0, 100)]);
      }
      return out;
    }, statements);
    console.log(`${view}: ${statements.length} statements, ${timed.reduce((s, [ms]) => s + ms, 0).toFixed(0)} ms`);
    for (const [ms, sql] of timed) console.log(`  ${ms.toFixed(1).padStart(7)}  ${sql}`);
  }
} finally {
  await browser.close();
  await server.close();
}
