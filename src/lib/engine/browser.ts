/**
 * DuckDB-WASM in a Web Worker behind the engine interface. The wasm and worker files are bundled by Vite
 * (`?url` imports) and served from the site itself: no CDN, works on a closed hospital network.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { tableFromIPC, type Table } from 'apache-arrow';
import type { Engine, FileSource } from './types';
import { SupersededError } from './scoped';
import { PlanCache, dropsTables } from './plans';
import { SNIFF_BYTES } from '../ingest/sniff';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker }
};

/** Settings of every connection: no remote file systems or extension downloads, everything stays in the tab. */
const LOCAL_ONLY = `SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;`;

export class BrowserEngine implements Engine {
  /**
   * The views' cancellable statements run on a connection of their own (`send` / `cancelSent`): between the slices
   * of a statement in progress the worker answers other messages, and a statement on the same connection would end
   * the one in progress. The tables are the database's, seen by both connections (the views write none).
   */
  private views: Promise<duckdb.AsyncDuckDBConnection> | null = null;
  private viewsConn: duckdb.AsyncDuckDBConnection | null = null;
  /** The views' statements' plans, kept on the views' connection (a prepared statement belongs to its connection). */
  private plans = new PlanCache();

  private constructor(private db: duckdb.AsyncDuckDB, private conn: duckdb.AsyncDuckDBConnection, private worker: Worker) {}

  static async create(): Promise<BrowserEngine> {
    const bundle = await duckdb.selectBundle(BUNDLES);
    const worker = new Worker(bundle.mainWorker!);
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    // No remote file systems or extension downloads: everything stays in the tab.
    await db.open({ query: { castBigIntToDouble: false }, filesystem: { allowFullHTTPReads: false } });
    const conn = await db.connect();
    await conn.query(LOCAL_ONLY);
    // DuckDB's own progress of a long statement (for a CSV read: the share of the file's bytes read), which the
    // worker posts to this thread while the statement runs; see setProgressHandler.
    await conn.query(`SET enable_progress_bar = true; SET progress_bar_time = 200;`);
    const engine = new BrowserEngine(db, conn, worker);
    const handlers = (db as unknown as { _onExecutionProgress?: ((p: { status: string; percentage: unknown }) => void)[] })._onExecutionProgress;
    if (Array.isArray(handlers)) {
      handlers.push((p) => {
        const pct = Number(p.percentage);
        if (engine.progressHandler && Number.isFinite(pct)) engine.progressHandler(p.status === 'completed' ? 100 : pct);
      });
    }
    return engine;
  }

  private progressHandler: ((percent: number) => void) | null = null;

  /** Follow the running statement's progress (0–100, as DuckDB estimates it); null stops. */
  setProgressHandler(fn: ((percent: number) => void) | null): void {
    this.progressHandler = fn;
  }

  async query(sql: string, signal?: AbortSignal): Promise<Table> {
    // Tables dropped or replaced (a new build, another FMB table): the kept plans are let go of.
    if (!signal && dropsTables(sql)) this.plans.clear();
    const g = globalThis as { __sfProfile?: boolean; __sfInflight?: number };
    const run = () => (signal ? this.cancellable(sql, signal) : this.conn.query(sql) as unknown as Promise<Table>);
    if (!g.__sfProfile) return run();
    // Benchmark mode (scripts/bench.ts sets __sfProfile): a user-timing measure per statement batch, and the
    // number of queries in flight (so the benchmark knows when a view has finished redrawing).
    const start = performance.now();
    g.__sfInflight = (g.__sfInflight ?? 0) + 1;
    try {
      return await run();
    } finally {
      g.__sfInflight--;
      performance.measure('sql', { start, end: performance.now(), detail: sql.replace(/\s+/g, ' ').trim() });
    }
  }

  /**
   * A statement that `signal` cancels while it runs (it then fails with SupersededError). It runs from a plan kept
   * by its text (plans.ts): prepared the first time, executed from the plan the next times.
   */
  private async cancellable(sql: string, signal: AbortSignal): Promise<Table> {
    if (signal.aborted) throw new SupersededError();
    // Sent before the first `await` when the connection is open and the plan kept (the usual case): the caller
    // (engine/scoped.ts) counts on the statement being in the worker when this returns.
    const conn = this.viewsConn ?? (await this.connectViews());
    const planned = this.plans.statement(sql, (batch) => conn.query(batch));
    const run = typeof planned === 'string' ? planned : await planned;
    const cancel = () => { void conn.cancelSent(); };
    signal.addEventListener('abort', cancel, { once: true });
    try {
      return (await tableFromIPC(await conn.send(run))) as unknown as Table;
    } catch (e) {
      throw signal.aborted ? new SupersededError() : e;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  private async connectViews(): Promise<duckdb.AsyncDuckDBConnection> {
    this.views ??= this.db.connect().then(async (c) => { await c.query(LOCAL_ONLY); return c; });
    this.viewsConn = await this.views;
    return this.viewsConn;
  }

  async registerFile(name: string, source: FileSource): Promise<string> {
    if (source.kind === 'file') {
      // DuckDB reads slices of the File lazily from the worker: no copy of the whole file in memory.
      await this.db.registerFileHandle(name, source.file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    } else if (source.kind === 'bytes') {
      await this.db.registerFileBuffer(name, source.bytes);
    } else {
      throw new Error('paths exist only in Node');
    }
    return name;
  }

  async dropFile(name: string): Promise<void> {
    await this.db.dropFile(name);
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.db.terminate();
    this.worker.terminate();
  }
}

/** An InputFile for a browser File (dropped or picked). */
export function inputFromFile(file: File, sample = false) {
  return {
    name: file.name,
    source: { kind: 'file', file } as FileSource,
    sample,
    size: file.size,
    head: async () => new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()),
    all: async () => new Uint8Array(await file.arrayBuffer())
  };
}
