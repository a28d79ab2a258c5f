/** Parsing quirks of contract sections 1–2: headers, encodings, delimiters, value formats, rejects, refusals. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryOne, queryRows } from '../../src/lib/engine/rows';
import { Dataset, type AcceptedReport } from '../../src/lib/dataset';
import { sniff } from '../../src/lib/ingest/sniff';
import { columnRole } from '../../src/lib/ingest/headers';
import { macrosSql } from '../../src/lib/ingest/macros';
import { rejectLine } from '../../src/lib/ingest/messages';
import { sv, en } from '../../src/lib/i18n';
import { bytesInput, storedRowsSql } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);
const cp1252 = (s: string) => Uint8Array.from([...s].map((ch) => {
  const map: Record<string, number> = { å: 0xe5, ä: 0xe4, ö: 0xf6, Å: 0xc5, Ä: 0xc4, Ö: 0xd6, é: 0xe9 };
  return map[ch] ?? ch.charCodeAt(0);
}));

describe('header recognition', () => {
  it.each([
    ['Personnummer', 'patient_id'], ['personnr', 'patient_id'], ['PNR', 'patient_id'], ['Startdatum', 'start_date'],
    ['Från', 'start_date'], ['fom', 'start_date'], ['Till', 'end_date'], ['tom', 'end_date'], ['Slutdatum', 'end_date'],
    ['Sjukskrivningsgrad', 'degree'], ['Omfattning', 'degree'], ['Kön', 'gender'], ['kon', 'gender'], ['Ålder', 'age'],
    ['Vårdenhet', 'unit'], ['Mottagning', 'unit'], ['Läkare', 'physician'], ['HSA-id', 'physician'], ['Diagnoskod', 'diagnosis'],
    ['ICD10', 'diagnosis'], ['Intygs-ID', 'certificate_id'], ['Orsak till förlängning', 'extension_reason'],
    ['Förlängningsorsak', 'extension_reason'], ['Längd', 'length'], ['Antal intyg', 'certificates'],
    ['Patientnamn', 'name'], ['Namn', 'name'], ['Kommentar', null]
  ])('%s → %s', (header, role) => {
    expect(columnRole(header)).toBe(role);
  });
});

describe('sniffing a file', () => {
  it('finds the delimiter: comma, semicolon, tab', () => {
    for (const d of [',', ';', '\t']) {
      const r = sniff(enc(['patient_id', 'start_date', 'end_date', 'degree'].join(d) + '\nP1' + d + '2025-01-01' + d + '2025-01-02' + d + '100\n'));
      expect(r.ok && r.delimiter).toBe(d);
    }
  });
  it('handles a UTF-8 BOM, Windows-1252 and UTF-16', () => {
    const bom = sniff(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('Personnummer;Startdatum;Slutdatum;Grad\n')]));
    expect(bom.ok && bom.encoding).toBe('utf-8');
    const win = sniff(cp1252('Personnummer;Startdatum;Slutdatum;Grad;Vårdenhet\nX;2025-01-01;2025-01-02;100;Vårdcentral Öst\n'));
    expect(win.ok && win.encoding).toBe('windows-1252');
    expect(win.ok && win.roles).toContain('unit');
    const u16 = new Uint8Array([0xff, 0xfe, ...Array.from('pnr\tfrom\tto\tdegree\n').flatMap((c) => [c.charCodeAt(0), 0])]);
    const r16 = sniff(u16);
    expect(r16.ok && r16.encoding).toBe('utf-16le');
  });
  it('skips title rows above the header', () => {
    const r = sniff(enc('Rehabstöd export 2026-09-30\n\nPersonnummer;Startdatum;Slutdatum;Längd\n'));
    expect(r.ok && r.headerLine).toBe(2);
    expect(r.ok && r.shape).toBe('episodes');
  });
  it('refuses what cannot be used, with the reason', () => {
    expect(sniff(new Uint8Array())).toMatchObject({ ok: false, code: 'empty' });
    expect(sniff(enc('\n\n  \n'))).toMatchObject({ ok: false, code: 'empty' });
    expect(sniff(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatchObject({ ok: false, code: 'spreadsheet' });
    expect(sniff(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]))).toMatchObject({ ok: false, code: 'spreadsheet' });
    expect(sniff(new Uint8Array([1, 2, 0, 4, 5]))).toMatchObject({ ok: false, code: 'binary' });
    expect(sniff(enc('a,b,c\n1,2,3\n'))).toMatchObject({ ok: false, code: 'no_header' });
    // no degree column and no episode columns: read as episodes, which need no degree
    expect(sniff(enc('patient_id,start_date,end_date,unit\nP,2025-01-01,2025-01-02,U\n'))).toMatchObject({ ok: true, shape: 'episodes' });
  });
  it('names the missing required column', () => {
    const r = sniff(enc('patient_id;start_date;degree;unit\nP;2025-01-01;100;U\n'));
    expect(r).toMatchObject({ ok: false, code: 'missing_required', missing: ['end_date'], shape: 'certificates' });
  });
  it('sees day-first slash dates in the sample', () => {
    const r = sniff(enc('pnr;from;to;degree\nA;13/1/2025;20/1/2025;100\nB;3/2/2025;4/2/2025;100\n'));
    expect(r.ok && r.dayFirstEvidence).toBe(true);
  });
});

describe('value macros', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.query(macrosSql('2026-11-22'));
  });
  afterAll(() => engine.close());
  const one = async (expr: string) => (await queryOne<{ v: string | number | boolean | null }>(engine, `SELECT ${expr} AS v`)).v;

  it('dates: ISO, compact, D/M/YYYY only when unambiguous, impossible dates', async () => {
    expect(await one(`sf_date('2025-03-14', false)`)).toBe('2025-03-14');
    expect(await one(`sf_date(' 2025-3-4 ', false)`)).toBe('2025-03-04');
    expect(await one(`sf_date('2025-03-14 00:00:00', false)`)).toBe('2025-03-14');
    expect(await one(`sf_date('20250314', false)`)).toBe('2025-03-14');
    expect(await one(`sf_date('14/3/2025', false)`)).toBe('2025-03-14');
    expect(await one(`sf_date('3/3/2025', false)`)).toBe('2025-03-03');
    expect(await one(`sf_date('3/4/2025', false)`)).toBeNull();
    expect(await one(`sf_date_problem('3/4/2025', false)`)).toBe('ambiguous');
    expect(await one(`sf_date('3/4/2025', true)`)).toBe('2025-04-03');
    expect(await one(`sf_date('2026-02-30', false)`)).toBeNull();
    expect(await one(`sf_date_problem('2026-02-30', false)`)).toBe('invalid');
    expect(await one(`sf_date('2024-02-29', false)`)).toBe('2024-02-29');
    expect(await one(`sf_date('', false)`)).toBeNull();
    expect(await one(`sf_date_problem('', false)`)).toBeNull();
  });
  it('degree: 25/50/75/100 with or without %, the last of "100% → 50%", fractions', async () => {
    expect(await one(`sf_degree_num('50%')`)).toBe(50);
    expect(await one(`sf_degree_num('50 %')`)).toBe(50);
    expect(await one(`sf_degree_num(' 100 ')`)).toBe(100);
    expect(await one(`sf_degree_num('100% → 50%')`)).toBe(50);
    expect(await one(`sf_degree_num('0,25')`)).toBe(25);
    expect(await one(`sf_degree_num('60')`)).toBe(60);
    expect(await one(`sf_degree_num('halv')`)).toBeNull();
  });
  it('gender, age, diagnosis, integers', async () => {
    for (const v of ['K', 'kvinna', 'F', 'Female', 'w']) expect(await one(`sf_gender('${v}')`)).toBe('K');
    for (const v of ['M', 'Man', 'male']) expect(await one(`sf_gender('${v}')`)).toBe('M');
    expect(await one(`sf_gender('X')`)).toBeNull();
    expect(await one(`sf_age('45 år')`)).toBe(45);
    expect(await one(`sf_age('45')`)).toBe(45);
    expect(await one(`sf_age('okänd')`)).toBeNull();
    expect(await one(`sf_icd('F43.8A Utmattningssyndrom')`)).toBe('F43.8A');
    expect(await one(`sf_icd('f438a')`)).toBe('F43.8A');
    expect(await one(`sf_icd('M54.5')`)).toBe('M54.5');
    expect(await one(`sf_icd('J06')`)).toBe('J06');
    expect(await one(`sf_icd('F43.8A, F32.1')`)).toBe('F43.8A');
    expect(await one(`sf_icd('ont i ryggen')`)).toBeNull();
    expect(await one(`sf_int('43 dagar')`)).toBe(43);
  });
  it('extension reasons in Swedish, English or as codes; others unknown; blank NULL', async () => {
    expect(await one(`sf_reason('Väntan på utredning')`)).toBe('wait_investigation');
    expect(await one(`sf_reason('VÄNTAN PÅ BEHANDLING')`)).toBe('wait_treatment');
    expect(await one(`sf_reason('waiting for surgery')`)).toBe('wait_surgery');
    expect(await one(`sf_reason('Väntan på specialistbedömning')`)).toBe('wait_specialist');
    expect(await one(`sf_reason('Waiting for rehabilitation')`)).toBe('wait_rehabilitation');
    expect(await one(`sf_reason('Medicinskt motiverad')`)).toBe('medical');
    expect(await one(`sf_reason('Försämring')`)).toBe('worsening');
    expect(await one(`sf_reason('Workplace related')`)).toBe('workplace');
    expect(await one(`sf_reason('Annat')`)).toBe('other');
    expect(await one(`sf_reason('wait_treatment')`)).toBe('wait_treatment');
    expect(await one(`sf_reason('se journal')`)).toBe('unknown');
    expect(await one(`sf_reason('  ')`)).toBeNull();
  });
  it('personnummer and samordningsnummer: gender, age at a date, pseudonym', async () => {
    // 19800215-1235: second-to-last digit 3 → man; 45 years on 2025-06-10, 44 the day before his birthday
    expect(await one(`sf_pnr_gender('19800215-1235', DATE '2025-06-10')`)).toBe('M');
    expect(await one(`sf_pnr_age('19800215-1235', DATE '2025-02-15')`)).toBe(45);
    expect(await one(`sf_pnr_age('19800215-1235', DATE '2025-02-14')`)).toBe(44);
    // 10 digits: the century that puts the birth date before the reference date; '+' for 100 years or more
    expect(await one(`sf_pnr_age('020701-2428', DATE '2025-06-30')`)).toBe(22);
    expect(await one(`sf_pnr_gender('0207012428', DATE '2025-06-30')`)).toBe('K');
    expect(await one(`sf_pnr_age('201010+1234', DATE '2025-06-30')`)).toBe(104); // born 1920-10-10
    // samordningsnummer: day + 60
    expect(await one(`sf_pnr_age('19880761-2226', DATE '2025-03-20')`)).toBe(36);
    expect(await one(`sf_pnr_gender('19880761-2226', DATE '2025-03-20')`)).toBe('K');
    // the same person in 10- and 12-digit form gets the same pseudonym, never the number itself
    const p12 = await one(`sf_pseudonym('19800215-1235', DATE '2025-06-10', 'salt')`);
    const p10 = await one(`sf_pseudonym('800215-1235', DATE '2025-06-10', 'salt')`);
    expect(p12).toBe(p10);
    expect(String(p12)).toMatch(/^P-[0-9A-F]{10}$/);
    expect(await one(`sf_pseudonym('19800215-1235', DATE '2025-06-10', 'other salt')`)).not.toBe(p12);
    expect(await one(`sf_pseudonym('P123', DATE '2025-06-10', 'salt')`)).toBe('P123');
  });
});

describe('loading files', () => {
  let engine: NodeEngine;
  let ds: Dataset;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    ds = new Dataset(engine, 'salt');
  });
  afterAll(() => engine.close());

  it('rejects rows with reasons and line numbers (quoted newlines counted), accepts the rest', async () => {
    const text = [
      'patient_id;start_date;end_date;degree;diagnosis;unit',
      'A;2025-01-01;2025-01-10;100;"F43.8A\nUtmattning";"U1; Norr"', // lines 2-3
      'B;2026-02-30;2026-03-01;100;M54.5;U1', // line 4: impossible date
      'C;2025-03-14;2025-03-01;100;M54.5;U1', // 5: end before start
      'D;2025-03-01;2025-03-05;60;M54.5;U1', // 6: degree
      'E;2020-01-01;2025-06-30;100;M54.5;U1', // 7: over 5 years
      ';2025-01-01;2025-01-02;100;M54.5;U1', // 8: missing patient
      'F;2025-01-01;;100;M54.5;U1', // 9: missing end
      'G;2025-01-01;2025-01-02;;M54.5;U1', // 10: missing degree
      'H;3/4/2025;5/4/2025;100;M54.5;U1', // 11: ambiguous
      'I;2025-01-01;2025-01-02;100;M54.5;U1;extra', // 12: too many fields
      ';;;;;', // an emptied Excel row: not a row
      'J;2025-01-01;2025-01-02;50 %;M54.5;U1', // 13: fine
      '', ''
    ].join('\r\n');
    const r = (await ds.addFile(bytesInput('rader.csv', enc(text)))) as AcceptedReport;
    expect(r.ok).toBe(true);
    expect(r.rowsRead).toBe(11);
    expect(r.rowsAccepted).toBe(2);
    expect(r.rowsRejected).toBe(9);
    const rejects = await ds.rejects();
    expect(rejects.map((x) => [x.line, x.reason])).toEqual([
      [4, 'bad_start'], [5, 'end_before_start'], [6, 'bad_degree'], [7, 'too_long'], [8, 'missing_patient'],
      [9, 'missing_end'], [10, 'missing_degree'], [11, 'ambiguous_start'], [12, 'too_many_fields']
    ]);
    expect(rejectLine(sv, rejects[1])).toBe('rad 5: slutdatum 2025-03-01 är före startdatum 2025-03-14');
    expect(rejectLine(en, rejects[1])).toBe('line 5: end date 2025-03-01 is before start date 2025-03-14');
    expect(rejects[0].text).toBe('B;2026-02-30;2026-03-01;100;M54.5;U1');
    const a = await queryRows(engine, `SELECT unit, diagnosis FROM cert_rows WHERE patient = 'A'`);
    expect(a).toEqual([{ unit: 'U1; Norr', diagnosis: 'F43.8A' }]);
    await ds.removeFile(r.fileId);
  });

  it('counts blank lines and emptied rows in the line numbers of later rejected rows', async () => {
    const text = [
      'patient_id;start_date;end_date;degree', // 1
      'A;2025-01-01;2025-01-10;100', // 2
      '', // 3: blank (DuckDB skips it)
      ';;;', // 4: emptied Excel row (not a row)
      'B;2025-01-10;2025-01-01;100', // 5: end before start
      '', // 6
      'C;2025-01-01;2025-01-05;60', // 7: degree
      ''
    ].join('\r\n');
    const r = (await ds.addFile(bytesInput('tomma.csv', enc(text)))) as AcceptedReport;
    expect(r).toMatchObject({ rowsRead: 3, rowsAccepted: 1, rowsRejected: 2 });
    const rejects = (await ds.rejects()).filter((x) => x.file === 'tomma.csv');
    expect(rejects.map((x) => [x.line, x.reason])).toEqual([[5, 'end_before_start'], [7, 'bad_degree']]);
    await ds.removeFile(r.fileId);
  });

  it('never keeps a personnummer: pseudonyms in the tables and in the rejected rows', async () => {
    const text = 'Personnummer;Patientnamn;Startdatum;Slutdatum;Grad\n19800215-1235;Ivar Is;2025-01-01;2025-01-10;100\n19800215-1235;Ivar Is;2025-02-01;2025-01-10;100\n';
    const r = (await ds.addFile(bytesInput('pnr.csv', enc(text)))) as AcceptedReport;
    expect(r.pseudonymised).toBe(1);
    expect(r.namesDropped).toEqual(['Patientnamn']);
    const rows = await queryRows<{ patient: string; gender: string; age: number }>(engine,
      `SELECT patient, gender, age FROM cert_rows WHERE file_id = ${r.fileId}`);
    expect(rows).toEqual([{ patient: expect.stringMatching(/^P-/), gender: 'M', age: 44 }]);
    const rejects = await ds.rejects();
    const text2 = rejects.map((x) => x.text).join('\n');
    expect(text2).not.toContain('19800215');
    expect(text2).not.toContain('Ivar');
    expect(text2).toContain(rows[0].patient);
    const all = JSON.stringify(await queryRows(engine, `SELECT * FROM cert_rows`));
    expect(all).not.toContain('1235');
    await ds.removeFile(r.fileId);
  });

  it('reads Windows-1252 and UTF-16 files', async () => {
    const w = (await ds.addFile(bytesInput('win.csv', cp1252('Personnummer;Startdatum;Slutdatum;Grad;Vårdenhet;Orsak till förlängning\r\nX1;2025-01-01;2025-01-10;100;Vårdcentralen Öst;\r\nX1;2025-01-11;2025-01-20;50;Vårdcentralen Öst;Väntan på behandling\r\n')))) as AcceptedReport;
    expect(w).toMatchObject({ ok: true, encoding: 'windows-1252', rowsAccepted: 2 });
    const rows = await queryRows(engine, `SELECT unit, extension_reason FROM cert_rows WHERE file_id = ${w.fileId} ORDER BY rec`);
    expect(rows).toEqual([{ unit: 'Vårdcentralen Öst', extension_reason: null }, { unit: 'Vårdcentralen Öst', extension_reason: 'wait_treatment' }]);
    await ds.removeFile(w.fileId);
    const u16text = 'pnr\tfrom\tto\tdegree\tenhet\r\nY1\t2025-01-01\t2025-01-10\t100\tÅsa\r\n';
    const u16 = new Uint8Array([0xff, 0xfe, ...Array.from(u16text).flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    const u = (await ds.addFile(bytesInput('u16.txt', u16))) as AcceptedReport;
    expect(u).toMatchObject({ ok: true, encoding: 'utf-16le', rowsAccepted: 1 });
    expect(await queryRows(engine, `SELECT unit FROM cert_rows WHERE file_id = ${u.fileId}`)).toEqual([{ unit: 'Åsa' }]);
    await ds.removeFile(u.fileId);
  });

  it('a refused file changes nothing that was loaded', async () => {
    const ok = (await ds.addFile(bytesInput('ok.csv', enc('pnr,from,to,degree\nZ,2025-01-01,2025-01-05,100\n')))) as AcceptedReport;
    const before = await queryOne<{ n: number }>(engine, 'SELECT count(*) AS n FROM cert_rows');
    const bad = await ds.addFile(bytesInput('bok.xlsx.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0])));
    expect(bad).toMatchObject({ ok: false, code: 'spreadsheet' });
    const missing = await ds.addFile(bytesInput('x.csv', enc('pnr,from,degree\nZ,2025-01-01,100\n')));
    expect(missing).toMatchObject({ ok: false, code: 'missing_required', missing: ['end_date'] });
    expect((await queryOne<{ n: number }>(engine, 'SELECT count(*) AS n FROM cert_rows')).n).toBe(before.n);
    expect(ds.files.map((f) => f.name)).toContain('ok.csv');
    await ds.removeFile(ok.fileId);
  });

  it('merges duplicates across files and counts them per file', async () => {
    const a = (await ds.addFile(bytesInput('q1.csv', enc('intyg_id,pnr,from,to,degree,physician\nI1,Q,2025-01-01,2025-01-10,100,D\nI2,Q,2025-01-11,2025-01-20,100,D\n')))) as AcceptedReport;
    // I1 again by id (other physician text); the second row repeats patient, dates, degree and physician
    const b = (await ds.addFile(bytesInput('q2.csv', enc('intyg_id,pnr,from,to,degree,physician\nI1,Q,2025-01-01,2025-01-10,100,D2\nI9,Q,2025-01-11,2025-01-20,100,D\nI3,Q,2025-01-21,2025-01-25,50,D\n')))) as AcceptedReport;
    await ds.build({ gap: 5 });
    expect(ds.files.find((f) => f.fileId === a.fileId)!.duplicates).toBe(0);
    expect(ds.files.find((f) => f.fileId === b.fileId)!.duplicates).toBe(2);
    expect((await queryOne<{ n: number }>(engine, 'SELECT count(*) AS n FROM certificates')).n).toBe(3);
    const ep = await queryRows(engine, `SELECT length_days, n_certificates FROM episodes WHERE patient = 'Q'`);
    expect(ep).toEqual([{ length_days: 25, n_certificates: 3 }]);
    await ds.removeFile(a.fileId);
    await ds.removeFile(b.fileId);
  });
});

describe('the memory of deleted rows', () => {
  // Each test on an engine of its own: a Dataset numbers its files from 1 in the tables it finds.
  let engine: NodeEngine;
  beforeEach(async () => {
    engine = await NodeEngine.create();
  });
  afterEach(() => engine.close());

  const stored = async (table: string) => (await queryOne<{ n: number }>(engine, storedRowsSql(table))).n;
  const certs = (n: number, patient: string) => enc('pnr;from;to;degree\n' +
    Array.from({ length: n }, (_v, i) => `${patient}${i};2025-01-0${1 + (i % 9)};2025-01-20;100\n`).join(''));

  it('are given back when a file with many rows is removed, and the rows that remain stay as they were', async () => {
    const ds = new Dataset(engine, 'salt');
    ds.compactMinRows = 4;
    const a = (await ds.addFile(bytesInput('a.csv', certs(5, 'A')))) as AcceptedReport;
    const b = (await ds.addFile(bytesInput('b.csv', certs(3, 'B')))) as AcceptedReport;
    const rowsOfB = await queryRows(engine, 'SELECT * FROM cert_rows WHERE file_id = ' + b.fileId);
    expect(await stored('cert_all')).toBe(8);
    await ds.removeFile(a.fileId);
    expect(await stored('cert_all')).toBe(3);
    expect(await queryRows(engine, 'SELECT * FROM cert_rows')).toEqual(rowsOfB);
    await ds.build({ gap: 5 });
    expect((await queryOne<{ n: number }>(engine, 'SELECT count(*) AS n FROM episodes')).n).toBe(3);
    // Fewer rows than compactMinRows (the sample data's, say) are not worth copying the rest.
    const c = (await ds.addFile(bytesInput('c.csv', certs(2, 'C')))) as AcceptedReport;
    await ds.removeFile(c.fileId);
    expect(await stored('cert_all')).toBe(5);
  });

  it('are given back after many rejected rows, and after a first read in the wrong encoding', async () => {
    const ds = new Dataset(engine, 'salt');
    ds.compactMinRows = 4;
    const bad = enc('pnr;from;to;degree\nR1;2025-01-01;2025-01-10;100\n' +
      Array.from({ length: 4 }, (_v, i) => `R${i};2025-02-30;2025-03-01;100\n`).join(''));
    const r = (await ds.addFile(bytesInput('bad.csv', bad))) as AcceptedReport;
    expect(r).toMatchObject({ rowsAccepted: 1, rowsRejected: 4 });
    expect(await stored('cert_all')).toBe(1);
    expect((await ds.rejects()).map((x) => x.line)).toEqual([3, 4, 5, 6]);
    await ds.removeFile(r.fileId);
    // A byte that is not UTF-8 beyond the bytes sniffed: the rows read as UTF-8 are deleted and the file read again.
    const head = 'pnr;from;to;degree;enhet\n' + 'W;2025-01-01;2025-01-10;100;Norr\n'.repeat(2200);
    const w = (await ds.addFile(bytesInput('w.csv', new Uint8Array([...enc(head), ...cp1252('W;2025-01-01;2025-01-10;100;Öst\n')])))) as AcceptedReport;
    expect(w).toMatchObject({ ok: true, encoding: 'windows-1252', rowsAccepted: 2201 });
    expect(await stored('cert_all')).toBe(2201);
  });
});
