import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryRows } from '../../src/lib/engine/rows';
import {
  chiSquareQuantile, DEFAULT_OE_STRATA, kmAtSql, kmCurveSql, kmMedianOnlySql, kmMedianSql, mhSql, oeSql, overdispersion,
  type KmAtRow, type KmCurveRow, type KmMedianOnlyRow, type KmMedianRow, type MhRow, type OeRow
} from '../../src/lib/analysis/stats';

let engine: NodeEngine;

/** Expand (…, k) rows into k identical rows: `cols` are the output columns, the last VALUES column is the count. */
function expanded(values: string, cols: string[]): string {
  return `SELECT ${cols.map((c) => `v.${c}`).join(', ')}
    FROM (VALUES ${values}) v(${[...cols, 'k'].join(', ')}) JOIN range(1000) r(i) ON r.i < v.k`;
}

beforeAll(async () => {
  engine = await NodeEngine.create();
  // KM fixture: times 1,2,2,3*,4,4*,5,6,7*,8 (* = censored); women K: 1,2,4,4*,6,7*; men M: 2,3*,5,8.
  await engine.query(`CREATE TABLE ep AS SELECT * FROM (VALUES
    (1, true, 'K'), (2, true, 'K'), (2, true, 'M'), (3, false, 'M'), (4, true, 'K'),
    (4, false, 'K'), (5, true, 'M'), (6, true, 'K'), (7, false, 'K'), (8, true, 'M')
  ) t(km_days, km_event, gender)`);
  // A curve that never reaches 0.5: 1, 2*, 3*, 4*, 5*.
  await engine.query(`CREATE TABLE ep_long AS SELECT * FROM (VALUES
    (1, true), (2, false), (3, false), (4, false), (5, false)) t(km_days, km_event)`);
});

afterAll(async () => {
  await engine?.close();
});

describe('Kaplan–Meier', () => {
  it('curve: every S(t), risk sets, ties (events before censorings), Greenwood and log–log band', async () => {
    const rows = await queryRows<KmCurveRow>(engine, kmCurveSql('ep'));
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows.map((r) => r.grp)).toEqual(Array(9).fill('all'));
    // n at risk = #{km_days ≥ t}: the censored 4* is still at risk at t = 4.
    expect(rows.map((r) => r.n_risk)).toEqual([10, 10, 9, 7, 6, 4, 3, 2, 1]);
    expect(rows.map((r) => r.n_event)).toEqual([0, 1, 2, 0, 1, 1, 1, 0, 1]);
    expect(rows.map((r) => r.n_censored)).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0]);
    // S: 1; 1·9/10 = 0.9; 0.9·7/9 = 0.7; 0.7 (censoring only); 0.7·5/6 = 7/12; 7/12·3/4 = 7/16;
    //    7/16·2/3 = 7/24; 7/24; 7/24·0/1 = 0.
    const surv = [1, 0.9, 0.7, 0.7, 7 / 12, 7 / 16, 7 / 24, 7 / 24, 0];
    rows.forEach((r, i) => expect(r.surv).toBeCloseTo(surv[i], 12));
    // Greenwood at t = 2: Σ d/(n(n−d)) = 1/(10·9) + 2/(9·7) = 0.0111111 + 0.0317460 = 0.0428571;
    //   se = 0.7·√0.0428571 = 0.7·0.2070197 = 0.1449138.
    expect(rows[2].std_err).toBeCloseTo(0.7 * Math.sqrt(1 / 90 + 2 / 63), 12);
    expect(rows[2].std_err).toBeCloseTo(0.14491376746, 9);
    // at t = 5: Σ = 1/90 + 2/63 + 1/(6·5) + 1/(4·3) = 0.0428571 + 0.0333333 + 0.0833333 = 0.1595238;
    //   se = 7/16·√0.1595238 = 0.4375·0.3994043 = 0.1747394.
    expect(rows[5].std_err).toBeCloseTo((7 / 16) * Math.sqrt(1 / 90 + 2 / 63 + 1 / 30 + 1 / 12), 12);
    expect(rows[5].std_err).toBeCloseTo(0.17473938928, 9);
    // Log–log band at t = 1: se(log(−log S)) = √(1/90)/|ln 0.9| = 0.1054093/0.1053605 = 1.0004630;
    //   lower = 0.9^exp(1.96·1.000463) = 0.9^7.105528 = 0.4729965; upper = 0.9^exp(−1.960907) = 0.9^0.140735 = 0.9852819.
    expect(rows[1].lower).toBeCloseTo(0.47299651183, 9);
    expect(rows[1].upper).toBeCloseTo(0.98528191978, 9);
    // at t = 5: se = √0.1595238/|ln 0.4375| = 0.3994043/0.8266786 = 0.4831446.
    const se5 = Math.sqrt(1 / 90 + 2 / 63 + 1 / 30 + 1 / 12) / Math.abs(Math.log(7 / 16));
    expect(rows[5].lower).toBeCloseTo(Math.pow(7 / 16, Math.exp(1.96 * se5)), 12);
    expect(rows[5].upper).toBeCloseTo(Math.pow(7 / 16, Math.exp(-1.96 * se5)), 12);
    expect(rows[5].lower).toBeCloseTo(0.11871081585, 9);
    expect(rows[5].upper).toBeCloseTo(0.72565284136, 9);
    // S = 1 and S = 0: band [S, S], std err 0.
    expect([rows[0].lower, rows[0].upper, rows[0].std_err]).toEqual([1, 1, 0]);
    expect([rows[8].surv, rows[8].lower, rows[8].upper, rows[8].std_err]).toEqual([0, 0, 0, 0]);
  });

  it('result columns are plain numbers and strings', async () => {
    const table = await engine.query(kmCurveSql('ep', { group: 'gender' }));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'grp:Utf8', 't:Int32', 'n_risk:Int64', 'n_event:Int64', 'n_censored:Int64',
      'surv:Float64', 'std_err:Float64', 'lower:Float64', 'upper:Float64'
    ]);
  });

  it('curve split by group', async () => {
    const rows = await queryRows<KmCurveRow>(engine, kmCurveSql('ep', { group: 'gender' }));
    const k = rows.filter((r) => r.grp === 'K');
    const m = rows.filter((r) => r.grp === 'M');
    expect(rows.map((r) => r.grp)).toEqual([...Array(6).fill('K'), ...Array(5).fill('M')]);
    // Women 1,2,4,4*,6,7*: S = 5/6; 5/6·4/5 = 2/3; 2/3·3/4 = 1/2 (n = 4: 4 and 4* at risk); 1/2·1/2 = 1/4; 1/4.
    expect(k.map((r) => r.t)).toEqual([0, 1, 2, 4, 6, 7]);
    expect(k.map((r) => r.n_risk)).toEqual([6, 6, 5, 4, 2, 1]);
    [1, 5 / 6, 2 / 3, 1 / 2, 1 / 4, 1 / 4].forEach((s, i) => expect(k[i].surv).toBeCloseTo(s, 12));
    // Men 2,3*,5,8: S = 3/4; 3/4; 3/4·1/2 = 3/8; 0.
    expect(m.map((r) => r.t)).toEqual([0, 2, 3, 5, 8]);
    expect(m.map((r) => r.n_risk)).toEqual([4, 4, 3, 2, 1]);
    [1, 3 / 4, 3 / 4, 3 / 8, 0].forEach((s, i) => expect(m[i].surv).toBeCloseTo(s, 12));
    // Men at t = 5: Σ = 1/(4·3) + 1/(2·1) = 0.5833333; se = 3/8·√0.5833333 = 0.2864110.
    expect(m[3].std_err).toBeCloseTo(0.375 * Math.sqrt(1 / 12 + 1 / 2), 12);
  });

  it('median and its CI', async () => {
    const [all] = await queryRows<KmMedianRow>(engine, kmMedianSql('ep'));
    // S(4) = 0.583 > 0.5, S(5) = 0.4375 ≤ 0.5 → median 5.
    // lower band: 0.473 at t = 1 ≤ 0.5 → ci_low 1; upper band: 0.609 at t = 6, 7, 0 at t = 8 → ci_high 8.
    expect(all).toEqual({ grp: 'all', n: 10, events: 7, median: 5, ci_low: 1, ci_high: 8 });
    const byGender = await queryRows<KmMedianRow>(engine, kmMedianSql('ep', { group: 'gender' }));
    // Women: S(4) = 0.5 exactly → median 4; lower(1) = 0.273 → ci_low 1; upper stays ≥ 0.646 → ci_high NULL.
    // Men: S(5) = 0.375 → median 5; lower(2) = 0.128 → ci_low 2; upper(5) = 0.808, upper(8) = 0 → ci_high 8.
    expect(byGender).toEqual([
      { grp: 'K', n: 6, events: 4, median: 4, ci_low: 1, ci_high: null },
      { grp: 'M', n: 4, events: 3, median: 5, ci_low: 2, ci_high: 8 }
    ]);
  });

  it('median without its interval: the same median, n and events', async () => {
    expect(await queryRows<KmMedianOnlyRow>(engine, kmMedianOnlySql('ep'))).toEqual([{ grp: 'all', n: 10, events: 7, median: 5 }]);
    // Women reach S = 0.5 exactly at t = 4 (the tolerance counts it); men 5.
    expect(await queryRows<KmMedianOnlyRow>(engine, kmMedianOnlySql('ep', { group: 'gender' }))).toEqual([
      { grp: 'K', n: 6, events: 4, median: 4 },
      { grp: 'M', n: 4, events: 3, median: 5 }
    ]);
    expect(await queryRows<KmMedianOnlyRow>(engine, kmMedianOnlySql('ep_long'))).toEqual([{ grp: 'all', n: 5, events: 1, median: null }]);
    // Many groups with ties and censorings: every median as kmMedianSql's.
    const many = `(SELECT i % 7 AS g, 1 + hash(i) % 60 AS km_days, hash(i * 3) % 4 <> 0 AS km_event FROM range(3000) r(i))`;
    const withCi = await queryRows<KmMedianRow>(engine, kmMedianSql(many, { group: 'g' }));
    expect(withCi.filter((r) => r.median !== null)).toHaveLength(7);
    expect(await queryRows<KmMedianOnlyRow>(engine, kmMedianOnlySql(many, { group: 'g' })))
      .toEqual(withCi.map(({ ci_low: _l, ci_high: _h, ...r }) => r));
  });

  it('median NULL when S never reaches 0.5', async () => {
    const rows = await queryRows<KmMedianRow>(engine, kmMedianSql('ep_long'));
    // S = 4/5 from t = 1 on; lower(1) = 0.8^exp(1.96·√(1/20)/|ln 0.8|) = 0.8^7.1286 = 0.2038 → ci_low 1.
    expect(rows).toEqual([{ grp: 'all', n: 5, events: 1, median: null, ci_low: 1, ci_high: null }]);
    const curve = await queryRows<KmCurveRow>(engine, kmCurveSql('ep_long'));
    expect(curve[1].lower).toBeCloseTo(0.20379756391, 9);
    expect(curve[1].upper).toBeCloseTo(0.96918088384, 9);
  });

  it('S at given days (step function at the largest t ≤ day)', async () => {
    const rows = await queryRows<KmAtRow>(engine, kmAtSql('ep', { group: 'gender', days: [90, 0, 3, 5] }));
    expect(rows.map((r) => [r.grp, r.day])).toEqual([
      ['K', 0], ['K', 3], ['K', 5], ['K', 90], ['M', 0], ['M', 3], ['M', 5], ['M', 90]
    ]);
    // Women: day 0 → 1 (before the first time); day 3 → S(2) = 2/3; day 5 → S(4) = 1/2; day 90 → S(7) = 1/4.
    // Men: 1; S(3) = 3/4; S(5) = 3/8; S(8) = 0.
    const expected = [1, 2 / 3, 1 / 2, 1 / 4, 1, 3 / 4, 3 / 8, 0];
    rows.forEach((r, i) => expect(r.surv).toBeCloseTo(expected[i], 12));
    expect([rows[0].lower, rows[0].upper]).toEqual([1, 1]);
    // The band is carried along with S: women day 3 = band at t = 2.
    const curve = await queryRows<KmCurveRow>(engine, kmCurveSql('ep', { group: 'gender' }));
    const k2 = curve.find((r) => r.grp === 'K' && r.t === 2)!;
    expect(rows[1].lower).toBeCloseTo(k2.lower, 12);
    expect(rows[1].upper).toBeCloseTo(k2.upper, 12);
    const [all] = await queryRows<KmAtRow>(engine, kmAtSql('ep', { days: [4] }));
    expect(all.grp).toBe('all');
    expect(all.surv).toBeCloseTo(7 / 12, 12); // share past day 4 = 1 − 7/12
  });
});

describe('Mantel–Haenszel odds ratio, women vs men', () => {
  beforeAll(async () => {
    // (stratum, gender, over 90, count) → rows with length_days 100 (outcome) or 10.
    const cols = ['diagnosis_group', 'age_band', 'physician', 'gender', 'length_days'];
    // Two strata, physician p1: A: a=10 b=20 c=5 d=25; B: a=8 b=12 c=6 d=14.
    // Three strata + a women-only stratum + unknown gender, physician p2:
    //   X: a=3 b=0 c=2 d=4 (empty cell); Y: a=4 b=6 c=1 d=9 (+3 with gender NULL); Z: a=2 b=5 c=3 d=3;
    //   W: women only a=5 b=5.
    // p3: one stratum with b = 0 (Σbc/n = 0 → NULL); p4: women only (no stratum used).
    await engine.query(`CREATE TABLE mh AS ${expanded(`
      ('A','21-30','p1','K',100,10), ('A','21-30','p1','K',10,20), ('A','21-30','p1','M',100,5), ('A','21-30','p1','M',10,25),
      ('B','31-40','p1','K',100,8), ('B','31-40','p1','K',10,12), ('B','31-40','p1','M',100,6), ('B','31-40','p1','M',10,14),
      ('X','21-30','p2','K',100,3), ('X','21-30','p2','M',100,2), ('X','21-30','p2','M',10,4),
      ('Y','31-40','p2','K',100,4), ('Y','31-40','p2','K',10,6), ('Y','31-40','p2','M',100,1), ('Y','31-40','p2','M',10,9),
      ('Y','31-40','p2',NULL,100,3),
      ('Z','41-50','p2','K',100,2), ('Z','41-50','p2','K',10,5), ('Z','41-50','p2','M',100,3), ('Z','41-50','p2','M',10,3),
      ('W','41-50','p2','K',100,5), ('W','41-50','p2','K',10,5),
      ('X','21-30','p3','K',100,4), ('X','21-30','p3','M',100,1), ('X','21-30','p3','M',10,2),
      ('A','21-30','p4','K',100,3), ('A','21-30','p4','K',10,3)`, cols)}`);
  });

  const opts = { outcome: 'length_days > 90', strata: "diagnosis_group || '|' || age_band", group: 'physician' };

  it('two strata (p1) and three strata with an empty cell, a women-only stratum and unknown gender (p2)', async () => {
    const rows = await queryRows<MhRow>(engine, mhSql('mh', opts));
    expect(rows.map((r) => r.grp)).toEqual(['p1', 'p2', 'p3', 'p4']);
    const [p1, p2, p3, p4] = rows;
    // p1: A n=60: R=10·25/60=4.166667, S=20·5/60=1.666667, P=35/60, Q=25/60;
    //     B n=40: R=8·14/40=2.8, S=12·6/40=1.8, P=22/40, Q=18/40.
    //     OR = (4.166667+2.8)/(1.666667+1.8) = 6.966667/3.466667 = 2.009615.
    //     ΣPR = 0.583333·4.166667 + 0.55·2.8 = 2.430556 + 1.54 = 3.970556;      /(2R²=97.068889) = 0.040904
    //     Σ(PS+QR) = 0.972222+1.736111 + 0.99+1.26 = 4.958333;                  /(2RS=48.302222) = 0.102652
    //     ΣQS = 0.694444 + 0.81 = 1.504444;                                     /(2S²=24.035556) = 0.062593
    //     Var = 0.206149, se = 0.454037; CI = exp(ln 2.009615 ± 1.96·0.454037) = [0.825333, 4.893242].
    expect(p1.estimate).toBeCloseTo(2.0096153846, 9);
    expect(p1.ci_low).toBeCloseTo(0.8253329346, 9);
    expect(p1.ci_high).toBeCloseTo(4.8932422601, 9);
    expect([p1.women, p1.men, p1.strata_used]).toEqual([50, 50, 2]);
    // p2: X n=9: R=3·4/9=1.333333, S=0·2/9=0, P=7/9, Q=2/9 (empty cell: still contributes R and PR, QR);
    //     Y n=20 (gender NULL ignored): R=4·9/20=1.8, S=6·1/20=0.3, P=13/20, Q=7/20;
    //     Z n=13: R=2·3/13=0.461538, S=5·3/13=1.153846, P=5/13, Q=8/13; W: women only, ignored.
    //     R = 3.594872, S = 1.453846, OR = 2.472663.
    //     ΣPR = 1.037037+1.17+0.177515 = 2.384552;                 /(2R²=25.846391) = 0.092259
    //     Σ(PS+QR) = 0+0.296296 + 0.195+0.63 + 0.443787+0.284024 = 1.849107; /(2RS=10.452702) = 0.176902
    //     ΣQS = 0 + 0.105 + 0.710059 = 0.815059;                   /(2S²=4.227337) = 0.192806
    //     Var = 0.461967, se = 0.679682; CI = exp(0.905296 ± 1.332177) = [0.652542, 9.369611].
    expect(p2.estimate).toBeCloseTo(2.4726631393, 9);
    expect(p2.ci_low).toBeCloseTo(0.6525418461, 9);
    expect(p2.ci_high).toBeCloseTo(9.3696106036, 9);
    expect([p2.women, p2.men, p2.strata_used]).toEqual([20, 22, 3]);
    // p3: b = 0 → S = 0 → estimate NULL (R = 4·2/7 > 0).
    expect(p3).toEqual({ grp: 'p3', estimate: null, ci_low: null, ci_high: null, women: 4, men: 3, strata_used: 1 });
    // p4: women only → nothing used.
    expect(p4).toEqual({ grp: 'p4', estimate: null, ci_low: null, ci_high: null, women: 0, men: 0, strata_used: 0 });
  });

  it('strata as an expression list, and without a group', async () => {
    const viaList = await queryRows<MhRow>(engine, mhSql('mh', { ...opts, strata: 'diagnosis_group, age_band' }));
    expect(viaList[1].estimate).toBeCloseTo(2.4726631393, 9);
    const [p1] = await queryRows<MhRow>(engine,
      mhSql("(SELECT * FROM mh WHERE physician = 'p1')", { outcome: opts.outcome, strata: opts.strata }));
    expect(p1.grp).toBe('all');
    expect(p1.estimate).toBeCloseTo(2.0096153846, 9);
    // All-null case: only the b = 0 physician.
    const [p3] = await queryRows<MhRow>(engine,
      mhSql("(SELECT * FROM mh WHERE physician = 'p3')", { outcome: opts.outcome, strata: opts.strata }));
    expect(p3.estimate).toBeNull();
    expect(p3.ci_low).toBeNull();
  });
});

describe('Indirect standardisation (O/E) and funnel limits', () => {
  beforeAll(async () => {
    // Strata (default: diagnosis group × gender × age band):
    //   s1 = psychiatric/K/31-40, s2 = musculoskeletal/M/41-50, s3 = psychiatric/NULL/31-40 (NULL gender own level).
    // (physician, stratum, episodes, of which > 90 days):
    //   A: s1 40/30, s2 20/10 (planted high)   B: s1 40/2, s2 20/0 (planted low)
    //   C: s1 40/16, s2 40/6, s3 5/5            D: s2 9/9 (only 9 episodes)   E: s2 10/10
    //   NULL physician: s1 10/3 (counts in the rates, not reported).
    const rows: [string, string, string, string, number, number][] = [];
    const s1 = ["'psychiatric'", "'K'", "'31-40'"];
    const s2 = ["'musculoskeletal'", "'M'", "'41-50'"];
    const s3 = ["'psychiatric'", 'NULL', "'31-40'"];
    const add = (p: string, s: string[], n: number, o: number): void => {
      if (o > 0) rows.push([p, s[0], s[1], s[2], 100, o]);
      if (n - o > 0) rows.push([p, s[0], s[1], s[2], 10, n - o]);
    };
    add("'A'", s1, 40, 30); add("'A'", s2, 20, 10);
    add("'B'", s1, 40, 2); add("'B'", s2, 20, 0);
    add("'C'", s1, 40, 16); add("'C'", s2, 40, 6); add("'C'", s3, 5, 5);
    add("'D'", s2, 9, 9); add("'E'", s2, 10, 10);
    add('NULL', s1, 10, 3);
    const values = rows.map((r) => `(${r.join(', ')})`).join(', ');
    await engine.query(`CREATE TABLE oe AS ${expanded(values,
      ['physician', 'diagnosis_group', 'gender', 'age_band', 'length_days'])}`);
  });

  it('expected, ratio, Byar CI, funnel limits and flags', async () => {
    const rows = await queryRows<OeRow>(engine, oeSql('oe', { group: 'physician', outcome: 'length_days > 90' }));
    expect(rows.map((r) => r.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
    // Rates: s1 = (30+2+16+3)/(40+40+40+10) = 51/130; s2 = (10+0+6+9+10)/(20+20+40+9+10) = 35/99; s3 = 5/5 = 1.
    const r1 = 51 / 130, r2 = 35 / 99;
    const [a, b, c, d, e] = rows;
    // A: E = 40·51/130 + 20·35/99 = 15.692308 + 7.070707 = 22.763015; O = 40; O/E = 1.757236;
    //    alarm limit 1 + 3.09/√22.763015 = 1 + 3.09/4.771060 = 1.647655 → high.
    expect([a.episodes, a.observed]).toEqual([60, 40]);
    expect(a.expected).toBeCloseTo(40 * r1 + 20 * r2, 10);
    expect(a.expected).toBeCloseTo(22.763014763, 8);
    expect(a.ratio).toBeCloseTo(1.7572364828, 9);
    expect(a.limit95_low).toBeCloseTo(1 - 1.96 / Math.sqrt(22.763014763015), 9); // 0.589190
    expect(a.limit95_high).toBeCloseTo(1.4108101652, 9);
    expect(a.limit998_low).toBeCloseTo(0.3523451988, 9);
    expect(a.limit998_high).toBeCloseTo(1.6476548012, 9);
    // Byar: O_low = 40·(1 − 1/360 − 1.96/(3·√40))³ = 40·(0.997222 − 0.103301)³ = 40·0.714328 = 28.573118;
    //       O_high = 41·(1 − 1/369 + 1.96/(3·√41))³ = 41·(0.997290 + 0.102034)³ = 41·1.328546 = 54.470378;
    //       CI = [28.573118, 54.470378]/22.763015 = [1.255243, 2.392933].
    expect(a.ci_low).toBeCloseTo(1.2552431277, 9);
    expect(a.ci_high).toBeCloseTo(2.392933387, 9);
    expect(a.flag).toBe('high');
    // B: same E; O = 2; O/E = 0.087862 < 0.352345 → low. O_low = 2·(1 − 1/18 − 1.96/(3√2))³ = 2·0.112307 = 0.224613,
    //    O_high = 3·(1 − 1/27 + 1.96/(3√3))³ = 3·2.406994 = 7.220981; CI = [0.009867, 0.317224].
    expect(b.expected).toBeCloseTo(a.expected, 12);
    expect(b.ratio).toBeCloseTo(0.0878618241, 9);
    expect(b.ci_low).toBeCloseTo(0.0098674696, 9);
    expect(b.ci_high).toBeCloseTo(0.3172242831, 9);
    expect(b.flag).toBe('low');
    // C: E = 40·51/130 + 40·35/99 + 5·1 = 15.692308 + 14.141414 + 5 = 34.833722; O = 27; O/E = 0.775111;
    //    limits 1 ± 3.09/5.901993 = [0.476448, 1.523552] → no flag.
    expect([c.episodes, c.observed]).toEqual([85, 27]);
    expect(c.expected).toBeCloseTo(40 * r1 + 40 * r2 + 5, 10);
    expect(c.ratio).toBeCloseTo(27 / (40 * r1 + 40 * r2 + 5), 10);
    expect(c.flag).toBeNull();
    // D: 9 episodes, E = 9·35/99 = 3.181818, O/E = 2.828571 > 1 + 3.09/√3.181818 = 2.732291, but < 10 episodes → NULL.
    expect(d.episodes).toBe(9);
    expect(d.expected).toBeCloseTo(3.1818181818, 9);
    expect(d.ratio).toBeCloseTo(2.8285714286, 9);
    expect(d.limit998_high).toBeCloseTo(2.7322908037, 9);
    expect(d.limit998_low).toBe(0); // 1 − 3.09/1.783765 < 0 → floored
    expect(d.limit95_low).toBe(0); // 1 − 1.96/1.783765 < 0 → floored
    expect(d.flag).toBeNull();
    // E: 10 episodes, E = 10·35/99 = 3.535354, O/E = 2.828571 > 1 + 3.09/1.880254 = 2.643395 → high.
    expect(e.expected).toBeCloseTo(3.5353535354, 9);
    expect(e.limit998_high).toBeCloseTo(2.6433953528, 9);
    expect(e.flag).toBe('high');
    // Total expected = total observed (indirect standardisation over the whole relation, minus the NULL physician).
    const sumE = rows.reduce((s, r) => s + r.expected, 0) + 10 * r1;
    const sumO = rows.reduce((s, r) => s + r.observed, 0) + 3;
    expect(sumE).toBeCloseTo(sumO, 9);
  });

  it('from counts (counted): the same rows as from the episodes, also with unknown outcomes', async () => {
    // A NULL length (outcome unknown) in a cell of its own and beside known ones: left out of O/E either way.
    const rel = `(SELECT * FROM oe UNION ALL SELECT 'C', 'somatic', 'K', '31-40', NULL
      UNION ALL SELECT 'A', 'psychiatric', 'K', '31-40', NULL)`;
    const direct = await queryRows<OeRow>(engine, oeSql(rel, { group: 'physician', outcome: 'length_days > 90' }));
    const counts = `(SELECT physician, diagnosis_group, gender, age_band,
      count(*) FILTER (WHERE length_days IS NOT NULL) AS n, count(*) FILTER (WHERE length_days > 90) AS k
      FROM ${rel} GROUP BY ALL)`;
    const fromCounts = await queryRows<OeRow>(engine, oeSql(counts, { counted: true, group: 'physician', strata: DEFAULT_OE_STRATA }));
    // Sums of doubles in another order may differ in the last bit.
    expect(fromCounts.map(({ id, episodes, observed, flag }) => ({ id, episodes, observed, flag })))
      .toEqual(direct.map(({ id, episodes, observed, flag }) => ({ id, episodes, observed, flag })));
    for (const [i, r] of fromCounts.entries()) {
      for (const k of ['expected', 'ratio', 'ci_low', 'ci_high', 'limit95_low', 'limit998_high'] as const) expect(r[k]).toBeCloseTo(direct[i][k]!, 12);
    }
    expect(direct.map((r) => r.episodes)).toEqual([60, 60, 85, 9, 10]);
  });

  it('custom strata: one stratum for all', async () => {
    const rows = await queryRows<OeRow>(engine,
      oeSql('oe', { group: 'physician', outcome: 'length_days > 90', strata: "'one'" }));
    // overall rate = (40+2+27+9+10+3)/(60+60+85+9+10+10) = 91/234; E_A = 60·91/234 = 23.333333.
    expect(rows[0].expected).toBeCloseTo((60 * 91) / 234, 10);
  });

  it('result columns are plain numbers and strings', async () => {
    const table = await engine.query(oeSql('oe', { group: 'physician', outcome: 'length_days > 90' }));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Utf8', 'episodes:Int64', 'observed:Int64', 'expected:Float64', 'ratio:Float64', 'ci_low:Float64',
      'ci_high:Float64', 'limit95_low:Float64', 'limit95_high:Float64', 'limit998_low:Float64',
      'limit998_high:Float64', 'flag:Utf8'
    ]);
  });
});

describe('overdispersion (Spiegelhalter 2005)', () => {
  it('chi-square quantiles', () => {
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841458820694, 9);
    expect(chiSquareQuantile(0.95, 2)).toBeCloseTo(5.991464547108, 9);
    expect(chiSquareQuantile(0.95, 4)).toBeCloseTo(9.487729036781, 9);
    expect(chiSquareQuantile(0.95, 10)).toBeCloseTo(18.307038053275, 9);
    expect(chiSquareQuantile(0.95, 99)).toBeCloseTo(123.225221453, 6);
  });

  it('overdispersed example: φ and τ²', () => {
    // (O, E): (10,10) (20,10) (5,10) (30,20) (12,20), plus a group with E = 0 (ignored).
    // z = (O/E − 1)·√E: 0, 3.162278, −1.581139, 2.236068, −1.788854.
    // sorted: −1.788854, −1.581139, 0, 2.236068, 3.162278;
    //   10th pct: h = 0.4 → −1.788854 + 0.4·0.207715 = −1.705768; 90th: h = 3.6 → 2.236068 + 0.6·0.926210 = 2.791794.
    // Winsorised: 0, 2.791794, −1.581139, 2.236068, −1.705768;
    //   Σz² = 0 + 7.794113 + 2.5 + 5 + 2.909645 = 18.203758; φ = 3.640752.
    //   Iφ = 18.203758 > χ²(0.95, 4) = 9.487729 → overdispersed.
    // Σw = 70, Σw² = 1100: τ² = (18.203758 − 4)/(70 − 1100/70) = 14.203758/54.285714 = 0.261648.
    const od = overdispersion([
      { observed: 10, expected: 10 }, { observed: 20, expected: 10 }, { observed: 5, expected: 10 },
      { observed: 30, expected: 20 }, { observed: 12, expected: 20 }, { observed: 3, expected: 0 }
    ]);
    expect(od.groups).toBe(5);
    expect(od.phi).toBeCloseTo(3.6407515139, 9);
    expect(od.overdispersed).toBe(true);
    expect(od.tau2).toBeCloseTo(0.2616481658, 9);
    // limits for E = 40, z = 3.09: 1 + 3.09·√(0.025 + 0.261648) = 2.654372; lower 1 − 1.654372 < 0 → 0.
    expect(od.limits(40, 3.09).high).toBeCloseTo(2.6543715881, 9);
    expect(od.limits(40, 3.09).low).toBe(0);
  });

  it('not overdispersed: τ² = 0 and the limits are the usual ones', () => {
    // z = 0, 0.316228, −0.316228; 10th/90th pct = ∓0.252982 → Σz² = 2·0.064 = 0.128, φ = 0.042667;
    // Iφ = 0.128 < χ²(0.95, 2) = 5.991465; τ² = max(0, (0.128 − 2)/…) = 0.
    const od = overdispersion([{ observed: 10, expected: 10 }, { observed: 11, expected: 10 }, { observed: 9, expected: 10 }]);
    expect(od.groups).toBe(3);
    expect(od.phi).toBeCloseTo(0.0426666667, 9);
    expect(od.overdispersed).toBe(false);
    expect(od.tau2).toBe(0);
    expect(od.limits(10, 1.96).low).toBeCloseTo(1 - 1.96 / Math.sqrt(10), 12);
    expect(od.limits(10, 1.96).high).toBeCloseTo(1 + 1.96 / Math.sqrt(10), 12);
  });

  it('no groups', () => {
    const od = overdispersion([{ observed: 1, expected: 0 }]);
    expect(od.groups).toBe(0);
    expect(od.phi).toBeNull();
    expect(od.overdispersed).toBe(false);
    expect(od.tau2).toBe(0);
  });
});
