/**
 * Replays statements in the tab itself (DuckDB-WASM, the built site in headless Chromium, the 1M file loaded).
 * Where `scripts/replay-sql.ts` shows what a statement costs natively, this shows what it costs where users run it
 * (planning included, which natively is cheap enough to hide).
 *
 * Usage: npx tsx scripts/replay-tab.ts DIR [view ...] [--build-dir DIR]
 *   statements captured by `npm run bench -- --dump-sql DIR`, one after another with nothing else running: per view,
 *   each statement's best of three runs.
 * Or:    npx tsx scripts/replay-tab.ts --variants FILE [FILE ...] [--reps N] [--explain] [--build-dir DIR]
 *   an A/B test: each FILE is a JSON object, name → statement or list of statements; the names are run in turn,
 *   N rounds (default 9), and each name's median and least time printed. The rounds interleave the names, so a busy
 *   minute of these shared cores slows each alike. Files are run in order in the same tab (a first file can
 *   `PREPARE` what the next one `EXECUTE`s). `--explain`: then each name's operators of 1 ms or more, from
 *   `EXPLAIN (ANALYZE, FORMAT json)`.
 * The site in build-bench/ (which `npm run bench` writes), or --build-dir DIR.
 */
import { chromium, type Page } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStaticServer } from './static-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/browser';

const args = process.argv.slice(2);
/** Takes `--name value` out of args. */
const take = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const takeFlag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args.splice(at, 1).length > 0;
};
const buildDir = take('--build-dir') ?? 'build-bench';
const reps = Number(take('--reps') ?? 9);
const explain = takeFlag('--explain');
const variants = takeFlag('--variants');
if (!args.length) throw new Error('usage: npx tsx scripts/replay-tab.ts DIR [view ...] | --variants FILE [FILE ...] [--reps N] [--explain] [--build-dir DIR]');

type Profile = { operator_name?: string; operator_timing?: number; operator_cardinality?: number; children?: Profile[] };

/** Operators of 1 ms or more of a JSON profile, indented by depth. */
function operators(p: Profile, depth = 0): string[] {
  const own = (p.operator_timing ?? 0) >= 0.001
    ? [`${((p.operator_timing ?? 0) * 1000).toFixed(1).padStart(7)} ms ${'  '.repeat(depth)}${p.operator_name} (${p.operator_cardinality} rows)`] : [];
  return [...own, ...(p.children ?? []).flatMap((c) => operators(c, depth + 1))];
}

/** Runs each name's statements in turn, `rounds` times; per name the times, and with `explain` the profiles. */
async function abTest(page: Page, file: string): Promise<void> {
  const named: Record<string, string | string[]> = JSON.parse(readFileSync(file, 'utf8'));
  const lists = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const r = await page.evaluate(async ([lists, rounds, explain]) => {
    const engine = (globalThis as unknown as { __sf: { engine: { query(sql: string): Promise<{ getChildAt(i: number): { get(i: number): unknown } | null }> } } }).__sf.engine;
    const times: Record<string, number[]> = {};
    const profiles: Record<string, string[]> = {};
    for (let i = 0; i < rounds; i++) {
      for (const [name, list] of Object.entries(lists)) {
        const t0 = performance.now();
        for (const sql of list) await engine.query(sql);
        (times[name] ??= []).push(performance.now() - t0);
      }
    }
    if (explain) {
      for (const [name, list] of Object.entries(lists)) {
        profiles[name] = [];
        for (const sql of list) profiles[name].push(String((await engine.query(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`)).getChildAt(1)?.get(0)));
      }
    }
    return { times, profiles };
  }, [lists, reps, explain] as const);
  console.log(`${file}: ${reps} rounds`);
  for (const [name, xs] of Object.entries(r.times)) {
    const sorted = [...xs].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(28)} median ${sorted[sorted.length >> 1].toFixed(1).padStart(7)}  least ${sorted[0].toFixed(1).padStart(7)}  (${xs.map((x) => x.toFixed(0)).join(' ')})`);
  }
  for (const [name, list] of Object.entries(r.profiles)) {
    console.log(`  ${name}:`);
    for (const json of list) for (const line of operators(JSON.parse(json) as Profile)) console.log(`  ${line}`);
  }
}

/** Each dumped statement of each view in DIR, the best of three. */
async function replayDumps(page: Page, dir: string, only: string[]): Promise<void> {
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
}

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
  if (variants) for (const file of args) await abTest(page, file);
  else await replayDumps(page, args[0], args.slice(1));
} finally {
  await browser.close();
  await server.close();
}
