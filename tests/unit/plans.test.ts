/**
 * Plans kept by statement text (src/lib/engine/plans.ts), run against native DuckDB the way the browser's engine
 * runs them: `before` as one batch, then `run`.
 */
import { describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { PlanCache, dropsTables, keepable } from '../../src/lib/engine/plans';
import { toRows } from '../../src/lib/engine/rows';

async function ask(engine: NodeEngine, cache: PlanCache, sql: string) {
  return toRows(await engine.query(await cache.statement(sql, (batch) => engine.query(batch))));
}

describe('PlanCache', () => {
  it('keeps only single SELECT statements; DROP and REPLACE let go of the plans', () => {
    expect(keepable('  WITH a AS (SELECT 1) SELECT * FROM a')).toBe(true);
    expect(keepable('select 1')).toBe(true);
    expect(keepable('SELECT 1; SELECT 2')).toBe(false);
    expect(keepable('CREATE TABLE t AS SELECT 1')).toBe(false);
    expect(dropsTables('CREATE OR REPLACE TABLE t AS SELECT 1')).toBe(true);
    expect(dropsTables('DROP TABLE IF EXISTS t')).toBe(true);
    expect(dropsTables('CREATE TABLE t AS SELECT 1')).toBe(false);
  });

  it('prepares a statement once and executes it from then on, with answers from the current data', async () => {
    const engine = await NodeEngine.create();
    const cache = new PlanCache();
    await engine.query('CREATE TABLE t AS SELECT range AS x FROM range(10)');
    const sql = 'SELECT count(*) AS n, sum(x) AS s FROM t WHERE x >= 5';
    const first = cache.plan(sql);
    expect(first.prepared).toBe(true);
    expect(first.before).toBe(`PREPARE sf_plan_1 AS ${sql}`);
    expect(first.run).toBe('EXECUTE sf_plan_1');
    await engine.query(first.before!);
    expect(toRows(await engine.query(first.run))).toEqual([{ n: 5, s: 35 }]);
    // The second time: no PREPARE, the same name.
    expect(cache.plan(sql)).toEqual({ before: null, run: 'EXECUTE sf_plan_1', prepared: false });
    // A kept plan is named at once, not as a promise: the browser's engine sends it in the same turn (scoped.ts).
    expect(cache.statement(sql, () => Promise.reject(new Error('nothing to run first')))).toBe('EXECUTE sf_plan_1');
    // New rows are counted: only the plan is kept, never an answer.
    await engine.query('INSERT INTO t VALUES (100)');
    expect(await ask(engine, cache, sql)).toEqual([{ n: 6, s: 135 }]);
    // The table replaced (DuckDB binds the plan again) and the plans let go of (DEALLOCATE before the next one).
    await engine.query('CREATE OR REPLACE TABLE t AS SELECT range + 1000 AS x FROM range(3)');
    expect(await ask(engine, cache, sql)).toEqual([{ n: 3, s: 3003 }]);
    cache.clear();
    const again = cache.plan(sql);
    expect(again.before).toBe(`DEALLOCATE sf_plan_1; PREPARE sf_plan_2 AS ${sql}`);
    await engine.query(again.before!);
    await expect(engine.query('EXECUTE sf_plan_1')).rejects.toThrow();
    expect(toRows(await engine.query(again.run))).toEqual([{ n: 3, s: 3003 }]);
    await engine.close();
  });

  it('lets go of the least recently used plan beyond its limit', async () => {
    const engine = await NodeEngine.create();
    const cache = new PlanCache(2);
    expect(await ask(engine, cache, 'SELECT 1 AS v')).toEqual([{ v: 1 }]);
    expect(await ask(engine, cache, 'SELECT 2 AS v')).toEqual([{ v: 2 }]);
    // Using the first makes the second the least recently used.
    expect(await ask(engine, cache, 'SELECT 1 AS v')).toEqual([{ v: 1 }]);
    expect(await ask(engine, cache, 'SELECT 3 AS v')).toEqual([{ v: 3 }]);
    expect(cache.size).toBe(2);
    await expect(engine.query('EXECUTE sf_plan_2')).rejects.toThrow();
    expect(toRows(await engine.query('EXECUTE sf_plan_1'))).toEqual([{ v: 1 }]);
    expect(cache.plan('SELECT 2 AS v').prepared).toBe(true);
    await engine.close();
  });

  it('answers when a plan it lets go of is already gone', async () => {
    const engine = await NodeEngine.create();
    const cache = new PlanCache();
    expect(await ask(engine, cache, 'SELECT 1 AS v')).toEqual([{ v: 1 }]);
    await engine.query('DEALLOCATE sf_plan_1');
    cache.clear();
    // The batch "DEALLOCATE sf_plan_1; PREPARE sf_plan_2 …": DuckDB lets go of a missing name silently.
    expect(await ask(engine, cache, 'SELECT 2 AS v')).toEqual([{ v: 2 }]);
    expect(cache.plan('SELECT 2 AS v').run).toBe('EXECUTE sf_plan_2');
    await engine.close();
  });

  it('runs a statement DuckDB cannot prepare as it is, and a wrong one fails as it would without plans', async () => {
    const engine = await NodeEngine.create();
    const cache = new PlanCache();
    await expect(ask(engine, cache, 'SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    expect(cache.size).toBe(0);
    expect(cache.plan('SELECT * FROM no_such_table')).toEqual({ before: null, run: 'SELECT * FROM no_such_table', prepared: false });
    await engine.close();
  });
});
