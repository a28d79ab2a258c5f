/**
 * Every figure of the contract's summary (contract section 4) on tests/fixtures/contract-basic.csv,
 * computed by hand. as_of = 2025-06-30, gap 5.
 *
 * Episodes (length = distinct days; km = days ≤ as_of; E = ended before as_of):
 *  P1  K 40 psych 31-40 D1 U1: 01-01..01-31 (31) + 02-03..03-31 (57, gap 2 → merge) + 04-01..05-15 (45) = 133 E;
 *      net 31 + 57·0.5 + 45·0.5 = 82
 *  P2  M 35 musc 31-40 D1 U1: 14 E, net 14
 *  P3  K 52 psych 51-60 D2 U1: 02-01..02-28 (28) + 03-06..03-31 (26; gap of 5 days → merge) = 54 E, net 54
 *  P4a M 38 psych 31-40 D2 U2: 01-10..01-20 = 11 E (next starts after a 6-day gap → new episode)
 *  P4b M 38 psych 31-40 D2 U2: 01-27..02-10 = 15 E (its reason is on a first certificate: not an extension)
 *  P5  K 29 somatic 21-30 D2 U2: 05-01..05-07 ∪ 05-05..05-12 = 12 E (overlap counted once); net 7 + 8·0.5 = 11
 *  P6  M 61 other 61+ D1 U2: 04-01..07-31 = 122, km 91, ongoing; net 122
 *  P7  K 22 psych 21-30 D1 U1: 2024-11-01..2025-06-30 = 242, km 242, ongoing (ends on as_of, not before); net 242
 *  P8  ? ?  factors unknown D2 U1: 20 E, net 20·0.25 = 5
 *  P9  (personnummer 19800215-1235: M, 45) musc 41-50 D1 U1: 10 E, net 7.5 (its duplicate row merged)
 *  P10 M 33 psych 31-40 D1 U2: 01-01..04-30 = 120 E, net 120
 *  P11 K 36 psych 31-40 D2 U1: 20 E, net 20
 *  P12 rejected: end before start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtures } from './helpers';
import { summarize, type Summary } from '../../src/lib/analysis/summary';
import { NO_FILTERS } from '../../src/lib/analysis/filters';
import type { NodeEngine } from '../../src/lib/engine/node';
import type { Dataset } from '../../src/lib/dataset';

let engine: NodeEngine;
let ds: Dataset;
let s: Summary;

beforeAll(async () => {
  ({ engine, ds } = await loadFixtures('contract-basic.csv'));
  await ds.build({ gap: 5, asOf: '2025-06-30' });
  s = await summarize(ds);
});
afterAll(() => engine.close());

describe('contract summary on contract-basic.csv', () => {
  it('input counts: every row accepted or rejected, the duplicate merged', () => {
    expect(s.input).toEqual({ rows_read: 18, rows_accepted: 17, rows_rejected: 1, shape: 'certificates', duplicates_merged: 1, files: 1 });
    expect(s.input.rows_read).toBe(s.input.rows_accepted + s.input.rows_rejected);
  });

  it('episodes', () => {
    expect(s.episodes).toEqual({ total: 12, women: 5, men: 6, unknown_gender: 1, ongoing: 2 });
  });

  it('Kaplan–Meier median: S(15) = 7/12, S(20) = 7/12 · 5/7 = 5/12 ≤ 0.5 → 20', () => {
    expect(s.length.median_km_days).toBe(20);
  });

  it('shares over 90/180/365 (planned length): 4/12, 1/12, 0', () => {
    expect(s.length.over_90_share).toBeCloseTo(4 / 12, 12);
    expect(s.length.over_180_share).toBeCloseTo(1 / 12, 12);
    expect(s.length.over_365_share).toBe(0);
  });

  it('length bands', () => {
    expect(s.length.bands).toEqual({ '0-14': 4, '15-30': 3, '31-60': 1, '61-90': 0, '91-180': 3, '181-364': 1, '365-730': 0, '731+': 0 });
  });

  it('net days: 82+14+54+11+15+11+122+242+5+7.5+120+20 = 703.5', () => {
    expect(s.net_days).toBeCloseTo(703.5, 9);
  });

  it('waiting: 4 extensions (P1 ×2, P3, P5), one waiting (P1: 57 days × 50 % = 28.5 net days)', () => {
    expect(s.waiting.extensions).toBe(4);
    expect(s.waiting.waiting_extensions).toBe(1);
    expect(s.waiting.waiting_net_days).toBeCloseTo(28.5, 9);
    expect(s.waiting.by_reason).toMatchObject({ wait_treatment: 1, medical: 1, unknown: 1, none: 1, wait_surgery: 0 });
  });

  it('gender: KM medians 54 (women) and 14 (men); > 90 days 2/5 and 2/6', () => {
    expect(s.gender.median_km_days).toEqual({ women: 54, men: 14 });
    expect(s.gender.over_90_share.women).toBeCloseTo(0.4, 12);
    expect(s.gender.over_90_share.men).toBeCloseTo(2 / 6, 12);
  });

  it('Mantel–Haenszel: one informative stratum (psych × 31-40: a=1 b=1 c=1 d=2) → OR 2, RGB variance 3.5', () => {
    // R = ad/n = 2/5, S = bc/n = 1/5, P = 3/5, Q = 2/5;
    // var = PR/(2R²) + (PS+QR)/(2RS) + QS/(2S²) = 0.75 + 1.75 + 1 = 3.5
    const se = Math.sqrt(3.5);
    expect(s.gender.mh_odds_ratio_over_90.estimate).toBeCloseTo(2, 9);
    expect(s.gender.mh_odds_ratio_over_90.ci_low).toBeCloseTo(2 * Math.exp(-1.96 * se), 9);
    expect(s.gender.mh_odds_ratio_over_90.ci_high).toBeCloseTo(2 * Math.exp(1.96 * se), 6);
  });

  it('physicians: O/E by indirect standardisation, no flag under 10 episodes', () => {
    // stratum rates: psych|K|31-40 = 1/2, psych|M|31-40 = 1/3, other|M|61+ = 1, psych|K|21-30 = 1, others 0
    // D1: P1 .5 + P2 0 + P6 1 + P7 1 + P9 0 + P10 1/3 = 17/6; O = 4
    // D2: P3 0 + P4a 1/3 + P4b 1/3 + P5 0 + P8 0 + P11 .5 = 7/6; O = 0
    const [d1, d2] = s.physicians;
    expect(d1).toMatchObject({ id: 'D1', episodes: 6, observed_over_90: 4, flag: null });
    expect(d1.expected_over_90).toBeCloseTo(17 / 6, 12);
    expect(d1.ratio).toBeCloseTo(4 / (17 / 6), 12);
    expect(d2).toMatchObject({ id: 'D2', episodes: 6, observed_over_90: 0, ratio: 0, flag: null });
    expect(d2.expected_over_90).toBeCloseTo(7 / 6, 12);
  });

  it('units: U1 and U2 both O 2 / E 2', () => {
    expect(s.units.map((u) => u.id)).toEqual(['U1', 'U2']);
    for (const u of s.units) {
      expect(u.observed_over_90).toBe(2);
      expect(u.expected_over_90).toBeCloseTo(2, 12);
      expect(u.ratio).toBeCloseTo(1, 12);
    }
    expect(s.units[0].episodes).toBe(7);
    expect(s.units[1].episodes).toBe(5);
  });

  it('selection by period: episodes with any day in May 2025 (P1, P5, P6, P7)', async () => {
    const may = await summarize(ds, { ...NO_FILTERS, from: '2025-05-01', to: '2025-05-31' });
    expect(may.episodes.total).toBe(4);
    expect(may.selection).toEqual({ from: '2025-05-01', to: '2025-05-31' });
  });

  it('as_of defaults to the latest start date (2025-06-01)', async () => {
    const built = await ds.build({ gap: 5 });
    expect(built.asOf).toBe('2025-06-01');
    await ds.build({ gap: 5, asOf: '2025-06-30' });
  });
});

describe('the Swedish Excel export of the same certificates gives the same figures', () => {
  it('contract-basic-excel.csv (;, Windows-1252, personnummer, name column) = contract-basic.csv', async () => {
    const other = await loadFixtures('contract-basic-excel.csv');
    await other.ds.build({ gap: 5, asOf: '2025-06-30' });
    const t = await summarize(other.ds);
    const report = other.ds.files[0];
    expect(report.encoding).toBe('windows-1252');
    expect(report.namesDropped).toEqual(['Patientnamn']);
    expect(report.pseudonymised).toBe(11);
    const strip = (x: Summary) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)));
    expect(strip(t)).toEqual(strip(s));
    await other.engine.close();
  });
});

import { z } from 'zod';
import { CertificateRowSchema, EpisodeRowSchema } from '../../src/lib/ingest/schemas';
import { queryRows } from '../../src/lib/engine/rows';
import { SAMPLES } from './helpers';
import { join } from 'node:path';

describe('every parsed row matches its zod schema', () => {
  it('certificate rows of the fixtures and the sample files; episode rows of the rehab export', async () => {
    const { engine: e } = await loadFixtures('contract-basic.csv', 'contract-basic-excel.csv',
      join(SAMPLES, 'intyg-exempel-excel.csv'), join(SAMPLES, 'intyg-med-fel.csv'), join(SAMPLES, 'rehabstod-exempel.csv'));
    const certs = await queryRows(e, `SELECT file_id, rec, patient, certificate_id, start_date, end_date, degree, gender, age, unit,
      physician, diagnosis, extension_reason, referral_date, care_start_date, waiting_cause FROM cert_rows`);
    expect(certs.length).toBeGreaterThan(15_000);
    z.array(CertificateRowSchema).parse(certs);
    const eps = await queryRows(e, `SELECT file_id, rec, patient, start_date, end_date, degree, gender, age, unit, physician,
      diagnosis, length, certificates, waiting_days, waiting_cause FROM episode_rows`);
    expect(eps.length).toBeGreaterThan(200);
    z.array(EpisodeRowSchema).parse(eps);
    await e.close();
  }, 60_000);
});

import { summarizeMany } from '../../src/lib/analysis/summary';
import { quarterRange } from '../../src/lib/periods';

/** Both sample files built with gap 5, and their units. */
async function bothSamples() {
  const { engine: e, ds: d } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(SAMPLES, 'rehabstod-exempel.csv'));
  await d.build({ gap: 5 });
  const units = (await queryRows<{ unit: string }>(e, `SELECT DISTINCT unit FROM episodes WHERE unit IS NOT NULL ORDER BY 1`)).map((r) => r.unit);
  return { e, d, units };
}

/** A whole calendar quarter as the filters' period. */
const q = (id: string) => ({ ...NO_FILTERS, ...quarterRange(id) });

describe('summarizeMany: several selections in the same statement', () => {
  it('equals one summarize per selection (quarters, overlapping and empty selections, filters)', async () => {
    const { e, d, units } = await bothSamples();
    const lists = [
      [q('2025-Q2'), q('2025-Q1'), q('2024-Q2')],
      // A year and one of its quarters (overlapping), a quarter without episodes, everything.
      [{ ...NO_FILTERS, from: '2025-01-01', to: '2025-12-31' }, q('2025-Q3'), q('1990-Q1'), NO_FILTERS],
      [{ ...q('2025-Q2'), units: [units[0]] }, { ...q('2025-Q1'), units: [units[0]], genders: ['K'] }, { ...q('2024-Q4'), groups: ['psychiatric'] }],
      // Only the periods differ (read in one pass, joined with the periods): a year and one of its quarters, a quarter
      // without episodes, a period that is not a quarter.
      [{ ...q('2025-Q2'), genders: ['K'] }, { ...NO_FILTERS, from: '2025-01-01', to: '2025-12-31', genders: ['K'] },
        { ...q('1990-Q1'), genders: ['K'] }, { ...NO_FILTERS, from: '2024-11-15', to: '2025-02-10', genders: ['K'] }]
    ];
    // Sums of doubles may be added in another order when grouped by selection: equal to 12 significant digits.
    const round = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v)));
    for (const list of lists) {
      const many = await summarizeMany(d, list);
      expect(many).toHaveLength(list.length);
      for (const [i, f] of list.entries()) expect(round(many[i])).toEqual(round(await summarize(d, f)));
    }
    // The selections are not all alike: the test compares different figures.
    const totals = (await summarizeMany(d, lists[0])).map((x) => x.episodes.total);
    expect(new Set(totals).size).toBe(3);
    expect((await summarizeMany(d, lists[1]))[2].episodes.total).toBe(0);
    await e.close();
  }, 60_000);
});

import { selectionSql, type Filters } from '../../src/lib/analysis/filters';
import { kmMedianSql, type KmMedianRow } from '../../src/lib/analysis/stats';

describe('the summary’s Kaplan–Meier medians', () => {
  it('are those of the selection, of its women and of its men, for each of several selections in one statement', async () => {
    const { e, d } = await bothSamples();
    const list: Filters[] = [q('2025-Q2'), q('2025-Q1'), { ...q('2024-Q4'), groups: ['psychiatric'] }, NO_FILTERS];
    const km = async (f: Filters) => (await queryRows<KmMedianRow>(e, kmMedianSql(selectionSql(f))))[0];
    const medians = new Set<number | null>();
    for (const [i, s] of (await summarizeMany(d, list)).entries()) {
      const all = await km(list[i]);
      expect([s.length.median_km_days, s.length.median_km_ci.low, s.length.median_km_ci.high]).toEqual([all.median, all.ci_low, all.ci_high]);
      expect(s.gender.median_km_days).toEqual({
        women: (await km({ ...list[i], genders: ['K'] }))?.median ?? null, men: (await km({ ...list[i], genders: ['M'] }))?.median ?? null
      });
      medians.add(all.median);
    }
    // Not vacuous: the selections have different medians.
    expect(medians.size).toBeGreaterThan(2);
    await e.close();
  }, 60_000);
});

import { reasonsSql } from '../../src/lib/analysis/summary';

describe('the extensions by reason from cert_reason_cube', () => {
  it('equal those counted from the certificates, for whole quarters or no period, and are not used otherwise', async () => {
    const { e, d, units } = await bothSamples();
    await d.ensureCertFacts();
    const lists: Filters[][] = [
      [q('2025-Q2'), q('2025-Q1'), q('2024-Q2')],
      [NO_FILTERS],
      [{ ...q('2025-Q1'), genders: ['K'] }, { ...q('2024-Q4'), genders: ['K'] }, { ...q('1990-Q1'), genders: ['K'] }],
      [{ ...q('2025-Q2'), units: [units[0], ''] }, { ...NO_FILTERS, groups: ['psychiatric'], ageBands: ['31-40', 'unknown'] }]
    ];
    const sorted = (rows: unknown[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const totals = new Set<number>();
    for (const list of lists) {
      const cube = await queryRows<{ period: number; reason: string; n: number }>(e, reasonsSql(list));
      expect(sorted(cube), JSON.stringify(list)).toEqual(sorted(await queryRows(e, reasonsSql(list, { fromCube: false }))));
      for (const [i] of list.entries()) totals.add(cube.filter((r) => r.period === i).reduce((a, r) => a + r.n, 0));
    }
    // Not vacuous: the selections count different certificates, one none.
    expect(totals.size).toBeGreaterThan(5);
    expect(totals.has(0)).toBe(true);
    // A period that is not one quarter, or a physician: counted from the certificates.
    expect(() => reasonsSql([{ ...NO_FILTERS, from: '2025-01-01', to: '2025-06-30' }], { fromCube: true })).toThrow();
    expect(() => reasonsSql([{ ...q('2025-Q1'), physicians: ['x'] }], { fromCube: true })).toThrow();
    expect(reasonsSql([{ ...NO_FILTERS, from: '2025-01-01', to: '2025-06-30' }])).not.toContain('cert_reason_cube');
    await e.close();
  }, 60_000);
});

describe('the summary’s extension totals and unknown gender, on certificates and a rehab export together', () => {
  it('are those of the certificate-shape episodes, and the episodes without a gender, by their definitions', async () => {
    const { e, d } = await bothSamples();
    const list: Filters[] = [NO_FILTERS, q('2025-Q4'), { ...NO_FILTERS, genders: ['K'] }];
    const seen = new Set<string>();
    for (const [i, s] of (await summarizeMany(d, list)).entries()) {
      // The definitions, on the episodes' own shape and gender columns.
      const [want] = await queryRows<{ ext: number; wext: number; wnet: number; unknown: number; rehab: number }>(e, `
        SELECT CAST(coalesce(sum(extensions) FILTER (WHERE shape = 'certificates'), 0) AS BIGINT) AS ext,
          CAST(coalesce(sum(waiting_extensions) FILTER (WHERE shape = 'certificates'), 0) AS BIGINT) AS wext,
          CAST(coalesce(sum(waiting_net_days) FILTER (WHERE shape = 'certificates'), 0) AS DOUBLE) AS wnet,
          count(*) FILTER (WHERE gender IS NULL) AS unknown, count(*) FILTER (WHERE shape = 'episodes') AS rehab
        FROM ${selectionSql(list[i])}`);
      expect([s.waiting.extensions, s.waiting.waiting_extensions, s.waiting.waiting_net_days, s.episodes.unknown_gender])
        .toEqual([want.ext, want.wext, want.wnet, want.unknown]);
      // Not vacuous: the rehab export's episodes are in the selection, and there are extensions to count.
      expect(want.rehab).toBeGreaterThan(0);
      expect(want.ext).toBeGreaterThan(0);
      seen.add(JSON.stringify(want));
    }
    expect(seen.size).toBe(list.length);
    await e.close();
  }, 60_000);
});
