/**
 * A loaded dataset: the files a user dropped, their load reports, and the tables built from them.
 * The same class runs in the browser (DuckDB-WASM) and in Node (CLI, tests); only the Engine differs.
 */
import type { Engine, FileSource } from './engine/types';
import { queryOne, queryRows } from './engine/rows';
import { macrosSql } from './ingest/macros';
import { SNIFF_BYTES, sniff, type Encoding, type RefusalCode, type Shape, type Sniffed } from './ingest/sniff';
import {
  commitSql, COMPACT_ROWS_SQL, DROP_STAGING_SQL, dropRejectedRowsSql, dropRejectTablesSql, fileCountsSql, fileRowsSql,
  removeFileSql, setFileUnitSql, stagingSql, TABLES_SQL
} from './ingest/sql';
import type { CanonicalColumn } from './ingest/headers';
import { buildEpisodesSql, type BuildOptions } from './analysis/episodes';
import { CELLS_SQL, CELLS_TABLE } from './analysis/cells';
import { EPISODE_FMB_SQL, installFmbSql } from './analysis/fmb';
import { intLit } from './sql';
import { z } from 'zod';
import { FileCountsSchema, RejectRowSchema } from './ingest/schemas';
import { shiftLines, skippedRecordLines } from './ingest/lines';

/** A file as the loader sees it: its name, where its bytes are, and how to read them. */
export interface InputFile {
  name: string;
  source: FileSource;
  /** The first bytes (at least SNIFF_BYTES, or the whole file if smaller). */
  head(): Promise<Uint8Array>;
  /** All bytes (only needed when the file must be re-encoded to UTF-8). */
  all(): Promise<Uint8Array>;
  /** Marks the bundled sample data. */
  sample?: boolean;
  /** The file's size in bytes, when known (a browser File). */
  size?: number;
}

/**
 * The most bytes of CSV a browser tab loads in total (issue 7). DuckDB-WASM holds the rows in the tab's memory:
 * about 9 bytes of memory per byte of CSV at the peak of a load (942 MiB for the 93 MiB, 1M-row benchmark file,
 * docs/performance.md), and a wasm32 heap cannot grow past 4 GiB, where the tab fails. 300 MiB (about 3 million
 * certificate rows) keeps the peak near 3 GiB. Larger exports are refused with a sentence before anything is read.
 */
export const BROWSER_MAX_BYTES = 300 * 2 ** 20;

/** Whether loading `adding` more bytes on top of `loaded` would pass the browser's limit. */
export function exceedsBrowserLimit(loaded: number, adding: number, limit = BROWSER_MAX_BYTES): boolean {
  return loaded + adding > limit;
}

/** The stages of a load, in order (for a progress bar: DuckDB-WASM reports no progress inside a statement). */
export type LoadStage = 'read' | 'check' | 'dedupe' | 'episodes';

export interface AcceptedReport {
  ok: true;
  fileId: number;
  name: string;
  sample: boolean;
  shape: Shape;
  encoding: Encoding;
  delimiter: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  pseudonymised: number;
  namesDropped: string[];
  /** The unit given to rows of a file without a unit column (the file's name), else null. */
  defaultUnit: string | null;
}

export interface RefusedReport {
  ok: false;
  name: string;
  code: RefusalCode | 'unreadable';
  missing?: CanonicalColumn[];
  shape?: Shape;
  detail?: string;
}

export type FileReport = AcceptedReport | RefusedReport;

export interface RejectRow {
  file: string;
  line: number;
  reason: string;
  value1: string | null;
  value2: string | null;
  text: string | null;
  [k: string]: string | number | boolean | null;
}

function randomSalt(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The file's name without folder and extension: the default unit of a file without a unit column. */
export function unitFromFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.(csv|txt|tsv)$/i, '').trim() || base;
}

function utf8(bytes: Uint8Array, encoding: Encoding): Uint8Array {
  return new TextEncoder().encode(new TextDecoder(encoding).decode(bytes).replace(/^\uFEFF/, ''));
}

/**
 * Rejected rows' lines as a person sees them in the file: past blank lines and all-empty rows, which SQL never
 * sees (src/lib/ingest/lines.ts). Reads the file once more; call it only when the file has rejected rows.
 */
export async function applyPhysicalLines(engine: Engine, fileId: number, input: InputFile, sniffed: Sniffed): Promise<void> {
  const text = new TextDecoder(sniffed.encoding).decode(await input.all());
  const skipped = skippedRecordLines(text, sniffed.delimiter, sniffed.headerLine);
  if (skipped.length === 0) return;
  const f = intLit(fileId);
  const lines = (await queryRows<{ line: number }>(engine, `SELECT line FROM rejects WHERE file_id = ${f} ORDER BY line`)).map((r) => r.line);
  const moved = shiftLines(lines, skipped);
  const pairs = lines.flatMap((l, i) => (l === moved[i] ? [] : [`(${intLit(l)}, ${intLit(moved[i])})`]));
  if (pairs.length === 0) return;
  await engine.query(`UPDATE rejects SET line = m.new_line FROM (VALUES ${pairs.join(', ')}) m(old_line, new_line)
    WHERE rejects.file_id = ${f} AND rejects.line = m.old_line`);
}

export class Dataset {
  readonly files: AcceptedReport[] = [];
  private nextId = 1;
  private ready = false;
  /** The options the current `episodes` table was built with. */
  built: BuildOptions | null = null;
  /**
   * The tables written on first use (`writeOnce`), by name: 'facts' (`cert_fact` and the tables written with it, for
   * the current build) and 'cells' (`episode_cells`, `episode_fmb`, for the current build and FMB table).
   */
  private written = new Map<'facts' | 'cells', Promise<void>>();
  /** Called as each stage of a load or build starts. */
  onStage: ((stage: LoadStage) => void) | null = null;
  /**
   * When at least this many rows are deleted at once (a file removed, a file's rejected rows, a file read again in
   * another encoding), the tables are written again so that the tab gets their memory back (COMPACT_ROWS_SQL).
   * Fewer, such as the sample data's rows, are not worth a copy of the rows that remain.
   */
  compactMinRows = 50_000;

  constructor(readonly engine: Engine, readonly salt: string = randomSalt()) {}

  private async init(): Promise<void> {
    if (this.ready) return;
    await this.engine.query(macrosSql(new Date().toISOString().slice(0, 10)));
    await this.engine.query(TABLES_SQL);
    this.ready = true;
  }

  /** Load one file. A refused file changes nothing that was loaded before. */
  async addFile(input: InputFile): Promise<FileReport> {
    await this.init();
    let head: Uint8Array;
    try {
      head = (await input.head()).subarray(0, SNIFF_BYTES);
    } catch (e) {
      return { ok: false, name: input.name, code: 'unreadable', detail: String(e) };
    }
    const sniffed = sniff(head);
    if (!sniffed.ok) return { ok: false, name: input.name, code: sniffed.code, missing: sniffed.missing, shape: sniffed.shape };
    const fileId = this.nextId++;
    const report = await this.ingest(fileId, input, sniffed, sniffed.encoding !== 'utf-8');
    if (!report) {
      // A byte sequence that is not UTF-8 further into the file: read it again as Windows-1252.
      await this.removeRows(fileId);
      return (await this.ingest(fileId, input, { ...sniffed, encoding: 'windows-1252' }, true))!;
    }
    return report;
  }

  private async ingest(fileId: number, input: InputFile, sniffed: Sniffed, reencode: boolean): Promise<AcceptedReport | null> {
    const regName = `input_${fileId}.csv`;
    const source: FileSource = reencode ? { kind: 'bytes', bytes: utf8(await input.all(), sniffed.encoding) } : input.source;
    const path = await this.engine.registerFile(regName, source);
    const defaultUnit = sniffed.roles.includes('unit') ? null : unitFromFileName(input.name);
    try {
      const staging = { fileId, path, sniffed, salt: this.salt, defaultUnit };
      this.onStage?.('read');
      try {
        await this.engine.query(stagingSql(staging));
      } catch (e) {
        // Quoted newlines: DuckDB's parallel reader cannot pad short rows there; read the file in one thread.
        if (!/parallel\s*=\s*false/i.test(String(e))) throw e;
        await this.engine.query(dropRejectTablesSql(fileId));
        await this.engine.query(stagingSql({ ...staging, parallel: false }));
      }
      const bad = await queryOne<{ n: number; enc: number }>(this.engine,
        `SELECT count(*) AS n, count(*) FILTER (WHERE error_type = 'INVALID ENCODING') AS enc FROM csv_rejects_${intLit(fileId)}`);
      if (bad.enc > 0 && !reencode) return null;
      this.onStage?.('check');
      await this.engine.query(commitSql(fileId, sniffed.shape, sniffed.headerLine, bad.n > 0));
      const counts = FileCountsSchema.parse(await queryOne(this.engine, fileCountsSql(fileId, sniffed.shape)));
      await this.deleteRows(dropRejectedRowsSql(fileId), counts.rows_rejected);
      if (counts.rows_rejected > 0) await applyPhysicalLines(this.engine, fileId, input, sniffed);
      const report: AcceptedReport = {
        ok: true, fileId, name: input.name, sample: input.sample ?? false, shape: sniffed.shape,
        encoding: sniffed.encoding, delimiter: sniffed.delimiter,
        rowsRead: counts.rows_read, rowsAccepted: counts.rows_accepted, rowsRejected: counts.rows_rejected,
        duplicates: 0, pseudonymised: counts.pseudonymised, namesDropped: sniffed.droppedNameColumns, defaultUnit
      };
      this.files.push(report);
      this.built = null;
      return report;
    } catch (e) {
      // Nothing of a file that failed stays loaded.
      await this.removeRows(fileId).catch(() => undefined);
      throw e;
    } finally {
      await this.engine.query(DROP_STAGING_SQL + dropRejectTablesSql(fileId));
      await this.engine.dropFile(regName);
    }
  }

  /** Remove a loaded file and its rows. */
  async removeFile(fileId: number): Promise<void> {
    await this.removeRows(fileId);
    const i = this.files.findIndex((f) => f.fileId === fileId);
    if (i >= 0) this.files.splice(i, 1);
    this.built = null;
  }

  /** Delete a file's rows (removeFileSql), giving their memory back when they are many (compactMinRows). */
  private async removeRows(fileId: number): Promise<void> {
    const { n } = await queryOne<{ n: number }>(this.engine, fileRowsSql(fileId));
    await this.deleteRows(removeFileSql(fileId), n);
  }

  private async deleteRows(sql: string, rows: number): Promise<void> {
    await this.engine.query(sql);
    if (rows >= this.compactMinRows) await this.engine.query(COMPACT_ROWS_SQL);
  }

  /** Rename the unit given to the rows of a file that had no unit column. */
  async renameFileUnit(fileId: number, unit: string): Promise<void> {
    const f = this.files.find((x) => x.fileId === fileId);
    if (!f || f.defaultUnit === null) return;
    await this.engine.query(setFileUnitSql(fileId, unit));
    f.defaultUnit = unit;
    this.built = null;
  }

  /** Which shapes are loaded. */
  get shapes(): Shape[] {
    return [...new Set(this.files.map((f) => f.shape))];
  }

  /** De-duplicate, then build the `episodes` table (and its helpers) with the merge gap and as_of. */
  async build(options: { gap: number; asOf?: string | null }): Promise<BuildOptions> {
    await this.init();
    const sql = buildEpisodesSql(options);
    this.onStage?.('dedupe');
    const has = await queryOne<{ certificates: boolean; episodes: boolean }>(this.engine, sql.duplicateCheck);
    await this.engine.query(sql.dedupe(has));
    const dups = await queryRows<{ file_id: number; n: number }>(this.engine, sql.duplicateCounts);
    for (const f of this.files) f.duplicates = dups.find((d) => d.file_id === f.fileId)?.n ?? 0;
    const asOf = options.asOf ?? (await queryOne<{ d: string | null }>(this.engine, sql.defaultAsOf)).d;
    const built: BuildOptions = { gap: options.gap, asOf: asOf ?? new Date().toISOString().slice(0, 10) };
    this.onStage?.('episodes');
    await this.runBuildSql(buildEpisodesSql(built).episodes);
    this.built = built;
    this.written.clear();
    return built;
  }

  /**
   * Writes `cert_fact` (docs/data-model.md) for the current build unless it is there: every certificate-level
   * figure (extensions by reason, waits) reads it. Call before such a query; the first call after a build costs
   * a join of the certificates with the episodes, later ones nothing.
   */
  ensureCertFacts(): Promise<void> {
    return this.writeOnce('facts', (built) => buildEpisodesSql(built).certFacts);
  }

  /**
   * Writes `episode_cells` (analysis/cells.ts) and `episode_fmb` (analysis/fmb.ts) for the current build and FMB
   * table unless they are there. Call before a query that reads them; the first call after a build or an FMB change
   * costs two passes over the episodes.
   */
  ensureCells(): Promise<void> {
    return this.writeOnce('cells', () => `${CELLS_SQL}; ${EPISODE_FMB_SQL}`);
  }

  /**
   * Runs the SQL that writes the tables `name` for the current build, unless it ran since the build (or since they
   * were forgotten); a failed write is tried again at the next call.
   */
  private writeOnce(name: 'facts' | 'cells', sql: (built: BuildOptions) => string): Promise<void> {
    if (!this.built) return Promise.reject(new Error('build() the dataset first'));
    let p = this.written.get(name);
    if (!p) {
      const q = this.runBuildSql(sql(this.built));
      q.catch(() => { if (this.written.get(name) === q) this.written.delete(name); });
      this.written.set(name, q);
      p = q;
    }
    return p;
  }

  /**
   * Runs statements of the build (episodes.ts). Some turn one of DuckDB's optimisers off and on again around a
   * statement; when one fails before it is on again, it is turned on here, so that later statements are planned as
   * usual.
   */
  private async runBuildSql(sql: string): Promise<void> {
    try {
      await this.engine.query(sql);
    } catch (e) {
      await this.engine.query('RESET disabled_optimizers').catch(() => undefined);
      throw e;
    }
  }

  /** Replace the FMB table in use (`installFmbSql`); the tables that count over it are written again when asked for. */
  async installFmb(rows: readonly { code: string; max_days: number }[]): Promise<void> {
    const pending = this.written.get('cells');
    this.written.delete('cells');
    await pending?.catch(() => undefined);
    await this.engine.query(`${installFmbSql(rows)}; DROP TABLE IF EXISTS ${CELLS_TABLE}; DROP TABLE IF EXISTS episode_fmb`);
  }

  /** All rejected rows, in file and line order. */
  async rejects(): Promise<RejectRow[]> {
    await this.init();
    const rows = z.array(RejectRowSchema).parse(await queryRows(
      this.engine, `SELECT file_id, line, reason, value1, value2, text FROM rejects ORDER BY file_id, line`));
    return rows.map((r) => ({
      file: this.files.find((f) => f.fileId === r.file_id)?.name ?? String(r.file_id),
      line: r.line, reason: r.reason, value1: r.value1, value2: r.value2, text: r.text
    }));
  }
}

