/**
 * The view, filters and settings in the URL's query string, so a link reopens the same view once the same
 * files are loaded. Only ids and dates go into the URL, never patient data.
 */
import type { Filters } from './analysis/filters';

export interface UrlState {
  view: string | null;
  filters: Filters;
  gap: number | null;
  asOf: string | null;
  lang: string | null;
  share: boolean;
}

const LISTS: [keyof Filters, string][] = [
  ['units', 'enhet'], ['physicians', 'lakare'], ['groups', 'diagnosgrupp'], ['genders', 'kon'], ['ageBands', 'alder']
];
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function encodeState(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.view) p.set('vy', s.view);
  if (s.filters.from) p.set('fran', s.filters.from);
  if (s.filters.to) p.set('till', s.filters.to);
  for (const [key, name] of LISTS) for (const v of s.filters[key] as string[]) p.append(name, v);
  if (s.gap !== null) p.set('uppehall', String(s.gap));
  if (s.asOf) p.set('uttag', s.asOf);
  if (s.lang && s.lang !== 'sv') p.set('sprak', s.lang);
  if (s.share) p.set('dela', '1');
  const q = p.toString();
  return q ? `?${q}` : '';
}

export function decodeState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const date = (k: string) => {
    const v = p.get(k);
    return v && ISO.test(v) ? v : null;
  };
  const gap = p.get('uppehall');
  const g = gap === null ? NaN : Number(gap);
  const filters: Filters = {
    from: date('fran'), to: date('till'), units: [], physicians: [], groups: [], genders: [], ageBands: []
  };
  for (const [key, name] of LISTS) (filters[key] as string[]) = p.getAll(name);
  return {
    view: p.get('vy'),
    filters,
    gap: Number.isInteger(g) && g >= 0 && g <= 90 ? g : null,
    asOf: date('uttag'),
    lang: p.get('sprak'),
    share: p.get('dela') === '1'
  };
}
