import { DataType, type Table } from 'apache-arrow';
import type { Engine, Row } from './types';

function isoDay(msOrDate: number | Date): string {
  const d = msOrDate instanceof Date ? msOrDate : new Date(msOrDate);
  return d.toISOString().slice(0, 10);
}

export function plain(value: unknown, type: DataType): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (DataType.isDate(type) && (typeof value === 'number' || value instanceof Date)) return isoDay(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Arrow table → plain row objects (for small result sets: summaries, chart data, tables). */
export function toRows<T extends Row = Row>(table: Table): T[] {
  const fields = table.schema.fields;
  const columns = fields.map((f) => table.getChild(f.name));
  const out: T[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: Row = {};
    for (let c = 0; c < fields.length; c++) row[fields[c].name] = plain(columns[c]?.get(i), fields[c].type);
    out[i] = row as T;
  }
  return out;
}

/** Run a query and return its rows as plain objects. */
export async function queryRows<T extends Row = Row>(engine: Engine, sql: string): Promise<T[]> {
  return toRows<T>(await engine.query(sql));
}

/** Run a query that returns one row; throws if it returns none. */
export async function queryOne<T extends Row = Row>(engine: Engine, sql: string): Promise<T> {
  const rows = await queryRows<T>(engine, sql);
  if (rows.length === 0) throw new Error('query returned no row');
  return rows[0];
}
