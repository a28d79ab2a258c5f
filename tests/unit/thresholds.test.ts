/**
 * The share passing day 90 / 180 / 365 per start quarter (`thresholdByQuarterSql`) reads its Kaplan–Meier estimates
 * only for the quarters not yet followed up to the highest threshold, with every time beyond it counted as its day
 * + 1. Here its rows are compared with the estimates read from every episode of every quarter (the builder as it was
 * before, kept below as the reference; fractions to 1e-12, as the products run in another order), on the sample files built with several export dates, with and without a
 * filter, and for other thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { NodeEngine } from '../../src/lib/engine/node';
import type { Dataset } from '../../src/lib/dataset';
import { queryRows } from '../../src/lib/engine/rows';
import { NO_FILTERS, selectionSql } from '../../src/lib/analysis/filters';
import { firstOpenQuarter, thresholdByQuarterSql } from '../../src/lib/analysis/durations';
import { kmAtSql } from '../../src/lib/analysis/stats';
import { byCode } from '../../src/lib/analysis/dims';
import { dateLit, intLit } from '../../src/lib/sql';
import { expectSame, loadFixtures, SAMPLES } from './helpers';

/** thresholdByQuarterSql before: the Kaplan–Meier estimates of every quarter, from all of its episodes' times. */
function reference(rel: string, asOf: string, thresholds: readonly number[]): string {
  const ths = thresholds.map((t, i) => `(${intLit(t)}, ${i + 1})`).join(', ');
  const passed = thresholds.map((t) => `count(*) FILTER (WHERE length_days > ${intLit(t)})`).join(', ');
  const quarter = byCode('start_quarter');
  const end = (d: string) => `CAST(date_trunc('quarter', ${d}) + INTERVAL 3 MONTH AS DATE) - 1`;
  const a = dateLit(asOf);
  return `WITH th AS (SELECT * FROM (VALUES ${ths}) th(threshold, i)),
q AS (
  SELECT ${quarter.name('quarter_code')} AS quarter, ${end('min(start_date)')} AS quarter_end, count(*) AS n,
    max(km_days) AS max_km, [${passed}] AS passed
  FROM ${rel} GROUP BY quarter_code
),
obs AS (SELECT q.quarter, th.threshold, q.passed[th.i] AS passed FROM q CROSS JOIN th),
km AS (${kmAtSql(rel, { group: quarter, days: [...thresholds] })})
SELECT q.quarter, th.threshold, CAST(q.n AS BIGINT) AS n,
  CASE WHEN q.quarter_end + th.threshold <= ${a} THEN 'observed'
       WHEN q.max_km >= th.threshold OR km.surv <= 0 THEN 'km' ELSE 'none' END AS method,
  CASE WHEN q.quarter_end + th.threshold <= ${a} THEN CAST(obs.passed AS BIGINT) END AS passed,
  CASE WHEN q.quarter_end + th.threshold <= ${a} THEN CAST(obs.passed AS DOUBLE) / q.n
       WHEN q.max_km >= th.threshold OR km.surv <= 0 THEN km.surv END AS share,
  CASE WHEN q.quarter_end + th.threshold > ${a} AND (q.max_km >= th.threshold OR km.surv <= 0) THEN km.lower END AS lower,
  CASE WHEN q.quarter_end + th.threshold > ${a} AND (q.max_km >= th.threshold OR km.surv <= 0) THEN km.upper END AS upper
FROM q CROSS JOIN th
LEFT JOIN obs ON obs.quarter = q.quarter AND obs.threshold = th.threshold
LEFT JOIN km ON km.grp = q.quarter AND km.day = th.threshold
ORDER BY q.quarter, th.threshold`;
}

let engine: NodeEngine;
let ds: Dataset;

beforeAll(async () => {
  ({ engine, ds } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(SAMPLES, 'rehabstod-exempel.csv'), 'dur-km.csv'));
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

describe('the first quarter not yet followed up', () => {
  it('is the quarter whose last day + N is after as_of, the next one when it ends exactly N days before', () => {
    // 2025-06-30 − 365 = 2024-06-30, the last day of 2024-Q2: + 365 is not after as_of, so 2024-Q3.
    expect(firstOpenQuarter('2025-06-30', 365)).toBe(20243);
    // 2025-07-01 − 365 = 2024-07-01: 2024-Q3 ends 2024-09-30, + 365 is after as_of.
    expect(firstOpenQuarter('2025-07-01', 365)).toBe(20243);
    // 2026-09-30 − 90 = 2026-07-02: 2026-Q3.
    expect(firstOpenQuarter('2026-09-30', 90)).toBe(20263);
    // 2026-03-31 − 90 = 2025-12-31, the last day of 2025-Q4: the next year's first quarter.
    expect(firstOpenQuarter('2026-03-31', 90)).toBe(20261);
  });
});

describe('share passing the thresholds per start quarter', () => {
  const asOfs = ['2024-12-31', '2025-03-31', '2025-05-15', '2025-06-30', '2025-10-01', '2026-06-30'];
  for (const asOf of asOfs) {
    it(`equals the estimates from every episode, as_of ${asOf}`, async () => {
      await ds.build({ gap: 5, asOf });
      const rels = [selectionSql(NO_FILTERS), selectionSql({ ...NO_FILTERS, genders: ['K'] }), selectionSql({ ...NO_FILTERS, groups: ['psychiatric'] })];
      let kmRows = 0;
      for (const rel of rels) {
        for (const ths of [[90, 180, 365], [30, 60], [14, 400]]) {
          const rows = await queryRows(engine, thresholdByQuarterSql(rel, asOf, ths));
          const expected = await queryRows(engine, reference(rel, asOf, ths));
          expectSame(rows, expected, `${rel} ${ths}`);
          kmRows += rows.filter((r) => r.method === 'km').length;
        }
      }
      // The comparison covers estimates, not only observed shares.
      expect(kmRows).toBeGreaterThan(0);
    });
  }
});
