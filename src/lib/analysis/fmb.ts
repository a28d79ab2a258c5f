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
import { nameOfCode } from './dims';
import { whereSql, type Filters } from './filters';
import type { Engine } from '../engine/types';
import { queryOne } from '../engine/rows';
import { z } from 'zod';
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
 * Written by the episode build (src/lib/analysis/episodes.ts): every distinct diagnosis of `episodes` with its code
 * (`dim_diagnosis`, dims.ts) and the key it is matched on, so that matching the selection with the FMB table is a
 * join of these few rows with `fmb` instead of a DISTINCT over the selected episodes in every statement.
 */
export const FMB_DIAGNOSES_SQL = `CREATE OR REPLACE TABLE fmb_diagnoses AS
SELECT diagnosis, diagnosis_code, ${keySql('diagnosis')} AS k FROM dim_diagnosis;`;

/**
 * The FMB table's codes in order: `fmb_no` (fmbEpisodesSql) is a code's position in it, so that figures count on
 * that integer and name the counted rows (`FMB_CODES[fmb_no]`), instead of grouping every episode by its text.
 */
const FMB_CODES = `(SELECT list(code ORDER BY code) FROM (SELECT DISTINCT code FROM fmb WHERE code IS NOT NULL))`;

/**
 * `rel` (a relation with `episode_id`, `diagnosis_code`, `length_days`) with added columns:
 * `fmb_code` (the longest matching FMB code, NULL when none), `fmb_max INTEGER`, `fmb_no` (the code's number in
 * `FMB_CODES`), `over_fmb BOOLEAN` (length_days > fmb_max; NULL when no match) and `fmb_overrun INTEGER`
 * (length_days − fmb_max when over, else NULL). Requires table `fmb` (ensureFmb / installFmbSql) and
 * `fmb_diagnoses` (the build); `rel` must be a selection of `episodes`, whose diagnoses `fmb_diagnoses` holds.
 */
export function fmbEpisodesSql(rel: string): string {
  return `(SELECT e.*, m.fmb_code, m.fmb_max, m.fmb_no,
      CASE WHEN m.fmb_max IS NULL THEN NULL ELSE e.length_days > m.fmb_max END AS over_fmb,
      CASE WHEN e.length_days > m.fmb_max THEN CAST(e.length_days - m.fmb_max AS INTEGER) END AS fmb_overrun
    FROM ${rel} e
    LEFT JOIN (
      SELECT *, list_position(${FMB_CODES}, fmb_code) AS fmb_no FROM (
      SELECT d.diagnosis_code, arg_max(f.code, length(f.k)) AS fmb_code, CAST(arg_max(f.max_days, length(f.k)) AS INTEGER) AS fmb_max
      FROM fmb_diagnoses d
      JOIN (SELECT code, max_days, ${keySql('code')} AS k FROM fmb WHERE code IS NOT NULL AND max_days IS NOT NULL) f
        ON length(f.k) > 0 AND starts_with(d.k, f.k)
      GROUP BY d.diagnosis_code
    ) m0
    ) m ON m.diagnosis_code = e.diagnosis_code)`;
}

/**
 * `episode_fmb`: the episodes whose diagnosis matches the FMB table in use, with the columns the filters test and
 * the FMB columns of `fmbEpisodesSql`, and what the list of the longest overruns shows (`fmbLongestSql`), in
 * episode_id order. Written with `episode_cells` (analysis/cells.ts) on first use after a build or a change of the
 * FMB table (`Dataset.ensureCells`), so that the durations view's FMB figures read the matched episodes of a
 * selection (`fmbMatchedSql`) instead of matching the selection again per redraw.
 */
export const EPISODE_FMB_SQL = `CREATE OR REPLACE TABLE episode_fmb AS
SELECT episode_id, start_date, end_date, unit_code, physician_code, group_code, gender_code, age_code, length_days,
  fmb_code, fmb_max, fmb_no, over_fmb, fmb_overrun, patient, diagnosis_code, ongoing
FROM ${fmbEpisodesSql('episodes')}
WHERE fmb_max IS NOT NULL
ORDER BY episode_id`;

/**
 * The selected episodes (filters `f`) that match the FMB table, from `episode_fmb`: the rows of
 * `fmbEpisodesSql(selectionSql(f))` with an FMB maximum, as a parenthesised relation (every filter, the period
 * included, tests columns it keeps).
 */
export function fmbMatchedSql(f: Filters): string {
  return `(SELECT * FROM episode_fmb WHERE ${whereSql(f)})`;
}

/** The matched rows of the selection `rel` with their FMB columns, or `matched` (`fmbMatchedSql`) when given. */
function matchedOf(rel: string, matched: string | null): string {
  return matched ?? `(SELECT * FROM ${fmbEpisodesSql(rel)} WHERE fmb_max IS NOT NULL)`;
}

/** Install the bundled table unless a table `fmb` already exists (a user's own table is kept). */
export async function ensureFmb(engine: Engine): Promise<void> {
  const r = await queryOne<{ n: number }>(engine,
    `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'fmb'`);
  if (r.n === 0) await engine.query(installFmbSql(FMB_2019));
}

// ---------------------------------------------------------------------------------------------------------------
// Comparisons of the selected episodes with the table in use
// ---------------------------------------------------------------------------------------------------------------

export interface FmbSummaryRow {
  /** Episodes in the selection. */
  n: number;
  /** Episodes whose diagnosis matches an FMB code. */
  matched: number;
  /** Matched episodes longer than the FMB maximum. */
  over: number;
  /** over / matched; NULL when nothing matched. */
  share: number | null;
  [k: string]: number | null;
}

/**
 * How many selected episodes (`rel`) were compared with the FMB table and how many run past its maximum; the
 * matched ones from `matched` (`fmbMatchedSql` of the same filters) when given.
 */
export function fmbSummarySql(rel: string, matched: string | null = null): string {
  return `SELECT (SELECT CAST(count(*) AS BIGINT) FROM ${rel}) AS n,
    CAST(count(*) AS BIGINT) AS matched,
    CAST(count(*) FILTER (WHERE over_fmb) AS BIGINT) AS over,
    CAST(count(*) FILTER (WHERE over_fmb) AS DOUBLE) / nullif(count(*), 0) AS share
  FROM ${matchedOf(rel, matched)}`;
}

export const FMB_KEYS = ['fmb_code', 'physician', 'unit'] as const;
export type FmbKey = (typeof FMB_KEYS)[number];

export interface FmbByRow {
  key: string | null;
  /** The FMB maximum (only when key = fmb_code). */
  fmb_max: number | null;
  /** Matched episodes. */
  n: number;
  over: number;
  share: number;
  /** Mean days over the maximum among the episodes over it; NULL when none. */
  mean_overrun: number | null;
  [k: string]: string | number | null;
}

/** Share over the FMB maximum by the matched FMB code, physician or unit (matched episodes only), by key. */
export function fmbBySql(rel: string, key: FmbKey): string {
  return `SELECT ${key} AS key, ${key === 'fmb_code' ? 'CAST(max(fmb_max) AS INTEGER)' : 'CAST(NULL AS INTEGER)'} AS fmb_max,
    CAST(count(*) AS BIGINT) AS n,
    CAST(count(*) FILTER (WHERE over_fmb) AS BIGINT) AS over,
    CAST(count(*) FILTER (WHERE over_fmb) AS DOUBLE) / count(*) AS share,
    CAST(avg(fmb_overrun) AS DOUBLE) AS mean_overrun
  FROM ${fmbEpisodesSql(rel)} WHERE fmb_max IS NOT NULL
  GROUP BY ${key} ORDER BY ${key} NULLS LAST`;
}

/**
 * The three breakdowns of fmbBySql in one pass (GROUPING SETS): rows of FmbByRow plus `breakdown` (the FmbKey),
 * ordered by `breakdown` as in FMB_KEYS, then key. A NULL key (no physician / unit recorded) is its own row.
 */
export function fmbByAllSql(rel: string, matched: string | null = null): string {
  // One pass over the selection per (code, physician, unit); the breakdowns are summed from those rows.
  // FMB code, physician and unit by number (FMB_CODES, dims.ts), named on the summed rows.
  return `WITH c AS (
  SELECT fmb_no AS fc, physician_code AS pc, unit_code AS uc, max(fmb_max) AS fmb_max, count(*) AS n,
    count(*) FILTER (WHERE over_fmb) AS over, sum(fmb_overrun) AS overrun, count(fmb_overrun) AS with_overrun
  FROM ${matchedOf(rel, matched)}
  GROUP BY fc, pc, uc
)
SELECT breakdown, key, fmb_max, n, over, share, mean_overrun FROM (
  SELECT CASE WHEN grouping(fc) = 0 THEN 'fmb_code' WHEN grouping(pc) = 0 THEN 'physician' ELSE 'unit' END AS breakdown,
    CASE WHEN grouping(fc) = 0 THEN ${FMB_CODES}[fc] WHEN grouping(pc) = 0 THEN ${nameOfCode('physician', 'pc')} ELSE ${nameOfCode('unit', 'uc')} END AS key,
    CASE WHEN grouping(fc) = 0 THEN CAST(max(fmb_max) AS INTEGER) END AS fmb_max,
    CAST(sum(n) AS BIGINT) AS n,
    CAST(sum(over) AS BIGINT) AS over,
    CAST(sum(over) AS DOUBLE) / sum(n) AS share,
    CAST(sum(overrun)::DOUBLE / nullif(sum(with_overrun), 0) AS DOUBLE) AS mean_overrun
  FROM c
  GROUP BY GROUPING SETS ((fc), (pc), (uc))
) ORDER BY CASE breakdown WHEN 'fmb_code' THEN 0 WHEN 'physician' THEN 1 ELSE 2 END, key NULLS LAST`;
}

export interface FmbOverrunRow {
  episode_id: number;
  patient: string;
  start_date: string;
  diagnosis: string;
  fmb_code: string;
  fmb_max: number;
  length_days: number;
  fmb_overrun: number;
  ongoing: boolean;
  physician: string | null;
  unit: string | null;
  [k: string]: string | number | boolean | null;
}

/**
 * The `limit` longest overruns (patient-level: not for share mode); `rel` is a selection of `episodes`, `matched`
 * its `fmbMatchedSql` when given.
 */
export function fmbLongestSql(rel: string, limit = 20, matched: string | null = null): string {
  // The longest are found on codes (the matched rows carry what the list shows: episode_fmb), and only those few
  // rows are given their names: a join with `episodes` read every episode's text columns, a top-N that carried
  // every string column through its heap cost half as much again.
  return `WITH top AS (
  SELECT episode_id, patient, start_date, diagnosis_code, fmb_code, fmb_max, length_days, fmb_overrun, ongoing,
    physician_code, unit_code
  FROM ${matchedOf(rel, matched)} WHERE over_fmb
  ORDER BY fmb_overrun DESC, length_days DESC, episode_id LIMIT ${intLit(limit)}
)
SELECT episode_id, patient, strftime(start_date, '%Y-%m-%d') AS start_date, ${nameOfCode('diagnosis', 'diagnosis_code')} AS diagnosis,
  fmb_code, fmb_max, length_days, fmb_overrun, ongoing, ${nameOfCode('physician', 'physician_code')} AS physician,
  ${nameOfCode('unit', 'unit_code')} AS unit
FROM top
ORDER BY fmb_overrun DESC, length_days DESC, episode_id`;
}

/** The table in use, by code. */
export const FMB_TABLE_SQL = `SELECT code, max_days FROM fmb ORDER BY code`;

// ---------------------------------------------------------------------------------------------------------------
// A user's own FMB table (CSV with columns code;max_days)
// ---------------------------------------------------------------------------------------------------------------

export type FmbRejectCode = 'missing_code' | 'bad_code' | 'missing_days' | 'bad_days' | 'negative_days' | 'duplicate' | 'too_many_fields';

export interface FmbReject {
  /** Line number in the file (1 = the header). */
  line: number;
  code: FmbRejectCode;
  /** The offending value (or, for a duplicate, the line it duplicates). */
  value: string;
  text: string;
}

export type FmbParseResult =
  | { ok: true; rows: FmbRow[]; rejects: FmbReject[]; rowsRead: number; delimiter: string }
  | { ok: false; code: 'empty' | 'no_header' | 'no_rows'; rejects: FmbReject[] };

const CODE_HEADERS = ['code', 'kod', 'diagnos', 'diagnoskod', 'icd10', 'icd-10'];
const DAYS_HEADERS = ['max_days', 'maxdays', 'max_dagar', 'maxdagar', 'max', 'dagar', 'days'];
const LABEL_HEADERS = ['label', 'text', 'benamning', 'beskrivning', 'namn'];

function normHeader(h: string): string {
  return h.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, '_');
}

/** One CSV line into fields (double quotes with "" escapes). */
function splitLine(line: string, delim: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') { quoted = true; cur = ''; }
    else if (ch === delim) { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Bytes of a user's file as text: UTF-8 (BOM removed), or Windows-1252 when not valid UTF-8. */
export function decodeFmbBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * Parse a user's FMB table: a header with a code column and a max_days column (Swedish names accepted, an
 * optional label column), `;`, `,` or tab separated. A row is rejected (with its line number) when the code is
 * missing or not an ICD-10 code prefix, the days are missing, not a whole number or negative, the code occurs on an earlier line, or the row
 * has more fields than the header. Blank lines are skipped.
 */
export function parseFmbCsv(text: string): FmbParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) return { ok: false, code: 'empty', rejects: [] };
  const headerLine = lines[headerIndex];
  const delimiter = headerLine.includes(';') ? ';' : headerLine.includes('\t') ? '\t' : ',';
  const headers = splitLine(headerLine, delimiter).map(normHeader);
  const ci = headers.findIndex((h) => CODE_HEADERS.includes(h));
  const di = headers.findIndex((h) => DAYS_HEADERS.includes(h));
  const li = headers.findIndex((h) => LABEL_HEADERS.includes(h));
  if (ci < 0 || di < 0) return { ok: false, code: 'no_header', rejects: [] };

  const rows: FmbRow[] = [];
  const rejects: FmbReject[] = [];
  const seen = new Map<string, number>();
  let rowsRead = 0;
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '') continue;
    rowsRead++;
    const line = i + 1;
    const f = splitLine(text, delimiter);
    const reject = (code: FmbRejectCode, value: string) => rejects.push({ line, code, value, text });
    if (f.length > headers.length && f.slice(headers.length).some((x) => x !== '')) { reject('too_many_fields', ''); continue; }
    const code = (f[ci] ?? '').trim().toUpperCase();
    const days = (f[di] ?? '').trim();
    if (!code) { reject('missing_code', ''); continue; }
    if (!FmbRowSchema.shape.code.safeParse(code).success) { reject('bad_code', code); continue; }
    const parsed = FmbRowSchema.safeParse({ code, days });
    if (!parsed.success) {
      reject(days === '' ? 'missing_days' : /^-\s*\d+$/.test(days) ? 'negative_days' : 'bad_days', days);
      continue;
    }
    const key = code.replace(/[.\s]/g, '');
    const earlier = seen.get(key);
    if (earlier !== undefined) { reject('duplicate', String(earlier)); continue; }
    seen.set(key, line);
    const label = li >= 0 ? (f[li] ?? '').trim() : '';
    rows.push({ code, max_days: parsed.data.days, ...(label ? { label } : {}) });
  }
  if (rows.length === 0) return { ok: false, code: 'no_rows', rejects };
  return { ok: true, rows, rejects, rowsRead, delimiter };
}

const FmbRowSchema = z.object({
  code: z.string().regex(/^[A-Z][0-9][0-9A-Z.]*$/),
  days: z.string().regex(/^\d+$/).transform((s) => Number(s)).pipe(z.number().int().min(0).max(100000))
});
