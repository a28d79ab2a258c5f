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

/** SQL boolean over the `episodes` columns. */
export function whereSql(f: Filters): string {
  const parts = [
    f.to ? `start_date <= ${dateLit(f.to)}` : null,
    f.from ? `end_date >= ${dateLit(f.from)}` : null,
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
