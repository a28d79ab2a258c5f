/** Small helpers for writing SQL text safely. Every value from a user or a file goes through these. */

/** A SQL string literal: 'it''s'. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL identifier: "col ""x""". */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A DATE literal from 'YYYY-MM-DD' (validated). */
export function dateLit(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not an ISO date: ${iso}`);
  return `DATE '${iso}'`;
}

/** An integer literal (validated). */
export function intLit(n: number): string {
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

/** A list literal of strings: ['a','b']. */
export function listLit(values: readonly string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}
