/**
 * `episode_cells` (src/lib/analysis/cells.ts): every figure summed from the cells equals the same figure counted from
 * the selected episodes, for every filter the cells serve, and after the FMB table changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeEngine } from '../../src/lib/engine/node';
import type { Dataset } from '../../src/lib/dataset';
import { queryParts } from '../../src/lib/engine/parts';
import { queryRows } from '../../src/lib/engine/rows';
import { NO_FILTERS, selectionSql, type Filters } from '../../src/lib/analysis/filters';
import { cellsSelectionSql } from '../../src/lib/analysis/cells';
import {
  ensureFmb, FMB_2019, decodeFmbBytes, fmbByAllSql, fmbLongestSql, fmbMatchedSql, fmbSummarySql, parseFmbCsv
} from '../../src/lib/analysis/fmb';
import {
  EQUALITY_COUNTS, coverageSql, equalityCountsWith, genderFiguresSql, genderMedianSql, mhAllSql, mhByProviderSql, womenShareSql,
  type KmMedianRow
} from '../../src/lib/analysis/equality';
import { kmMedianSql } from '../../src/lib/analysis/stats';
import { DIAGNOSIS_GROUPS } from '../../src/lib/analysis/domain';
import { OUTCOMES, trendAllSql, unitCaseMixSql, unitTrendSql, variationParts, type VariationBy } from '../../src/lib/analysis/variation';
import { expectSame, fixture, loadFixtures, SAMPLES } from './helpers';

let engine: NodeEngine;
let ds: Dataset;
let filters: Filters[];

beforeAll(async () => {
  // Both shapes, unknown genders, ages and diagnoses, several units and physicians.
  ({ engine, ds } = await loadFixtures(join(SAMPLES, 'intyg-exempel.csv'), join(SAMPLES, 'rehabstod-exempel.csv'),
    join(SAMPLES, 'intyg-med-fel.csv'), 'var-lakare.csv', 'var-enhet-a.csv', 'var-enhet-b.csv', 'eq-mh.csv'));
  await ds.build({ gap: 5, asOf: '2025-06-30' });
  await ensureFmb(engine);
  await ds.ensureCells();
  const first = async (col: string) => (await queryRows<{ v: string }>(engine,
    `SELECT DISTINCT ${col} AS v FROM episodes WHERE ${col} IS NOT NULL ORDER BY 1 LIMIT 3`)).map((r) => r.v);
  const [units, physicians] = [await first('unit'), await first('physician')];
  filters = [
    NO_FILTERS,
    { ...NO_FILTERS, genders: ['K'] },
    { ...NO_FILTERS, genders: ['M', ''] },
    { ...NO_FILTERS, units: [units[0]] },
    { ...NO_FILTERS, units: [units[1], units[2], ''] },
    { ...NO_FILTERS, physicians: [physicians[0], physicians[1]] },
    { ...NO_FILTERS, physicians: [''] },
    { ...NO_FILTERS, groups: ['psychiatric', 'invalid'] },
    { ...NO_FILTERS, ageBands: ['31-40', 'unknown'] },
    { ...NO_FILTERS, units: [units[0]], genders: ['K'], groups: ['musculoskeletal'] },
    { ...NO_FILTERS, units: ['Ingen sådan enhet'] }
  ];
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

/** The figure's rows counted from the selection and summed from its cells, for every filter. */
async function compare(sql: (rel: string, cells: string | null) => string): Promise<void> {
  for (const f of filters) {
    const rel = selectionSql(f);
    expectSame(await queryRows(engine, sql(rel, cellsSelectionSql(f))), await queryRows(engine, sql(rel, null)), JSON.stringify(f));
  }
}

describe('figures from episode_cells', () => {
  it('select what the filters select (not vacuous), and are not used with a period', async () => {
    const sizes = new Set<number>();
    for (const f of filters) {
      const [r] = await queryRows<{ n: number; m: number }>(engine,
        `SELECT (SELECT count(*) FROM ${selectionSql(f)}) AS n, (SELECT coalesce(sum(n), 0) FROM ${cellsSelectionSql(f)}) AS m`);
      expect(r.m, JSON.stringify(f)).toBe(r.n);
      sizes.add(r.n);
    }
    expect(sizes.size).toBeGreaterThan(8);
    expect(sizes.has(0)).toBe(true);
    expect((await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM episode_cells`))[0].n)
      .toBeLessThan((await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM episodes`))[0].n);
    expect(cellsSelectionSql({ ...NO_FILTERS, from: '2025-01-01' })).toBeNull();
    expect(cellsSelectionSql({ ...NO_FILTERS, to: '2025-03-31' })).toBeNull();
  });

  it('the equality view: coverage, women’s share, figures side by side', async () => {
    for (const f of filters) {
      const run = (cells: string | null) => queryParts(engine, {
        with: equalityCountsWith(selectionSql(f), cells),
        parts: { coverage: coverageSql(EQUALITY_COUNTS), share: womenShareSql(EQUALITY_COUNTS), figures: genderFiguresSql(EQUALITY_COUNTS) }
      });
      expectSame(await run(cellsSelectionSql(f)), await run(null), JSON.stringify(f));
    }
  });

  it('the equality view: Mantel–Haenszel overall, per group, per quarter, and per physician and unit', async () => {
    await compare((rel, cells) => mhAllSql(rel, cells));
    await compare((rel, cells) => mhByProviderSql(rel, 'physician', undefined, cells));
    await compare((rel, cells) => mhByProviderSql(rel, 'unit', 3, cells));
  });

  it('the per-physician and per-unit tables, counts, trends and case mix, for every outcome', async () => {
    for (const by of ['physician', 'unit'] as VariationBy[]) {
      for (const outcome of OUTCOMES) {
        await compare((rel, cells) => variationParts(rel, by, outcome, cells).rows);
        await compare((rel, cells) => variationParts(rel, by, outcome, cells).counts);
      }
    }
    for (const outcome of OUTCOMES) {
      await compare((rel, cells) => unitTrendSql(rel, outcome, cells));
      await compare((rel, cells) => trendAllSql(rel, outcome, cells));
    }
    await compare((rel, cells) => unitCaseMixSql(rel, cells));
  });

  it('the equality view’s medians per group and gender (counted once) equal the median of each group alone', async () => {
    let rows = 0;
    for (const f of filters) {
      const rel = selectionSql(f);
      const got = await queryRows<KmMedianRow>(engine, genderMedianSql(rel));
      const want: KmMedianRow[] = [];
      for (const [group, where] of [['all', 'TRUE'], ...DIAGNOSIS_GROUPS.map((g, i) => [g, `group_code = ${i + 1}`])]) {
        for (const [gender, code] of [['K', 1], ['M', 2]] as const) {
          const [r] = await queryRows<KmMedianRow>(engine, kmMedianSql(`(SELECT * FROM ${rel} WHERE ${where} AND gender_code = ${code})`));
          if (r) want.push({ ...r, grp: `${group}|${gender}` });
        }
      }
      const key = (r: KmMedianRow) => r.grp ?? '';
      want.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      expect(got, JSON.stringify(f)).toEqual(want);
      rows += got.length;
    }
    expect(rows).toBeGreaterThan(50);
  });

  it('the FMB figures from episode_fmb, with and without a period', async () => {
    const periods: Filters[] = [
      { ...NO_FILTERS, from: '2025-01-01', to: '2025-03-31' },
      { ...NO_FILTERS, from: '2024-10-01', to: null, genders: ['M'] },
      { ...NO_FILTERS, from: null, to: '2024-12-31', groups: ['musculoskeletal'] }
    ];
    const over = new Set<number>();
    for (const f of [...filters, ...periods]) {
      const [rel, matched] = [selectionSql(f), fmbMatchedSql(f)];
      for (const sql of [(m: string | null) => fmbSummarySql(rel, m), (m: string | null) => fmbByAllSql(rel, m), (m: string | null) => fmbLongestSql(rel, 20, m)]) {
        expectSame(await queryRows(engine, sql(matched)), await queryRows(engine, sql(null)), JSON.stringify(f));
      }
      over.add((await queryRows<{ over: number }>(engine, fmbSummarySql(rel, matched)))[0].over);
    }
    expect(over.size).toBeGreaterThan(6);
  });

  it('are written again after the FMB table changes', async () => {
    const fmbShare = async () => (await queryRows<{ fmb_matched: number }>(engine,
      variationParts(selectionSql(NO_FILTERS), 'unit', 'overFmb', cellsSelectionSql(NO_FILTERS)).counts));
    const before = await fmbShare();
    const parsed = parseFmbCsv(decodeFmbBytes(new Uint8Array(readFileSync(fixture('fmb-user.csv')))));
    if (!parsed.ok) throw new Error('fmb-user.csv');
    await ds.installFmb(parsed.rows);
    await ds.ensureCells();
    // Another table matches other episodes: the cells follow it, and still equal the count from the episodes.
    expect(await fmbShare()).not.toEqual(before);
    await compare((rel, cells) => variationParts(rel, 'physician', 'overFmb', cells).rows);
    await compare((rel, cells) => variationParts(rel, 'unit', 'overFmb', cells).counts);
    for (const f of filters) {
      expectSame(await queryRows(engine, fmbByAllSql(selectionSql(f), fmbMatchedSql(f))), await queryRows(engine, fmbByAllSql(selectionSql(f))), JSON.stringify(f));
    }
    await ds.installFmb(FMB_2019);
    await ds.ensureCells();
    expect(await fmbShare()).toEqual(before);
  });
});
