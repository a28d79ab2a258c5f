/**
 * `use:exportable` on a <table>: adds CSV and XLSX buttons after it that export exactly what the table shows
 * (header row from <thead>, one row per <tbody> row), with the filters used as a second XLSX sheet.
 * Swedish numbers ("1 234", "12,3 %") become numbers in XLSX; CSV keeps the text Swedish Excel reads.
 */
import { app } from './state.svelte';
import { downloadCsv, downloadXlsx, filtersUsed, type Cell } from './exports';

export interface ExportOptions {
  id: string;
  title?: string;
}

function cellText(el: Element): string {
  return (el.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** "1 234" → 1234, "12,5" → 12.5, "−3" → -3; "12,3 %" → 0.123; anything else stays text. */
export function swedishNumber(text: string): number | string {
  const t = text.replace(/\u2212/g, '-').replace(/\s/g, '');
  const pct = /^-?\d+(,\d+)?%$/.test(t);
  const num = pct ? t.slice(0, -1) : t;
  if (!/^-?\d+(,\d+)?$/.test(num)) return text;
  const v = Number(num.replace(',', '.'));
  return pct ? Math.round(v * 1e6) / 1e8 : v;
}

export function readTable(table: HTMLTableElement): { columns: string[]; rows: string[][] } {
  const head = table.tHead?.rows[table.tHead.rows.length - 1];
  const columns = head ? Array.from(head.cells, cellText) : [];
  const rows = Array.from(table.tBodies).flatMap((b) => Array.from(b.rows, (r) => Array.from(r.cells, cellText)));
  return { columns, rows };
}

export function exportable(table: HTMLTableElement, options: ExportOptions) {
  let opts = options;
  const bar = document.createElement('div');
  bar.className = 'table-tools no-print';
  bar.dataset.export = opts.id;
  const csv = document.createElement('button');
  const xls = document.createElement('button');
  csv.type = xls.type = 'button';
  csv.textContent = 'CSV';
  xls.textContent = 'XLSX';
  const title = () => opts.title ?? (table.caption ? cellText(table.caption) : opts.id);
  const label = () => {
    csv.setAttribute('aria-label', `CSV: ${app.m.exports.csv}, ${title()}`);
    xls.setAttribute('aria-label', `XLSX: ${app.m.exports.xlsx}, ${title()}`);
  };
  label();
  csv.addEventListener('click', () => {
    const { columns, rows } = readTable(table);
    downloadCsv(opts.id, columns, rows);
  });
  xls.addEventListener('click', () => {
    const { columns, rows } = readTable(table);
    const m = app.m;
    const filters = filtersUsed(m, app.filters, { asOf: app.asOf, gap: app.gap, share: app.share });
    downloadXlsx(opts.id, title(), columns, rows.map((r) => r.map(swedishNumber) as Cell[]), filters, m.exports.filtersSheet);
  });
  bar.append(csv, xls);
  table.after(bar);
  return {
    update(next: ExportOptions) {
      opts = next;
      bar.dataset.export = opts.id;
      label();
    },
    destroy() {
      bar.remove();
    }
  };
}
