/**
 * Issue 5, gender equality: the SQL of src/lib/analysis/equality.ts on hand-made fixtures loaded exactly as a
 * user's file (Dataset + fileFromPath), against hand-computed numbers.
 *
 * tests/fixtures/eq-mh.csv (one certificate per patient, so one episode each; "long" = 120 days, "short" =
 * 30 days; as_of 2025-12-31, after every end, so every episode has ended):
 *   stratum 1  psychiatric F43.8A, age 35 (31-40), start 2025-01-15 (Q1): women 6 long + 4 short, men 2 long + 6 short
 *   stratum 2  musculoskeletal M54.5, age 45 (41-50), start 2025-02-10 (Q1): women 3 long + 5 short (2 of them at 50 %),
 *              men 1 long + 7 short (4 of them at 50 %)
 *   stratum 3  psychiatric F32.1, age 55 (51-60), start 2025-04-07 (Q2): women 2 long + 2 short, men 0 long + 4 short
 *              (an empty cell: c = 0)
 *   stratum 4  somatic J06.9, age 25 (21-30), start 2025-05-05 (Q2): women only, 1 long + 2 short
 *   plus one episode of unknown gender: psychiatric, age 35, long, Q1.
 * tests/fixtures/eq-physicians.csv (all F43.8A, age 35, start 2025-03-03, so one stratum per physician):
 *   Anna Andersson (Vårdcentralen Norr): women 6 long + 4 short, men 3 long + 7 short
 *   Bo Berg (Vårdcentralen Norr): women 5 long + 7 short, men 2 long + 7 short (only 9 men)
 *   Cecilia Carlsson (Vårdcentralen Söder): women 12 long + 3 short, men 3 long + 12 short
 *   David Dahl (Vårdcentralen Öster): women 2 long + 13 short, men 10 long + 5 short
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import type { Engine } from '../../src/lib/engine/types';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { queryRows } from '../../src/lib/engine/rows';
import { queryParts } from '../../src/lib/engine/parts';
import { selectionSql, NO_FILTERS } from '../../src/lib/analysis/filters';
import { summarize, GENDER_STRATA, OVER_90 } from '../../src/lib/analysis/summary';
import { mhSql } from '../../src/lib/analysis/stats';
import { codedList, SEXES_BY_CODE } from '../../src/lib/analysis/dims';
import {
  EQUALITY_COUNTS, coverageSql, direction, genderFiguresSql, genderMedianSql, mhAllSql, mhByGroupSql, mhByProviderSql, mhOverallSql, mhTrendSql,
  type MhPartRow,
  splitGenderMedians, womenShareSql, equalityCountsWith, MIN_EPISODES_PER_GENDER,
  type CoverageRow, type GenderFiguresRow, type KmMedianRow, type MhRow, type ProviderMhRow, type WomenShareRow
} from '../../src/lib/analysis/equality';

const fixture = (name: string) => resolve(__dirname, '..', 'fixtures', name);
const AS_OF = '2025-12-31';

async function load(...files: string[]): Promise<Dataset> {
  const engine = await NodeEngine.create();
  const ds = new Dataset(engine);
  for (const f of files) {
    const report = await ds.addFile(fileFromPath(f));
    if (!report.ok) throw new Error(`fixture ${f} refused`);
    expect(report.rowsRejected).toBe(0);
  }
  await ds.build({ gap: 5, asOf: AS_OF });
  return ds;
}

/** 95 % CI from log OR and its RGB variance. */
function ci(or: number, variance: number): [number, number] {
  const se = Math.sqrt(variance);
  return [Math.exp(Math.log(or) - 1.96 * se), Math.exp(Math.log(or) + 1.96 * se)];
}

/** Robins–Breslow–Greenland variance of log OR_MH from 2×2 tables [a, b, c, d] (hand formula, no SQL). */
function rgbVariance(tables: [number, number, number, number][]): number {
  let R = 0, S = 0, PR = 0, PSQR = 0, QS = 0;
  for (const [a, b, c, d] of tables) {
    const n = a + b + c + d;
    const r = (a * d) / n, s = (b * c) / n, p = (a + d) / n, q = (b + c) / n;
    R += r; S += s; PR += p * r; PSQR += p * s + q * r; QS += q * s;
  }
  return PR / (2 * R * R) + PSQR / (2 * R * S) + QS / (2 * S * S);
}

let mh: Dataset;
let ph: Dataset;
const rel = selectionSql(NO_FILTERS);

beforeAll(async () => {
  mh = await load(fixture('eq-mh.csv'));
  ph = await load(fixture('eq-physicians.csv'));
});

afterAll(async () => {
  await mh?.engine.close();
  await ph?.engine.close();
});

describe('women and men, raw figures', () => {
  it("women's share of the episodes, overall and per diagnosis group", async () => {
    const rows = await queryRows<WomenShareRow>(mh.engine, womenShareSql(rel));
    // all: women 10 + 8 + 4 + 3 = 25, men 8 + 8 + 4 = 20, unknown 1, total 46; share 25 / 45.
    // psychiatric: women 10 + 4 = 14, men 8 + 4 = 12, unknown 1; share 14 / 26. musculoskeletal 8 / 16. somatic 3 / 3.
    expect(rows.map((r) => r.grp)).toEqual(['all', 'musculoskeletal', 'psychiatric', 'somatic']);
    expect(rows[0]).toEqual({ grp: 'all', total: 46, women: 25, men: 20, unknown: 1, share_women: 25 / 45 });
    expect(rows[1]).toEqual({ grp: 'musculoskeletal', total: 16, women: 8, men: 8, unknown: 0, share_women: 0.5 });
    expect(rows[2]).toEqual({ grp: 'psychiatric', total: 27, women: 14, men: 12, unknown: 1, share_women: 14 / 26 });
    expect(rows[3]).toEqual({ grp: 'somatic', total: 3, women: 3, men: 0, unknown: 0, share_women: 1 });
  });

  it('per group, women and men: episodes, share > 90 days, part-time share, net days per episode', async () => {
    const rows = await queryRows<GenderFiguresRow>(mh.engine, genderFiguresSql(rel));
    const get = (g: string, s: string) => rows.find((r) => r.grp === g && r.gender === s);
    expect(rows.map((r) => `${r.grp}|${r.gender}`)).toEqual([
      'all|K', 'all|M', 'musculoskeletal|K', 'musculoskeletal|M', 'psychiatric|K', 'psychiatric|M', 'somatic|K'
    ]);
    // musculoskeletal women: 3 of 8 long = 0.375; part-time 2 of 8 = 0.25;
    //   net days (3·120 + 2·30·0.5 + 3·30) / 8 = (360 + 30 + 90) / 8 = 60.
    expect(get('musculoskeletal', 'K')).toEqual({
      grp: 'musculoskeletal', gender: 'K', episodes: 8, over_90: 0.375, part_time: 0.25, net_days_per_episode: 60
    });
    // musculoskeletal men: 1 of 8 long; part-time 4 of 8; net (120 + 4·15 + 3·30) / 8 = 270 / 8 = 33.75.
    expect(get('musculoskeletal', 'M')).toEqual({
      grp: 'musculoskeletal', gender: 'M', episodes: 8, over_90: 0.125, part_time: 0.5, net_days_per_episode: 33.75
    });
    // psychiatric women: 6 + 2 = 8 long of 14; net (8·120 + 6·30) / 14 = 1140 / 14.
    const pk = get('psychiatric', 'K')!;
    expect(pk.episodes).toBe(14);
    expect(pk.over_90).toBeCloseTo(8 / 14, 12);
    expect(pk.part_time).toBe(0);
    expect(pk.net_days_per_episode).toBeCloseTo(1140 / 14, 10);
    // psychiatric men: 2 long of 12; net (2·120 + 10·30) / 12 = 540 / 12 = 45.
    expect(get('psychiatric', 'M')).toMatchObject({ episodes: 12, part_time: 0, net_days_per_episode: 45 });
    expect(get('psychiatric', 'M')!.over_90).toBeCloseTo(2 / 12, 12);
    // all women: 12 long of 25 = 0.48; part-time 2 / 25 = 0.08; net (12·120 + 11·30 + 2·15) / 25 = 1800 / 25 = 72.
    expect(get('all', 'K')).toEqual({ grp: 'all', gender: 'K', episodes: 25, over_90: 0.48, part_time: 0.08, net_days_per_episode: 72 });
    // all men: 3 of 20 = 0.15; part-time 4 / 20 = 0.2; net (3·120 + 13·30 + 4·15) / 20 = 810 / 20 = 40.5.
    expect(get('all', 'M')).toEqual({ grp: 'all', gender: 'M', episodes: 20, over_90: 0.15, part_time: 0.2, net_days_per_episode: 40.5 });
    // somatic has no men: no row, not a row of zeros.
    expect(get('somatic', 'M')).toBeUndefined();
  });

  it('Kaplan–Meier median per diagnosis group and gender', async () => {
    const rows = splitGenderMedians(await queryRows<KmMedianRow>(mh.engine, genderMedianSql(rel)));
    const med = (g: string, s: string) => rows.find((r) => r.group === g && r.gender === s)?.median;
    // All episodes ended (as_of after every end), so KM is the empirical curve.
    // psychiatric women: 6 of 14 end at day 30 → S(30) = 8/14 > 0.5, S(120) = 0 → median 120.
    expect(med('psychiatric', 'K')).toBe(120);
    // psychiatric men: 10 of 12 end at 30 → S(30) = 2/12 ≤ 0.5 → 30.
    expect(med('psychiatric', 'M')).toBe(30);
    // all women: 13 of 25 end at 30 → S(30) = 12/25 = 0.48 ≤ 0.5 → 30.
    expect(med('all', 'K')).toBe(30);
    expect(rows.find((r) => r.group === 'psychiatric' && r.gender === 'K')).toMatchObject({ n: 14, events: 14 });
    expect(rows.map((r) => r.grp)).toEqual([
      'all|K', 'all|M', 'musculoskeletal|K', 'musculoskeletal|M', 'psychiatric|K', 'psychiatric|M', 'somatic|K'
    ]);
  });

  it('coverage: what the data holds for the adjustment', async () => {
    const [c] = await queryRows<CoverageRow>(mh.engine, coverageSql(rel));
    expect(c).toEqual({ total: 46, known_gender: 45, known_age: 46, valid_diagnosis: 46 });
  });
});

describe('Mantel–Haenszel odds ratio of > 90 days, women vs men', () => {
  it('overall, three strata (diagnosis group × age band), one with an empty cell, one with women only', async () => {
    const [row] = await queryRows<MhRow>(mh.engine, mhOverallSql(rel));
    // Stratum 1 (a, b, c, d) = (6, 4, 2, 6), n 18: R1 = 6·6/18 = 2,      S1 = 4·2/18 = 4/9.
    // Stratum 2 (3, 5, 1, 7), n 16:            R2 = 3·7/16 = 21/16,  S2 = 5·1/16 = 5/16.
    // Stratum 3 (2, 2, 0, 4), n 8:             R3 = 2·4/8 = 1,       S3 = 2·0/8 = 0   (empty cell still counts in R).
    // Stratum 4 has no men and contributes nothing; the unknown-gender episode is ignored.
    // R = 2 + 21/16 + 1 = 69/16 = 4.3125; S = 4/9 + 5/16 = 109/144; OR = (69/16)·(144/109) = 621/109 = 5.697248.
    expect(row.estimate).toBeCloseTo(621 / 109, 12);
    // RGB, with P = (a+d)/n, Q = (b+c)/n: P1 = 2/3, Q1 = 1/3; P2 = 10/16, Q2 = 6/16; P3 = 6/8, Q3 = 2/8.
    //   ΣPR = (2/3)·2 + (10/16)(21/16) + (6/8)·1 = 1.333333 + 0.820313 + 0.75 = 2.903646
    //   Σ(PS + QR) = (2/3)(4/9) + (1/3)·2 + (10/16)(5/16) + (6/16)(21/16) + 0 + (2/8)·1
    //              = 0.296296 + 0.666667 + 0.195313 + 0.492188 + 0.25 = 1.900463
    //   ΣQS = (1/3)(4/9) + (6/16)(5/16) + 0 = 0.148148 + 0.117188 = 0.265336
    //   Var = 2.903646/(2·4.3125²) + 1.900463/(2·4.3125·0.756944) + 0.265336/(2·0.756944²)
    //       = 0.078064 + 0.291098 + 0.231546 = 0.600708; se = 0.775053
    //   CI = exp(ln 5.697248 ∓ 1.96·0.775053) = exp(1.739929 ∓ 1.519104) = 1.247173 – 26.025763
    const variance = (4 / 3 + (10 / 16) * (21 / 16) + 0.75) / (2 * (69 / 16) ** 2)
      + ((2 / 3) * (4 / 9) + 2 / 3 + (10 / 16) * (5 / 16) + (6 / 16) * (21 / 16) + 0.25) / (2 * (69 / 16) * (109 / 144))
      + ((1 / 3) * (4 / 9) + (6 / 16) * (5 / 16)) / (2 * (109 / 144) ** 2);
    expect(variance).toBeCloseTo(rgbVariance([[6, 4, 2, 6], [3, 5, 1, 7], [2, 2, 0, 4]]), 12);
    expect(variance).toBeCloseTo(0.600708, 5);
    const [lo, hi] = ci(621 / 109, variance);
    expect(row.ci_low).toBeCloseTo(lo, 10);
    expect(row.ci_high).toBeCloseTo(hi, 10);
    expect(row.ci_low).toBeCloseTo(1.247173, 5);
    expect(row.ci_high).toBeCloseTo(26.025763, 4);
    // Women 10 + 8 + 4 = 22 and men 8 + 8 + 4 = 20 in the three strata with both genders.
    expect(row).toMatchObject({ grp: 'all', women: 22, men: 20, strata_used: 3 });
    expect(direction(row)).toBe('higher');
  });

  it('within each diagnosis group (strata = age band): a two-stratum example with an empty cell', async () => {
    const rows = await queryRows<MhRow>(mh.engine, mhByGroupSql(rel));
    expect(rows.map((r) => r.grp)).toEqual(['musculoskeletal', 'psychiatric', 'somatic']);
    const psy = rows[1];
    // psychiatric: strata 31-40 (6, 4, 2, 6) and 51-60 (2, 2, 0, 4):
    //   R = 2 + 1 = 3, S = 4/9 + 0 = 4/9, OR = 27/4 = 6.75.
    //   ΣPR = (2/3)·2 + (6/8)·1 = 25/12; Σ(PS+QR) = 8/27 + 2/3 + 1/4 = 1.212963; ΣQS = 4/27;
    //   Var = (25/12)/(2·9) + 1.212963/(2·3·4/9) + (4/27)/(2·16/81) = 0.115741 + 0.454861 + 0.375 = 0.945602
    expect(psy.estimate).toBeCloseTo(6.75, 12);
    const v = (25 / 12) / 18 + (8 / 27 + 2 / 3 + 1 / 4) / (2 * 3 * (4 / 9)) + (4 / 27) / (2 * (4 / 9) ** 2);
    expect(v).toBeCloseTo(rgbVariance([[6, 4, 2, 6], [2, 2, 0, 4]]), 12);
    expect(v).toBeCloseTo(0.945602, 6);
    const [lo, hi] = ci(6.75, v);
    expect(psy.ci_low).toBeCloseTo(lo, 10);
    expect(psy.ci_high).toBeCloseTo(hi, 10);
    // exp(ln 6.75 − 1.96·√0.945602) = exp(1.909543 − 1.905943) = 1.003605: just above 1, so "higher".
    expect(psy.ci_low).toBeCloseTo(1.003605, 5);
    expect(psy).toMatchObject({ women: 14, men: 12, strata_used: 2 });
    expect(direction(psy)).toBe('higher');
    // musculoskeletal: one stratum (3, 5, 1, 7): OR = (3·7)/(5·1) = 4.2, Var = 1/3 + 1/5 + 1/1 + 1/7 = 1.676190;
    //   CI = exp(ln 4.2 ∓ 1.96·1.294677) = 0.332045 – 53.125281 → includes 1.
    const ms = rows[0];
    expect(ms.estimate).toBeCloseTo(4.2, 12);
    const [mlo, mhi] = ci(4.2, 1 / 3 + 1 / 5 + 1 + 1 / 7);
    expect(ms.ci_low).toBeCloseTo(mlo, 10);
    expect(ms.ci_high).toBeCloseTo(mhi, 10);
    expect(direction(ms)).toBeNull();
    // somatic: women only → no estimate, no stratum used.
    expect(rows[2]).toEqual({ grp: 'somatic', estimate: null, ci_low: null, ci_high: null, women: 0, men: 0, strata_used: 0 });
  });

  it('trend per start quarter', async () => {
    const rows = await queryRows<MhRow>(mh.engine, mhTrendSql(rel));
    expect(rows.map((r) => r.grp)).toEqual(['2025-Q1', '2025-Q2']);
    // Q1 holds strata 1 and 2: R = 2 + 21/16 = 53/16, S = 109/144, OR = 53·9/109 = 477/109 = 4.376147.
    const q1 = rows[0];
    expect(q1.estimate).toBeCloseTo(477 / 109, 12);
    const [lo, hi] = ci(477 / 109, rgbVariance([[6, 4, 2, 6], [3, 5, 1, 7]]));
    expect(q1.ci_low).toBeCloseTo(lo, 10);
    expect(q1.ci_high).toBeCloseTo(hi, 10);
    expect(q1.ci_low).toBeCloseTo(0.891634, 5);
    expect(q1.ci_high).toBeCloseTo(21.478172, 4);
    expect(q1).toMatchObject({ women: 18, men: 16, strata_used: 2 });
    // Q2: stratum 3 has S = 0 (no long episode among men) and stratum 4 no men → no estimate.
    expect(rows[1]).toEqual({ grp: '2025-Q2', estimate: null, ci_low: null, ci_high: null, women: 4, men: 4, strata_used: 1 });
  });

  it('mhAllSql gives the three tables of their own statements from one count of the selection', async () => {
    const close = (a: number | null, b: number | null) =>
      a === null || b === null ? expect(a).toBe(b) : expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b));
    const check = async (engine: Engine, r: string) => {
      const all = await queryRows<MhPartRow>(engine, mhAllSql(r));
      const parts = { overall: mhOverallSql(r), group: mhByGroupSql(r), trend: mhTrendSql(r) };
      for (const [name, sql] of Object.entries(parts)) {
        const want = await queryRows<MhRow>(engine, sql);
        const got = all.filter((x) => x.part === name);
        expect(got.map((x) => [x.grp, x.women, x.men, x.strata_used])).toEqual(want.map((x) => [x.grp, x.women, x.men, x.strata_used]));
        got.forEach((x, i) => { for (const k of ['estimate', 'ci_low', 'ci_high'] as const) close(x[k], want[i][k]); });
      }
      return all.length;
    };
    expect(await check(mh.engine, rel)).toBeGreaterThan(2);
    const sample = await load(resolve(__dirname, '..', '..', 'data-samples', 'intyg-exempel.csv'));
    try {
      expect(await check(sample.engine, rel)).toBeGreaterThan(10);
      await check(sample.engine, selectionSql({ ...NO_FILTERS, genders: ['K'] }));
      await check(sample.engine, selectionSql({ ...NO_FILTERS, from: '2024-07-01', to: '2024-12-31' }));
    } finally {
      await sample.engine.close();
    }
  });

  it("equals the CLI summary's gender.mh_odds_ratio_over_90 (fixture, sample data, and a filtered period)", async () => {
    // The very same SQL text as summarize() runs for the CLI …
    expect(mhOverallSql(rel)).toBe(mhSql(rel, { outcome: OVER_90, strata: codedList(GENDER_STRATA), sexes: SEXES_BY_CODE }));
    // … so the numbers agree; DuckDB's parallel sums may add in another order from one run to the next, which
    // can move the last bit or two of a double, hence a relative tolerance of 1e-12 rather than toBe.
    const same = (a: { estimate: number | null; ci_low: number | null; ci_high: number | null }, b: MhRow) => {
      for (const k of ['estimate', 'ci_low', 'ci_high'] as const) {
        expect(a[k]).not.toBeNull();
        expect(Math.abs(a[k]! - b[k]!) / b[k]!).toBeLessThan(1e-12);
      }
    };
    const [row] = await queryRows<MhRow>(mh.engine, mhOverallSql(rel));
    same((await summarize(mh)).gender.mh_odds_ratio_over_90, row);
    expect(row.estimate).toBeCloseTo(621 / 109, 12);

    const sample = await load(resolve(__dirname, '..', '..', 'data-samples', 'intyg-exempel.csv'));
    try {
      const [all] = await queryRows<MhRow>(sample.engine, mhOverallSql(rel));
      same((await summarize(sample)).gender.mh_odds_ratio_over_90, all);
      const filters = { ...NO_FILTERS, from: '2024-07-01', to: '2024-12-31' };
      const [part] = await queryRows<MhRow>(sample.engine, mhOverallSql(selectionSql(filters)));
      expect(Math.abs(part.estimate! - all.estimate!)).toBeGreaterThan(1e-6);
      same((await summarize(sample, filters)).gender.mh_odds_ratio_over_90, part);
    } finally {
      await sample.engine.close();
    }
  });
});

describe('per physician and per unit', () => {
  it('estimates only where each gender has ≥ 10 episodes; ordered by name; marks CIs that exclude 1', async () => {
    expect(MIN_EPISODES_PER_GENDER).toBe(10);
    const rows = await queryRows<ProviderMhRow>(ph.engine, mhByProviderSql(rel, 'physician'));
    // Ordered by name, not by estimate (Carlsson 16 > Andersson 3.5 > Dahl 0.077).
    expect(rows.map((r) => r.id)).toEqual(['Anna Andersson', 'Bo Berg', 'Cecilia Carlsson', 'David Dahl']);
    const [a, b, c, d] = rows;
    // Andersson (6, 4, 3, 7): OR = 6·7/(4·3) = 3.5; Var = 1/6 + 1/4 + 1/3 + 1/7 = 0.892857, se = 0.944911;
    //   CI = exp(ln 3.5 ∓ 1.852025) = 0.549216 – 22.304510 → includes 1, not marked.
    expect(a).toMatchObject({ women: 10, men: 10, enough: true, women_used: 10, men_used: 10, strata_used: 1, differs: null });
    expect(a.estimate).toBeCloseTo(3.5, 12);
    const [alo, ahi] = ci(3.5, 1 / 6 + 1 / 4 + 1 / 3 + 1 / 7);
    expect(a.ci_low).toBeCloseTo(alo, 10);
    expect(a.ci_high).toBeCloseTo(ahi, 10);
    expect(a.ci_low).toBeCloseTo(0.549216, 5);
    // Berg has 12 women but only 9 men: no estimate, although (5·7)/(7·2) = 2.5 would be computable.
    expect(b).toEqual({
      id: 'Bo Berg', women: 12, men: 9, enough: false, estimate: null, ci_low: null, ci_high: null,
      women_used: 0, men_used: 0, strata_used: 0, differs: null
    });
    // Carlsson (12, 3, 3, 12): OR = 144/9 = 16; Var = 1/12 + 1/3 + 1/3 + 1/12 = 5/6;
    //   CI = exp(ln 16 ∓ 1.96·0.912871) = 2.673428 – 95.757193 → above 1: 'higher'.
    expect(c.estimate).toBeCloseTo(16, 12);
    const [clo, chi] = ci(16, 5 / 6);
    expect(c.ci_low).toBeCloseTo(clo, 10);
    expect(c.ci_high).toBeCloseTo(chi, 10);
    expect(c.ci_low).toBeCloseTo(2.673428, 5);
    expect(c.differs).toBe('higher');
    // Dahl (2, 13, 10, 5): OR = 10/130 = 1/13; Var = 1/2 + 1/13 + 1/10 + 1/5 = 0.876923;
    //   CI = exp(ln(1/13) ∓ 1.96·0.936442) = 0.012273 – 0.482139 → below 1: 'lower'.
    expect(d.estimate).toBeCloseTo(1 / 13, 12);
    const [dlo, dhi] = ci(1 / 13, 1 / 2 + 1 / 13 + 1 / 10 + 1 / 5);
    expect(d.ci_low).toBeCloseTo(dlo, 10);
    expect(d.ci_high).toBeCloseTo(dhi, 10);
    expect(d.ci_high).toBeCloseTo(0.482139, 5);
    expect(d.differs).toBe('lower');
  });

  it('a lower threshold lets Berg in (so the threshold is what keeps him out)', async () => {
    const rows = await queryRows<ProviderMhRow>(ph.engine, mhByProviderSql(rel, 'physician', 9));
    const b = rows.find((r) => r.id === 'Bo Berg')!;
    // (5, 7, 2, 7): OR = 5·7/(7·2) = 2.5.
    expect(b.enough).toBe(true);
    expect(b.estimate).toBeCloseTo(2.5, 12);
  });

  it('per unit', async () => {
    const rows = await queryRows<ProviderMhRow>(ph.engine, mhByProviderSql(rel, 'unit'));
    expect(rows.map((r) => r.id)).toEqual(['Vårdcentralen Norr', 'Vårdcentralen Söder', 'Vårdcentralen Öster']);
    // Norr = Andersson + Berg, one stratum (11, 11, 5, 14): OR = 11·14/(11·5) = 2.8;
    //   Var = 1/11 + 1/11 + 1/5 + 1/14 = 0.453247 → CI 0.748321 – 10.476787.
    const n = rows[0];
    expect(n).toMatchObject({ women: 22, men: 19, enough: true, strata_used: 1, differs: null });
    expect(n.estimate).toBeCloseTo(2.8, 12);
    const [lo, hi] = ci(2.8, 2 / 11 + 1 / 5 + 1 / 14);
    expect(n.ci_low).toBeCloseTo(lo, 10);
    expect(n.ci_high).toBeCloseTo(hi, 10);
    expect(rows[1].estimate).toBeCloseTo(16, 12);
    expect(rows[2].differs).toBe('lower');
  });

  it('the selection narrows the counts: a filter on one unit leaves one row', async () => {
    const rows = await queryRows<ProviderMhRow>(ph.engine,
      mhByProviderSql(selectionSql({ ...NO_FILTERS, units: ['Vårdcentralen Söder'] }), 'physician'));
    expect(rows.map((r) => r.id)).toEqual(['Cecilia Carlsson']);
  });
});

describe('the selection counted once (the view)', () => {
  it('coverage, share and figures from the shared counts equal those computed from the selection', async () => {
    const ds = await load(resolve(__dirname, '..', '..', 'data-samples', 'intyg-exempel.csv'));
    const nogender = await load(fixture('eq-nogender.csv'));
    try {
      const filters = [
        NO_FILTERS, { ...NO_FILTERS, genders: ['K'] }, { ...NO_FILTERS, ageBands: ['unknown', '31-40'] },
        { ...NO_FILTERS, groups: ['psychiatric'], genders: [''] }, { ...NO_FILTERS, units: ['no such unit'] }
      ];
      for (const d of [mh, ph, ds, nogender]) {
        for (const f of filters) {
          const r = selectionSql(f);
          const builders = [coverageSql, womenShareSql, genderFiguresSql];
          const direct = await Promise.all(builders.map((b) => queryRows(d.engine, b(r))));
          const shared = await queryParts(d.engine, { with: equalityCountsWith(r),
            parts: { coverage: coverageSql(EQUALITY_COUNTS), share: womenShareSql(EQUALITY_COUNTS), figures: genderFiguresSql(EQUALITY_COUNTS) } });
          expect([shared.coverage, shared.share, shared.figures]).toEqual(direct);
        }
      }
      // Not vacuous: the sample has women and men in several groups, and the empty selection counts 0.
      const share = await queryRows<WomenShareRow>(ds.engine, womenShareSql(rel));
      expect(share.length).toBeGreaterThan(3);
      expect(share[0].women).toBeGreaterThan(0);
      const none = await queryParts(ds.engine, { with: equalityCountsWith(selectionSql({ ...NO_FILTERS, units: ['no such unit'] })),
        parts: { coverage: coverageSql(EQUALITY_COUNTS) } });
      expect(none.coverage).toEqual([{ total: 0, known_gender: 0, known_age: 0, valid_diagnosis: 0 }]);
    } finally {
      await ds.engine.close();
      await nogender.engine.close();
    }
  });
});

describe('data without gender or age', () => {
  it('says what is missing: no known gender, no age, and no estimate anywhere', async () => {
    // tests/fixtures/eq-nogender.csv: 4 episodes, no gender or age column and no personnummer; one blank diagnosis.
    const ds = await load(fixture('eq-nogender.csv'));
    try {
      const [c] = await queryRows<CoverageRow>(ds.engine, coverageSql(rel));
      expect(c).toEqual({ total: 4, known_gender: 0, known_age: 0, valid_diagnosis: 3 });
      const [overall] = await queryRows<MhRow>(ds.engine, mhOverallSql(rel));
      // No row with gender K or M: mhSql has nothing to group, so no row at all (the view then says "too few").
      expect(overall ?? null).toBeNull();
      const share = await queryRows<WomenShareRow>(ds.engine, womenShareSql(rel));
      expect(share[0]).toEqual({ grp: 'all', total: 4, women: 0, men: 0, unknown: 4, share_women: null });
      expect(await queryRows(ds.engine, genderFiguresSql(rel))).toEqual([]);
      expect(await queryRows(ds.engine, mhByProviderSql(rel, 'physician'))).toEqual([]);
    } finally {
      await ds.engine.close();
    }
  });
});
