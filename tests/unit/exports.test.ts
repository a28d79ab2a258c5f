/** CSV and XLSX exports: Swedish Excel conventions and formula neutralising. */
import { describe, expect, it } from 'vitest';
import { toCsv, neutralise } from '../../src/lib/csv';
import { crc32, xlsx } from '../../src/lib/xlsx';
import { inflateRawSync } from 'node:zlib';

function unzip(bytes: Uint8Array): Map<string, string> {
  // Walk the local headers of a stored (or deflated) zip.
  const files = new Map<string, string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (view.getUint32(p, true) === 0x04034b50) {
    const method = view.getUint16(p + 8, true);
    const size = view.getUint32(p + 18, true);
    const nameLen = view.getUint16(p + 26, true);
    const extra = view.getUint16(p + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 30, p + 30 + nameLen));
    const data = bytes.subarray(p + 30 + nameLen + extra, p + 30 + nameLen + extra + size);
    files.set(name, new TextDecoder().decode(method === 0 ? data : inflateRawSync(data)));
    p += 30 + nameLen + extra + size;
  }
  return files;
}

describe('CSV', () => {
  it('UTF-8 with BOM, semicolons, CRLF, decimal comma, quoting, neutralised formulas', () => {
    const csv = toCsv(['Enhet', 'Andel', 'Not'], [['Vårdcentralen; Norr', 0.25, '=HYPERLINK("x")'], ['-5', 3, '@SUM(A1)'], ['+46', null, 'a"b']]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Enhet;Andel;Not',
      '"Vårdcentralen; Norr";0,25;"\'=HYPERLINK(""x"")"',
      "'-5;3;'@SUM(A1)",
      '\'+46;;"a""b"',
      ''
    ]);
    expect(neutralise('\t=1')).toBe("'\t=1");
    expect(neutralise('Annat')).toBe('Annat');
  });
});

describe('XLSX', () => {
  it('crc32 of "123456789" is cbf43926', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
  });

  it('writes a workbook: zip entries, sheet names, numbers as numbers, neutralised text, the filters sheet second', async () => {
    const bytes = xlsx([
      { name: 'Läkare', rows: [['Läkare', 'Sjukfall', 'O/E'], ['Anna Berg', 12, 1.25], ['=cmd', 3, null]] },
      { name: 'Urval', rows: [['Filter', 'Värde'], ['Period', '2026-07-01 – 2026-09-30'], ['Enhet', 'Alla']] }
    ]);
    const files = unzip(bytes);
    expect([...files.keys()]).toContain('xl/worksheets/sheet2.xml');
    expect(files.get('xl/workbook.xml')).toContain('name="Läkare"');
    expect(files.get('xl/workbook.xml')).toContain('name="Urval"');
    expect(files.get('xl/worksheets/sheet1.xml')).toContain('<v>1.25</v>');
    expect(files.get('xl/worksheets/sheet1.xml')).toContain("'=cmd");
    expect(files.size).toBe(7);
    // every part is well-formed XML
    for (const [name, text] of files) expect(text.startsWith('<?xml'), name).toBe(true);
  });
});

import { swedishNumber } from '../../src/lib/exportable';
describe('numbers read back from a table', () => {
  it('Swedish formats become numbers, shares become fractions, text stays', () => {
    expect(swedishNumber('1 234')).toBe(1234);
    expect(swedishNumber('1\u00a0234,5')).toBe(1234.5);
    expect(swedishNumber('\u221212')).toBe(-12);
    expect(swedishNumber('12,3 %')).toBeCloseTo(0.123, 12);
    expect(swedishNumber('<5')).toBe('<5');
    expect(swedishNumber('56 dagar')).toBe('56 dagar');
    expect(swedishNumber('2026-09-30')).toBe('2026-09-30');
  });
});
