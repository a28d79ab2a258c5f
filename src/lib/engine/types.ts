/**
 * The one engine interface. The same SQL runs in the browser (DuckDB-WASM in a Web Worker) and in Node
 * (native DuckDB for the CLI, the tests and the benchmark). Results are Apache Arrow tables.
 */
import type { Table } from 'apache-arrow';

/** Where the bytes of an input file come from. */
export type FileSource =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'file'; file: File }
  | { kind: 'path'; path: string };

export interface Engine {
  /**
   * Run one SQL statement (or several separated by `;`) and return the last result as an Arrow table. With a signal,
   * the statement may be cancelled while it runs: once the signal is aborted it fails with `SupersededError`
   * (scoped.ts); an engine that cannot cancel lets it run to its end.
   */
  query(sql: string, signal?: AbortSignal): Promise<Table>;
  /**
   * Make a file readable by SQL under `name` (e.g. in `read_csv('name')`); returns the name to use in SQL.
   * In the browser a File is read lazily by DuckDB (no copy of the file is made).
   */
  registerFile(name: string, source: FileSource): Promise<string>;
  /** Forget a registered file, so the raw bytes (with any personnummer) are no longer reachable. */
  dropFile(name: string): Promise<void>;
  /** Release the database. */
  close(): Promise<void>;
}

/** A plain row object: numbers (BIGINT as number), strings, booleans, null; dates as 'YYYY-MM-DD'. */
export type Row = Record<string, string | number | boolean | null>;
