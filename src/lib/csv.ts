/**
 * CSV the product writes: UTF-8 with BOM and `;` (so Swedish Excel opens it), and every cell that starts
 * with = + - @ (or a tab/CR) neutralised with a leading apostrophe (formula injection, contract section 2).
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = neutralise(typeof v === 'number' ? String(v).replace('.', ',') : String(v));
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header.map(cell).join(';'), ...rows.map((r) => r.map(cell).join(';'))];
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
