/** Table exports (CSV for Swedish Excel, XLSX with a second sheet listing the filters used). */
import type { Filters } from './analysis/filters';
import type { Messages } from './i18n';
import { toCsv } from './csv';
import { xlsx } from './xlsx';
import { downloadBlob } from './download';

export type Cell = string | number | null;

/** The filters and settings behind a table, as label/value rows. */
export function filtersUsed(m: Messages, f: Filters, extra: { asOf: string | null; gap: number; share: boolean }): Cell[][] {
  const list = (values: string[], label: (v: string) => string = (v) => v) => (values.length ? values.map(label).join(', ') : m.filters.any);
  return [
    [m.exports.filter, m.exports.value],
    [m.filters.period, f.from || f.to ? `${f.from ?? '…'} – ${f.to ?? '…'}` : m.filters.all],
    [m.filters.unit, list(f.units)],
    [m.filters.physician, list(f.physicians)],
    [m.filters.group, list(f.groups, (g) => m.groups[g] ?? g)],
    [m.filters.gender, list(f.genders, (g) => m.gender[g] ?? g)],
    [m.filters.age, list(f.ageBands, (a) => m.ageBands[a] ?? a)],
    [m.exports.asOf, extra.asOf ?? '–'],
    [m.exports.gap, extra.gap],
    [m.exports.shareMode, extra.share ? m.exports.yes : m.exports.no],
    [m.exports.created, new Date().toISOString().slice(0, 10)]
  ];
}

export function downloadCsv(name: string, columns: string[], rows: Cell[][]): void {
  downloadBlob(new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }), `${name}.csv`);
}

export function downloadXlsx(name: string, sheetName: string, columns: string[], rows: Cell[][], filters: Cell[][], filtersSheet: string): void {
  const bytes = xlsx([{ name: sheetName, rows: [columns, ...rows] }, { name: filtersSheet, rows: filters }]);
  downloadBlob(new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), `${name}.xlsx`);
}
