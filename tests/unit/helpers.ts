/** Shared test helpers: load fixture files into a fresh Dataset on native DuckDB; compare rows computed two ways. */
import { join } from 'node:path';
import { expect } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const SAMPLES = join(__dirname, '..', '..', 'data-samples');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/**
 * SQL: the rows the storage of `table` holds, deleted ones included (DuckDB frees deleted rows only when the table is
 * written again: src/lib/dataset.ts, compactMinRows). Column `n`, 0 for an empty table.
 */
export function storedRowsSql(table: string): string {
  return `SELECT coalesce(sum(count), 0) AS n FROM pragma_storage_info('${table}') WHERE column_id = 0 AND segment_type <> 'VALIDITY'`;
}

/** A dataset with the given fixture files loaded (not yet built). */
export async function loadFixtures(...names: string[]): Promise<{ engine: NodeEngine; ds: Dataset }> {
  const engine = await NodeEngine.create();
  const ds = new Dataset(engine, 'test-salt');
  for (const n of names) await ds.addFile(fileFromPath(n.startsWith('/') ? n : fixture(n)));
  return { engine, ds };
}

/** A File-like input from bytes written to a temp name (for encoding and refusal tests). */
export function bytesInput(name: string, bytes: Uint8Array) {
  return {
    name,
    source: { kind: 'bytes' as const, bytes },
    head: async () => bytes.subarray(0, 64 * 1024),
    all: async () => bytes
  };
}

/**
 * `a` equals `b`: the same rows, keys, strings, integers and NULLs; fractions equal to 1e-12 of their size. Sums of
 * products (O/E's expected count, the Mantel–Haenszel sums) add the same terms in another order, which moves the
 * last bits, as the number of threads does.
 */
export function expectSame(a: unknown, b: unknown, what: string): void {
  if (typeof a === 'number' && typeof b === 'number' && !(Number.isInteger(a) && Number.isInteger(b))) {
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a), what).toEqual(Object.keys(b));
    for (const k of Object.keys(b)) expectSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${what}.${k}`);
  } else {
    expect(a, what).toEqual(b);
  }
}
