/**
 * The selection every view shares: period, unit, physician, diagnosis group, gender, coarse age band.
 * An episode counts in a period when any of its days falls in the period (domain.md).
 */
import { dateLit, lit } from '../sql';
import { codeColumn, dimTable, inCodesSql } from './dims';

export interface Filters {
  from: string | null;
  to: string | null;
  units: string[];
  physicians: string[];
  groups: string[];
  genders: string[];
  ageBands: string[];
}

export const NO_FILTERS: Filters = { from: null, to: null, units: [], physicians: [], groups: [], genders: [], ageBands: [] };

/**
 * A unit or physician filter, tested on the code (dims.ts): the codes of the chosen names come from the dimension
 * table, a few rows, and DuckDB then compares integers per episode instead of names.
 */
function inDimSql(col: 'unit' | 'physician', values: string[]): string | null {
  if (values.length === 0) return null;
  const code = codeColumn(col)!;
  const named = values.filter((v) => v !== '');
  const parts = [];
  if (named.length) parts.push(`${code} IN (SELECT ${code} FROM ${dimTable(col)} WHERE ${col} IN (${named.map(lit).join(', ')}))`);
  if (values.includes('')) parts.push(`${code} IS NULL`);
  return `(${parts.join(' OR ')})`;
}

/** Where a relation keeps the episode's first and last day (`cert_fact` has the certificate's under the plain names). */
type EpisodeDates = { start: string; end: string };

/** SQL boolean over the `episodes` columns (or over `cert_fact`'s copies of them, with `dates`). */
export function whereSql(f: Filters, dates: EpisodeDates = { start: 'start_date', end: 'end_date' }): string {
  const parts = [
    f.to ? `${dates.start} <= ${dateLit(f.to)}` : null,
    f.from ? `${dates.end} >= ${dateLit(f.from)}` : null,
    inDimSql('unit', f.units),
    inDimSql('physician', f.physicians),
    // Fixed lists: tested on their integer codes (dims.ts), several times cheaper per row than on the names.
    f.groups.length ? inCodesSql('diagnosis_group', f.groups) : null,
    f.genders.length ? inCodesSql('gender', f.genders) : null,
    f.ageBands.length ? inCodesSql('age_band', f.ageBands) : null
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** The selected episodes as a parenthesised relation. */
export function selectionSql(f: Filters): string {
  return `(SELECT * FROM episodes WHERE ${whereSql(f)})`;
}

/** The episode's dates as `cert_fact` keeps them next to each certificate (episodes.ts). */
const CERT_EPISODE_DATES: EpisodeDates = { start: 'ep_start_date', end: 'ep_end_date' };

/**
 * The certificates (`cert_fact`, written by Dataset.ensureCertFacts) of the selected episodes, as a parenthesised
 * relation: `cert_fact` keeps the episode's filtered columns next to each certificate, so the selection is a filter
 * on one table instead of a join of the million certificates with the selected episodes. The same rows as
 * `cert_fact` joined to `selectionSql(f)` on episode_id (tests/unit/waiting.test.ts).
 */
export function certSelectionSql(f: Filters): string {
  return `(SELECT * FROM cert_fact WHERE ${whereSql(f, CERT_EPISODE_DATES)})`;
}
