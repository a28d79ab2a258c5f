/**
 * Native DuckDB (@duckdb/node-api) behind the engine interface: used by the CLI, the tests and the benchmark.
 * Same DuckDB version as the DuckDB-WASM build (1.4.3), so the same SQL gives the same answers.
 */
import { DuckDBInstance, DuckDBStructType, DuckDBTypeId, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import {
  Bool, DateDay, Field, Float64, Int32, Int64, Struct, Table, TimestampMillisecond, Utf8, vectorFromArray,
  type DataType, type Vector
} from 'apache-arrow';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, FileSource } from './types';

function arrowType(duck: DuckDBType): DataType {
  // A struct (engine/parts.ts packs each part's rows into one) keeps its entries' names and types.
  if (duck instanceof DuckDBStructType) {
    return new Struct(duck.entryNames.map((name, i) => new Field(name, arrowType(duck.entryTypes[i]), true)));
  }
  switch (duck.typeId) {
    case DuckDBTypeId.BOOLEAN: return new Bool();
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: return new Int32();
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UBIGINT: case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT: return new Int64();
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: case DuckDBTypeId.DECIMAL: return new Float64();
    case DuckDBTypeId.DATE: return new DateDay();
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ: return new TimestampMillisecond();
    default: return new Utf8();
  }
}

function convert(v: unknown, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (type instanceof Struct) {
    const entries = v as Record<string, unknown>;
    return Object.fromEntries(type.children.map((f) => [f.name, convert(entries[f.name], f.type)]));
  }
  if (type instanceof Int64) return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
  if (type instanceof Int32 || type instanceof Float64) return Number(v);
  if (type instanceof Utf8) return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return v;
}

export class NodeEngine implements Engine {
  private files = new Map<string, string>();
  private tmp: string | null = null;
  private constructor(private instance: DuckDBInstance, private conn: DuckDBConnection) {}

  static async create(options: { threads?: number } = {}): Promise<NodeEngine> {
    const instance = await DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
    return new NodeEngine(instance, await instance.connect());
  }

  async query(sql: string): Promise<Table> {
    const reader = await this.conn.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => arrowType(t));
    const columns = reader.getColumnsJS();
    const vectors: Record<string, Vector> = {};
    names.forEach((name, i) => {
      vectors[name] = vectorFromArray((columns[i] ?? []).map((v) => convert(v, types[i])), types[i]);
    });
    return new Table(vectors);
  }

  async registerFile(name: string, source: FileSource): Promise<string> {
    if (source.kind === 'path') {
      this.files.set(name, source.path);
      return source.path;
    }
    if (source.kind === 'file') throw new Error('File objects exist only in the browser');
    this.tmp ??= mkdtempSync(join(tmpdir(), 'sjukfall-'));
    const path = join(this.tmp, `${this.files.size}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    writeFileSync(path, source.bytes);
    this.files.set(name, path);
    return path;
  }

  async dropFile(name: string): Promise<void> {
    const path = this.files.get(name);
    if (path && this.tmp && path.startsWith(this.tmp)) rmSync(path, { force: true });
    this.files.delete(name);
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }
}
