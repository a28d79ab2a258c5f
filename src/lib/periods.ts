/** Period presets for the filter bar: quarters, last 12 months. Dates as 'YYYY-MM-DD' (UTC arithmetic). */

export function quarterRange(q: string): { from: string; to: string } {
  const m = /^(\d{4})-Q([1-4])$/.exec(q);
  if (!m) throw new Error(`not a quarter: ${q}`);
  const y = Number(m[1]);
  const n = Number(m[2]);
  const from = new Date(Date.UTC(y, (n - 1) * 3, 1));
  const to = new Date(Date.UTC(y, n * 3, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** The 12 months ending on `asOf` (inclusive). */
export function last12Months(asOf: string): { from: string; to: string } {
  const d = new Date(asOf + 'T00:00:00Z');
  const from = new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate() + 1));
  return { from: from.toISOString().slice(0, 10), to: asOf };
}

/** The quarter id of a date. */
export function quarterOf(iso: string): string {
  const m = Number(iso.slice(5, 7));
  return `${iso.slice(0, 4)}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** The quarter before, and the same quarter a year earlier. */
export function previousQuarter(q: string): string {
  const [y, n] = [Number(q.slice(0, 4)), Number(q.slice(6))];
  return n === 1 ? `${y - 1}-Q4` : `${y}-Q${n - 1}`;
}
export function sameQuarterLastYear(q: string): string {
  return `${Number(q.slice(0, 4)) - 1}-Q${q.slice(6)}`;
}
