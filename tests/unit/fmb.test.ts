import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryRows } from '../../src/lib/engine/rows';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { ensureFmb, FMB_2019, fmbEpisodesSql, installFmbSql } from '../../src/lib/analysis/fmb';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

let engine: NodeEngine;

beforeAll(async () => {
  engine = await NodeEngine.create();
  const ds = new Dataset(engine);
  await ensureFmb(engine);
  const report = await ds.addFile(fileFromPath(fixture('fmb-episodes.csv')));
  expect(report.ok).toBe(true);
  await ds.build({ gap: 5, asOf: '2025-06-30' });
});

afterAll(async () => {
  await engine?.close();
});

interface Ep {
  patient: string;
  diagnosis: string | null;
  length_days: number;
  fmb_code: string | null;
  fmb_max: number | null;
  over_fmb: boolean | null;
  fmb_overrun: number | null;
  [k: string]: string | number | boolean | null;
}

describe('FMB table', () => {
  it('bundles one row per code, ranges expanded, the largest maximum per code', () => {
    const codes = FMB_2019.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    // J00–J11 (12 codes) + J20 = 13 infection rows of 14 days; J12–J18 = 7 pneumonia rows of 28 days.
    expect(FMB_2019.filter((r) => r.code.startsWith('J') && r.max_days === 14).map((r) => r.code)).toEqual([
      'J00', 'J01', 'J02', 'J03', 'J04', 'J05', 'J06', 'J07', 'J08', 'J09', 'J10', 'J11', 'J20'
    ]);
    expect(FMB_2019.filter((r) => r.max_days === 28 && r.code.startsWith('J')).length).toBe(7);
    expect(FMB_2019.filter((r) => r.code.startsWith('I')).map((r) => r.code)).toEqual(['I20', 'I21', 'I22', 'I23', 'I24', 'I25']);
    const max = Object.fromEntries(FMB_2019.map((r) => [r.code, r.max_days]));
    // Several case types → the largest: M54.5 7 (light) – 14 (heavy) → 14; F43.8 186 / 372 → 372.
    expect(max['M54.5']).toBe(14);
    expect(max['F43.8']).toBe(372);
    expect(max['S52.5']).toBe(84);
    expect(max['S52']).toBe(124);
    expect(max['S82']).toBe(372);
    expect(max['M51']).toBe(42);
  });

  it('installFmbSql creates or replaces the table', async () => {
    await engine.query(`CREATE TEMP TABLE keep AS SELECT 1`);
    await engine.query(installFmbSql([{ code: 'x1', max_days: 3 }]));
    expect(await queryRows(engine, `SELECT * FROM fmb`)).toEqual([{ code: 'X1', max_days: 3 }]);
    await engine.query(installFmbSql(FMB_2019));
    expect((await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM fmb`))[0].n).toBe(FMB_2019.length);
    expect(() => installFmbSql([{ code: 'A', max_days: -1 }])).toThrow();
  });
});

describe('fmbEpisodesSql: longest prefix', () => {
  it('matches each episode to the longest FMB code and computes the overrun', async () => {
    await engine.query(installFmbSql(FMB_2019));
    const rows = await queryRows<Ep>(engine,
      `SELECT patient, diagnosis, length_days, fmb_code, fmb_max, over_fmb, fmb_overrun
       FROM ${fmbEpisodesSql('episodes')} ORDER BY patient`);
    expect(rows.length).toBe(8);
    // Patients are pseudonymised; find them by diagnosis instead.
    const d = Object.fromEntries(rows.map((r) => [r.diagnosis ?? '(none)', r]));
    // P1 F43.8A 2025-01-01..06-30: 31+28+31+30+31+30 = 181 days; F43.8 → 372; not over.
    expect(d['F43.8A']).toMatchObject({ length_days: 181, fmb_code: 'F43.8', fmb_max: 372, over_fmb: false, fmb_overrun: null });
    // P2 M54.5 01-01..01-20 = 20 days; 14 → over by 6.
    expect(d['M54.5']).toMatchObject({ length_days: 20, fmb_code: 'M54.5', fmb_max: 14, over_fmb: true, fmb_overrun: 6 });
    // P3 J06.9 10 days; J06 → 14; not over.
    expect(d['J06.9']).toMatchObject({ length_days: 10, fmb_code: 'J06', fmb_max: 14, over_fmb: false, fmb_overrun: null });
    // P4 S52.5 01-01..04-30 = 31+28+31+30 = 120 days; S52.5 (84) wins over S52 (124) → over by 36.
    expect(d['S52.5']).toMatchObject({ length_days: 120, fmb_code: 'S52.5', fmb_max: 84, over_fmb: true, fmb_overrun: 36 });
    // P6 S52.3 120 days → S52 (124) → not over.
    expect(d['S52.3']).toMatchObject({ length_days: 120, fmb_code: 'S52', fmb_max: 124, over_fmb: false });
    // P7 F43.2 02-01..05-31 = 28+31+30+31 = 120 days; 93 → over by 27.
    expect(d['F43.2']).toMatchObject({ length_days: 120, fmb_code: 'F43.2', fmb_max: 93, over_fmb: true, fmb_overrun: 27 });
    // Unknown code and no diagnosis → NULLs.
    expect(d['Z73.0']).toMatchObject({ fmb_code: null, fmb_max: null, over_fmb: null, fmb_overrun: null });
    expect(d['(none)']).toMatchObject({ fmb_code: null, fmb_max: null, over_fmb: null, fmb_overrun: null });
  });

  it('compares without dots, in upper case, on both sides', async () => {
    await engine.query(installFmbSql([{ code: 'F438', max_days: 10 }, { code: 'f43.8a', max_days: 20 }, { code: 'S52', max_days: 5 }]));
    const rows = await queryRows<Ep>(engine,
      `SELECT diagnosis, fmb_code, fmb_max, over_fmb, fmb_overrun FROM ${fmbEpisodesSql('episodes')} WHERE fmb_code IS NOT NULL ORDER BY diagnosis`);
    // F43.8A: F438 (key F438) and F43.8A (key F438A) both prefixes; the longer wins → 20; 181 − 20 = 161.
    // S52.3 / S52.5 (120 days) → S52 (5): over by 115.
    expect(rows).toEqual([
      { diagnosis: 'F43.8A', fmb_code: 'F43.8A', fmb_max: 20, over_fmb: true, fmb_overrun: 161 },
      { diagnosis: 'S52.3', fmb_code: 'S52', fmb_max: 5, over_fmb: true, fmb_overrun: 115 },
      { diagnosis: 'S52.5', fmb_code: 'S52', fmb_max: 5, over_fmb: true, fmb_overrun: 115 }
    ]);
    await engine.query(installFmbSql(FMB_2019));
  });

  it('ensureFmb keeps a table that already exists', async () => {
    await engine.query(installFmbSql([{ code: 'A00', max_days: 1 }]));
    await ensureFmb(engine);
    expect(await queryRows(engine, `SELECT * FROM fmb`)).toEqual([{ code: 'A00', max_days: 1 }]);
    await engine.query(`DROP TABLE fmb`);
    await ensureFmb(engine);
    expect((await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM fmb`))[0].n).toBe(FMB_2019.length);
  });
});
