/**
 * Benchmark (not a test): a region's million certificates in the browser, against native DuckDB on the same file.
 *
 *   npm run bench                      everything: 1M rows in the browser and natively, then the 5M stress case
 *   npm run bench -- --no-stress       without the 5M case
 *   npm run bench -- --skip-build      reuse build-bench/ (SK_OUT_DIR .svelte-kit-bench)
 *   npm run bench -- --runs 3          loads of the 1M file in the browser (fresh tab each; the median is reported)
 *   npm run bench -- --changes 10      filter changes per view and filter (the median is reported)
 *   npm run bench -- --load FILE       only load FILE once in the browser and print what happened (no report): the
 *                                      marks, each statement, CPU time by thread, kernel time and page faults, and
 *                                      the memory and faults with each progress sample
 *   npm run bench -- --load FILE --again   then remove it in the page and load it once more in the same tab
 *   npm run bench -- --no-native       without the native DuckDB runs
 *
 * Writes docs/performance.md (and prints the same). What is measured:
 * - Browser (headless Chromium, the built site served by scripts/static-server.mjs): user-timing marks set by the app
 *   (src/lib/state.svelte.ts): load:start (file chosen) → load:ingested (rows read, checked and stored) → load:built
 *   (episodes built); load:drawn is the last DOM change of the overview after that (MutationObserver, with no query
 *   running). CPU time of the tab's renderer process (/proc) as well, since the two cores are shared, with its part in
 *   the kernel and the page faults (memory touched for the first time: on these virtual machines each costs about
 *   15 µs), and by thread. The last load also loads the file a second time in the same tab.
 * - Per view ([data-nav] buttons): the time from a filter change (unit, then gender) until the view's DOM stops
 *   changing, with no query in flight (median of --changes).
 * - Peak memory of the tab: VmHWM of the renderer process (/proc/<pid>/status; the DuckDB worker and its wasm memory
 *   live in that process), and the main thread's JS heap (CDP Performance.getMetrics JSHeapUsedSize).
 * - Native DuckDB (@duckdb/node-api, 2 threads), same file, same machine, same run: (a) naive: read_csv with
 *   sniffing + a two-window episode query; (b) the product's own SQL through NodeEngine and Dataset.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { startStaticServer } from './static-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/e2e/browser';
import { NodeEngine } from '../src/lib/engine/node';
import { Dataset } from '../src/lib/dataset';
import { fileFromPath } from '../src/lib/node-input';
import { queryOne } from '../src/lib/engine/rows';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RUNS = opt('--runs', 3);
const CHANGES = opt('--changes', 10);
const STRESS = !flag('--no-stress');
// --build-dir DIR: measure another build (e.g. of an older commit) with the same script.
const BUILD_DIR = args.includes('--build-dir') ? args[args.indexOf('--build-dir') + 1] : 'build-bench';
const SK_OUT_DIR = '.svelte-kit-bench';
const FILE_1M = join(root, 'bench-data', 'certs-1m.csv');
const FILE_5M = join(root, 'bench-data', 'certs-5m.csv');

const log = (...a: unknown[]) => console.log('[bench]', ...a);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sec = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${Math.round(bytes / 2 ** 20)} MiB` : '–');

// ---------------------------------------------------------------------------------------------------------------
// Processes: the renderer of the benchmark's tab, its CPU time and peak memory (Linux /proc)
// ---------------------------------------------------------------------------------------------------------------
/** A /proc stat file (of a process or a thread), or null once it has exited. */
interface Stat {
  name: string;
  ppid: number;
  /** CPU time in ms, user and kernel, and its part in the kernel. */
  cpuMs: number;
  sysMs: number;
  /** Minor page faults: memory touched for the first time. */
  faults: number;
}

function readStat(path: string): Stat | null {
  try {
    const st = readFileSync(path, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return { name: st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')), ppid: Number(f[1]),
      cpuMs: (Number(f[11]) + Number(f[12])) * 10, sysMs: Number(f[12]) * 10, faults: Number(f[7]) };
  } catch {
    return null;
  }
}

function procTable(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = readStat(`/proc/${d}/stat`);
    if (st) parent.set(Number(d), st.ppid);
  }
  return parent;
}

/** Chromium renderer processes started by this benchmark (descendants of this Node process). */
function rendererPids(): number[] {
  const parent = procTable();
  const out: number[] = [];
  for (const pid of parent.keys()) {
    let p = parent.get(pid);
    for (let hops = 0; p && p !== process.pid && hops < 20; hops++) p = parent.get(p);
    if (p !== process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) out.push(pid);
    } catch { /* exited */ }
  }
  return out;
}

/** A process's CPU time, its kernel part and its minor page faults so far (zero once it has exited). */
function procStat(pid: number): { cpuMs: number; sysMs: number; faults: number } {
  return readStat(`/proc/${pid}/stat`) ?? { cpuMs: 0, sysMs: 0, faults: 0 };
}

/** Each thread's name, CPU time (ms) and its part in the kernel, by thread id. */
type ThreadCpu = Map<number, { name: string; ms: number; sys: number }>;

/** The threads of a process and their CPU time so far (/proc/<pid>/task). */
function threadCpu(pid: number): ThreadCpu {
  const out: ThreadCpu = new Map();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch { /* exited */ }
  for (const tid of tids) {
    const st = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (st) out.set(Number(tid), { name: st.name, ms: st.cpuMs, sys: st.sysMs });
  }
  return out;
}

/** The CPU time (ms) spent between two readings of threadCpu, and its part in the kernel, by thread name. */
function threadCpuDelta(before: ThreadCpu, after: ThreadCpu): Record<string, { ms: number; sys: number }> {
  const by = new Map<string, { ms: number; sys: number }>();
  for (const [tid, t] of after) {
    const b = by.get(t.name) ?? { ms: 0, sys: 0 };
    by.set(t.name, { ms: b.ms + t.ms - (before.get(tid)?.ms ?? 0), sys: b.sys + t.sys - (before.get(tid)?.sys ?? 0) });
  }
  return Object.fromEntries([...by].filter(([, t]) => t.ms > 0).sort((a, b) => b[1].ms - a[1].ms));
}

function statusKb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The renderer of a page: the one with the most CPU time among those not yet known (a fresh tab per load). */
function newRenderer(known: Set<number>): number | null {
  const pids = rendererPids().filter((p) => !known.has(p));
  if (pids.length === 0) return null;
  return pids.sort((a, b) => procStat(b).cpuMs - procStat(a).cpuMs)[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Data, build
// ---------------------------------------------------------------------------------------------------------------
function ensureData(path: string, rows: number): void {
  if (existsSync(path)) return;
  log(`generating ${rows} rows into ${path}`);
  execFileSync('npx', ['tsx', 'scripts/generate-samples.ts', '--bench', String(rows), '--out', path], { cwd: root, stdio: 'inherit' });
}

function build(): void {
  if (flag('--skip-build') && existsSync(join(root, BUILD_DIR, 'index.html'))) return;
  log(`building the site into ${BUILD_DIR}/`);
  const r = spawnSync('npx', ['vite', 'build'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, SK_OUT_DIR, BUILD_DIR }
  });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    throw new Error('vite build failed');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// In the page
// ---------------------------------------------------------------------------------------------------------------
/** Installed before the app starts: profile mode, DOM-change clock, long tasks, progress samples. */
function initScript() {
  const g = globalThis as unknown as Record<string, unknown>;
  g.__sfProfile = true;
  g.__bench = { lastMutation: 0, longTasks: [] as number[][], progress: [] as unknown[] };
  const b = g.__bench as { lastMutation: number; longTasks: number[][]; progress: unknown[] };
  const start = () => {
    new MutationObserver(() => {
      b.lastMutation = performance.now();
    }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* not supported */ }
}

/** Resolves when no query runs and the DOM has not changed for `quietMs`; returns the last change's time. */
async function settle(page: Page, quietMs: number, timeoutMs = 600_000): Promise<number> {
  return page.evaluate(
    ([quiet, timeout]) =>
      new Promise<number>((resolveP, reject) => {
        const g = globalThis as unknown as { __bench: { lastMutation: number }; __sfInflight?: number };
        const t0 = performance.now();
        const tick = () => {
          const now = performance.now();
          if ((g.__sfInflight ?? 0) === 0 && now - g.__bench.lastMutation >= quiet) return resolveP(g.__bench.lastMutation);
          if (now - t0 > timeout) return reject(new Error('page did not settle'));
          setTimeout(tick, 25);
        };
        tick();
      }),
    [quietMs, timeoutMs] as const
  );
}

interface LoadResult {
  outcome: 'loaded' | 'refused' | 'error' | 'crashed';
  message: string;
  rowsAccepted: number | null;
  episodes: number | null;
  /** From choosing the file until the page said ready (measured outside the page). */
  wallMs: number;
  ingestedMs: number;
  builtMs: number;
  drawnMs: number;
  cpuMs: number;
  /** Of cpuMs, the time in the kernel; and the minor page faults (memory touched for the first time). */
  sysMs: number;
  faults: number;
  /** The tab's CPU time by thread name: the DuckDB worker (DedicatedWorker), the page (CrRendererMain), V8's
   * compiler and garbage collector (ThreadPoolForeg…). */
  threads: Record<string, { ms: number; sys: number }>;
  /** The tab's memory before the file is chosen (the app with its sample data). */
  rssBefore: number;
  peakRss: number;
  jsHeap: number;
  longestTaskMs: number;
  longTasksMs: number;
  progress: { t: number; value: number | null; label: string; rssMb?: number; faults?: number }[];
  /** The statements from the file chosen until the episodes are ready: when each started (ms from the start), its time. */
  statements: { at: number; ms: number; sql: string }[];
  /** The same file loaded again in the same tab after removing it (loadInBrowser with `again`). */
  again?: LoadResult;
}

async function openApp(browser: Browser, baseUrl: string, known: Set<number>) {
  const context = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  // tsx (esbuild) wraps named functions in __name(); the functions handed to the page need it there too.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await context.addInitScript(initScript);
  const page = await context.newPage();
  let crashed = false;
  page.on('crash', () => { crashed = true; });
  page.on('pageerror', (e) => log('page error:', e.message));
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('main[data-status="ready"]', { timeout: 180_000 });
  await settle(page, 500);
  const pid = newRenderer(known);
  if (pid) known.add(pid);
  return { context, page, pid, crashed: () => crashed };
}

/** The load summary's row of a loaded file (by its name). */
const fileRow = (file: string) => `[data-testid="load-summary"] tr[data-file="${file.split('/').pop()}"]`;

/**
 * One load of `file` in the app's tab, measured: the file chosen, the progress sampled until the page is ready,
 * then the marks, the statements, and the renderer's CPU time, page faults and memory.
 */
async function measureLoad(page: Page, pid: number | null, file: string, crashed: () => boolean): Promise<LoadResult> {
  const result: LoadResult = {
    outcome: 'error', message: '', rowsAccepted: null, episodes: null, wallMs: NaN, ingestedMs: NaN, builtMs: NaN, drawnMs: NaN,
    cpuMs: NaN, sysMs: NaN, faults: NaN, threads: {}, rssBefore: NaN, peakRss: NaN, jsHeap: NaN, longestTaskMs: NaN,
    longTasksMs: NaN, progress: [], statements: []
  };
  await page.evaluate(() => {
    performance.clearMarks();
    performance.clearMeasures();
    (globalThis as unknown as { __bench: { longTasks: unknown[] } }).__bench.longTasks = [];
  });
  const stat0 = pid ? procStat(pid) : { cpuMs: 0, sysMs: 0, faults: 0 };
  result.rssBefore = pid ? statusKb(pid, 'VmRSS') : NaN;
  const threads0 = pid ? threadCpu(pid) : new Map();
  await page.setInputFiles('[data-testid="file-input"]', file);
  // Sample the progress bar while loading.
  const t0 = Date.now();
  for (;;) {
    if (crashed()) break;
    const s = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="load-progress"]') as HTMLProgressElement | null;
      const status = document.querySelector('main')?.getAttribute('data-status');
      return { status, value: p ? (p.hasAttribute('value') ? p.value / (p.max || 1) : null) : undefined,
        label: (document.querySelector('[data-testid="load-status"]')?.textContent ?? '').trim() };
    }).catch(() => ({ status: 'gone', value: undefined, label: '' }));
    if (s.value !== undefined) {
      result.progress.push({ t: Date.now() - t0, value: s.value, label: s.label,
        rssMb: pid ? Math.round(statusKb(pid, 'VmRSS') / 2 ** 20) : undefined, faults: pid ? procStat(pid).faults - stat0.faults : undefined });
    }
    if (s.status === 'ready' || s.status === 'error' || s.status === 'gone') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  result.wallMs = Date.now() - t0;
  if (crashed()) {
    result.outcome = 'crashed';
    result.message = 'the tab crashed';
    return result;
  }
  const refused = await page.locator('[data-testid="refusals"]').textContent().catch(() => null);
  const row = page.locator(fileRow(file));
  if (await row.count()) {
    result.outcome = 'loaded';
    result.rowsAccepted = Number((await row.locator('[data-field="rows-accepted"]').textContent() ?? '').replace(/\D/g, ''));
  } else if (refused) {
    result.outcome = 'refused';
    result.message = refused.trim();
  } else {
    result.outcome = 'error';
    result.message = (await page.locator('main [role="alert"]').first().textContent().catch(() => '')) ?? '';
  }
  if (result.outcome === 'loaded') {
    const last = await settle(page, 1000);
    await page.evaluate((t) => performance.mark('load:drawn', { startTime: t }), last);
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    result.ingestedMs = marks['load:ingested'] - marks['load:start'];
    result.builtMs = marks['load:built'] - marks['load:start'];
    result.drawnMs = marks['load:drawn'] - marks['load:start'];
    result.statements = await page.evaluate(([a, b]) => performance.getEntriesByName('sql')
      .filter((e) => e.startTime >= a && e.startTime <= b)
      .map((e) => ({ at: Math.round(e.startTime - a), ms: Math.round(e.duration), sql: String((e as PerformanceMeasure).detail).slice(0, 100) })),
    [marks['load:start'], marks['load:built']] as const);
    result.episodes = Number(((await page.locator('[data-metric="episodes"] .value').textContent()) ?? '').replace(/\D/g, ''));
    const lt = await page.evaluate(([a, b]) =>
      (globalThis as unknown as { __bench: { longTasks: number[][] } }).__bench.longTasks.filter(([s]) => s >= a && s <= b),
    [marks['load:start'], marks['load:drawn']] as const);
    result.longestTaskMs = Math.max(0, ...lt.map(([, d]) => d));
    result.longTasksMs = lt.reduce((a, [, d]) => a + d, 0);
  }
  if (pid) {
    const stat1 = procStat(pid);
    result.cpuMs = stat1.cpuMs - stat0.cpuMs;
    result.sysMs = stat1.sysMs - stat0.sysMs;
    result.faults = stat1.faults - stat0.faults;
    result.threads = threadCpuDelta(threads0, threadCpu(pid));
    result.peakRss = statusKb(pid, 'VmHWM');
  }
  return result;
}

/**
 * The statements of the loads that took 100 ms or more, in the order they ran, each with its median time over the
 * loads and its time when the file was loaded again in the same tab; a statement is known by its first words, with
 * numbers (the file's id) left out.
 */
function loadStatements(loads: LoadResult[], again: LoadResult[]): { sql: string; ms: number; againMs: number }[] {
  const key = (sql: string) => sql.replace(/\d+/g, '#').slice(0, 48);
  const byKey = (l: LoadResult) => {
    const m = new Map<string, number>();
    for (const st of l.statements) m.set(key(st.sql), (m.get(key(st.sql)) ?? 0) + st.ms);
    return m;
  };
  const maps = loads.map(byKey);
  const again0 = again[0] ? byKey(again[0]) : new Map<string, number>();
  return [...(maps[0]?.keys() ?? [])]
    .map((k) => ({ sql: k.replace(/`/g, "'"), ms: median(maps.map((m) => m.get(k) ?? NaN)), againMs: again0.get(k) ?? NaN }))
    .filter((x) => x.ms >= 100);
}

/** One load's figures on one line. */
function loadLine(r: LoadResult): string {
  return `ingested ${sec(r.ingestedMs)} s, built ${sec(r.builtMs)} s, drawn ${sec(r.drawnMs)} s, cpu ${sec(r.cpuMs)} s ` +
    `(kernel ${sec(r.sysMs)} s, ${r.faults} page faults), peak ${mib(r.peakRss)}`;
}

/**
 * Loads `file` in a fresh tab of the app (measureLoad). With `again`, the file is then removed in the page and loaded
 * once more in the same tab (`result.again`): the same work, with the tab's memory already grown and V8's optimised
 * code for DuckDB's hot functions already compiled.
 */
async function loadInBrowser(browser: Browser, baseUrl: string, file: string, known: Set<number>, options: { again?: boolean } = {}): Promise<LoadResult> {
  const { context, page, pid, crashed } = await openApp(browser, baseUrl, known);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  try {
    const result = await measureLoad(page, pid, file, crashed);
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    result.jsHeap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    if (options.again && result.outcome === 'loaded') {
      const row = fileRow(file);
      await page.click(`${row} button`);
      await page.waitForSelector(row, { state: 'detached', timeout: 600_000 });
      await page.waitForSelector('main[data-status="ready"]', { timeout: 600_000 });
      await settle(page, 1000);
      result.again = await measureLoad(page, pid, file, crashed);
    }
    return result;
  } finally {
    if (!crashed()) await context.close().catch(() => undefined);
  }
}

interface ViewTiming {
  view: string;
  unitMs: number[];
  genderMs: number[];
  /** Of each change's time, the part after the redraw's last answer (drawing the DOM). */
  unitDrawMs: number[];
  genderDrawMs: number[];
  /** Three unit changes 60 ms apart (a user clicking through): from the last change until redrawn. */
  rapidMs: number[];
  /**
   * A unit not chosen before in this view (up to 5 of them): the view's statements have no kept plan yet
   * (src/lib/engine/plans.ts), where the alternating changes above mostly run from kept plans.
   */
  firstMs: number[];
  /** The slowest statements of the view's last redraw: [ms, SQL start]. */
  slowest: [number, string][];
}

/** Filter changes per view on a loaded tab. */
async function filterChanges(browser: Browser, baseUrl: string, file: string, known: Set<number>): Promise<ViewTiming[]> {
  const { context, page } = await openApp(browser, baseUrl, known);
  try {
    await page.setInputFiles('[data-testid="file-input"]', file);
    await page.waitForSelector(fileRow(file), { timeout: 600_000 });
    await page.waitForSelector('main[data-status="ready"]');
    await settle(page, 1000);
    const only = args.includes('--views') ? args[args.indexOf('--views') + 1].split(',') : null;
    const views = (await page.$$eval('[data-nav]', (els) => els.map((e) => e.getAttribute('data-nav')!)))
      .filter((v) => !only || only.includes(v));
    const units = await page.$$eval('[data-testid="filter-unit"] option', (els) => els.map((e) => (e as HTMLOptionElement).value).filter((v) => v !== '*'));
    const out: ViewTiming[] = [];
    for (const view of views) {
      await page.click(`[data-nav="${view}"]`);
      await settle(page, 1000);
      const timing: ViewTiming = { view, unitMs: [], genderMs: [], unitDrawMs: [], genderDrawMs: [], rapidMs: [], firstMs: [], slowest: [] };
      // Sets the select to each value in turn, `gapMs` apart; the time from the last change until redrawn.
      const change = async (selector: string, value: string | string[], gapMs = 0) =>
        page.evaluate(
          async ([sel, vs, gap]) => {
            const g = globalThis as unknown as { __bench: { lastMutation: number }; __sfInflight?: number };
            const el = document.querySelector(sel) as HTMLSelectElement;
            let t0 = 0;
            for (const [i, v] of vs.entries()) {
              if (i > 0) await new Promise((r) => setTimeout(r, gap));
              t0 = performance.now();
              g.__bench.lastMutation = t0;
              (g.__bench as { t0?: number }).t0 = t0;
              el.value = v;
              el.dispatchEvent(new Event('change', { bubbles: true }));
            }
            // Wait until no query runs and nothing changed for 400 ms.
            await new Promise<void>((r) => {
              const tick = () => ((g.__sfInflight ?? 0) === 0 && performance.now() - g.__bench.lastMutation >= 400 ? r() : setTimeout(tick, 10));
              setTimeout(tick, 10);
            });
            // When the last answer of this redraw arrived: the rest until the last DOM change is drawing.
            const sqlEnd = Math.max(t0, ...performance.getEntriesByName('sql')
              .filter((e) => e.startTime >= t0).map((e) => e.startTime + e.duration));
            return [g.__bench.lastMutation - t0, Math.max(0, g.__bench.lastMutation - sqlEnd)] as [number, number];
          },
          [selector, Array.isArray(value) ? value : [value], gapMs] as const
        );
      for (let i = 0; i < CHANGES; i++) {
        // Alternate between two units, so every change changes the selection.
        const [ms, drawMs] = await change('[data-testid="filter-unit"]', units[i % Math.min(2, units.length)] ?? '*');
        timing.unitMs.push(ms);
        timing.unitDrawMs.push(drawMs);
      }
      await change('[data-testid="filter-unit"]', '*');
      if (units.length >= 2) {
        for (let i = 0; i < Math.min(CHANGES, 5); i++) {
          // The last change differs from the one before it, so it changes the selection (a repeated value does not).
          timing.rapidMs.push((await change('[data-testid="filter-unit"]', [units[0], units[1], units[0]], 60))[0]);
          await change('[data-testid="filter-unit"]', '*');
        }
      }
      // Units beyond the two alternated above: each is chosen for the first time in this view.
      for (const unit of units.slice(2, 2 + Math.min(CHANGES, 5))) {
        timing.firstMs.push((await change('[data-testid="filter-unit"]', unit))[0]);
        await change('[data-testid="filter-unit"]', '*');
      }
      for (let i = 0; i < CHANGES; i++) {
        if (i === CHANGES - 1) await page.evaluate(() => performance.clearMeasures('sql'));
        const [ms, drawMs] = await change('[data-testid="filter-gender"]', i % 2 === 0 ? 'K' : 'M');
        timing.genderMs.push(ms);
        timing.genderDrawMs.push(drawMs);
      }
      timing.slowest = await page.evaluate((keep) => performance.getEntriesByName('sql')
        .map((e) => [Math.round(e.duration), String((e as PerformanceMeasure).detail).slice(0, 90)] as [number, string])
        .sort((a, b) => b[0] - a[0]).slice(0, keep), flag('--all-statements') ? 100 : 3);
      if (flag('--timeline')) {
        // The last redraw's statements on a time line: when each was sent and answered, from the change event.
        const lines = await page.evaluate(() => {
          const b = (globalThis as unknown as { __bench: { t0: number; lastMutation: number } }).__bench;
          return [...performance.getEntriesByName('sql').map((e) =>
            `${(e.startTime - b.t0).toFixed(0).padStart(5)} → ${(e.startTime + e.duration - b.t0).toFixed(0).padStart(5)}  ${String((e as PerformanceMeasure).detail).slice(0, 70)}`),
          `last DOM change ${(b.lastMutation - b.t0).toFixed(0)}`];
        });
        for (const l of lines) log(`    ${l}`);
      }
      if (args.includes('--dump-sql')) {
        // Every statement of the view's last redraw, in order, for replaying elsewhere (scripts/replay-sql.ts).
        const all = await page.evaluate(() => performance.getEntriesByName('sql').map((e) => String((e as PerformanceMeasure).detail)));
        const dir = args[args.indexOf('--dump-sql') + 1];
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${view}.json`), JSON.stringify(all, null, 1));
      }
      await change('[data-testid="filter-gender"]', '*');
      log(`view ${view}: unit ${median(timing.unitMs).toFixed(0)} ms (drawing ${median(timing.unitDrawMs).toFixed(0)}), ` +
        `gender ${median(timing.genderMs).toFixed(0)} ms (drawing ${median(timing.genderDrawMs).toFixed(0)}) (median of ${CHANGES}), ` +
        `three quick unit changes ${timing.rapidMs.length ? median(timing.rapidMs).toFixed(0) : '–'} ms, ` +
        `a unit chosen for the first time ${timing.firstMs.length ? median(timing.firstMs).toFixed(0) : '–'} ms`);
      for (const [ms, q] of timing.slowest) log(`    ${ms} ms  ${q}`);
      if (flag('--timeline')) log(`    each change, unit: ${timing.unitMs.map((x) => x.toFixed(0)).join(' ')}; gender: ${timing.genderMs.map((x) => x.toFixed(0)).join(' ')}`);
      out.push(timing);
    }
    return out;
  } finally {
    await context.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Native DuckDB
// ---------------------------------------------------------------------------------------------------------------
interface NativeResult {
  ingestMs: number;
  episodesMs: number;
  totalMs: number;
  cpuMs: number;
  /** Of cpuMs, the time in the kernel; and the minor page faults of this process meanwhile. */
  sysMs: number;
  faults: number;
  episodes: number;
}

/** This process's CPU time (ms), its part in the kernel and its minor page faults so far. */
const usageNow = () => {
  const u = process.resourceUsage();
  return { cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, sysMs: u.systemCPUTime / 1000, faults: u.minorPageFault };
};

/** The CPU time, kernel time and page faults of this process since `u0` (a usageNow reading). */
const usageSince = (u0: ReturnType<typeof usageNow>) => {
  const u = usageNow();
  return { cpuMs: u.cpuMs - u0.cpuMs, sysMs: u.sysMs - u0.sysMs, faults: u.faults - u0.faults };
};

/** (a) The bare engine: read_csv with sniffing, then a two-window episode query (gap 5). */
async function nativeNaive(file: string): Promise<NativeResult> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await instance.connect();
  try {
    const u0 = usageNow();
    const t0 = performance.now();
    await c.run(`CREATE TABLE certs AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`);
    const t1 = performance.now();
    await c.run(`CREATE TABLE eps AS
      WITH w AS (
        SELECT *, max(end_date) OVER (PARTITION BY patient_id ORDER BY start_date, end_date
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max FROM certs),
      s AS (
        SELECT *, sum(CASE WHEN prev_max IS NULL OR start_date > prev_max + 6 THEN 1 ELSE 0 END)
          OVER (PARTITION BY patient_id ORDER BY start_date, end_date ROWS UNBOUNDED PRECEDING) AS ep_no FROM w)
      SELECT patient_id, ep_no, min(start_date) AS start_date, max(end_date) AS end_date, count(*) AS n,
        arg_max(gender, start_date) AS gender, max(age) AS age, arg_max(unit, start_date) AS unit,
        arg_max(physician, start_date) AS physician, arg_max(diagnosis, start_date) AS diagnosis
      FROM s GROUP BY ALL`);
    const t2 = performance.now();
    const n = await c.runAndReadAll('SELECT count(*) FROM eps');
    return { ingestMs: t1 - t0, episodesMs: t2 - t1, totalMs: t2 - t0, ...usageSince(u0), episodes: Number(n.getRows()[0][0]) };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** (b) The product's SQL: Dataset.addFile + build through NodeEngine (2 threads). */
async function nativeProduct(file: string): Promise<NativeResult & { rowsAccepted: number }> {
  const engine = await NodeEngine.create({ threads: 2 });
  try {
    const ds = new Dataset(engine);
    const u0 = usageNow();
    const t0 = performance.now();
    const report = await ds.addFile(fileFromPath(file));
    const t1 = performance.now();
    await ds.build({ gap: 5 });
    const t2 = performance.now();
    if (!report.ok) throw new Error(`native load refused: ${report.code}`);
    const n = await queryOne<{ n: number }>(engine, 'SELECT count(*) AS n FROM episodes');
    return { ingestMs: t1 - t0, episodesMs: t2 - t1, totalMs: t2 - t0, ...usageSince(u0), episodes: n.n, rowsAccepted: report.rowsAccepted };
  } finally {
    await engine.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  const started = new Date();
  const load0 = loadavg();
  const only = args.indexOf('--load');
  if (only >= 0) {
    if (!args.includes('--build-dir')) build();
    const server = await startStaticServer(resolve(root, BUILD_DIR), 0, '127.0.0.1');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    try {
      const r = await loadInBrowser(browser, server.url, resolve(args[only + 1]), new Set(rendererPids()), { again: flag('--again') });
      console.log(JSON.stringify(r, null, 1));
    } finally {
      await browser.close().catch(() => undefined);
      await server.close();
    }
    return;
  }
  ensureData(FILE_1M, 1_000_000);
  if (STRESS) ensureData(FILE_5M, 5_000_000);
  if (!args.includes('--build-dir')) build();

  // Native first (nothing else of ours running).
  const none = { ingestMs: NaN, episodesMs: NaN, totalMs: NaN, cpuMs: NaN, sysMs: NaN, faults: NaN, episodes: NaN };
  let naive: NativeResult = none;
  let product: NativeResult & { rowsAccepted: number } = { ...none, rowsAccepted: NaN };
  if (!flag('--no-native')) {
    log('native DuckDB, naive: read_csv with sniffing + two-window episodes');
    naive = await nativeNaive(FILE_1M);
    log(`  ${sec(naive.totalMs)} s (read ${sec(naive.ingestMs)} s, episodes ${sec(naive.episodesMs)} s), ${naive.episodes} episodes`);
    log('native DuckDB, the product\'s SQL (NodeEngine + Dataset)');
    product = await nativeProduct(FILE_1M);
    log(`  ${sec(product.totalMs)} s (ingest ${sec(product.ingestMs)} s, dedupe + episodes ${sec(product.episodesMs)} s), ${product.episodes} episodes`);
  }

  const server = await startStaticServer(resolve(root, BUILD_DIR), 0, '127.0.0.1');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const known = new Set<number>(rendererPids());
  const loads: LoadResult[] = [];
  let views: ViewTiming[] = [];
  let stress: LoadResult | null = null;
  try {
    for (let i = 0; i < RUNS; i++) {
      log(`browser load ${i + 1}/${RUNS} of ${FILE_1M}`);
      // The last load also loads the file a second time in the same tab (LoadResult.again).
      const r = await loadInBrowser(browser, baseUrlOf(server.url), FILE_1M, known, { again: i === RUNS - 1 });
      log(`  ${r.outcome}: ${loadLine(r)}`);
      if (r.again) log(`  again in the same tab: ${loadLine(r.again)}`);
      loads.push(r);
    }
    log('filter changes per view');
    views = await filterChanges(browser, baseUrlOf(server.url), FILE_1M, known);
    if (STRESS) {
      log(`stress: ${FILE_5M}`);
      stress = await loadInBrowser(browser, baseUrlOf(server.url), FILE_5M, known);
      log(`  ${stress.outcome}: ${stress.message || `${stress.rowsAccepted} rows`}, peak ${mib(stress.peakRss)}`);
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }

  const report = renderReport({ started, load0, load1: loadavg(), naive, product, loads, views, stress, chromiumVersion: chromiumVersion() });
  if (RUNS > 0 && !flag('--no-native')) writeResults(report);
  else log('partial run: docs/performance.md left as it was');
  console.log('\n' + report);
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replace the results between the markers of docs/performance.md (the rest of the page is written by hand). */
function writeResults(report: string): void {
  const path = join(root, 'docs', 'performance.md');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const i = old.indexOf(START);
  const j = old.indexOf(END);
  const block = `${START}\n${report}\n${END}`;
  writeFileSync(path, i >= 0 && j > i ? old.slice(0, i) + block + old.slice(j + END.length) : `# Performance\n\n${block}\n`);
}

function baseUrlOf(url: string) {
  return url;
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function pkgVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

function renderReport(r: {
  started: Date; load0: number[]; load1: number[]; naive: NativeResult; product: NativeResult & { rowsAccepted: number };
  loads: LoadResult[]; views: ViewTiming[]; stress: LoadResult | null; chromiumVersion: string;
}): string {
  const ok = r.loads.filter((l) => l.outcome === 'loaded');
  const m = (f: (l: LoadResult) => number) => median(ok.map(f));
  const built = m((l) => l.builtMs);
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '–');
  const size = statSync(FILE_1M).size;
  const lines: string[] = [];
  lines.push(`<!-- Written by scripts/bench.ts (npm run bench): the numbers of the last run. -->`);
  lines.push('## Last benchmark run', '');
  lines.push(`- Date: ${r.started.toISOString()}; machine: ${cpus().length} CPU cores (\`nproc\` ${nproc()}, ${cpus()[0]?.model.trim() ?? '?'}), ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory; load average at start ${r.load0.map((x) => x.toFixed(2)).join(' / ')}, ` +
    `at end ${r.load1.map((x) => x.toFixed(2)).join(' / ')} (the cores are shared: compare CPU times when the load is high).`);
  lines.push(`- Versions: Node ${process.version}, ${r.chromiumVersion}, @duckdb/duckdb-wasm ${pkgVersion('@duckdb/duckdb-wasm')}, ` +
    `@duckdb/node-api ${pkgVersion('@duckdb/node-api')}.`);
  lines.push(`- File: \`bench-data/certs-1m.csv\`, ${ok[0]?.rowsAccepted ?? r.product.rowsAccepted} certificate rows, ${(size / 2 ** 20).toFixed(0)} MiB, ` +
    `${r.product.episodes} episodes (gap 5).`, '');
  lines.push('### File → episodes ready (1M rows)', '');
  const again = r.loads.map((l) => l.again).filter((l): l is LoadResult => l?.outcome === 'loaded');
  const kernel = (l: { sysMs: number; faults: number }) => `${sec(l.sysMs)} s, ${Number.isFinite(l.faults) ? l.faults : '–'}`;
  lines.push('| | read + check + store | + dedupe + episodes | + overview drawn | CPU time | of it in the kernel, page faults |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  lines.push(`| Browser (DuckDB-WASM, 1 thread), median of ${ok.length} | ${sec(m((l) => l.ingestedMs))} s | ${sec(built)} s | ${sec(m((l) => l.drawnMs))} s | ` +
    `${sec(m((l) => l.cpuMs))} s (tab) | ${kernel({ sysMs: m((l) => l.sysMs), faults: m((l) => l.faults) })} |`);
  for (const a of again) {
    lines.push(`| Browser, the same file again in the same tab | ${sec(a.ingestedMs)} s | ${sec(a.builtMs)} s | ${sec(a.drawnMs)} s | ${sec(a.cpuMs)} s (tab) | ${kernel(a)} |`);
  }
  lines.push(`| Native, product SQL (NodeEngine, 2 threads) | ${sec(r.product.ingestMs)} s | ${sec(r.product.totalMs)} s | – | ${sec(r.product.cpuMs)} s | ${kernel(r.product)} |`);
  lines.push(`| Native, naive (read_csv sniffing + two windows, 2 threads) | ${sec(r.naive.ingestMs)} s | ${sec(r.naive.totalMs)} s | – | ${sec(r.naive.cpuMs)} s | ${kernel(r.naive)} |`);
  lines.push('');
  const worker = ok.map((l) => l.threads.DedicatedWorker).filter((t) => t);
  if (worker.length) {
    lines.push(`The tab's CPU time by thread (median): DuckDB's worker ${sec(median(worker.map((t) => t.ms)))} s (kernel ` +
      `${sec(median(worker.map((t) => t.sys)))} s), V8's compiler and garbage collector (ThreadPoolForeground) ` +
      `${sec(median(ok.map((l) => l.threads.ThreadPoolForeg?.ms ?? 0)))} s. "Again": the file removed in the page and loaded once more ` +
      `in the same tab, whose memory has already grown and whose hot wasm functions V8 has already optimised; the budget is judged on the fresh tab.`, '');
  }
  const slow = loadStatements(ok, again);
  if (slow.length) {
    lines.push(`The load's statements of 100 ms or more (median of the fresh loads; in brackets, again in the same tab): ` +
      slow.map((x) => `\`${x.sql}…\` ${sec(x.ms)} s (${sec(x.againMs)} s)`).join('; ') + '.', '');
  }
  lines.push(`Ratios, file → episodes ready: browser / native product SQL = **${ratio(built, r.product.totalMs)}**; ` +
    `browser / native naive = **${ratio(built, r.naive.totalMs)}** (budget ≤ 2.5). ` +
    `Browser runs: ${ok.map((l) => sec(l.builtMs)).join(', ')} s.`, '');
  lines.push('### Filter change → view redrawn (1M rows)', '');
  lines.push(`Median of ${CHANGES} changes each; time from the select's change event to the view's last DOM change with no query running (budget ≤ 100 ms). ` +
    `In brackets, the part after the redraw's last answer: drawing the view. ` +
    `"Quick series": three unit changes 60 ms apart, timed from the last one (median of ${Math.min(CHANGES, 5)}); a superseded redraw's statement in progress is cancelled and it sends no further statements. ` +
    `The unit and gender columns alternate between two values, so after the first two changes the view's statements run from plans kept by their text (src/lib/engine/plans.ts); ` +
    `"first choice": a unit not chosen before in the view (median of up to 5), whose statements are planned anew.`, '');
  lines.push('| view | unit filter | gender filter | quick series | first choice of a unit | slowest statements of a redraw (ms) |', '|---|---:|---:|---:|---:|---|');
  for (const v of r.views) {
    const slow = v.slowest.map(([ms, q]) => `${ms}: \`${q.replace(/\|/g, '\\|').replace(/`/g, "'")}…\``).join('<br>');
    const rapid = v.rapidMs.length ? `${median(v.rapidMs).toFixed(0)} ms` : '–';
    const first = v.firstMs.length ? `${median(v.firstMs).toFixed(0)} ms` : '–';
    lines.push(`| ${v.view} | ${median(v.unitMs).toFixed(0)} ms (${median(v.unitDrawMs).toFixed(0)}) | ` +
      `${median(v.genderMs).toFixed(0)} ms (${median(v.genderDrawMs).toFixed(0)}) | ${rapid} | ${first} | ${slow} |`);
  }
  lines.push('');
  lines.push('### Memory and responsiveness (1M rows)', '');
  lines.push(`- Peak memory of the tab: **${mib(m((l) => l.peakRss))}** (VmHWM of the renderer process from /proc/<pid>/status: ` +
    `page, DuckDB worker and its wasm memory; budget ≤ 1.5 GB). Main thread JS heap after the load: ${mib(m((l) => l.jsHeap))} ` +
    `(CDP Performance.getMetrics JSHeapUsedSize).`);
  lines.push(`- Main thread during the load: longest task ${m((l) => l.longestTaskMs).toFixed(0)} ms, all long tasks together ` +
    `${m((l) => l.longTasksMs).toFixed(0)} ms (DuckDB runs in a Web Worker).`);
  const prog = ok[0]?.progress ?? [];
  const determinate = prog.filter((p) => p.value !== null);
  lines.push(`- Progress: ${prog.length ? `shown from ${(prog[0].t / 1000).toFixed(1)} s, ${new Set(determinate.map((p) => p.value!.toFixed(2))).size} distinct values, ` +
    `stages seen: ${[...new Set(prog.map((p) => p.label.replace(/\s*\d+\s*%.*$/, '')))].join(' → ')}` : 'no progress bar seen'}.`);
  lines.push('');
  if (r.stress) {
    lines.push('### Stress: 5M rows', '');
    lines.push(r.stress.outcome === 'loaded'
      ? `Loaded: ${r.stress.rowsAccepted} rows, episodes built in ${sec(r.stress.builtMs)} s, peak memory ${mib(r.stress.peakRss)}.`
      : r.stress.outcome === 'refused'
        ? `Refused before loading, with the sentence: “${r.stress.message}” (peak memory ${mib(r.stress.peakRss)}).`
        : `**${r.stress.outcome}**: ${r.stress.message}`);
    lines.push('');
  }
  return lines.join('\n');
}

function nproc(): string {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(cpus().length);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
