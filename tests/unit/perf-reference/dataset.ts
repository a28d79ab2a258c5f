/**
 * REFERENCE COPY (do not edit): this file is src/lib/dataset.ts as it was before the performance work of issue 7
 * (commit 9234098), with only its import paths changed. tests/unit/perf-equivalence.test.ts loads the same files
 * through it and through the optimised code and requires identical tables.
 */
/**
 * A loaded dataset: the files a user dropped, their load reports, and the tables built from them.
 * The same class runs in the browser (DuckDB-WASM) and in Node (CLI, tests); only the Engine differs.
 */
import type { Engine, FileSource } from '../../../src/lib/engine/types';
import { queryOne, queryRows } from '../../../src/lib/engine/rows';
import { macrosSql } from './macros';
import { SNIFF_BYTES, sniff, type Encoding, type RefusalCode, type Shape, type Sniffed } from '../../../src/lib/ingest/sniff';
import {
  commitSql, DROP_STAGING_SQL, dropRejectTablesSql, fileCountsSql, removeFileSql, stagingSql, TABLES_SQL
} from './sql';
import type { CanonicalColumn } from '../../../src/lib/ingest/headers';
import { buildEpisodesSql, type BuildOptions } from './episodes';
import { intLit } from '../../../src/lib/sql';
import { applyPhysicalLines } from '../../../src/lib/dataset';

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
}

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

export class ReferenceDataset {
  readonly files: AcceptedReport[] = [];
  private nextId = 1;
  private ready = false;
  /** The options the current `episodes` table was built with. */
  built: BuildOptions | null = null;

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
      await this.engine.query(removeFileSql(fileId));
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
      await this.engine.query(commitSql(fileId, sniffed.shape, sniffed.headerLine, bad.n > 0));
      const counts = await queryOne<{ rows_read: number; rows_accepted: number; rows_rejected: number; pseudonymised: number }>(
        this.engine, fileCountsSql(fileId));
      // Line numbers past blank and emptied rows: the same correction as the product's (not part of the SQL compared).
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
    } finally {
      await this.engine.query(DROP_STAGING_SQL + dropRejectTablesSql(fileId));
      await this.engine.dropFile(regName);
    }
  }

  /** Remove a loaded file and its rows. */
  async removeFile(fileId: number): Promise<void> {
    await this.engine.query(removeFileSql(fileId));
    const i = this.files.findIndex((f) => f.fileId === fileId);
    if (i >= 0) this.files.splice(i, 1);
    this.built = null;
  }

  /** Rename the unit given to the rows of a file that had no unit column. */
  async renameFileUnit(fileId: number, unit: string): Promise<void> {
    const f = this.files.find((x) => x.fileId === fileId);
    if (!f || f.defaultUnit === null) return;
    const { lit } = await import('../../../src/lib/sql');
    await this.engine.query(`UPDATE cert_rows SET unit = ${lit(unit)} WHERE file_id = ${intLit(fileId)};
      UPDATE episode_rows SET unit = ${lit(unit)} WHERE file_id = ${intLit(fileId)};`);
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
    await this.engine.query(sql.dedupe);
    const dups = await queryRows<{ file_id: number; n: number }>(this.engine, sql.duplicateCounts);
    for (const f of this.files) f.duplicates = dups.find((d) => d.file_id === f.fileId)?.n ?? 0;
    const asOf = options.asOf ?? (await queryOne<{ d: string | null }>(this.engine, sql.defaultAsOf)).d;
    const built: BuildOptions = { gap: options.gap, asOf: asOf ?? new Date().toISOString().slice(0, 10) };
    await this.engine.query(buildEpisodesSql(built).episodes);
    this.built = built;
    return built;
  }

  /** All rejected rows, in file and line order. */
  async rejects(): Promise<RejectRow[]> {
    await this.init();
    const rows = await queryRows<{ file_id: number; line: number; reason: string; value1: string | null; value2: string | null; text: string | null }>(
      this.engine, `SELECT file_id, line, reason, value1, value2, text FROM rejects ORDER BY file_id, line`);
    return rows.map((r) => ({
      file: this.files.find((f) => f.fileId === r.file_id)?.name ?? String(r.file_id),
      line: r.line, reason: r.reason, value1: r.value1, value2: r.value2, text: r.text
    }));
  }
}

export { SNIFF_BYTES };
