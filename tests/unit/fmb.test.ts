import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryRows } from '../../src/lib/engine/rows';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  decodeFmbBytes, ensureFmb, FMB_2019, FMB_TABLE_SQL, fmbByAllSql, fmbBySql, fmbEpisodesSql, fmbLongestSql, fmbSummarySql, installFmbSql,
  parseFmbCsv, type FmbByRow, type FmbOverrunRow, type FmbSummaryRow
} from '../../src/lib/analysis/fmb';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

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

  it('matches a filtered selection the same way, from the diagnoses the build listed (fmb_diagnoses)', async () => {
    await engine.query(installFmbSql(FMB_2019));
    // The build lists each distinct diagnosis once, with its key.
    expect(await queryRows(engine, `SELECT diagnosis, k FROM fmb_diagnoses WHERE diagnosis IN ('F43.8A', 'M54.5') ORDER BY 1`))
      .toEqual([{ diagnosis: 'F43.8A', k: 'F438A' }, { diagnosis: 'M54.5', k: 'M545' }]);
    expect((await queryRows<{ n: number }>(engine,
      `SELECT (SELECT count(*) FROM fmb_diagnoses) - (SELECT count(DISTINCT diagnosis) FROM episodes) AS n`))[0].n).toBe(0);
    const sel = `(SELECT * FROM episodes WHERE diagnosis IN ('M54.5', 'Z73.0'))`;
    const rows = await queryRows<Ep>(engine, `SELECT diagnosis, fmb_code, fmb_max, over_fmb FROM ${fmbEpisodesSql(sel)} ORDER BY diagnosis`);
    expect(rows).toEqual([
      { diagnosis: 'M54.5', fmb_code: 'M54.5', fmb_max: 14, over_fmb: true },
      { diagnosis: 'Z73.0', fmb_code: null, fmb_max: null, over_fmb: null }
    ]);
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

describe('FMB comparisons on tests/fixtures/dur-km.csv (bundled table)', () => {
  let e2: NodeEngine;
  beforeAll(async () => {
    e2 = await NodeEngine.create();
    const ds = new Dataset(e2);
    await ensureFmb(e2);
    await ds.addFile(fileFromPath(fixture('dur-km.csv')));
    await ds.build({ gap: 5, asOf: '2025-06-30' });
  });
  afterAll(async () => {
    await e2?.close();
  });
  // Episodes (length, FMB code → max): P01 F43.8A 10 (F43.8 → 372), P02 M54.5 20 (14: +6), P03 F32.1 20 (F32 → 186),
  // P04 F43.2 51 (93), P05 J06.9 30 (J06 → 14: +16), P06 F43.8A 120 (372), P07 S52.5 153 (84: +69),
  // P08 F43.8A 182 (372), P09 F41.1 104 (28: +76), P10 M51.1 123 (M51 → 42: +81), P11 F43.8A 579 (372: +207),
  // P12 R53 20 (no FMB code).

  it('summary: 11 of 12 matched, 6 over', async () => {
    const [r] = await queryRows<FmbSummaryRow>(e2, fmbSummarySql('episodes'));
    expect(r).toMatchObject({ n: 12, matched: 11, over: 6 });
    expect(r.share).toBeCloseTo(6 / 11, 12);
  });

  it('by FMB code, physician and unit', async () => {
    const code = await queryRows<FmbByRow>(e2, fmbBySql('episodes', 'fmb_code'));
    expect(code.map((r) => [r.key, r.fmb_max, r.n, r.over, r.mean_overrun])).toEqual([
      ['F32', 186, 1, 0, null], ['F41.1', 28, 1, 1, 76], ['F43.2', 93, 1, 0, null],
      // F43.8: P01, P06, P08, P11; only P11 over (207).
      ['F43.8', 372, 4, 1, 207], ['J06', 14, 1, 1, 16], ['M51', 42, 1, 1, 81], ['M54.5', 14, 1, 1, 6], ['S52.5', 84, 1, 1, 69]
    ]);
    expect(code[3].share).toBe(0.25);
    // Dr A: P01–P04 matched, P02 over (6) → 1/4. Dr B: P05–P08, P05 (16) and P07 (69) over → 2/4, mean 42.5.
    // Dr C: P09–P11 matched (P12 not), all over: (76 + 81 + 207)/3 = 121.33.
    const phys = await queryRows<FmbByRow>(e2, fmbBySql('episodes', 'physician'));
    expect(phys.map((r) => [r.key, r.n, r.over, r.share])).toEqual([['Dr A', 4, 1, 0.25], ['Dr B', 4, 2, 0.5], ['Dr C', 3, 3, 1]]);
    expect(phys[1].mean_overrun).toBe(42.5);
    expect(phys[2].mean_overrun).toBeCloseTo(364 / 3, 12);
    // Enhet Norr P01–P06: 6 matched, P02 and P05 over → 1/3, mean (6+16)/2 = 11.
    // Enhet Syd P07–P12: 5 matched, P07, P09, P10, P11 over → 0.8, mean (69+76+81+207)/4 = 108.25.
    const unit = await queryRows<FmbByRow>(e2, fmbBySql('episodes', 'unit'));
    expect(unit.map((r) => [r.key, r.n, r.over, r.mean_overrun])).toEqual([['Enhet Norr', 6, 2, 11], ['Enhet Syd', 5, 4, 108.25]]);
    expect(unit[0].share).toBeCloseTo(1 / 3, 12);
    // The same three breakdowns in one pass.
    const all = await queryRows<FmbByRow & { breakdown: string }>(e2, fmbByAllSql('episodes'));
    const strip = (rows: FmbByRow[]) => rows.map(({ key, fmb_max, n, over, share, mean_overrun }) => ({ key, fmb_max, n, over, share, mean_overrun }));
    expect(strip(all.filter((r) => r.breakdown === 'fmb_code'))).toEqual(strip(code));
    expect(strip(all.filter((r) => r.breakdown === 'physician'))).toEqual(strip(phys));
    expect(strip(all.filter((r) => r.breakdown === 'unit'))).toEqual(strip(unit));
    expect(all.map((r) => r.breakdown)).toEqual([...Array(8).fill('fmb_code'), ...Array(3).fill('physician'), ...Array(2).fill('unit')]);
  });

  it('longest overruns first', async () => {
    const rows = await queryRows<FmbOverrunRow>(e2, fmbLongestSql('episodes', 4));
    expect(rows.map((r) => [r.patient, r.fmb_code, r.length_days, r.fmb_max, r.fmb_overrun, r.ongoing])).toEqual([
      ['P11', 'F43.8', 579, 372, 207, true], ['P10', 'M51', 123, 42, 81, false],
      ['P09', 'F41.1', 104, 28, 76, true], ['P07', 'S52.5', 153, 84, 69, true]
    ]);
    // Named from their codes: the episode's own diagnosis, start, physician and unit.
    const named = await queryRows(e2, `SELECT episode_id, patient, strftime(start_date, '%Y-%m-%d') AS start_date, diagnosis, physician, unit
      FROM episodes WHERE episode_id IN (${rows.map((r) => r.episode_id).join(', ')})`);
    for (const r of rows) {
      const e = named.find((x) => x.episode_id === r.episode_id);
      expect({ patient: r.patient, start_date: r.start_date, diagnosis: r.diagnosis, physician: r.physician, unit: r.unit }).toEqual(
        { patient: e?.patient, start_date: e?.start_date, diagnosis: e?.diagnosis, physician: e?.physician, unit: e?.unit });
      expect(r.diagnosis).not.toBeNull();
    }
  });

  it("a user's own table (one bad row) replaces the bundled one", async () => {
    const parsed = parseFmbCsv(decodeFmbBytes(new Uint8Array(readFileSync(fixture('fmb-user.csv')))));
    if (!parsed.ok) throw new Error('refused');
    // Line 4 "F43;-5;Fel i raden": negative days → rejected with its line number; the other three rows kept.
    expect(parsed.rowsRead).toBe(4);
    expect(parsed.delimiter).toBe(';');
    expect(parsed.rejects).toEqual([{ line: 4, code: 'negative_days', value: '-5', text: 'F43;-5;Fel i raden' }]);
    expect(parsed.rows).toEqual([
      { code: 'F43.8', max_days: 186, label: 'Utmattningssyndrom' },
      { code: 'M54.5', max_days: 7, label: 'Lumbago, lätt arbete' },
      { code: 'S52.5', max_days: 84, label: 'Distal radiusfraktur' }
    ]);
    await e2.query(installFmbSql(parsed.rows));
    expect(await queryRows(e2, FMB_TABLE_SQL)).toEqual([
      { code: 'F43.8', max_days: 186 }, { code: 'M54.5', max_days: 7 }, { code: 'S52.5', max_days: 84 }
    ]);
    // Matched now: P01 10, P06 120, P08 182, P11 579 (F43.8 → 186: only P11 over, by 393), P02 20 (M54.5 → 7: +13),
    // P07 153 (S52.5 → 84: +69) → 6 matched, 3 over.
    const [r] = await queryRows<FmbSummaryRow>(e2, fmbSummarySql('episodes'));
    expect(r).toMatchObject({ n: 12, matched: 6, over: 3, share: 0.5 });
    const top = await queryRows<FmbOverrunRow>(e2, fmbLongestSql('episodes'));
    expect(top.map((x) => [x.patient, x.fmb_overrun])).toEqual([['P11', 393], ['P07', 69], ['P02', 13]]);
  });
});

describe('parseFmbCsv', () => {
  it('accepts `,` with English headers, quotes, CRLF, BOM and blank lines', () => {
    const r = parseFmbCsv('\uFEFFcode,max_days,label\r\n"F43.8",186,"Utmattning, kognitiva"\r\n\r\nm54.5 , 14 ,\r\n');
    expect(r).toEqual({
      ok: true, delimiter: ',', rowsRead: 2, rejects: [],
      rows: [{ code: 'F43.8', max_days: 186, label: 'Utmattning, kognitiva' }, { code: 'M54.5', max_days: 14 }]
    });
  });

  it('rejects bad rows with line numbers and a reason', () => {
    const r = parseFmbCsv([
      'Diagnoskod;Max dagar', // 1 (header; "Max dagar" → max_dagar)
      ';30', //                  2 missing code
      'F32;', //                 3 missing days
      'F33;12,5', //             4 not a whole number
      'F34;-3', //               5 negative
      'F35;abc', //              6 not a number
      '12;30', //                7 not an ICD-10 code
      'F36;30', //               8 ok
      'F3.6;40', //              9 same code as line 8 (dots ignored)
      'F37;10;x' //             10 more fields than the header
    ].join('\n'));
    if (!r.ok) throw new Error('refused');
    expect(r.rows).toEqual([{ code: 'F36', max_days: 30 }]);
    expect(r.rejects.map((x) => [x.line, x.code, x.value])).toEqual([
      [2, 'missing_code', ''], [3, 'missing_days', ''], [4, 'bad_days', '12,5'], [5, 'negative_days', '-3'],
      [6, 'bad_days', 'abc'], [7, 'bad_code', '12'], [9, 'duplicate', '8'], [10, 'too_many_fields', '']
    ]);
    expect(r.rowsRead).toBe(9);
  });

  it('refuses a file without the columns, an empty file, and one without a usable row', () => {
    expect(parseFmbCsv('')).toMatchObject({ ok: false, code: 'empty' });
    expect(parseFmbCsv('a;b\n1;2')).toMatchObject({ ok: false, code: 'no_header' });
    const r = parseFmbCsv('code;max_days\nF43;x');
    expect(r).toMatchObject({ ok: false, code: 'no_rows' });
    expect(r.rejects.length).toBe(1);
  });

  it('decodes Windows-1252', () => {
    const bytes = new Uint8Array([0x6b, 0x6f, 0x64, 0x3b, 0x64, 0x61, 0x67, 0x61, 0x72, 0x3b, 0x74, 0x65, 0x78, 0x74, 0x0a,
      0x46, 0x33, 0x32, 0x3b, 0x39, 0x33, 0x3b, 0xe5, 0x6e, 0x67, 0x65, 0x73, 0x74]); // "kod;dagar;text\nF32;93;ångest"
    const r = parseFmbCsv(decodeFmbBytes(bytes));
    expect(r.ok && r.rows).toEqual([{ code: 'F32', max_days: 93, label: 'ångest' }]);
  });
});
