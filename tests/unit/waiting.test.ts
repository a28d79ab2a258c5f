/**
 * Waiting as a cause of extended sick leave (src/lib/analysis/waiting.ts), exact figures on hand-made fixtures.
 * gap 5, as_of 2026-09-30.
 *
 * tests/fixtures/wait-certs.csv (certificate shape). Net = days × degree / 100; "ext" = an extension.
 *  P1 K F43.8A Psykiatri, Dr A: W01 04-01..04-30 100 "Väntan på behandling" (FIRST certificate: not an extension)
 *       W02 05-01..05-31 50 wait_treatment  ext 2026-Q2 net 31·0.5 = 15.5
 *       W03 06-01..06-30 100 medical         ext 2026-Q2 net 30
 *       referral 2026-03-20 (before the episode's start), care start 2026-05-16 (on W02, W03; blank on W01), Psykoterapi
 *  P2 M M54.5 Ortoped, Dr B: W04 07-01..07-14 100 (first; net 14)
 *       W05 07-15..07-31 100 wait_surgery     ext Q3 net 17
 *       W06 08-01..08-20 75 "se journal" → unknown, ext Q3 net 20·0.75 = 15
 *       W07 08-21..08-31 100 blank → none     ext Q3 net 11
 *       waits: referral 07-10 → care 09-15 (after the episode ended 08-31), Operation (W04, W05);
 *              referral 08-01 → care 08-10, Fysioterapi (W06, W07): overlaps the first wait
 *  P3 K F32.1 Psykiatri, Dr A: W08 08-01..08-31 100 (first; 31), W09 09-01..10-31 100 wait_investigation ext Q3 net 61;
 *       referral 08-15, no care start: ongoing wait; episode ongoing (ends 10-31 ≥ as_of)
 *  P4 M J06.9 VC Norr, Dr C: episode 1 W10 05-01..05-10 (10); episode 2 W11 07-01..07-10 "Waiting for investigation"
 *       (a 51-day gap > 5 → new episode; its first certificate: NOT an extension)
 *  P5 K M17.1 VC Norr, Dr C: W12 04-01..04-20 100 (20), W13 04-15..05-05 50 wait_rehabilitation ext Q2 net 21·0.5 = 10.5
 *       (overlaps W12 by 6 days), W14 05-08..05-20 100 worsening ext Q2 net 13 (2-day gap: same episode);
 *       referral 04-18 → care 05-10, Fysioterapi
 *  P6 M F41.1 Psykiatri, Dr B: W15 06-20..06-30 (11), W16 07-01..07-20 wait_specialist ext Q3 net 20,
 *       W17 07-21..07-31 25 workplace ext Q3 net 11·0.25 = 2.75
 *  P7 K Z73.0 VC Norr, Dr C: W18 09-30..10-15 (16), single, ongoing
 *  P8 K F43.2 VC Norr, Dr C: W19 05-01..05-14 (14), W20 05-15..05-31 "Annat" → other ext Q2 net 17
 *
 * Extensions: Q2 = W02, W03, W13, W14, W20 (5; waiting 2: 15.5 + 10.5 = 26 net days);
 *             Q3 = W05, W06, W07, W09, W16, W17 (6; waiting 3: 17 + 61 + 20 = 98 net days).
 * All certificates' net days: Q2 = 30 + 15.5 + 30 + 10 + 20 + 10.5 + 13 + 11 + 14 + 17 = 171;
 *                             Q3 = 14 + 17 + 15 + 11 + 31 + 61 + 10 + 20 + 2.75 + 16 = 197.75.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { queryOne, queryRows } from '../../src/lib/engine/rows';
import { queryParts } from '../../src/lib/engine/parts';
import type { Row } from '../../src/lib/engine/types';
import { certSelectionSql, selectionSql, NO_FILTERS, type Filters } from '../../src/lib/analysis/filters';
import { loadFixtures, SAMPLES } from './helpers';
import { selectedCertificatesSql, summarize } from '../../src/lib/analysis/summary';
import { kmCurveSql, type KmCurveRow } from '../../src/lib/analysis/stats';
import {
  latestPeriodWaitingSql, periodWaitingSql, referralByCauseSql, referralHistogramSql, referralTotalsSql, sentencePeriod, waitsWith, SHARED_WAITS,
  type WaitsSource,
  waitingAvailabilitySql, waitingCubeSql, usesCertCube, waitingDaysByEpisodeSql, waitingEpisodesByPhysicianSql, waitingGroupRel, WAIT_GROUP_KEY, waitingMediansSql,
  waitingKmCurveSql, waitKmCountsWith, WAIT_KM_COUNTS, waitPhysiciansWith, WAIT_PHYSICIANS,
  type PeriodWaitingRow, type ReferralCauseRow, type ReferralHistogramRow, type ReferralTotalsRow,
  type WaitingAvailability, type WaitingCubeRow, type WaitingEpisodeRow, type WaitingMedianRow, type WaitingPhysicianRow
} from '../../src/lib/analysis/waiting';
import { EXTENSION_REASONS, WAITING_REASONS, isWaitingReasonSql } from '../../src/lib/analysis/domain';
import { columnRole } from '../../src/lib/ingest/headers';
import { sv } from '../../src/lib/i18n/sv';
import { en } from '../../src/lib/i18n/en';

const FIX = join(__dirname, '..', 'fixtures');
const AS_OF = '2026-09-30';

async function load(...names: string[]): Promise<{ engine: NodeEngine; ds: Dataset }> {
  const engine = await NodeEngine.create();
  const ds = new Dataset(engine, 'test-salt');
  for (const n of names) {
    const r = await ds.addFile(fileFromPath(join(FIX, n)));
    if (!r.ok) throw new Error(`${n} refused: ${r.code}`);
  }
  await ds.build({ gap: 5, asOf: AS_OF });
  await ds.ensureCertFacts();
  return { engine, ds };
}

/**
 * A referral figure of the selection `f` computed in one statement, and from the waits `waitsWith` shares (as the view
 * reads it, next to another figure): computed from the selection's episodes, given as a relation or as its filters,
 * and read from `wait_rows` and `wait_days` (written for the build's as_of, `builtAsOf`: used only when `asOf` is
 * that); all must agree. Returns the rows.
 */
async function referral<T extends Row>(engine: NodeEngine, sql: (src: WaitsSource) => string,
  f: Filters, asOf: string, builtAsOf: string = AS_OF): Promise<T[]> {
  const rel = selectionSql(f);
  const direct = await queryRows<T>(engine, sql({ rel, asOf }));
  const sources: [string | Filters, string | null][] = [[rel, null], [f, null], [f, builtAsOf]];
  for (const [sel, built] of sources) {
    const shared = await queryParts(engine, {
      with: waitsWith(sel, asOf, built), parts: { figure: sql(SHARED_WAITS), totals: referralTotalsSql(SHARED_WAITS) }
    });
    const label = `${typeof sel === 'string' ? 'relation' : 'filters'}, ${built === asOf ? 'from the tables of the build' : 'computed'}`;
    expect(shared.figure, label).toEqual(direct);
  }
  return direct;
}

/** episode_id of a patient's n-th episode. */
async function epId(engine: NodeEngine, patient: string, n = 1): Promise<number> {
  return (await queryOne<{ id: number }>(engine,
    `SELECT episode_id AS id FROM episodes WHERE patient = '${patient}' ORDER BY start_date LIMIT 1 OFFSET ${n - 1}`)).id;
}

describe('the waiting reasons', () => {
  it('are exactly the codes starting with wait_ (isWaitingReasonSql tests the prefix)', () => {
    expect(EXTENSION_REASONS.filter((r) => r.startsWith('wait_'))).toEqual([...WAITING_REASONS]);
    expect('unknown'.startsWith('wait_')).toBe(false);
    expect(isWaitingReasonSql('x')).toBe(`starts_with(x, 'wait_')`);
  });
});

describe('extensions by reason on wait-certs.csv', () => {
  let engine: NodeEngine;
  let ds: Dataset;
  let cube: WaitingCubeRow[];
  const rel = selectionSql(NO_FILTERS);
  const row = (dim: string, key: string | null, reason: string | null) =>
    cube.find((r) => r.dim === dim && r.key === key && r.reason === reason);

  beforeAll(async () => {
    ({ engine, ds } = await load('wait-certs.csv'));
    cube = await queryRows<WaitingCubeRow>(engine, waitingCubeSql(NO_FILTERS));
  });
  afterAll(() => engine.close());

  it('availability: certificates, reasons and referrals present', async () => {
    const a = await queryOne<WaitingAvailability>(engine, waitingAvailabilitySql());
    // 20 certificates; reasons on W01–W03, W05, W06, W09, W11, W13, W14, W16, W17, W20 = 12;
    // referral dates on W01–W09 and W12–W14 = 12.
    expect(a).toEqual({ certificates: 20, reasons: 12, referrals: 12, waiting_days: 0 });
  });

  it('by reason over the selection: each code once, unknown and blank kept apart; first certificates are not extensions', () => {
    const by = Object.fromEntries(cube.filter((r) => r.dim === 'reason').map((r) => [r.reason, r.extensions]));
    expect(by).toEqual({
      wait_investigation: 1, wait_treatment: 1, wait_surgery: 1, wait_specialist: 1, wait_rehabilitation: 1,
      medical: 1, worsening: 1, workplace: 1, other: 1, unknown: 1, none: 1, first: 0
    });
    // 9 episodes → 9 first certificates; two of them (W01, W11) carry a reason anyway.
    expect(row('reason', null, 'first')).toMatchObject({ certificates: 9, with_reason: 2 });
    expect(row('total', null, null)).toMatchObject({
      certificates: 20, extensions: 11, waiting_extensions: 5, waiting_net_days: 124, net_days: 368.75, episodes: 9
    });
  });

  it('per quarter (quarter of the extension certificate’s start)', () => {
    expect(row('quarter', '2026-Q2', null)).toMatchObject({ extensions: 5, waiting_extensions: 2, waiting_net_days: 26, net_days: 171 });
    expect(row('quarter', '2026-Q3', null)).toMatchObject({ extensions: 6, waiting_extensions: 3, waiting_net_days: 98, net_days: 197.75 });
    const q2 = cube.filter((r) => r.dim === 'quarter' && r.key === '2026-Q2' && r.reason !== null && r.reason !== 'first')
      .map((r) => [r.reason, r.extensions, r.net_days]);
    expect(q2).toEqual([
      ['medical', 1, 30], ['other', 1, 17], ['wait_rehabilitation', 1, 10.5], ['wait_treatment', 1, 15.5], ['worsening', 1, 13]
    ]);
    const q3 = cube.filter((r) => r.dim === 'quarter' && r.key === '2026-Q3' && r.reason !== null && r.reason !== 'first')
      .map((r) => [r.reason, r.extensions, r.net_days]);
    expect(q3).toEqual([
      ['none', 1, 11], ['unknown', 1, 15], ['wait_investigation', 1, 61], ['wait_specialist', 1, 20], ['wait_surgery', 1, 17], ['workplace', 1, 2.75]
    ]);
  });

  it('cause × diagnosis group and cause × unit (the episode’s)', () => {
    const waiting = (dim: string) => cube.filter((r) => r.dim === dim && r.waiting_extensions > 0)
      .map((r) => [r.key, r.reason, r.waiting_net_days]);
    expect(waiting('group')).toEqual([
      ['musculoskeletal', 'wait_rehabilitation', 10.5], ['musculoskeletal', 'wait_surgery', 17],
      ['psychiatric', 'wait_investigation', 61], ['psychiatric', 'wait_specialist', 20], ['psychiatric', 'wait_treatment', 15.5]
    ]);
    expect(waiting('unit')).toEqual([
      ['Ortopedmottagningen', 'wait_surgery', 17],
      ['Psykiatrimottagningen Centrum', 'wait_investigation', 61], ['Psykiatrimottagningen Centrum', 'wait_specialist', 20],
      ['Psykiatrimottagningen Centrum', 'wait_treatment', 15.5],
      ['Vårdcentralen Norr', 'wait_rehabilitation', 10.5]
    ]);
  });

  it('per physician (the episode’s last certificate)', async () => {
    const ph = cube.filter((r) => r.dim === 'physician' && r.reason === null)
      .map((r) => [r.key, r.episodes, r.extensions, r.waiting_extensions, r.waiting_net_days]);
    // Dr A: P1, P3: ext W02, W03, W09; waiting W02 + W09 = 15.5 + 61 = 76.5.
    // Dr B: P2, P6: ext W05, W06, W07, W16, W17; waiting W05 + W16 = 17 + 20 = 37.
    // Dr C: P4 (2 episodes), P5, P7, P8: ext W13, W14, W20; waiting W13 = 10.5.
    expect(ph).toEqual([['Dr A', 2, 3, 2, 76.5], ['Dr B', 2, 5, 2, 37], ['Dr C', 5, 3, 1, 10.5]]);
    // The physician rows come from per-episode counts; every column equals the certificates' own figures.
    const fromCerts = await queryRows<WaitingCubeRow>(engine, `
      SELECT 'physician' AS dim, ep_physician AS key, NULL AS reason, count(*) AS certificates,
        count(*) FILTER (WHERE is_extension) AS extensions, count(*) FILTER (WHERE is_waiting) AS waiting_extensions,
        CAST(sum(net) AS DOUBLE) AS net_days, CAST(coalesce(sum(net) FILTER (WHERE is_waiting), 0) AS DOUBLE) AS waiting_net_days,
        count(*) FILTER (WHERE NOT is_extension) AS episodes, count(extension_reason) AS with_reason
      FROM ${selectedCertificatesSql(rel)} GROUP BY ep_physician ORDER BY key`);
    expect(cube.filter((r) => r.dim === 'physician')).toEqual(fromCerts);
    // Episodes with a waiting extension: Dr A P1, P3; Dr B P2, P6; Dr C P5.
    expect(await queryRows<WaitingPhysicianRow>(engine, waitingEpisodesByPhysicianSql(rel))).toEqual([
      { physician: 'Dr A', episodes: 2, waiting_episodes: 2 }, { physician: 'Dr B', episodes: 2, waiting_episodes: 2 },
      { physician: 'Dr C', episodes: 5, waiting_episodes: 1 }
    ]);
  });

  it('the physician rows and the waiting episodes per physician read from one sum per physician, as the view does', async () => {
    const units = (await queryRows<{ u: string }>(engine, `SELECT DISTINCT unit AS u FROM episodes ORDER BY 1`)).map((r) => r.u);
    const sizes = new Set<number>();
    const list: Filters[] = [NO_FILTERS, { ...NO_FILTERS, units: [units[0]] }, { ...NO_FILTERS, genders: ['K'] },
      { ...NO_FILTERS, physicians: ['Dr A', 'Dr C'] }, { ...NO_FILTERS, from: '2026-07-01', to: '2026-09-30' },
      { ...NO_FILTERS, units: ['no such unit'] }];
    for (const f of list) {
      const r = selectionSql(f);
      // Summed from wait_physician_cells (no period) and from the episodes.
      for (const fromCells of f.from ? [false] : [true, false]) {
        const label = `${JSON.stringify(f)} from cells: ${fromCells}`;
        const shared = await queryParts<{ cube: WaitingCubeRow; physicians: WaitingPhysicianRow }>(engine, {
          with: waitPhysiciansWith(f, { fromCells }),
          parts: { cube: waitingCubeSql(f, { physicians: WAIT_PHYSICIANS }), physicians: waitingEpisodesByPhysicianSql(WAIT_PHYSICIANS) }
        });
        expect(shared.cube, label).toEqual(await queryRows(engine, waitingCubeSql(f)));
        expect(shared.physicians, label).toEqual(await queryRows(engine, waitingEpisodesByPhysicianSql(r)));
        sizes.add(shared.physicians.length);
      }
    }
    expect(() => waitPhysiciansWith({ ...NO_FILTERS, from: '2026-07-01', to: null }, { fromCells: true })).toThrow();
    // Not vacuous: different physicians, none for a unit that does not exist.
    expect(sizes.size).toBeGreaterThan(1);
    expect(sizes.has(0)).toBe(true);
  });

  it('agrees with the contract summary (summary.ts) for the whole data and for a unit filter', async () => {
    for (const filters of [NO_FILTERS, { ...NO_FILTERS, units: ['Vårdcentralen Norr'] } as Filters]) {
      const s = await summarize(ds, filters);
      const c = await queryRows<WaitingCubeRow>(engine, waitingCubeSql(filters));
      const t = c.find((r) => r.dim === 'total')!;
      expect(t.extensions).toBe(s.waiting.extensions);
      expect(t.waiting_extensions).toBe(s.waiting.waiting_extensions);
      expect(t.waiting_net_days).toBeCloseTo(s.waiting.waiting_net_days, 9);
      expect(t.net_days).toBeCloseTo(s.net_days, 9);
      const by: Record<string, number> = {};
      for (const r of c.filter((x) => x.dim === 'reason' && x.reason !== 'first')) by[r.reason!] = r.extensions;
      for (const [code, n] of Object.entries(s.waiting.by_reason)) expect(by[code] ?? 0).toBe(n);
      // And the quarters add up to the total.
      const qs = c.filter((r) => r.dim === 'quarter' && r.reason === null);
      expect(qs.reduce((a, r) => a + r.extensions, 0)).toBe(s.waiting.extensions);
      expect(qs.reduce((a, r) => a + r.waiting_net_days, 0)).toBeCloseTo(s.waiting.waiting_net_days, 9);
    }
    expect((await summarize(ds)).waiting.extensions).toBe(11);
  });

  it('the sentence figures: a selected quarter, the latest quarter, an open-ended period', async () => {
    const p = sentencePeriod(null, null, ['2026-Q2', '2026-Q3']);
    expect(p).toEqual({ kind: 'latest', from: '2026-07-01', to: '2026-09-30', quarter: '2026-Q3' });
    const r = await queryOne<PeriodWaitingRow>(engine, periodWaitingSql(NO_FILTERS, p!.from, p!.to));
    // Q3: 3 of 6 waiting, 98 net days; most: wait_investigation at Psykiatri (W09, 61).
    expect(r).toEqual({ extensions: 6, waiting_extensions: 3, waiting_net_days: 98, top_reason: 'wait_investigation',
      top_unit: 'Psykiatrimottagningen Centrum', top_net_days: 61 });
    expect(sentencePeriod('2026-04-01', '2026-06-30', [])).toEqual({ kind: 'selected', from: '2026-04-01', to: '2026-06-30', quarter: '2026-Q2' });
    expect(sentencePeriod('2026-04-01', '2026-05-31', [])).toEqual({ kind: 'selected', from: '2026-04-01', to: '2026-05-31', quarter: null });
    expect(sentencePeriod(null, null, [])).toBeNull();
    // Q2 with the Q2 selection: W02, W03, W13, W14, W20; waiting 26; most wait_treatment at Psykiatri (15.5 > 10.5).
    const f: Filters = { ...NO_FILTERS, from: '2026-04-01', to: '2026-06-30' };
    const r2 = await queryOne<PeriodWaitingRow>(engine, periodWaitingSql(f, '2026-04-01', '2026-06-30'));
    expect(r2).toEqual({ extensions: 5, waiting_extensions: 2, waiting_net_days: 26, top_reason: 'wait_treatment',
      top_unit: 'Psykiatrimottagningen Centrum', top_net_days: 15.5 });
    // From 2026-08-01 on: W06, W07, W09 (3 extensions, 1 waiting: 61).
    const r3 = await queryOne<PeriodWaitingRow>(engine, periodWaitingSql(NO_FILTERS, '2026-08-01', null));
    expect([r3.extensions, r3.waiting_extensions, r3.waiting_net_days]).toEqual([3, 1, 61]);
    expect(sv.waiting.sentence(sv.waiting.periodQuarter('2026-Q3'), '3', '6', '50 %', '98')
      + sv.waiting.sentenceTop(sv.reasons.wait_investigation, 'Psykiatrimottagningen Centrum', '61'))
      .toBe('Under 2026 kv 3 var 3 av 6 förlängningar (50 %) väntan, 98 nettodagar. Mest: Väntan på utredning vid Psykiatrimottagningen Centrum (61 nettodagar).');
  });

  it('Kaplan–Meier by waiting group, and medians within diagnosis group', async () => {
    const km = await queryRows<KmCurveRow>(engine, kmCurveSql(waitingGroupRel(rel), { group: 'wait_group' }));
    // waiting: P1 91, P2 62, P3 61*, P5 48, P6 42 → S: 42 → 4/5, 48 → 3/5, 61* (censored), 62 → 3/5·1/2, 91 → 0.
    const wt = km.filter((r) => r.grp === 'waiting');
    expect(wt.map((r) => r.t)).toEqual([0, 42, 48, 61, 62, 91]);
    expect(wt.map((r) => r.n_risk)).toEqual([5, 5, 4, 3, 2, 1]);
    wt.map((r) => r.surv).forEach((s, i) => expect(s).toBeCloseTo([1, 0.8, 0.6, 0.6, 0.3, 0][i], 12));
    // extended (no waiting): P8 31; single: P4 10, P4 10, P7 1*.
    expect(km.filter((r) => r.grp === 'extended').map((r) => [r.t, r.surv])).toEqual([[0, 1], [31, 0]]);
    expect(km.filter((r) => r.grp === 'single').map((r) => [r.t, r.n_event, r.n_censored])).toEqual([[0, 0, 0], [1, 0, 1], [10, 2, 0]]);
    // The view groups on integers (WAIT_GROUP_KEY): the same curve.
    expect(await queryRows<KmCurveRow>(engine, kmCurveSql(waitingGroupRel(rel), { group: WAIT_GROUP_KEY }))).toEqual(km);

    const med = await queryRows<WaitingMedianRow>(engine, waitingMediansSql(rel));
    // psychiatric waiting: P1 91, P3 61*, P6 42 → S(42) = 2/3, S(91) = 0 → median 91; without: P8 31 → 31.
    // musculoskeletal waiting: P2 62, P5 48 → S(48) = 1/2 → 48; somatic without: 10, 10 → 10; factors: P7 1* → never.
    expect(med).toEqual([
      { diagnosis_group: 'factors', n_waiting: 0, median_waiting: null, n_without: 1, median_without: null, diff_without: null, n_extended: 0, median_extended: null, diff_extended: null },
      { diagnosis_group: 'musculoskeletal', n_waiting: 2, median_waiting: 48, n_without: 0, median_without: null, diff_without: null, n_extended: 0, median_extended: null, diff_extended: null },
      { diagnosis_group: 'psychiatric', n_waiting: 3, median_waiting: 91, n_without: 1, median_without: 31, diff_without: 60, n_extended: 1, median_extended: 31, diff_extended: 60 },
      { diagnosis_group: 'somatic', n_waiting: 0, median_waiting: null, n_without: 2, median_without: 10, diff_without: null, n_extended: 0, median_extended: null, diff_extended: null }
    ]);
  });

  it('referral → care start: days clipped to the episode, gaps and overlaps, an ongoing wait', async () => {
    const per = await queryRows<WaitingEpisodeRow>(engine, waitingDaysByEpisodeSql(rel, AS_OF));
    const byId = new Map(per.map((r) => [r.episode_id, r]));
    // P1: [03-20, 05-15] (care 05-16, the care-start day excluded) ∩ episode 04-01..06-30 → 04-01..05-15 = 30 + 15 = 45.
    expect(byId.get(await epId(engine, 'P1'))).toEqual({ episode_id: await epId(engine, 'P1'), days: 45, given: false, waiting_now: false });
    // P2: [07-10, 09-14] ∩ 07-01..08-31 → 07-10..08-31 = 22 + 31 = 53; the overlapping Fysioterapi wait
    //     [08-01, 08-09] lies inside it and is counted once.
    expect(byId.get(await epId(engine, 'P2'))?.days).toBe(53);
    // P3: no care start → up to as_of: [08-15, 09-30] = 17 + 30 = 47; ongoing → waiting now.
    expect(byId.get(await epId(engine, 'P3'))).toMatchObject({ days: 47, waiting_now: true });
    // P5: [04-18, 05-09] ∩ covered (04-01..05-05 ∪ 05-08..05-20) = 04-18..05-05 (18) + 05-08..05-09 (2) = 20.
    expect(byId.get(await epId(engine, 'P5'))?.days).toBe(20);
    expect(per).toHaveLength(4);

    const t = await referral<ReferralTotalsRow>(engine, referralTotalsSql, NO_FILTERS, AS_OF).then((r) => r[0]);
    // 5 waits (P1, P2 ×2, P3, P5); 45 + 53 + 47 + 20 = 165 days; started: P1, P2 ×2, P5 = 4; not started: P3.
    // Their episodes' days: 91 + 62 + 92 + 48 = 293.
    expect(t).toEqual({ episodes: 4, waits: 5, days: 165, given_days: 0, given_episodes: 0, started: 4, not_started: 1, waiting_now: 1, episode_days: 293 });

    const causes = await referral<ReferralCauseRow>(engine, referralByCauseSql, NO_FILTERS, AS_OF);
    // Operation 53 (P2); Psykoterapi 45 (P1); Neuropsykiatrisk utredning 47 (P3, waiting now);
    // Fysioterapi: P5 20 + P2 [08-01, 08-09] = 9 → 29; wait lengths 22 (05-10 − 04-18) and 9 (08-10 − 08-01) → median 15.5.
    expect(causes).toEqual([
      { cause: 'Operation', episodes: 1, waits: 1, days: 53, started: 1, waiting_now: 0, median_wait_started: 67 },
      { cause: 'Neuropsykiatrisk utredning', episodes: 1, waits: 1, days: 47, started: 0, waiting_now: 1, median_wait_started: null },
      { cause: 'Psykoterapi', episodes: 1, waits: 1, days: 45, started: 1, waiting_now: 0, median_wait_started: 57 },
      { cause: 'Fysioterapi', episodes: 2, waits: 2, days: 29, started: 2, waiting_now: 0, median_wait_started: 15.5 }
    ]);

    const hist = await referral<ReferralHistogramRow>(engine, (src) => referralHistogramSql(src), NO_FILTERS, AS_OF);
    // Wait lengths: 57 (P1: 03-20 → 05-16), 67 (P2: 07-10 → 09-15), 9, 22 → bins 0–29: 2, 30–59: 1, 60–89: 1.
    expect(hist).toEqual([{ lo: 0, hi: 29, n: 2 }, { lo: 30, hi: 59, n: 1 }, { lo: 60, hi: 89, n: 1 }]);
  });

  it('a care start after as_of is not started: counted up to as_of and waiting now', async () => {
    // as_of 2026-09-01: P2's care start 09-15 is after it (but P2 ended 08-31, so not ongoing → not waiting now);
    // P3's wait runs [08-15, 09-01] = 17 + 1 = 18 days.
    const r = selectionSql(NO_FILTERS);
    const per = await queryRows<WaitingEpisodeRow>(engine, waitingDaysByEpisodeSql(r, '2026-09-01'));
    const p3Id = await epId(engine, 'P3');
    const p3 = per.find((x) => x.episode_id === p3Id)!;
    expect(p3.days).toBe(18);
    const t = await referral<ReferralTotalsRow>(engine, referralTotalsSql, NO_FILTERS, '2026-09-01').then((r) => r[0]);
    expect([t.started, t.not_started]).toEqual([3, 2]);
    const hist = await referral<ReferralHistogramRow>(engine, (src) => referralHistogramSql(src), NO_FILTERS, '2026-09-01');
    expect(hist.reduce((a, h) => a + h.n, 0)).toBe(3);
  });
});

describe('episode files (rehab tool export) with waiting days and referral dates: wait-rehab.csv', () => {
  let engine: NodeEngine;
  const rel = selectionSql(NO_FILTERS);
  beforeAll(async () => {
    ({ engine } = await load('wait-rehab.csv'));
  });
  afterAll(() => engine.close());

  it('waiting days given are taken as they are; referral dates are computed and win over a given value', async () => {
    const a = await queryOne<WaitingAvailability>(engine, waitingAvailabilitySql());
    expect(a).toEqual({ certificates: 0, reasons: 0, referrals: 2, waiting_days: 2 });
    const per = await queryRows<WaitingEpisodeRow>(engine, waitingDaysByEpisodeSql(rel, AS_OF));
    // R1: "Väntetid (dagar)" 40, no referral → 40 as given.
    // R2: ongoing (blank end), referral 06-01, no care start → [06-01, 09-30] = 30 + 31 + 31 + 30 = 122; waiting now.
    // R3: no waiting. R4: referral 2025-12-01 (before the start 01-10), care 2026-04-01 (after the end 02-28)
    //     → the whole episode, 22 + 28 = 50 (its "Väntetid" 99 is not used).
    const ids = { R1: await epId(engine, 'R1'), R2: await epId(engine, 'R2'), R4: await epId(engine, 'R4') };
    expect(per.map((r) => r.episode_id).sort((a, b) => a - b)).toEqual(Object.values(ids).sort((a, b) => a - b));
    const of = (id: number) => per.find((r) => r.episode_id === id)!;
    expect([ids.R1, ids.R2, ids.R4].map((id) => [of(id).days, of(id).given, of(id).waiting_now]))
      .toEqual([[40, true, false], [122, false, true], [50, false, false]]);
    const t = await referral<ReferralTotalsRow>(engine, referralTotalsSql, NO_FILTERS, AS_OF).then((r) => r[0]);
    expect(t).toEqual({ episodes: 3, waits: 3, days: 212, given_days: 40, given_episodes: 1, started: 1, not_started: 1, waiting_now: 1,
      episode_days: 122 + 153 + 50 });
    const causes = await referral<ReferralCauseRow>(engine, referralByCauseSql, NO_FILTERS, AS_OF);
    expect(causes.map((c) => [c.cause, c.days, c.waiting_now, c.median_wait_started])).toEqual([
      ['Operation', 122, 1, null], ['Specialistbedömning', 50, 0, 121], ['Psykoterapi', 40, 0, null]
    ]);
    // 2025-12-01 → 2026-04-01 = 31 + 31 + 28 + 31 = 121 days → bin 120–149.
    expect(await referral<ReferralHistogramRow>(engine, (src) => referralHistogramSql(src), NO_FILTERS, AS_OF)).toEqual([{ lo: 120, hi: 149, n: 1 }]);
    // No certificates: no extension figures at all.
    expect((await queryRows<WaitingCubeRow>(engine, waitingCubeSql(NO_FILTERS))).find((r) => r.dim === 'total')?.extensions ?? 0).toBe(0);
  });
});

describe('a file without reason or referral columns: wait-nocols.csv', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    ({ engine } = await load('wait-nocols.csv'));
  });
  afterAll(() => engine.close());

  it('availability says nothing can be shown; the message names the accepted headers', async () => {
    const a = await queryOne<WaitingAvailability>(engine, waitingAvailabilitySql());
    expect(a).toEqual({ certificates: 3, reasons: 0, referrals: 0, waiting_days: 0 });
    for (const m of [sv, en]) {
      expect(m.waiting.missingReasons).toContain('"Orsak till förlängning"');
      expect(m.waiting.missingReasons).toContain('"extension_reason"');
      expect(m.waiting.missingReferrals).toContain('"Remissdatum"');
      expect(m.waiting.missingReferrals).toContain('"Vårdstart"');
      expect(m.waiting.missingReferrals).toContain('"Väntetid (dagar)"');
    }
    // The headers the message names are the ones the loader accepts.
    for (const h of ['Orsak till förlängning', 'Förlängningsorsak', 'Orsak', 'extension_reason']) expect(columnRole(h)).toBe('extension_reason');
    for (const h of ['Remissdatum', 'Remiss', 'referral_date']) expect(columnRole(h)).toBe('referral_date');
    for (const h of ['Vårdstart', 'Behandlingsstart', 'Utredningsstart', 'care_start_date']) expect(columnRole(h)).toBe('care_start_date');
    expect(columnRole('Väntar på')).toBe('waiting_cause');
    expect(columnRole('Väntetid (dagar)')).toBe('waiting_days');
    // Nothing made up: no waits, no waiting extensions.
    const t = await referral<ReferralTotalsRow>(engine, referralTotalsSql, NO_FILTERS, AS_OF).then((r) => r[0]);
    expect([t.episodes, t.days, t.waiting_now]).toEqual([0, 0, 0]);
    const total = (await queryRows<WaitingCubeRow>(engine, waitingCubeSql(NO_FILTERS))).find((r) => r.dim === 'total')!;
    expect([total.extensions, total.waiting_extensions, total.waiting_net_days]).toEqual([1, 0, 0]);
  });
});

describe('the bundled sample data (data-samples/intyg-exempel.csv): consistency checks', () => {
  let engine: NodeEngine;
  let ds: Dataset;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    ds = new Dataset(engine, 'test-salt');
    await ds.addFile(fileFromPath(join(__dirname, '..', '..', 'data-samples', 'intyg-exempel.csv')));
    await ds.build({ gap: 5, asOf: AS_OF });
    await ds.ensureCertFacts();
  });
  afterAll(() => engine.close());

  it('extension figures equal the contract summary; waiting groups equal a per-episode count over selectedCertificatesSql', async () => {
    const f: Filters = { ...NO_FILTERS, from: '2025-01-01', to: '2025-12-31' };
    for (const filters of [NO_FILTERS, f]) {
      const rel = selectionSql(filters);
      const s = await summarize(ds, filters);
      const t = (await queryRows<WaitingCubeRow>(engine, waitingCubeSql(filters))).find((r) => r.dim === 'total')!;
      expect([t.extensions, t.waiting_extensions]).toEqual([s.waiting.extensions, s.waiting.waiting_extensions]);
      expect(t.waiting_net_days).toBeCloseTo(s.waiting.waiting_net_days, 6);
      const a = await queryRows<{ wait_group: string; n: number }>(engine,
        `SELECT wait_group, count(*) AS n FROM ${waitingGroupRel(rel)} GROUP BY 1 ORDER BY 1`);
      const b = await queryRows<{ wait_group: string; n: number }>(engine, `
        SELECT CASE WHEN w > 0 THEN 'waiting' WHEN x > 0 THEN 'extended' ELSE 'single' END AS wait_group, count(*) AS n FROM (
          SELECT episode_id, count(*) FILTER (WHERE is_extension) AS x,
            count(*) FILTER (WHERE is_extension AND extension_reason LIKE 'wait_%') AS w
          FROM ${selectedCertificatesSql(rel)} GROUP BY episode_id) GROUP BY 1 ORDER BY 1`);
      expect(a).toEqual(b);
    }
    // The sample's README: 9091 extensions, 31.7 % waiting, 62 first certificates with a reason.
    const c = await queryRows<WaitingCubeRow>(engine, waitingCubeSql(NO_FILTERS));
    const total = c.find((r) => r.dim === 'total')!;
    expect(total.extensions).toBe(9091);
    expect(total.waiting_extensions / total.extensions).toBeCloseTo(0.317, 3);
    expect(c.find((r) => r.dim === 'reason' && r.reason === 'first')!.with_reason).toBe(62);
    // 406 episodes carry referral columns.
    const rt = await referral<ReferralTotalsRow>(engine, referralTotalsSql, NO_FILTERS, AS_OF).then((r) => r[0]);
    expect(rt.episodes).toBe(406);
  });
});

describe('certSelectionSql: the certificates of a selection without a join', () => {
  it('selects exactly the certificates of the selected episodes, for every kind of filter', async () => {
    const { engine: e, ds: d } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(SAMPLES, 'rehabstod-exempel.csv'));
    await d.build({ gap: 5 });
    await d.ensureCertFacts();
    const pick = async (col: string) => (await queryRows<{ v: string }>(e, `SELECT DISTINCT ${col} AS v FROM episodes WHERE ${col} IS NOT NULL ORDER BY 1 LIMIT 2`)).map((r) => r.v);
    const [units, physicians] = [await pick('unit'), await pick('physician')];
    const list: Filters[] = [
      NO_FILTERS,
      { ...NO_FILTERS, units: [units[0]] },
      { ...NO_FILTERS, units: [units[0], ''] },
      { ...NO_FILTERS, physicians: physicians.slice(0, 2) },
      { ...NO_FILTERS, genders: ['K'] },
      { ...NO_FILTERS, groups: ['psychiatric', ''] },
      { ...NO_FILTERS, ageBands: ['31-40'] },
      // The episode's days decide, not the certificate's: an episode that began before the period counts whole.
      { ...NO_FILTERS, from: '2025-04-01', to: '2025-06-30' },
      { ...NO_FILTERS, from: '2025-04-01', to: '2025-06-30', units: [units[1]], genders: ['M'] },
      { ...NO_FILTERS, units: ['no such unit'] }
    ];
    const sizes = new Set<number>();
    for (const f of list) {
      const viaJoin = `SELECT c.episode_id, c.seq FROM cert_fact c SEMI JOIN ${selectionSql(f)} s ON s.episode_id = c.episode_id`;
      const direct = `SELECT episode_id, seq FROM ${certSelectionSql(f)}`;
      const diff = await queryOne<{ a: number; b: number; n: number }>(e, `SELECT
        (SELECT count(*) FROM (${viaJoin} EXCEPT ALL ${direct})) AS a,
        (SELECT count(*) FROM (${direct} EXCEPT ALL ${viaJoin})) AS b,
        (SELECT count(*) FROM (${direct})) AS n`);
      expect([diff.a, diff.b]).toEqual([0, 0]);
      sizes.add(diff.n);
    }
    // The filters select different certificates (the comparison is not between empty sets), the last one none.
    expect(sizes.size).toBeGreaterThan(7);
    expect(sizes.has(0)).toBe(true);
    await e.close();
  }, 60_000);
});

/** The sample data and wait-certs.csv, built, with cert_fact and the tables written with it. */
/** The first two units of the episodes, by name (for filters that select some of them). */
async function firstUnits(e: NodeEngine): Promise<string[]> {
  return (await queryRows<{ v: string }>(e, `SELECT DISTINCT unit AS v FROM episodes WHERE unit IS NOT NULL ORDER BY 1 LIMIT 2`)).map((r) => r.v);
}

async function sampleWithFacts() {
  const { engine, ds } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(FIX, 'wait-certs.csv'));
  await ds.build({ gap: 5 });
  await ds.ensureCertFacts();
  return engine;
}

/** The sample data, wait-certs.csv and wait-rehab.csv (both shapes) built with cert_fact; its as_of and two units. */
async function bothShapesWithFacts() {
  const { engine: e, ds } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(FIX, 'wait-certs.csv'), join(FIX, 'wait-rehab.csv'));
  await ds.build({ gap: 5 });
  await ds.ensureCertFacts();
  return { e, asOf: ds.built!.asOf, units: await firstUnits(e) };
}

describe('cert_waits and cert_wait_segments', () => {
  it('hold the waits and day segments that the figures would otherwise read from cert_fact', async () => {
    const e = await sampleWithFacts();
    const same = async (a: string, b: string) => {
      const r = await queryOne<{ x: number; y: number; n: number }>(e, `SELECT
        (SELECT count(*) FROM (${a} EXCEPT ALL ${b})) AS x, (SELECT count(*) FROM (${b} EXCEPT ALL ${a})) AS y,
        (SELECT count(*) FROM (${a})) AS n`);
      expect([r.x, r.y]).toEqual([0, 0]);
      return r.n;
    };
    // The definitions as the waits read them from cert_fact before, for every episode.
    const waits = await same(`SELECT * FROM cert_waits`, `SELECT episode_id, referral_date, arg_max(care_start_date, seq) AS care_start_date,
      arg_max(waiting_cause, seq) AS cause FROM cert_fact WHERE referral_date IS NOT NULL GROUP BY episode_id, referral_date`);
    const segments = await same(`SELECT * FROM cert_wait_segments`, `SELECT c.episode_id, c.new_from AS s, c.end_date AS e
      FROM cert_fact c SEMI JOIN (SELECT DISTINCT episode_id FROM cert_fact WHERE referral_date IS NOT NULL) w
        ON w.episode_id = c.episode_id WHERE c.new_from <= c.end_date`);
    expect(waits).toBeGreaterThan(10);
    expect(segments).toBeGreaterThan(waits);
    await e.close();
  }, 60_000);
});

describe('the waiting cube from cert_cube', () => {
  it('equals the cube counted from the certificates for every filter it serves, and is not used for the others', async () => {
    const e = await sampleWithFacts();
    const units = await firstUnits(e);
    const list: Filters[] = [
      NO_FILTERS,
      { ...NO_FILTERS, units: [units[0]] },
      { ...NO_FILTERS, units: [units[1], ''] },
      { ...NO_FILTERS, genders: ['K'] },
      { ...NO_FILTERS, genders: [''] },
      { ...NO_FILTERS, groups: ['psychiatric', 'musculoskeletal'] },
      { ...NO_FILTERS, ageBands: ['31-40', 'unknown'] },
      { ...NO_FILTERS, units: [units[0]], genders: ['M'], groups: ['psychiatric'] },
      { ...NO_FILTERS, units: ['no such unit'] }
    ];
    const totals = new Set<number>();
    for (const f of list) {
      expect(usesCertCube(f)).toBe(true);
      const fromCerts = await queryRows<WaitingCubeRow>(e, waitingCubeSql(f, { fromCube: false }));
      expect(await queryRows<WaitingCubeRow>(e, waitingCubeSql(f)), JSON.stringify(f)).toEqual(fromCerts);
      totals.add(fromCerts.find((r) => r.dim === 'total')?.certificates ?? 0);
    }
    // Not vacuous: the filters select different certificates, the last one none.
    expect(totals.size).toBeGreaterThan(6);
    expect(totals.has(0)).toBe(true);
    // A period or a physician is counted from the certificates (the cube has neither).
    expect(usesCertCube({ ...NO_FILTERS, from: '2025-01-01', to: null })).toBe(false);
    expect(usesCertCube({ ...NO_FILTERS, physicians: ['x'] })).toBe(false);
    expect(() => waitingCubeSql({ ...NO_FILTERS, to: '2025-01-01' }, { fromCube: true })).toThrow();
    await e.close();
  }, 60_000);
});

describe('the sentence for the latest quarter, found by the same statement', () => {
  it('equals the figures of the latest quarter with an extension in the cube, for several filters', async () => {
    const e = await sampleWithFacts();
    const units = await firstUnits(e);
    // The physician whose last extension is the earliest: a latest quarter other than the others'.
    const [physician] = (await queryRows<{ p: string }>(e, `SELECT e.physician AS p FROM cert_fact c JOIN episodes e USING (episode_id)
      WHERE c.is_extension AND e.physician IS NOT NULL GROUP BY 1 ORDER BY max(c.yq), 1 LIMIT 1`)).map((r) => r.p);
    // A unit and diagnosis group whose latest certificates are all first certificates: not the latest quarter.
    const late = await queryRows<{ u: string; g: string }>(e, `SELECT e.unit AS u, e.diagnosis_group AS g
      FROM cert_fact c JOIN episodes e USING (episode_id) WHERE e.unit IS NOT NULL GROUP BY 1, 2
      HAVING max(c.yq) > max(c.yq) FILTER (WHERE c.is_extension) ORDER BY 1, 2 LIMIT 1`);
    expect(late).toHaveLength(1);
    const list: Filters[] = [
      NO_FILTERS,
      { ...NO_FILTERS, units: [units[0]] },
      { ...NO_FILTERS, genders: ['K'] },
      { ...NO_FILTERS, units: [units[1]], groups: ['psychiatric'] },
      { ...NO_FILTERS, units: [late[0].u], groups: [late[0].g] },
      // Not from cert_cube: a physician chosen.
      { ...NO_FILTERS, physicians: [physician] },
      { ...NO_FILTERS, units: ['no such unit'] }
    ];
    const quarters = new Set<string | null>();
    for (const f of list) {
      const cube = await queryRows<WaitingCubeRow>(e, waitingCubeSql(f));
      const period = sentencePeriod(null, null, cube.filter((c) => c.dim === 'quarter' && c.reason === null && c.extensions > 0).map((c) => c.key!));
      const latest = await queryOne<PeriodWaitingRow>(e, latestPeriodWaitingSql(f));
      quarters.add(period?.quarter ?? null);
      if (period) expect(latest, JSON.stringify(f)).toEqual(await queryOne<PeriodWaitingRow>(e, periodWaitingSql(f, period.from, period.to)));
      else expect(latest.extensions).toBe(0);
    }
    // Not vacuous: the latest quarter is not the same for every filter, and one filter has none.
    expect(quarters.size).toBeGreaterThan(2);
    expect(quarters.has(null)).toBe(true);
    await e.close();
  }, 60_000);
});

describe('the waiting view’s Kaplan–Meier figures from one count of the selection', () => {
  it('equal the curves and medians computed from the selected episodes, for several filters', async () => {
    const e = await sampleWithFacts();
    const units = await firstUnits(e);
    const [physician] = (await queryRows<{ p: string }>(e, `SELECT min(physician) AS p FROM episodes`)).map((r) => r.p);
    const list: Filters[] = [
      NO_FILTERS, { ...NO_FILTERS, genders: ['K'] }, { ...NO_FILTERS, units: [units[1], ''] },
      { ...NO_FILTERS, groups: ['psychiatric'] }, { ...NO_FILTERS, ageBands: ['31-40', 'unknown'] },
      { ...NO_FILTERS, from: '2025-01-01', to: '2025-06-30' }, { ...NO_FILTERS, physicians: [physician] },
      { ...NO_FILTERS, units: ['no such unit'] }
    ];
    expect(() => waitKmCountsWith({ ...NO_FILTERS, physicians: [physician] }, { fromCells: true })).toThrow();
    let rows = 0;
    for (const f of list) {
      const rel = selectionSql(f);
      // Summed from wait_km_cells (no period, no physician) and counted from the episodes.
      for (const fromCells of usesCertCube(f) ? [true, false] : [false]) {
        const label = `${JSON.stringify(f)} from cells: ${fromCells}`;
        const shared = await queryParts<{ km: KmCurveRow; medians: WaitingMedianRow }>(e, {
          with: waitKmCountsWith(f, { fromCells }), parts: { km: waitingKmCurveSql(WAIT_KM_COUNTS), medians: waitingMediansSql(WAIT_KM_COUNTS) }
        });
        expect(shared.km, label).toEqual(await queryRows<KmCurveRow>(e, kmCurveSql(waitingGroupRel(rel), { group: WAIT_GROUP_KEY })));
        expect(shared.km, label).toEqual(await queryRows<KmCurveRow>(e, waitingKmCurveSql(rel)));
        expect(shared.medians, label).toEqual(await queryRows<WaitingMedianRow>(e, waitingMediansSql(rel)));
        rows += shared.km.length + shared.medians.length;
      }
    }
    expect(rows).toBeGreaterThan(200);
    await e.close();
  }, 60_000);
});

describe('wait_rows and wait_days', () => {
  it('give the referral figures computed from the waits, for several filters', async () => {
    const { e, asOf, units } = await bothShapesWithFacts();
    const list: Filters[] = [
      NO_FILTERS, { ...NO_FILTERS, genders: ['M'] }, { ...NO_FILTERS, units: [units[0], ''] },
      { ...NO_FILTERS, groups: ['psychiatric', 'musculoskeletal'], ageBands: ['41-50', 'unknown'] },
      { ...NO_FILTERS, from: '2025-01-01', to: '2025-06-30' }, { ...NO_FILTERS, units: ['no such unit'] }
    ];
    const days = new Set<number>();
    for (const f of list) {
      const [t] = await referral<ReferralTotalsRow>(e, referralTotalsSql, f, asOf, asOf);
      await referral<ReferralCauseRow>(e, referralByCauseSql, f, asOf, asOf);
      await referral<ReferralHistogramRow>(e, (src) => referralHistogramSql(src), f, asOf, asOf);
      // Another as_of than the build's: computed from the filters' episodes.
      await referral<ReferralTotalsRow>(e, referralTotalsSql, f, '2025-12-31', asOf);
      days.add(t.days);
    }
    // Not vacuous: the episodes have waits with days, and the filters select different ones.
    expect(days.size).toBeGreaterThan(3);
    expect((await queryRows<{ n: number }>(e, `SELECT count(*) AS n FROM wait_days WHERE days > 0`))[0].n).toBeGreaterThan(10);
    await e.close();
  }, 60_000);
});

describe('wait_physician_cells and wait_km_cells', () => {
  it('give the sums per physician and the Kaplan–Meier counts of the selected certificate-shape episodes, beside episode files', async () => {
    const { e, units } = await bothShapesWithFacts();
    const list: Filters[] = [
      NO_FILTERS, { ...NO_FILTERS, genders: ['M'] }, { ...NO_FILTERS, units: [units[0], ''] },
      { ...NO_FILTERS, groups: ['psychiatric', 'musculoskeletal'], ageBands: ['41-50'] }, { ...NO_FILTERS, units: ['no such unit'] }
    ];
    const read = async (withSql: Record<string, string>) => {
      const [name, sql] = Object.entries(withSql)[0];
      return queryRows(e, `WITH x AS (${sql}) SELECT * FROM x ORDER BY ALL`).then((rows) => ({ name, rows }));
    };
    const sizes = new Set<number>();
    for (const f of list) {
      for (const shared of [waitPhysiciansWith, waitKmCountsWith]) {
        const cells = await read(shared(f, { fromCells: true }));
        expect(cells, JSON.stringify(f)).toEqual(await read(shared(f, { fromCells: false })));
        sizes.add(cells.rows.length);
      }
    }
    // Not vacuous: the filters select different rows, the last one none; the episode files' rows are not counted.
    expect(sizes.size).toBeGreaterThan(4);
    expect(sizes.has(0)).toBe(true);
    expect((await queryOne<{ n: number }>(e, `SELECT count(*) AS n FROM episodes WHERE shape = 'episodes'`)).n).toBeGreaterThan(0);
    await e.close();
  }, 60_000);
});
