/**
 * engine/parts.ts: several SELECTs answered by one statement give each SELECT's rows exactly as `queryRows` gives
 * them run alone (values, types, order), with shared relations computed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { partsSql, queryParts } from '../../src/lib/engine/parts';
import { queryRows } from '../../src/lib/engine/rows';

let engine: NodeEngine;

beforeAll(async () => {
  // Two threads, as the CLI's native DuckDB may run: the parts' order must not depend on scheduling.
  engine = await NodeEngine.create({ threads: 2 });
  await engine.query(`CREATE TABLE t AS
    SELECT i, i % 7 AS g, DATE '2025-01-01' + CAST(i % 3000 AS INTEGER) AS d, CAST(i AS DECIMAL(12, 2)) / 3 AS dec,
      'x' || i AS s, i % 3 = 0 AS b, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5 END AS maybe,
      CAST(i AS BIGINT) * 1000 AS big
    FROM range(50000) r(i)`);
});
afterAll(async () => engine.close());

const SHARED = { base: `SELECT * FROM t WHERE g <> 3` };
const PARTS = {
  grouped: `SELECT g, count(*) AS n, min(d) AS first_day, sum(maybe) AS total, bool_and(b) AS all_b FROM base GROUP BY g ORDER BY g DESC`,
  // Larger than DuckDB's vectors (2048 rows), ordered on a column the union does not carry.
  many: `SELECT s, d, dec, maybe, big FROM base ORDER BY i % 1000, i DESC LIMIT 9000`,
  empty: `SELECT CAST(NULL AS VARCHAR) AS x, 1 AS y FROM base WHERE false`,
  withClause: `WITH k AS (SELECT * FROM (VALUES ('b', 2), ('a', 1)) k(key, ord)) SELECT key, ord, (SELECT count(*) FROM base) AS n FROM k ORDER BY ord`,
  // The same column names as another part with other types: each part keeps its own.
  sameNames: `SELECT CAST(g AS VARCHAR) AS n, g * 0.5 AS g FROM base GROUP BY g ORDER BY g`
};

describe('partsSql / queryParts', () => {
  it('gives every part the rows it gives alone, in its order and with its types', async () => {
    const together = await queryParts(engine, { with: SHARED, parts: PARTS });
    expect(Object.keys(together)).toEqual(Object.keys(PARTS));
    // Alone, each part reads the shared relation as a view.
    await engine.query(`CREATE OR REPLACE TEMP VIEW base AS ${SHARED.base}`);
    for (const [key, sql] of Object.entries(PARTS)) {
      const alone = await queryRows(engine, sql);
      expect(together[key as keyof typeof PARTS], key).toEqual(alone);
    }
    expect(together.many).toHaveLength(9000);
    expect(together.empty).toEqual([]);
    // g = 6: i = 6 + 7j (7142 rows); the first day at i = 15000 (i % 3000 = 0); 1.5 × Σ i over i ≢ 0 (mod 5).
    expect(together.grouped[0]).toEqual({ g: 6, n: 7142, first_day: '2025-01-01', total: 214285708.5, all_b: false });
    expect(together.sameNames[1]).toEqual({ n: '1', g: 0.5 });
  });

  it('computes a shared relation once, before the parts, which may read earlier shared relations', async () => {
    const sql = partsSql({ with: { a: 'SELECT 1 AS x', b: 'SELECT x + 1 AS y FROM a' }, parts: { p: 'SELECT y FROM b' } });
    expect(sql).toMatch(/^WITH a AS MATERIALIZED \(SELECT 1 AS x\),\nb AS MATERIALIZED/);
    expect((await queryRows(engine, sql)).length).toBe(1);
    expect(await queryParts(engine, { with: { a: 'SELECT 1 AS x', b: 'SELECT x + 1 AS y FROM a' }, parts: { p: 'SELECT y FROM b' } }))
      .toEqual({ p: [{ y: 2 }] });
  });

  it('answers a part given as null with no rows, sends nothing when every part is null, and refuses SQL without parts', async () => {
    expect(await queryParts<{ a: { x: number }; b: { y: number } }>(engine, { parts: { a: 'SELECT 1 AS x', b: null } }))
      .toEqual({ a: [{ x: 1 }], b: [] });
    const refusing = { ...engine, query: () => Promise.reject(new Error('sent')) } as unknown as NodeEngine;
    expect(await queryParts(refusing, { parts: { a: null, b: null } })).toEqual({ a: [], b: [] });
    expect(() => partsSql({ parts: {} })).toThrow(/no part/);
    expect(() => partsSql({ parts: { a: null } })).toThrow(/no part/);
  });
});
