/** Numbers and dates in Swedish format: `1 234,5`, `12,3 %`, `2026-03-31`. */

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.set(key, f);
  }
  return f;
}

/** 1 234 (Swedish thin/no-break space as the thousands separator). */
export function fmtInt(n: number | null | undefined, locale = 'sv-SE'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return nf(locale, 0).format(Math.round(n));
}

/** 1 234,5 */
export function fmtNum(n: number | null | undefined, digits = 1, locale = 'sv-SE'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return nf(locale, digits).format(n);
}

/** A share 0–1 as a percentage: 0.123 → "12,3 %". */
export function fmtPct(share: number | null | undefined, digits = 1, locale = 'sv-SE'): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${nf(locale, digits).format(share * 100)} %`;
}

/** ISO date (dates are always shown as YYYY-MM-DD, the Swedish standard). */
export function fmtDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '–';
}

/** Plain ASCII-space version of a formatted number, for comparisons in tests and CSV. */
export function plainSpaces(s: string): string {
  return s.replace(/[\u00a0\u202f]/g, ' ');
}
