/**
 * Per-physician and per-unit variation (src/lib/analysis/variation.ts) on hand-built fixtures.
 *
 * tests/fixtures/var-lakare.csv: 205 certificates, one per patient (so one episode each), degree 100 % unless
 * said, all ended before as_of 2026-06-30 (every episode is an event for Kaplan–Meier). Three strata
 * (diagnosis group × gender × coarse age band):
 *   S1 = F43.8A (psychiatric), K, 35 (31-40)     FMB max 372 days (F43.8)
 *   S2 = M54.5  (musculoskeletal), M, 45 (41-50) FMB max 14 days (M54.5)
 *   S3 = Z73.0  (factors), K, 35 (31-40)         no FMB maximum
 * Episodes (count × length in days), unit, start quarter:
 *   Hugo Hög  (var-enhet-a, Q1)  S1: 10×400, 10×120, 5×30          S2: 3×100, 2×10
 *   Lova Låg  (var-enhet-a, Q1)  S1: 2×120, 38×30                   S2: 20×10 at 50 %
 *   Fia Få    (var-enhet-a, Q2)                                     S2: 5×100, 4×10
 *   Anders Ahl(var-enhet-b, Q1)  S1: 5×120, 10×30                   S2: 5×100, 35×10     S3: 5×20
 *   Berit Berg(var-enhet-b, Q2)  S1: 3×120, 17×30                   S2: 2×100, 24×10
 * Stratum totals: S1 100 episodes, 30 longer than 90 days (Hög 20 + Låg 2 + Ahl 5 + Berg 3) → rate 0.30;
 *                 S2 100 episodes, 15 longer than 90 days (Hög 3 + Ahl 5 + Berg 2 + Få 5) → rate 0.15;
 *                 S3 5 episodes, none → rate 0.
 * var-enhet-a.csv / var-enhet-b.csv: the same rows split by unit, without a unit column (the unit is the file's
 * name, 'var-enhet-a' / 'var-enhet-b', the same value the combined file has in its unit column).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryRows } from '../../src/lib/engine/rows';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { ensureFmb } from '../../src/lib/analysis/fmb';
import { NO_FILTERS, selectionSql } from '../../src/lib/analysis/filters';
import { summarize } from '../../src/lib/analysis/summary';
import { chiSquareQuantile, type KmMedianRow, type OeRow } from '../../src/lib/analysis/stats';
import {
  caseMixSql, drillMedianSql, drillOutcomeSql, funnelLines, trendAllSql, unitCaseMixSql, unitTrendSql, variation,
  type CaseMixRow, type TrendRow, type UnitMixRow, type VariationRow
} from '../../src/lib/analysis/variation';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const AS_OF = '2026-06-30';

async function load(names: string[]): Promise<{ engine: NodeEngine; ds: Dataset }> {
  const engine = await NodeEngine.create();
  await ensureFmb(engine);
  const ds = new Dataset(engine);
  for (const n of names) {
    const report = await ds.addFile(fileFromPath(fixture(n)));
    expect(report.ok).toBe(true);
  }
  await ds.build({ gap: 5, asOf: AS_OF });
  return { engine, ds };
}

let engine: NodeEngine;
let ds: Dataset;
const rel = selectionSql(NO_FILTERS);

beforeAll(async () => {
  ({ engine, ds } = await load(['var-lakare.csv']));
});

afterAll(async () => {
  await engine?.close();
});

/** Numbers rounded to 9 significant digits (sums of the same doubles in another order differ in the last bits). */
function rounded<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(9)) : x)));
}

const byId = <T extends { id: string | null }>(rows: T[], id: string): T => {
  const r = rows.find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
};

describe('physicians, outcome > 90 days', () => {
  it('O, E, O/E, limits and flags: one planted high, one planted low, none under 10 episodes', async () => {
    const v = await variation(engine, rel, 'physician', 'over90');
    // Ordered by name, never by ratio.
    expect(v.rows.map((r) => r.id)).toEqual(['Anders Ahl', 'Berit Berg', 'Fia Få', 'Hugo Hög', 'Lova Låg']);
    expect(v.counts).toEqual({ episodes: 205, no_group: 0, excluded: 0, outcome_share: 45 / 205 });

    // Hugo Hög: E = 25·0.30 + 5·0.15 = 7.5 + 0.75 = 8.25; O = 20 + 3 = 23; O/E = 23/8.25 = 2.787879.
    //   99.8 % limit 1 + 3.09/√8.25 = 1 + 3.09/2.872281 = 2.075800 < 2.787879 → 'high'.
    //   95 % limits 1 ± 1.96/2.872281 = 1 ± 0.682384.
    //   Byar 95 % CI: O_low = 23·(1 − 1/207 − 1.96/(3·√23))³ = 23·(1 − 0.004831 − 0.136229)³ = 23·0.858940³
    //   = 23·0.633711 = 14.575; / 8.25 = 1.766696.
    const hog = byId(v.rows, 'Hugo Hög');
    expect(hog.episodes).toBe(30);
    expect(hog.oe_episodes).toBe(30);
    expect(hog.observed).toBe(23);
    expect(hog.expected).toBeCloseTo(8.25, 10);
    expect(hog.ratio).toBeCloseTo(23 / 8.25, 10);
    expect(hog.limit998_high).toBeCloseTo(2.0758, 4);
    expect(hog.limit95_high).toBeCloseTo(1.682384, 6);
    expect(hog.limit95_low).toBeCloseTo(0.317616, 6);
    expect(hog.ci_low).toBeCloseTo(1.766696, 5);
    expect(hog.flag).toBe('high');

    // Lova Låg: E = 40·0.30 + 20·0.15 = 12 + 3 = 15; O = 2; O/E = 0.133333.
    //   99.8 % lower limit 1 − 3.09/√15 = 1 − 3.09/3.872983 = 1 − 0.797835 = 0.202165 > 0.133333 → 'low'.
    const lag = byId(v.rows, 'Lova Låg');
    expect([lag.episodes, lag.observed]).toEqual([60, 2]);
    expect(lag.expected).toBeCloseTo(15, 10);
    expect(lag.ratio).toBeCloseTo(2 / 15, 10);
    expect(lag.limit998_low).toBeCloseTo(0.202165, 6);
    expect(lag.flag).toBe('low');

    // Fia Få: E = 9·0.15 = 1.35; O = 5; O/E = 3.703704 > 1 + 3.09/√1.35 = 1 + 2.659449 = 3.659449, i.e. beyond
    //   the limit, but only 9 episodes → no flag.
    const fa = byId(v.rows, 'Fia Få');
    expect([fa.episodes, fa.observed]).toEqual([9, 5]);
    expect(fa.expected).toBeCloseTo(1.35, 10);
    expect(fa.ratio!).toBeGreaterThan(fa.limit998_high!);
    expect(fa.limit998_high).toBeCloseTo(3.659449, 6);
    expect(fa.flag).toBeNull();

    // Anders Ahl: E = 15·0.30 + 40·0.15 + 5·0 (S3) = 4.5 + 6 = 10.5; O = 5 + 5 = 10; O/E = 0.952381 → none.
    // Berit Berg: E = 20·0.30 + 26·0.15 = 6 + 3.9 = 9.9; O = 3 + 2 = 5; O/E = 0.505051;
    //   lower limit 1 − 3.09/√9.9 = 1 − 0.982066 = 0.017934 < 0.505 → none.
    const ahl = byId(v.rows, 'Anders Ahl');
    expect([ahl.episodes, ahl.observed, ahl.flag]).toEqual([60, 10, null]);
    expect(ahl.expected).toBeCloseTo(10.5, 10);
    const berg = byId(v.rows, 'Berit Berg');
    expect([berg.episodes, berg.observed, berg.flag]).toEqual([46, 5, null]);
    expect(berg.expected).toBeCloseTo(9.9, 10);
    expect(berg.limit998_low).toBeCloseTo(0.017934, 6);
    // Σ E = 8.25 + 15 + 1.35 + 10.5 + 9.9 = 45 = Σ O (indirect standardisation over the whole selection).
    expect(v.rows.reduce((a, r) => a + r.expected, 0)).toBeCloseTo(45, 10);
    expect(v.rows.reduce((a, r) => a + r.observed, 0)).toBe(45);
  });

  it('the descriptive columns: Kaplan–Meier median, share > 90, net days per episode, share over FMB', async () => {
    const v = await variation(engine, rel, 'physician', 'over90');
    const hog = byId(v.rows, 'Hugo Hög');
    // Lengths sorted: 2×10, 5×30, 3×100, 10×120, 10×400 (30, all ended). S ≤ 0.5 once 15 have ended:
    //   after 10: 2, after 30: 7, after 100: 10, after 120: 20 → median 120.
    expect(hog.median).toBe(120);
    expect(hog.over90_share).toBeCloseTo(23 / 30, 12);
    // Net days: 10·400 + 10·120 + 5·30 + 3·100 + 2·10 = 4000 + 1200 + 150 + 300 + 20 = 5670; / 30 = 189.
    expect(hog.net_days_per_episode).toBeCloseTo(189, 10);
    // Over FMB: S1 400 > 372 (10), S2 100 > 14 (3) → 13 of 30 compared.
    expect(hog.fmb_matched).toBe(30);
    expect(hog.over_fmb_share).toBeCloseTo(13 / 30, 12);

    const lag = byId(v.rows, 'Lova Låg');
    // 20×10 (50 %), 38×30, 2×120: 20 ended by day 10, 58 by day 30 → median 30 (S(10) = 40/60 > 0.5).
    expect(lag.median).toBe(30);
    // Net days: 2·120 + 38·30 + 20·10·0.5 = 240 + 1140 + 100 = 1480; / 60 = 24.666667.
    expect(lag.net_days_per_episode).toBeCloseTo(1480 / 60, 10);
    expect(lag.over_fmb_share).toBe(0);

    // Anders Ahl: 5 of his 60 episodes (Z73.0) have no FMB maximum: 55 compared, 5 over (S2 100 > 14).
    const ahl = byId(v.rows, 'Anders Ahl');
    expect(ahl.fmb_matched).toBe(55);
    expect(ahl.over_fmb_share).toBeCloseTo(5 / 55, 12);
    // 35×10, 5×20, 10×30, 5×100, 5×120: 35 of 60 ended by day 10 → S(10) = 25/60 ≤ 0.5 → median 10.
    expect(ahl.median).toBe(10);
  });

  it('equals the CLI summary (summarize().physicians and .units)', async () => {
    const s = await summarize(ds);
    for (const [by, list] of [['physician', s.physicians], ['unit', s.units]] as const) {
      const v = await variation(engine, rel, by, 'over90');
      // Equal to 9 significant digits: DuckDB sums doubles in parallel, so two runs of the same SQL can differ
      // in the last bits (seen: 24.600000000000026 vs 24.600000000000037).
      expect(rounded(v.rows.map((r) => ({
        id: r.id, episodes: r.episodes, observed_over_90: r.observed, expected_over_90: r.expected,
        ratio: r.ratio, flag: r.flag
      })))).toEqual(rounded(list));
      expect(list.length).toBe(by === 'physician' ? 5 : 2);
    }
  });

  it('overdispersion (Spiegelhalter 2005) over the five physicians', async () => {
    const v = await variation(engine, rel, 'physician', 'over90');
    const od = v.overdispersion;
    // z = (O − E)/√E: Hög 14.75/2.872281 = 5.135291; Låg −13/3.872983 = −3.356586; Ahl −0.5/3.240370 = −0.154303;
    //   Berg −4.9/3.146427 = −1.557322; Få 3.65/1.161895 = 3.141420.
    // Sorted: −3.356586, −1.557322, −0.154303, 3.141420, 5.135291. Type-7 percentiles (h = 4p):
    //   p10: h = 0.4 → −3.356586 + 0.4·1.799264 = −2.636880; p90: h = 3.6 → 3.141420 + 0.6·1.993871 = 4.337742.
    // Winsorised z²: 2.636880² = 6.953137, 1.557322² = 2.425253, 0.154303² = 0.023810, 3.141420² = 9.868519,
    //   4.337742² = 18.816009; Σ = 38.086727; φ = 38.086727 / 5 = 7.617345.
    expect(od.groups).toBe(5);
    expect(od.phi!).toBeCloseTo(7.617345, 5);
    // I·φ = 38.09 > χ²(0.95, 4) = 9.487729 → overdispersed.
    expect(chiSquareQuantile(0.95, 4)).toBeCloseTo(9.487729, 5);
    expect(od.overdispersed).toBe(true);
    // τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw), w = E: Σw = 45, Σw² = 8.25² + 15² + 1.35² + 10.5² + 9.9²
    //   = 68.0625 + 225 + 1.8225 + 110.25 + 98.01 = 503.145; Σw²/Σw = 11.181; denominator 33.819;
    //   τ² = (38.086727 − 4) / 33.819 = 1.007916.
    expect(od.tau2).toBeCloseTo(1.007916, 5);
    // Widened 99.8 % limit at E = 8.25: 1 + 3.09·√(1/8.25 + 1.007916) = 1 + 3.09·√1.129128 = 1 + 3.09·1.062605
    //   = 4.283449.
    expect(od.limits(8.25, 3.09).high).toBeCloseTo(1 + 3.09 * Math.sqrt(1 / 8.25 + od.tau2), 12);
    expect(od.limits(8.25, 3.09).high).toBeCloseTo(4.283449, 5);
  });

  it('funnel lines: 1 ± z/√E over a range of E, lower floored at 0, widened with τ²', () => {
    // From E = 1 to E = 100, 3 log-spaced points: 1, 10, 100.
    const lines = funnelLines(1, 100, null, 3);
    expect(lines.map((p) => p.e)).toEqual([1, expect.closeTo(10, 10), expect.closeTo(100, 10)]);
    // E = 1: 1 + 1.96 = 2.96, 1 − 1.96 < 0 → 0; 1 + 3.09 = 4.09.
    expect([lines[0].low95, lines[0].high95, lines[0].low998, lines[0].high998]).toEqual([0, 2.96, 0, 4.09]);
    // E = 100: 1 ± 0.196, 1 ± 0.309.
    expect(lines[2].low95).toBeCloseTo(0.804, 10);
    expect(lines[2].high998).toBeCloseTo(1.309, 10);
    // Without τ² the "widened" limits are the plain ones; with τ² = 0.05 at E = 100: 1 + 3.09·√(0.01 + 0.05).
    expect(lines[2].wideHigh998).toBeCloseTo(1.309, 10);
    const wide = funnelLines(1, 100, { limits: (e, z) => ({ low: Math.max(0, 1 - z * Math.sqrt(1 / e + 0.05)), high: 1 + z * Math.sqrt(1 / e + 0.05) }) }, 3);
    expect(wide[2].wideHigh998).toBeCloseTo(1 + 3.09 * Math.sqrt(0.06), 10);
    expect(wide[2].high998).toBeCloseTo(1.309, 10);
    expect(funnelLines(0, 10, null)).toEqual([]);
  });
});

describe('other outcomes', () => {
  it('> 180 days: only Hög\'s ten 400-day episodes count', async () => {
    const v = await variation(engine, rel, 'physician', 'over180');
    // S1 rate 10/100 = 0.1; S2 and S3 rate 0. Hög: E = 25·0.1 = 2.5, O = 10, O/E = 4;
    //   limit 1 + 3.09/√2.5 = 1 + 1.954301 = 2.954301 → 'high'. Få: E = 0 → ratio NULL, no flag.
    const hog = byId(v.rows, 'Hugo Hög');
    expect(hog.observed).toBe(10);
    expect(hog.expected).toBeCloseTo(2.5, 10);
    expect(hog.ratio).toBeCloseTo(4, 10);
    expect(hog.flag).toBe('high');
    const fa = byId(v.rows, 'Fia Få');
    expect([fa.expected, fa.ratio, fa.flag]).toEqual([0, null, null]);
    // Låg: E = 40·0.1 = 4, O = 0; lower limit 1 − 3.09/2 < 0 → no 'low' flag.
    const lag = byId(v.rows, 'Lova Låg');
    expect(lag.expected).toBeCloseTo(4, 10);
    expect(lag.flag).toBeNull();
  });

  it('over the FMB maximum: episodes without an FMB match are left out', async () => {
    const v = await variation(engine, rel, 'physician', 'overFmb');
    // The 5 Z73.0 episodes (Anders Ahl) have no FMB maximum.
    expect(v.counts.excluded).toBe(5);
    // Over FMB: S1 length > 372: Hög's 10 → rate 10/100 = 0.1; S2 length > 14: the 15 100-day episodes → 0.15.
    // Hög: E = 25·0.1 + 5·0.15 = 3.25, O = 13, O/E = 4; limit 1 + 3.09/√3.25 = 1 + 1.714024 = 2.714024 → 'high'.
    const hog = byId(v.rows, 'Hugo Hög');
    expect([hog.oe_episodes, hog.observed, hog.flag]).toEqual([30, 13, 'high']);
    expect(hog.expected).toBeCloseTo(3.25, 10);
    // Ahl: 55 compared (60 − 5); E = 15·0.1 + 40·0.15 = 1.5 + 6 = 7.5; O = 5.
    const ahl = byId(v.rows, 'Anders Ahl');
    expect([ahl.episodes, ahl.oe_episodes, ahl.observed]).toEqual([60, 55, 5]);
    expect(ahl.expected).toBeCloseTo(7.5, 10);
    // Σ E = 3.25 + 7 (Låg: 4 + 3) + 1.35 + 7.5 + 5.9 (Berg: 2 + 3.9) = 25 = 10 + 15 over FMB.
    expect(v.rows.reduce((a, r) => a + r.expected, 0)).toBeCloseTo(25, 10);
    expect(v.counts.outcome_share).toBeCloseTo(25 / 200, 12);
  });
});

describe('drill-down on one physician', () => {
  it('case mix against everyone else, per diagnosis group × gender × age band', async () => {
    const rows = await queryRows<CaseMixRow>(engine, caseMixSql(rel, 'physician', 'Hugo Hög'));
    const key = (r: CaseMixRow) => `${r.who}|${r.diagnosis_group}|${r.gender}|${r.age_band}`;
    const got = Object.fromEntries(rows.map((r) => [key(r), [r.n, r.share]]));
    // Hög: 25 S1 + 5 S2 = 30 → 25/30, 5/30. Everyone else: 175 = S1 75, S2 95, S3 5.
    expect(got).toEqual({
      'this|psychiatric|K|31-40': [25, expect.closeTo(25 / 30, 12)],
      'this|musculoskeletal|M|41-50': [5, expect.closeTo(5 / 30, 12)],
      'rest|psychiatric|K|31-40': [75, expect.closeTo(75 / 175, 12)],
      'rest|musculoskeletal|M|41-50': [95, expect.closeTo(95 / 175, 12)],
      'rest|factors|K|31-40': [5, expect.closeTo(5 / 175, 12)]
    });
  });

  it('observed against expected per diagnosis group adds up to the physician\'s O and E', async () => {
    const rows = await queryRows<OeRow>(engine, drillOutcomeSql(rel, 'physician', 'Hugo Hög', 'over90'));
    // Psychiatric: 25 episodes, O = 20, E = 25·0.30 = 7.5; musculoskeletal: 5, O = 3, E = 5·0.15 = 0.75.
    expect(rows.map((r) => [r.id, r.episodes, r.observed])).toEqual([['musculoskeletal', 5, 3], ['psychiatric', 25, 20]]);
    expect(rows[0].expected).toBeCloseTo(0.75, 10);
    expect(rows[1].expected).toBeCloseTo(7.5, 10);
    expect(rows[1].ratio).toBeCloseTo(20 / 7.5, 10);
  });

  it('Kaplan–Meier median of theirs against the rest', async () => {
    const rows = await queryRows<KmMedianRow>(engine, drillMedianSql(rel, 'physician', 'Hugo Hög'));
    // Hög: 120 (above). Rest, 175 episodes: 83×10, 5×20, 65×30, 12×100, 10×120. S(10) = 92/175 = 0.526 > 0.5;
    //   S(20) = 87/175 = 0.497 ≤ 0.5 → median 20.
    expect(rows.map((r) => [r.grp, r.n, r.median])).toEqual([['rest', 175, 20], ['this', 30, 120]]);
  });
});

describe('units', () => {
  it('two unit files without a unit column give the same figures as one combined file with a unit column', async () => {
    const two = await load(['var-enhet-a.csv', 'var-enhet-b.csv']);
    try {
      expect(two.ds.files.map((f) => f.defaultUnit)).toEqual(['var-enhet-a', 'var-enhet-b']);
      for (const outcome of ['over90', 'over180', 'overFmb'] as const) {
        for (const by of ['unit', 'physician'] as const) {
          const a = await variation(two.engine, rel, by, outcome);
          const b = await variation(engine, rel, by, outcome);
          expect(rounded(a.rows)).toEqual(rounded(b.rows));
          expect(rounded(a.counts)).toEqual(rounded(b.counts));
          expect(a.overdispersion.phi).toBeCloseTo(b.overdispersion.phi!, 9);
        }
      }
      for (const sql of [unitTrendSql(rel, 'over90'), unitCaseMixSql(rel)]) {
        expect(rounded(await queryRows(two.engine, sql))).toEqual(rounded(await queryRows(engine, sql)));
      }
      expect(rounded((await summarize(two.ds)).units)).toEqual(rounded((await summarize(ds)).units));
    } finally {
      await two.engine.close();
    }
  });

  it('unit O/E: a = Hög + Låg + Få, b = Ahl + Berg', async () => {
    const v = await variation(engine, rel, 'unit', 'over90');
    const [a, b] = v.rows as VariationRow[];
    // a: 30 + 60 + 9 = 99 episodes, O = 23 + 2 + 5 = 30, E = 8.25 + 15 + 1.35 = 24.6, O/E = 1.219512;
    //   limits 1 ± 3.09/√24.6 = 1 ± 0.623004 → none.
    expect([a.id, a.episodes, a.observed, a.flag]).toEqual(['var-enhet-a', 99, 30, null]);
    expect(a.expected).toBeCloseTo(24.6, 10);
    expect(a.limit998_high).toBeCloseTo(1.623004, 6);
    // b: 60 + 46 = 106, O = 10 + 5 = 15, E = 10.5 + 9.9 = 20.4, O/E = 0.735294; lower limit 1 − 0.684138 → none.
    expect([b.id, b.episodes, b.observed, b.flag]).toEqual(['var-enhet-b', 106, 15, null]);
    expect(b.expected).toBeCloseTo(20.4, 10);
    expect(b.ratio).toBeCloseTo(15 / 20.4, 10);
  });

  it('trend: share > 90 days per unit and start quarter, and over all units', async () => {
    const rows = await queryRows<TrendRow>(engine, unitTrendSql(rel, 'over90'));
    // a Q1: Hög 30 (23) + Låg 60 (2) = 90, 25; a Q2: Få 9, 5; b Q1: Ahl 60, 10; b Q2: Berg 46, 5.
    expect(rows).toEqual([
      { unit: 'var-enhet-a', quarter: '2025-Q1', episodes: 90, observed: 25, share: expect.closeTo(25 / 90, 12) },
      { unit: 'var-enhet-a', quarter: '2025-Q2', episodes: 9, observed: 5, share: expect.closeTo(5 / 9, 12) },
      { unit: 'var-enhet-b', quarter: '2025-Q1', episodes: 60, observed: 10, share: expect.closeTo(10 / 60, 12) },
      { unit: 'var-enhet-b', quarter: '2025-Q2', episodes: 46, observed: 5, share: expect.closeTo(5 / 46, 12) }
    ]);
    const all = await queryRows(engine, trendAllSql(rel, 'over90'));
    // Q1: 90 + 60 = 150 episodes, 35; Q2: 9 + 46 = 55, 10.
    expect(all).toEqual([
      { quarter: '2025-Q1', episodes: 150, observed: 35, share: expect.closeTo(35 / 150, 12) },
      { quarter: '2025-Q2', episodes: 55, observed: 10, share: expect.closeTo(10 / 55, 12) }
    ]);
    // FMB outcome: unit b's 5 Z73.0 episodes (Q1) are left out: b Q1 has 55 compared, 5 over FMB.
    const fmb = await queryRows<TrendRow>(engine, unitTrendSql(rel, 'overFmb'));
    expect(fmb.find((r) => r.unit === 'var-enhet-b' && r.quarter === '2025-Q1')).toEqual(
      { unit: 'var-enhet-b', quarter: '2025-Q1', episodes: 55, observed: 5, share: expect.closeTo(5 / 55, 12) });
  });

  it('case-mix profile: share per diagnosis group per unit', async () => {
    const rows = await queryRows<UnitMixRow>(engine, unitCaseMixSql(rel));
    // a: psychiatric 25 + 40 = 65, musculoskeletal 5 + 20 + 9 = 34 (99); b: psychiatric 15 + 20 = 35,
    //   musculoskeletal 40 + 26 = 66, factors 5 (106).
    expect(rows).toEqual([
      { unit: 'var-enhet-a', diagnosis_group: 'musculoskeletal', n: 34, share: expect.closeTo(34 / 99, 12) },
      { unit: 'var-enhet-a', diagnosis_group: 'psychiatric', n: 65, share: expect.closeTo(65 / 99, 12) },
      { unit: 'var-enhet-b', diagnosis_group: 'factors', n: 5, share: expect.closeTo(5 / 106, 12) },
      { unit: 'var-enhet-b', diagnosis_group: 'musculoskeletal', n: 66, share: expect.closeTo(66 / 106, 12) },
      { unit: 'var-enhet-b', diagnosis_group: 'psychiatric', n: 35, share: expect.closeTo(35 / 106, 12) }
    ]);
  });

  it('a filter narrows the comparison: rates are those of the selection', async () => {
    // Only unit b: S1 = Ahl 15 (5 over) + Berg 20 (3) → 8/35; S2 = Ahl 40 (5) + Berg 26 (2) → 7/66; S3 0.
    //   Ahl: E = 15·8/35 + 40·7/66 = 3.428571 + 4.242424 = 7.670996; O = 10.
    const relB = selectionSql({ ...NO_FILTERS, units: ['var-enhet-b'] });
    const v = await variation(engine, relB, 'physician', 'over90');
    expect(v.rows.map((r) => r.id)).toEqual(['Anders Ahl', 'Berit Berg']);
    expect(byId(v.rows, 'Anders Ahl').expected).toBeCloseTo(15 * 8 / 35 + 40 * 7 / 66, 10);
    expect(v.rows.reduce((a, r) => a + r.expected, 0)).toBeCloseTo(15, 10);
  });
});
