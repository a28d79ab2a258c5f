/**
 * Dimension codes (src/lib/analysis/dims.ts): every code the build stores names its episode's value back, codes
 * sort like the names, and filters tested on codes select exactly the episodes the names select.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryOne, queryRows } from '../../src/lib/engine/rows';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { NO_FILTERS, whereSql, type Filters } from '../../src/lib/analysis/filters';
import { byCode, codeColumn, codedList, inCodesSql, nameOfCode, reasonOfCode } from '../../src/lib/analysis/dims';
import { AGE_BANDS, DIAGNOSIS_GROUPS } from '../../src/lib/analysis/domain';
import { lit } from '../../src/lib/sql';
import { perQuarterGenderSql, summarize } from '../../src/lib/analysis/summary';
import { coverageSql } from '../../src/lib/analysis/equality';
import { kmMedianSql } from '../../src/lib/analysis/stats';
import { lengthBandNoSql, lengthBandSql } from '../../src/lib/analysis/domain';

const sample = (name: string) => resolve(__dirname, '..', '..', 'data-samples', name);
const CODED = ['gender', 'age_band', 'diagnosis_group', 'unit', 'physician', 'diagnosis', 'start_quarter'];

let engine: NodeEngine;
let ds: Dataset;

beforeAll(async () => {
  engine = await NodeEngine.create();
  ds = new Dataset(engine);
  // Certificates and an episode file (Rehabstöd's list): both shapes, with NULL genders, ages and diagnoses.
  for (const f of ['intyg-exempel.csv', 'rehabstod-exempel.csv', 'intyg-med-fel.csv']) await ds.addFile(fileFromPath(sample(f)));
  await ds.build({ gap: 5, asOf: '2025-06-30' });
});

afterAll(async () => {
  await engine?.close();
});

describe('dimension codes of episodes', () => {
  it('name back every episode’s value, NULL as NULL', async () => {
    for (const col of CODED) {
      const code = codeColumn(col)!;
      const r = await queryOne<{ n: number; wrong: number; nulls: number }>(engine, `SELECT count(*) AS n,
        count(*) FILTER (WHERE ${nameOfCode(col, code)} IS DISTINCT FROM CAST(${col} AS VARCHAR)) AS wrong,
        count(*) FILTER (WHERE ${code} IS NULL) AS nulls
        FROM episodes`);
      expect(r.n, col).toBeGreaterThan(100);
      expect(r.wrong, col).toBe(0);
    }
    // The data has episodes without a diagnosis (and so the NULL path is exercised).
    expect((await queryOne<{ n: number }>(engine, `SELECT count(*) AS n FROM episodes WHERE diagnosis_code IS NULL`)).n).toBeGreaterThan(0);
  });

  it('sort like the names (one code per name) for the values of the data and the start quarter', async () => {
    for (const col of ['unit', 'physician', 'diagnosis', 'start_quarter']) {
      const code = codeColumn(col)!;
      const r = await queryOne<{ same: boolean; names: number; codes: number }>(engine, `SELECT
        list(v ORDER BY v) = list(v ORDER BY k) AS same, count(DISTINCT v) AS names, count(DISTINCT k) AS codes
        FROM (SELECT DISTINCT ${col} AS v, ${code} AS k FROM episodes WHERE ${col} IS NOT NULL)`);
      expect(r.same, col).toBe(true);
      expect(r.codes, col).toBe(r.names);
    }
  });

  it("filters on codes select the same episodes as filters on names, also for '' (unknown) and values not in the list", async () => {
    const byName = (col: string, values: string[]) => {
      const named = values.filter((v) => v !== '');
      const parts = [named.length ? `${col} IN (${named.map(lit).join(', ')})` : null, values.includes('') ? `${col} IS NULL` : null];
      return parts.filter(Boolean).join(' OR ');
    };
    const units = (await queryRows<{ v: string }>(engine, `SELECT DISTINCT unit AS v FROM episodes WHERE unit IS NOT NULL ORDER BY 1`)).map((r) => r.v);
    const physicians = (await queryRows<{ v: string }>(engine, `SELECT DISTINCT physician AS v FROM episodes WHERE physician IS NOT NULL ORDER BY 1`)).map((r) => r.v);
    expect(units.length).toBeGreaterThan(2);
    const cases: [keyof Filters, string, string[]][] = [
      ['genders', 'gender', ['K']], ['genders', 'gender', ['M', '']], ['genders', 'gender', ['']], ['genders', 'gender', ['X']],
      ['ageBands', 'age_band', ['-20', '61+']], ['ageBands', 'age_band', ['unknown']], ['ageBands', 'age_band', ['99']],
      ['groups', 'diagnosis_group', ['psychiatric']], ['groups', 'diagnosis_group', ['invalid', 'somatic', 'nonsense']],
      ['units', 'unit', [units[0]]], ['units', 'unit', [units[1], units[units.length - 1], '']], ['units', 'unit', ['']],
      ['units', 'unit', ['Ingen sådan enhet']],
      ['physicians', 'physician', [physicians[0], physicians[2]]], ['physicians', 'physician', ['', 'Ingen sådan läkare']]
    ];
    for (const [key, col, values] of cases) {
      const f = { ...NO_FILTERS, [key]: values } as Filters;
      const r = await queryOne<{ coded: number; named: number }>(engine, `SELECT
        count(*) FILTER (WHERE ${whereSql(f)}) AS coded, count(*) FILTER (WHERE ${byName(col, values)}) AS named FROM episodes`);
      expect(r.coded, `${col} ${values}`).toBe(r.named);
    }
    // Every value of the fixed lists at least once.
    for (const v of [...AGE_BANDS]) expect(inCodesSql('age_band', [v])).not.toBe('FALSE');
    for (const v of [...DIAGNOSIS_GROUPS]) expect(inCodesSql('diagnosis_group', [v])).not.toBe('FALSE');
  });

  it('grouping by code gives the groups and counts of grouping by name', async () => {
    for (const col of CODED) {
      const g = byCode(col);
      const coded = await queryRows(engine, `SELECT ${g.name('k')} AS v, n FROM (SELECT ${g.key} AS k, count(*) AS n FROM episodes GROUP BY 1) ORDER BY v NULLS LAST`);
      const named = await queryRows(engine, `SELECT CAST(${col} AS VARCHAR) AS v, count(*) AS n FROM episodes GROUP BY 1 ORDER BY v NULLS LAST`);
      expect(coded, col).toEqual(named);
    }
    expect(codedList('diagnosis_group, gender, age_band, length_days')).toBe('group_code, gender_code, age_code, length_days');
  });

  it('cert_fact’s reason codes name back every certificate’s extension reason', async () => {
    await ds.ensureCertFacts();
    const r = await queryOne<{ n: number; reasons: number; kinds: number; wrong: number }>(engine, `SELECT count(*) AS n,
      count(extension_reason) AS reasons, count(DISTINCT extension_reason) AS kinds,
      count(*) FILTER (WHERE ${reasonOfCode('reason_code')} IS DISTINCT FROM extension_reason) AS wrong FROM cert_fact`);
    expect(r.reasons).toBeGreaterThan(100);
    expect(r.kinds).toBeGreaterThan(5);
    expect(r.wrong).toBe(0);
  });

  it('the summary’s one-pass counts and joint medians equal the figures counted one by one', async () => {
    const s = await summarize(ds);
    const bands = await queryRows<{ band: string; n: number }>(engine,
      `SELECT ${lengthBandSql('length_days')} AS band, count(*) AS n FROM episodes GROUP BY 1`);
    for (const [band, n] of Object.entries(s.length.bands)) expect(n, band).toBe(bands.find((b) => b.band === band)?.n ?? 0);
    expect(Object.values(s.length.bands).reduce((a, b) => a + b, 0)).toBe(s.episodes.total);
    const w = await queryOne<{ e: number; w: number }>(engine,
      `SELECT sum(extensions) AS e, sum(waiting_extensions) AS w FROM episodes WHERE shape = 'certificates'`);
    expect([s.waiting.extensions, s.waiting.waiting_extensions]).toEqual([w.e, w.w]);
    const all = await queryRows<{ median: number }>(engine, kmMedianSql('episodes'));
    const byGender = await queryRows<{ grp: string; median: number }>(engine,
      kmMedianSql(`(SELECT * FROM episodes WHERE gender IS NOT NULL)`, { group: 'gender' }));
    expect(s.length.median_km_days).toBe(all[0].median);
    expect(s.gender.median_km_days).toEqual({ women: byGender.find((r) => r.grp === 'K')!.median, men: byGender.find((r) => r.grp === 'M')!.median });
  });

  it('the equality view’s coverage, by code, equals the count by name', async () => {
    const named = await queryOne(engine, `SELECT CAST(count(*) AS BIGINT) AS total,
      CAST(count(*) FILTER (WHERE gender IN ('K', 'M')) AS BIGINT) AS known_gender,
      CAST(count(*) FILTER (WHERE age_band IS NOT NULL AND age_band <> 'unknown') AS BIGINT) AS known_age,
      CAST(count(*) FILTER (WHERE diagnosis_group IS NOT NULL AND diagnosis_group <> 'invalid') AS BIGINT) AS valid_diagnosis
      FROM episodes`);
    expect(named.known_age).toBeLessThan(named.total as number);
    expect(named.valid_diagnosis).toBeLessThan(named.total as number);
    expect(await queryOne(engine, coverageSql('episodes'))).toEqual(named);
  });

  it('the overview’s episodes per quarter and gender, by code, equal the count by name', async () => {
    const named = await queryRows(engine, `SELECT start_quarter AS quarter, coalesce(gender, '?') AS gender, count(*) AS n
      FROM episodes GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(named.some((r) => r.gender === '?')).toBe(true);
    expect(await queryRows(engine, perQuarterGenderSql('episodes'))).toEqual(named);
  });

  it('the stored length band and certificates class equal their definitions, for both shapes', async () => {
    // The definitions as the durations view computed them per statement before the build stored them: the band of
    // the length; the certificate count's class, known for a certificate episode and for an episode-file row that
    // gives the count ("Antal intyg").
    const r = await queryOne<{ n: number; wrong_band: number; wrong_class: number; episode_rows: number }>(engine, `
      SELECT count(*) AS n,
        count(*) FILTER (WHERE band_code IS DISTINCT FROM (${lengthBandNoSql('length_days')})) AS wrong_band,
        count(*) FILTER (WHERE cert_class_code IS DISTINCT FROM (CASE
          WHEN NOT (e.shape = 'certificates' OR k.patient IS NOT NULL) OR e.n_certificates IS NULL THEN NULL
          WHEN e.n_certificates <= 5 THEN e.n_certificates WHEN e.n_certificates <= 9 THEN 6 ELSE 10 END)) AS wrong_class,
        count(*) FILTER (WHERE shape = 'episodes') AS episode_rows
      FROM episodes e
      LEFT JOIN (SELECT DISTINCT patient, CAST(rec AS BIGINT) AS ep_no, start_date FROM episode_input WHERE certificates IS NOT NULL) k
        ON e.shape = 'episodes' AND k.patient = e.patient AND k.ep_no = e.ep_no AND k.start_date = e.start_date`);
    expect(r.n).toBeGreaterThan(100);
    expect(r.episode_rows).toBeGreaterThan(0);
    expect([r.wrong_band, r.wrong_class]).toEqual([0, 0]);
    // An episode-file row without a count ('unknown') is tested in durations.test.ts, on a row blanked for it.
    const classes = await queryRows<{ c: number }>(engine, `SELECT DISTINCT cert_class_code AS c FROM episodes WHERE cert_class_code IS NOT NULL ORDER BY 1`);
    expect(classes.length).toBeGreaterThanOrEqual(3);
  });
});
