/**
 * Durations on tests/fixtures/dur-km.csv, as_of 2025-06-30. The 12 episodes (one per patient; P04, P06 and P11
 * have two certificates each, back to back):
 *
 *   patient gender start       planned end  length  km_days event  degree  quarter  diagnosis
 *   P01     K      2025-01-01  2025-01-10    10      10     yes    100     2025-Q1  F43.8A
 *   P02     M      2025-01-01  2025-01-20    20      20     yes    100     2025-Q1  M54.5
 *   P03     K      2025-02-01  2025-02-20    20      20     yes     50     2025-Q1  F32.1
 *   P04     K      2025-06-11  2025-07-31    51      20     no     100     2025-Q2  F43.2   (20 = 06-11..06-30)
 *   P05     M      2025-03-01  2025-03-30    30      30     yes    100     2025-Q1  J06.9
 *   P06     K      2025-01-01  2025-04-30   120     120     yes     50     2025-Q1  F43.8A  (59 d 100 % + 61 d 50 %)
 *   P07     M      2025-04-01  2025-08-31   153      91     no     100     2025-Q2  S52.5   (30+31+30 = 91)
 *   P08     K      2025-04-02  2025-09-30   182      90     no      75     2025-Q2  F43.8A  (29+31+30 = 90)
 *   P09     K      2025-04-03  2025-07-15   104      89     no      25     2025-Q2  F41.1   (28+31+30 = 89)
 *   P10     M      2024-10-01  2025-01-31   123     123     yes    100     2024-Q4  M51.1
 *   P11     K      2024-06-01  2025-12-31   579     395     no      50     2024-Q2  F43.8A  (214 d 100 % + 365 d 50 %)
 *   P12     M      2025-04-05  2025-04-24    20      20     yes    100     2025-Q2  R53
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryRows } from '../../src/lib/engine/rows';
import type { Row } from '../../src/lib/engine/types';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { selectionSql } from '../../src/lib/analysis/filters';
import { NO_FILTERS } from '../../src/lib/analysis/filters';
import {
  certificatesSql, degreesSql, kmCurveUpToSql, kmMediansSql, lengthBandsSql, maxKmDaysSql, netDaysByQuarterSql,
  DURATION_KM, KM_SPLITS, kmGroupExpr,
  DURATION_COUNTS, durationCountsWith, durationHeadSql, type DurationSource,
  partTimeSql, thresholdByQuarterSql, watchListSql, type CountRow, type NetDaysRow, type PartTimeRow,
  type ThresholdRow, type WatchRow
} from '../../src/lib/analysis/durations';
import { kmAtSql, kmStepsWith, type KmCurveRow, type KmMedianRow } from '../../src/lib/analysis/stats';
import { queryParts } from '../../src/lib/engine/parts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const AS_OF = '2025-06-30';

let engine: NodeEngine;
let ds: Dataset;
const rel = selectionSql(NO_FILTERS);

beforeAll(async () => {
  engine = await NodeEngine.create();
  ds = new Dataset(engine);
  const report = await ds.addFile(fileFromPath(fixture('dur-km.csv')));
  expect(report.ok && report.rowsAccepted).toBe(15);
  // as_of by default = the latest start date: P04's second certificate starts 2025-06-30.
  const built = await ds.build({ gap: 5, asOf: null });
  expect(built.asOf).toBe(AS_OF);
});

afterAll(async () => {
  await engine?.close();
});

function cell(rows: CountRow[], key: string, grp: string) {
  const r = rows.find((x) => x.key === key && x.grp === grp);
  if (!r) throw new Error(`no row ${key}/${grp}`);
  return r;
}

describe('Kaplan–Meier through the fixture (ties and censoring)', () => {
  // km times (* = censored): 10, 20, 20, 20, 20*, 30, 89*, 90*, 91*, 120, 123, 395*.
  // t=10:  n=12, d=1          S = 11/12
  // t=20:  n=11, d=3, c=1     S = 11/12 · 8/11 = 2/3   (events before the censoring at 20: P04 is at risk at 20)
  // t=30:  n=7,  d=1          S = 2/3 · 6/7 = 4/7
  // t=89, 90, 91: censorings only (n = 6, 5, 4)
  // t=120: n=3,  d=1          S = 4/7 · 2/3 = 8/21 = 0.381 ≤ 0.5 → median 120
  // t=123: n=2,  d=1          S = 8/21 · 1/2 = 4/21
  // t=395: n=1, censored.
  it('curve: S, risk sets, band', async () => {
    const rows = await queryRows<KmCurveRow>(engine, kmCurveUpToSql(rel, 'none'));
    expect(rows.map((r) => r.t)).toEqual([0, 10, 20, 30, 89, 90, 91, 120, 123, 395]);
    expect(rows.map((r) => r.n_risk)).toEqual([12, 12, 11, 7, 6, 5, 4, 3, 2, 1]);
    expect(rows.map((r) => r.n_event)).toEqual([0, 1, 3, 1, 0, 0, 0, 1, 1, 0]);
    expect(rows.map((r) => r.n_censored)).toEqual([0, 0, 1, 0, 1, 1, 1, 0, 0, 1]);
    const s = [1, 11 / 12, 2 / 3, 4 / 7, 4 / 7, 4 / 7, 4 / 7, 8 / 21, 4 / 21, 4 / 21];
    rows.forEach((r, i) => expect(r.surv).toBeCloseTo(s[i], 12));
    // Band at t = 20: Greenwood Σ = 1/(12·11) + 3/(11·8) = 0.0075758 + 0.0340909 = 0.0416667;
    //   se(log(−log S)) = √0.0416667 / |ln(2/3)| = 0.2041241 / 0.4054651 = 0.5034338;
    //   lower = (2/3)^exp(1.96·0.5034338) = (2/3)^2.6824 = 0.33701; upper = (2/3)^exp(−0.98673) = (2/3)^0.37280 = 0.85971.
    expect(rows[2].lower).toBeCloseTo(0.33701, 4);
    expect(rows[2].upper).toBeCloseTo(0.85971, 4);
    // Up to day 100 only: the rows after 91 are cut.
    const cut = await queryRows<KmCurveRow>(engine, kmCurveUpToSql(rel, 'none', 100));
    expect(cut.map((r) => r.t)).toEqual([0, 10, 20, 30, 89, 90, 91]);
    expect((await queryRows<{ max_days: number }>(engine, maxKmDaysSql(rel)))[0].max_days).toBe(395);
  });

  it('median 120 with CI 20 – not reached', async () => {
    const [m] = await queryRows<KmMedianRow>(engine, kmMediansSql(rel, 'none'));
    // ci_low: at t=10 lower = (11/12)^exp(1.96·√(1/132)/|ln(11/12)|) = (11/12)^exp(1.96·1.000315) = (11/12)^7.1034 = 0.539 > 0.5;
    //   at t=20 lower = 0.337 ≤ 0.5 → 20.
    // ci_high: upper at 120: Σ = 0.0416667 + 1/42 + 1/6 = 0.2321429, se = 0.4818121/0.9650809 = 0.4992450,
    //   upper = (8/21)^exp(−0.978520) = (8/21)^0.375877 = 0.6958 > 0.5; at 123: Σ = 0.7321429,
    //   se = 0.8556534/1.6582281 = 0.5160035, upper = (4/21)^exp(−1.011367) = (4/21)^0.363731 = 0.5471 > 0.5;
    //   no later event → never reached (NULL).
    expect(m).toEqual({ grp: 'all', n: 12, events: 7, median: 120, ci_low: 20, ci_high: null });
  });

  it('split by gender', async () => {
    // Women: 10, 20, 20*, 89*, 90*, 120, 395*: S(10) = 6/7, S(20) = 6/7·5/6 = 5/7, at 120 n = 2 (P06, P11):
    //   S(120) = 5/7·1/2 = 5/14 → median 120.
    // Men: 20, 20, 30, 91*, 123: S(20)=3/5, S(30)=3/5·2/3=2/5 → median 30.
    const rows = await queryRows<KmMedianRow>(engine, kmMediansSql(rel, 'gender'));
    expect(rows.map((r) => [r.grp, r.n, r.events, r.median])).toEqual([['K', 7, 3, 120], ['M', 5, 4, 30]]);
    const curve = await queryRows<KmCurveRow>(engine, kmCurveUpToSql(rel, 'gender'));
    const k120 = curve.find((r) => r.grp === 'K' && r.t === 120)!;
    expect(k120.surv).toBeCloseTo(5 / 14, 12);
  });

  it('the view reads its curve, medians and table from steps computed once in one statement: the same rows', async () => {
    const days = [30, 90, 180, 365];
    for (const split of KM_SPLITS) {
      const shared = await queryParts(engine, {
        with: kmStepsWith(DURATION_KM, rel, { group: kmGroupExpr(split) }),
        parts: { max: maxKmDaysSql(DURATION_KM), curve: kmCurveUpToSql(DURATION_KM, split, 200),
          medians: kmMediansSql(DURATION_KM, split), at: kmAtSql(DURATION_KM, { days }) }
      });
      expect(shared.max, split).toEqual(await queryRows(engine, maxKmDaysSql(rel)));
      expect(shared.curve, split).toEqual(await queryRows(engine, kmCurveUpToSql(rel, split, 200)));
      expect(shared.medians, split).toEqual(await queryRows(engine, kmMediansSql(rel, split)));
      expect(shared.at, split).toEqual(await queryRows(engine, kmAtSql(rel, { group: kmGroupExpr(split), days })));
    }
  });
});

describe('share passing day 90 / 180 / 365 per start quarter', () => {
  it('observed where complete, Kaplan–Meier where recent, nothing when too early', async () => {
    const rows = await queryRows<ThresholdRow>(engine, thresholdByQuarterSql(rel, AS_OF));
    const get = (q: string, t: number) => rows.find((r) => r.quarter === q && r.threshold === t)!;
    expect(rows.length).toBe(12);
    // 2024-Q2 (P11, 579 days): quarter end 2024-06-30; + 365 = 2025-06-30 ≤ as_of → all observed, 1/1 passed.
    for (const t of [90, 180, 365]) expect(get('2024-Q2', t)).toMatchObject({ method: 'observed', n: 1, passed: 1, share: 1 });
    // 2024-Q4 (P10, 123 days): 2024-12-31 + 90 = 2025-03-31 and + 180 = 2025-06-29 ≤ as_of → observed 1/1 and 0/1;
    //   + 365 > as_of → KM: P10 ended at 123 so S(365) = 0 → share 0.
    expect(get('2024-Q4', 90)).toMatchObject({ method: 'observed', passed: 1, share: 1 });
    expect(get('2024-Q4', 180)).toMatchObject({ method: 'observed', passed: 0, share: 0 });
    expect(get('2024-Q4', 365)).toMatchObject({ method: 'km', passed: null, share: 0 });
    // 2025-Q1 (P01 10, P02 20, P03 20, P05 30, P06 120): 2025-03-31 + 90 = 2025-06-29 ≤ as_of → 1 of 5 = 0.2;
    //   180, 365: KM, all five ended (by day 120) → S = 0.
    expect(get('2025-Q1', 90)).toMatchObject({ method: 'observed', n: 5, passed: 1, share: 0.2 });
    expect(get('2025-Q1', 180)).toMatchObject({ method: 'km', share: 0 });
    expect(get('2025-Q1', 365)).toMatchObject({ method: 'km', share: 0 });
    // 2025-Q2 (P04 20*, P07 91*, P08 90*, P09 89*, P12 20): KM S(20) = 1 − 1/5 = 0.8, unchanged to day 90
    //   (P07 followed to 91 ≥ 90). Band: Σ = 1/(5·4) = 0.05, se = √0.05/|ln 0.8| = 0.2236068/0.2231436 = 1.0020761,
    //   lower = 0.8^exp(1.96·1.0020761) = 0.8^7.12804 = 0.20380, upper = 0.8^exp(−1.964069) = 0.8^0.140291 = 0.96918.
    const q2 = get('2025-Q2', 90);
    expect(q2).toMatchObject({ method: 'km', n: 5, passed: null });
    expect(q2.share).toBeCloseTo(0.8, 12);
    expect(q2.lower).toBeCloseTo(0.20380, 4);
    expect(q2.upper).toBeCloseTo(0.96918, 4);
    // 180 and 365: nobody followed that far (max km_days 91) and S > 0 → no estimate.
    expect(get('2025-Q2', 180)).toMatchObject({ method: 'none', share: null, lower: null, upper: null });
    expect(get('2025-Q2', 365)).toMatchObject({ method: 'none', share: null });
  });
});

describe('watch list: the next threshold at day 89 / 90 / 91', () => {
  it('lists the ongoing episodes sorted by days left', async () => {
    const rows = await queryRows<WatchRow>(engine, watchListSql(rel, { asOf: AS_OF }));
    // P08 day 90 → 90 reached today (0 left); P09 day 89 → 90, 1 left (reached 2025-07-01);
    // P04 day 20 → 90, 70 left (2025-06-30 + 70 = 2025-09-08); P07 day 91 → 180, 89 left (2025-09-27);
    // P11 day 395 → past 365: no next threshold, listed last.
    expect(rows.map((r) => [r.patient, r.days_so_far, r.next_threshold, r.days_left, r.reached_on])).toEqual([
      ['P08', 90, 90, 0, '2025-06-30'],
      ['P09', 89, 90, 1, '2025-07-01'],
      ['P04', 20, 90, 70, '2025-09-08'],
      ['P07', 91, 180, 89, '2025-09-27'],
      ['P11', 395, null, null, null]
    ]);
    expect(rows[0]).toMatchObject({ diagnosis: 'F43.8A', degree: 75, physician: 'Dr B', unit: 'Enhet Syd', start_date: '2025-04-02', end_date: '2025-09-30' });
  });

  it('"within N days" keeps days_left ≤ N', async () => {
    const within1 = await queryRows<WatchRow>(engine, watchListSql(rel, { asOf: AS_OF, within: 1 }));
    expect(within1.map((r) => r.patient)).toEqual(['P08', 'P09']);
    const within0 = await queryRows<WatchRow>(engine, watchListSql(rel, { asOf: AS_OF, within: 0 }));
    expect(within0.map((r) => r.patient)).toEqual(['P08']);
    const within89 = await queryRows<WatchRow>(engine, watchListSql(rel, { asOf: AS_OF, within: 89 }));
    expect(within89.map((r) => r.patient)).toEqual(['P08', 'P09', 'P04', 'P07']);
  });

  it('boundaries 180/181 and 365/366, and only episodes started by as_of', async () => {
    await engine.query(`CREATE OR REPLACE TEMP TABLE w AS SELECT * FROM (VALUES
      (1, 'a', 180), (2, 'b', 181), (3, 'c', 365), (4, 'd', 366), (5, 'e', 1), (6, 'f', 0)) v(episode_id, patient, km_days)`);
    const wrel = `(SELECT episode_id, patient, km_days, true AS ongoing,
      CASE WHEN km_days = 0 THEN DATE '2025-07-01' ELSE DATE '2025-01-01' END AS start_date, DATE '2025-12-31' AS end_date,
      NULL::VARCHAR AS diagnosis, NULL::INTEGER AS degree, NULL::VARCHAR AS physician, NULL::VARCHAR AS unit FROM w)`;
    const rows = await queryRows<WatchRow>(engine, watchListSql(wrel, { asOf: AS_OF }));
    // 365 → 365 today (0) and 180 → 180 today (0) (ties: the longest first); 181 → 365 (184); 1 → 90 (89); 366 → none; 'f' starts after as_of → left out.
    expect(rows.map((r) => [r.patient, r.next_threshold, r.days_left])).toEqual([
      ['c', 365, 0], ['a', 180, 0], ['e', 90, 89], ['b', 365, 184], ['d', null, null]
    ]);
  });
});

/**
 * A durations count figure computed from the selection in one statement and from the counts shared by
 * `durationCountsWith` (as the view reads it, next to another figure); the two must agree. Returns the rows.
 */
async function counted<T extends Row>(sql: (src: DurationSource) => string, r = rel, e: NodeEngine = engine): Promise<T[]> {
  const direct = await queryRows<T>(e, sql({ rel: r }));
  const shared = await queryParts(e, { with: durationCountsWith(r), parts: { figure: sql(DURATION_COUNTS), head: durationHeadSql(DURATION_COUNTS) } });
  expect(shared.figure).toEqual(direct);
  return direct;
}

describe('length bands, degree, certificates, net days', () => {
  it('the head counts: episodes, unknown gender, with a diagnosis', async () => {
    const [h] = await counted<{ n: number; unknown_gender: number; with_diagnosis: number }>(durationHeadSql);
    const want = (await queryRows<{ n: number; u: number; d: number }>(engine,
      `SELECT count(*) AS n, count(*) FILTER (WHERE gender IS NULL) AS u, count(diagnosis) AS d FROM ${rel}`))[0];
    expect(h).toEqual({ n: 12, unknown_gender: want.u, with_diagnosis: want.d });
    const [women] = await counted<{ n: number; unknown_gender: number; with_diagnosis: number }>(durationHeadSql,
      `(SELECT * FROM episodes WHERE gender = 'K')`);
    expect(women.n).toBe(7);
  });

  it('length bands per Total / Women / Men with shares', async () => {
    const rows = await counted<CountRow>(lengthBandsSql);
    expect(rows.length).toBe(8 * 3);
    // 0-14: P01 (K). 15-30: P02 M, P03 K, P05 M, P12 M. 31-60: P04 K. 91-180: P06 K, P07 M, P09 K, P10 M.
    // 181-364: P08 K. 365-730: P11 K. 61-90 and 731+: none. Women 7, men 5, total 12.
    const n = (k: string) => ['total', 'K', 'M'].map((g) => cell(rows, k, g).n);
    expect(n('0-14')).toEqual([1, 1, 0]);
    expect(n('15-30')).toEqual([4, 1, 3]);
    expect(n('31-60')).toEqual([1, 1, 0]);
    expect(n('61-90')).toEqual([0, 0, 0]);
    expect(n('91-180')).toEqual([4, 2, 2]);
    expect(n('181-364')).toEqual([1, 1, 0]);
    expect(n('365-730')).toEqual([1, 1, 0]);
    expect(n('731+')).toEqual([0, 0, 0]);
    expect(cell(rows, '15-30', 'total').share).toBeCloseTo(4 / 12, 12);
    expect(cell(rows, '15-30', 'M').share).toBeCloseTo(3 / 5, 12);
    expect(cell(rows, '91-180', 'K').share).toBeCloseTo(2 / 7, 12);
  });

  it('current degree and part-time share', async () => {
    const rows = await counted<CountRow>(degreesSql);
    // Women: P01 100, P03 50, P04 100, P06 50 (last certificate), P08 75, P09 25, P11 50; men: all 100.
    const n = (k: string) => ['total', 'K', 'M'].map((g) => cell(rows, k, g).n);
    expect(n('25')).toEqual([1, 1, 0]);
    expect(n('50')).toEqual([3, 3, 0]);
    expect(n('75')).toEqual([1, 1, 0]);
    expect(n('100')).toEqual([7, 2, 5]);
    const pt = await counted<PartTimeRow>(partTimeSql);
    // Part time (< 100 %): total 5 of 12, women 5 of 7, men 0 of 5.
    expect(pt.map((r) => [r.grp, r.n, r.part_time])).toEqual([['total', 12, 5], ['K', 7, 5], ['M', 5, 0]]);
    expect(pt[0].share).toBeCloseTo(5 / 12, 12);
    expect(pt[1].share).toBeCloseTo(5 / 7, 12);
    expect(pt[2].share).toBe(0);
  });

  it('certificates per episode', async () => {
    const rows = await counted<CountRow>(certificatesSql);
    // Two certificates: P04, P06, P11 (all women); one: the other nine (4 women, 5 men).
    expect(['total', 'K', 'M'].map((g) => cell(rows, '1', g).n)).toEqual([9, 4, 5]);
    expect(['total', 'K', 'M'].map((g) => cell(rows, '2', g).n)).toEqual([3, 3, 0]);
    expect(cell(rows, '2', 'total').share).toBeCloseTo(0.25, 12);
    expect(rows.filter((r) => !['1', '2'].includes(r.key)).every((r) => r.n === 0)).toBe(true);
  });

  it("certificates per episode from an episode file: its own count, and 'unknown' where the row has none", async () => {
    // wait-rehab.csv: R1 4, R2 3, R3 1, R4 2 certificates ("Antal intyg"); here R3's count is blanked.
    const text = readFileSync(fixture('wait-rehab.csv'), 'utf8').replace('10 dagar;1;100%', '10 dagar;;100%');
    const dir = mkdtempSync(join(tmpdir(), 'dur-'));
    writeFileSync(join(dir, 'rehab.csv'), text);
    const e2 = await NodeEngine.create();
    try {
      const d2 = new Dataset(e2);
      expect((await d2.addFile(fileFromPath(join(dir, 'rehab.csv')))).ok).toBe(true);
      await d2.build({ gap: 5, asOf: '2026-09-30' });
      const direct = await counted<CountRow>(certificatesSql, rel, e2);
      const total = (k: string) => cell(direct, k, 'total').n;
      expect(['1', '2', '3', '4', 'unknown'].map(total)).toEqual([0, 1, 1, 1, 1]);
    } finally {
      await e2.close();
    }
  });

  it('net days by start quarter', async () => {
    const rows = await counted<NetDaysRow>(netDaysByQuarterSql);
    const nd = (q: string) => ['total', 'K', 'M'].map((g) => rows.find((r) => r.quarter === q && r.grp === g)!.net_days);
    // 2024-Q2 P11: 214·1 + 365·0.5 = 396.5 (K). 2024-Q4 P10: 123 (M).
    expect(nd('2024-Q2')).toEqual([396.5, 396.5, 0]);
    expect(nd('2024-Q4')).toEqual([123, 0, 123]);
    // 2025-Q1: P01 10 + P03 20·0.5 + P06 (59 + 61·0.5 = 89.5) = 109.5 (K); P02 20 + P05 30 = 50 (M); total 159.5.
    expect(nd('2025-Q1')).toEqual([159.5, 109.5, 50]);
    // 2025-Q2: P04 51 + P08 182·0.75 = 136.5 + P09 104·0.25 = 26 → 213.5 (K); P07 153 + P12 20 = 173 (M); 386.5.
    expect(nd('2025-Q2')).toEqual([386.5, 213.5, 173]);
  });

  it('follows the shared filters (the relation)', async () => {
    const men = selectionSql({ ...NO_FILTERS, genders: ['M'] });
    const rows = await queryRows<WatchRow>(engine, watchListSql(men, { asOf: AS_OF }));
    expect(rows.map((r) => r.patient)).toEqual(['P07']);
    const [m] = await queryRows<KmMedianRow>(engine, kmMediansSql(men, 'none'));
    expect(m.median).toBe(30);
  });
});
