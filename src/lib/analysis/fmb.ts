/**
 * FMB (försäkringsmedicinskt beslutsstöd): recommended maximum sick-leave lengths per ICD-10 code prefix,
 * and the SQL that compares episodes with them.
 *
 * The bundled table is a 2019 snapshot of the national board's API (domain.md, "FMB recommended maxima").
 * Where a code has several case types (e.g. M54.5 light vs heavy work) the largest maximum is kept, because
 * the data does not say which case type applies (domain.md). Users may replace the table with their own.
 *
 * Matching: an episode's diagnosis is compared with every FMB code with dots removed on both sides and in
 * upper case ('F43.8A' → 'F438A'); the longest FMB code that is a prefix of the diagnosis wins
 * ('F43.8A' → F43.8, 'S52.5' → S52.5 rather than S52, 'J06.9' → J06).
 */
import type { Engine } from '../engine/types';
import { queryOne } from '../engine/rows';
import { intLit, lit } from '../sql';

export interface FmbRow {
  code: string;
  max_days: number;
  /** Human label (Swedish, as in the source) with the case types the maximum is taken from. */
  label?: string;
}

export const FMB_LABEL = 'FMB, ögonblicksbild av Socialstyrelsens API 2019';
export const FMB_SOURCE = 'Socialstyrelsen, Försäkringsmedicinskt beslutsstöd (API), ögonblicksbild';
export const FMB_DATE = '2019';

/** Expand a range like J00–J11 into J00, J01, …, J11 (same letter, two-digit numbers). */
function range(letter: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i <= to; i++) out.push(`${letter}${String(i).padStart(2, '0')}`);
  return out;
}

function rows(codes: string[], max_days: number, label: string): FmbRow[] {
  return codes.map((code) => ({ code, max_days, label }));
}

/** The bundled table, one row per code (ranges expanded). */
export const FMB_2019: readonly FmbRow[] = Object.freeze([
  ...rows(['F32'], 186, 'Depression (lätt 93, medelsvår–svår 186)'),
  ...rows(['F43.0'], 28, 'Akut stressreaktion (28)'),
  ...rows(['F43.1'], 372, 'PTSD (93–372)'),
  ...rows(['F43.2'], 93, 'Anpassningsstörning (93)'),
  ...rows(['F43.8'], 372, 'Utmattningssyndrom (186; 372 med kvarstående kognitiva besvär)'),
  ...rows(['F41.0', 'F41.1'], 28, 'Ångestsyndrom (28)'),
  ...rows(['M54.5'], 14, 'Lumbago (lätt arbete 7, tungt arbete 14)'),
  ...rows(['M54.4', 'M51'], 42, 'Ischias, diskbråck (21–42)'),
  ...rows(['M75.4'], 84, 'Impingement (14–84)'),
  ...rows([...range('J', 0, 11), 'J20'], 14, 'Luftvägsinfektion (0–14)'),
  ...rows(range('J', 12, 18), 28, 'Lunginflammation (14–28)'),
  ...rows(['S52.5'], 84, 'Distal radiusfraktur (35–84)'),
  ...rows(['S42', 'S52', 'S62'], 124, 'Fraktur, manuellt arbete (124)'),
  ...rows(['S32', 'S72', 'S82', 'S92'], 372, 'Fraktur (21–372)'),
  ...rows(range('I', 20, 25), 28, 'Ischemisk hjärtsjukdom (28)')
]);

/** SQL that creates or replaces table `fmb(code VARCHAR, max_days INTEGER)` holding `rows`. */
export function installFmbSql(rows: readonly { code: string; max_days: number }[]): string {
  const create = `CREATE OR REPLACE TABLE fmb (code VARCHAR, max_days INTEGER)`;
  if (rows.length === 0) return create;
  const values = rows
    .map((r) => {
      if (!Number.isInteger(r.max_days) || r.max_days < 0) throw new Error(`FMB: bad max_days for ${r.code}`);
      return `(${lit(r.code.trim().toUpperCase())}, ${intLit(r.max_days)})`;
    })
    .join(', ');
  return `${create}; INSERT INTO fmb VALUES ${values}`;
}

/** The key a code is compared on: upper case, dots and spaces removed. */
function keySql(col: string): string {
  return `regexp_replace(upper(${col}), '[.\\s]', '', 'g')`;
}

/**
 * `rel` (a relation with `episode_id`, `diagnosis`, `length_days`) with added columns:
 * `fmb_code` (the longest matching FMB code, NULL when none), `fmb_max INTEGER`, `over_fmb BOOLEAN`
 * (length_days > fmb_max; NULL when no match) and `fmb_overrun INTEGER` (length_days − fmb_max when over,
 * else NULL). Requires table `fmb` (ensureFmb / installFmbSql).
 */
export function fmbEpisodesSql(rel: string): string {
  return `(SELECT e.*, m.fmb_code, m.fmb_max,
      CASE WHEN m.fmb_max IS NULL THEN NULL ELSE e.length_days > m.fmb_max END AS over_fmb,
      CASE WHEN e.length_days > m.fmb_max THEN CAST(e.length_days - m.fmb_max AS INTEGER) END AS fmb_overrun
    FROM ${rel} e
    LEFT JOIN (
      SELECT d.diagnosis, arg_max(f.code, length(f.k)) AS fmb_code, CAST(arg_max(f.max_days, length(f.k)) AS INTEGER) AS fmb_max
      FROM (SELECT DISTINCT diagnosis, ${keySql('diagnosis')} AS k FROM ${rel} WHERE diagnosis IS NOT NULL) d
      JOIN (SELECT code, max_days, ${keySql('code')} AS k FROM fmb WHERE code IS NOT NULL AND max_days IS NOT NULL) f
        ON length(f.k) > 0 AND starts_with(d.k, f.k)
      GROUP BY d.diagnosis
    ) m ON m.diagnosis = e.diagnosis)`;
}

/** Install the bundled table unless a table `fmb` already exists (a user's own table is kept). */
export async function ensureFmb(engine: Engine): Promise<void> {
  const r = await queryOne<{ n: number }>(engine,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'fmb'`);
  if (r.n === 0) await engine.query(installFmbSql(FMB_2019));
}
