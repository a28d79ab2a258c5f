/**
 * SQL that reads one CSV file into the canonical tables in one pass (contract sections 1–2):
 * every value parsed by the macros of macros.ts, every row either accepted or rejected with a reason.
 */
import { intLit, lit } from '../sql';
import type { CanonicalColumn } from './headers';
import type { Shape, Sniffed } from './sniff';

/** Extra columns beyond the header, so a row with too many fields is read (and then rejected), not lost. */
const OVERFLOW_COLUMNS = 4;

const CERT_COLUMNS = `file_id INTEGER, rec INTEGER, patient VARCHAR, certificate_id VARCHAR, start_date DATE, end_date DATE,
  degree INTEGER, gender VARCHAR, age INTEGER, unit VARCHAR, physician VARCHAR, diagnosis VARCHAR,
  extension_reason VARCHAR, referral_date DATE, care_start_date DATE, waiting_cause VARCHAR, is_pnr BOOLEAN`;
const EPISODE_COLUMNS = `file_id INTEGER, rec INTEGER, patient VARCHAR, start_date DATE, end_date DATE, degree INTEGER,
  gender VARCHAR, age INTEGER, unit VARCHAR, physician VARCHAR, diagnosis VARCHAR, length INTEGER,
  certificates INTEGER, waiting_days INTEGER, waiting_cause VARCHAR, referral_date DATE, care_start_date DATE,
  is_pnr BOOLEAN`;
/** What a row needs until the load is committed: the reject reason and values, quoted newlines, the row's text. */
const CHECK_COLUMNS = 'reason VARCHAR, value1 VARCHAR, value2 VARCHAR, nl INTEGER, text VARCHAR';
const names = (cols: string) => cols.split(',').map((c) => c.trim().split(/\s+/)[0]).join(', ');

/**
 * The rows of every file are written once, straight from the file, into `cert_all` / `episode_all`; the rejected
 * ones are moved to `rejects` when the file is committed. `cert_rows` and `episode_rows` (the accepted rows, as
 * docs/data-model.md describes them) are views of these tables: no copy of a million rows.
 */
export const TABLES_SQL = `
CREATE TABLE IF NOT EXISTS cert_all (${CERT_COLUMNS}, ${CHECK_COLUMNS});
CREATE TABLE IF NOT EXISTS episode_all (${EPISODE_COLUMNS}, ${CHECK_COLUMNS});
CREATE VIEW IF NOT EXISTS cert_rows AS SELECT ${names(CERT_COLUMNS)} FROM cert_all WHERE reason IS NULL;
CREATE VIEW IF NOT EXISTS episode_rows AS SELECT ${names(EPISODE_COLUMNS)} FROM episode_all WHERE reason IS NULL;
CREATE TABLE IF NOT EXISTS rejects (
  file_id INTEGER, line INTEGER, reason VARCHAR, value1 VARCHAR, value2 VARCHAR, text VARCHAR);
`;

export interface StagingOptions {
  fileId: number;
  /** The name/path the file is registered under. */
  path: string;
  sniffed: Sniffed;
  salt: string;
  /** The unit for rows of a file without a unit column (the file's name), or null. */
  defaultUnit: string | null;
  /** false: DuckDB's single-threaded reader, needed for quoted newlines together with null_padding. */
  parallel?: boolean;
}

function columnNames(sniffed: Sniffed): string[] {
  const n = sniffed.headers.length + OVERFLOW_COLUMNS;
  return Array.from({ length: n }, (_v, i) => `c${i}`);
}

/** The raw cell of a canonical column, or NULL when the file has no such column. */
function cell(sniffed: Sniffed, col: CanonicalColumn): string {
  const i = sniffed.roles.indexOf(col);
  return i < 0 ? 'CAST(NULL AS VARCHAR)' : `c${i}`;
}

function readCsv(o: StagingOptions): string {
  const cols = columnNames(o.sniffed).map((c) => `${lit(c)}: 'VARCHAR'`).join(', ');
  const delim = o.sniffed.delimiter === '\t' ? `E'\\t'` : lit(o.sniffed.delimiter);
  return `read_csv(${lit(o.path)}, delim = ${delim}, quote = '"', escape = '"', header = true,
    skip = ${intLit(o.sniffed.headerLine)}, columns = {${cols}}, auto_detect = false, null_padding = true,
    store_rejects = true, rejects_table = 'csv_rejects_${o.fileId}', rejects_scan = 'csv_scan_${o.fileId}',
    max_line_size = 10000000${o.parallel === false ? ', parallel = false' : ''})`;
}

/**
 * One pass over the file: parse every cell, decide accept/reject, keep the row's pseudonymised text for rejects,
 * and write the rows into `cert_all` (certificates) or `episode_all` (episodes) with the file's id and `rec`, the
 * record's position among the file's non-blank records.
 * Besides the canonical values, each row has `reason`/`value1`/`value2` (NULL when accepted),
 * `nl` (newlines inside quoted cells, for line numbers) and `text` (only for rejected rows).
 *
 * Written for a million rows (issue 7): the query is layered so that every cell is parsed once (DuckDB inlines a
 * column alias used later in the same SELECT, so each value would otherwise be parsed again wherever it is used),
 * and the reason of a row is only worked out in full when a cheap test of the parsed values does not already
 * show it to be acceptable. The result is the same as checking every rule on every row.
 */
export function stagingSql(o: StagingOptions): string {
  const s = o.sniffed;
  const df = s.dayFirstEvidence ? 'true' : 'false';
  const c = (col: CanonicalColumn) => cell(s, col);
  const all = columnNames(s);
  const headerCols = all.slice(0, s.headers.length);
  const overflow = all.slice(s.headers.length);
  const patientIdx = s.roles.indexOf('patient_id');
  const isCert = s.shape === 'certificates';
  // The text of a rejected row: the original cells, with the patient id replaced by its pseudonym and
  // name columns left out.
  const textCells = headerCols
    .filter((_c, i) => s.roles[i] !== 'name')
    .map((col) => (Number(col.slice(1)) === patientIdx ? 'patient' : col))
    .concat(overflow.map((col) => `${col}`));
  const delim = lit(s.delimiter);
  const textExpr = `rtrim(concat_ws(${delim}, ${textCells.map((x) => `sf_csv_field(${x}, ${delim})`).join(', ')}), ${delim})`;
  const nlExpr = headerCols
    .map((col) => `CASE WHEN contains(${col}, chr(10)) THEN length(${col}) - length(replace(${col}, chr(10), '')) ELSE 0 END`)
    .join(' + ');
  // A row is kept unless all its recognised cells are blank and it has no extra fields. As a disjunction, the
  // patient cell (almost never blank) first: DuckDB stops testing a row at its first true term.
  const roleCols = headerCols.filter((_c, i) => s.roles[i] !== null);
  const byPatientFirst = [...roleCols.filter((x) => Number(x.slice(1)) === patientIdx), ...roleCols.filter((x) => Number(x.slice(1)) !== patientIdx)];
  const nonBlank = [...byPatientFirst.map((col) => `sf_nz(${col}) IS NOT NULL`), ...overflow.map((x) => `${x} IS NOT NULL`)].join(' OR ');
  const unitExpr = o.defaultUnit !== null && !s.roles.includes('unit') ? lit(o.defaultUnit) : `sf_nz(${c('unit')})`;

  const degreeCheck = isCert
    ? `WHEN sf_nz(${c('degree')}) IS NULL THEN 'missing_degree'`
    : '';
  const degreeInvalid = `WHEN sf_nz(${c('degree')}) IS NOT NULL AND coalesce(degree, -1) NOT IN (25, 50, 75, 100) THEN 'bad_degree'`;
  const endMissing = isCert ? `WHEN sf_nz(${c('end_date')}) IS NULL THEN 'missing_end'` : '';
  // Rows that pass this test pass every rule below (each rule's condition is false for them).
  const plainlyAccepted = [
    ...overflow.map((x) => `${x} IS NULL`),
    'raw_patient IS NOT NULL',
    'start_date IS NOT NULL',
    isCert ? 'end_date IS NOT NULL' : `(end_date IS NOT NULL OR sf_nz(${c('end_date')}) IS NULL)`,
    isCert ? 'degree IN (25, 50, 75, 100)' : `(degree IN (25, 50, 75, 100) OR sf_nz(${c('degree')}) IS NULL)`,
    '(end_date IS NULL OR (end_date >= start_date AND NOT (end_date >= start_date + INTERVAL 5 YEAR)))'
  ].join(' AND ');

  const target = isCert
    ? `INSERT INTO cert_all SELECT ${intLit(o.fileId)}, CAST(row_number() OVER () AS INTEGER), patient, certificate_id, start_date,
         end_date, degree, gender, age, unit, physician, diagnosis, extension_reason, referral_date, care_start_date,
         waiting_cause, is_pnr, reason, value1, value2, nl, text`
    : `INSERT INTO episode_all SELECT ${intLit(o.fileId)}, CAST(row_number() OVER () AS INTEGER), patient, start_date, end_date,
         degree, gender, age, unit, physician, diagnosis, length, certificates, waiting_days, waiting_cause,
         referral_date, care_start_date, is_pnr, reason, value1, value2, nl, text`;
  // row_number() OVER () keeps the file's order (DuckDB preserves row order through a single-table scan, WHERE and
  // projections), so rec is the record's position among the file's non-blank records.
  return `
${target}
FROM (
SELECT
  CASE WHEN is_pnr THEN sf_pseudonym(raw_patient, ref_date, ${lit(o.salt)}) ELSE raw_patient END AS patient,
  start_date, end_date, is_pnr, degree,
  coalesce(gender0, CASE WHEN is_pnr AND sf_nz(${c('gender')}) IS NULL THEN sf_pnr_gender(raw_patient, ref_date) END) AS gender,
  coalesce(age0, CASE WHEN is_pnr AND sf_nz(${c('age')}) IS NULL THEN sf_pnr_age(raw_patient, ref_date) END) AS age,
  unit, physician, diagnosis, certificate_id, extension_reason, referral_date, care_start_date, waiting_cause,
  length, certificates, waiting_days, reason,
  CASE WHEN reason IS NOT NULL THEN CASE reason
    WHEN 'bad_start' THEN sf_nz(${c('start_date')}) WHEN 'ambiguous_start' THEN sf_nz(${c('start_date')})
    WHEN 'bad_end' THEN sf_nz(${c('end_date')}) WHEN 'ambiguous_end' THEN sf_nz(${c('end_date')})
    WHEN 'end_before_start' THEN sf_nz(${c('end_date')})
    WHEN 'bad_degree' THEN sf_nz(${c('degree')})
    WHEN 'too_long' THEN sf_nz(${c('start_date')})
  END END AS value1,
  CASE WHEN reason IS NOT NULL THEN CASE reason WHEN 'end_before_start' THEN sf_nz(${c('start_date')}) WHEN 'too_long' THEN sf_nz(${c('end_date')}) END END AS value2,
  (${nlExpr}) AS nl,
  CASE WHEN reason IS NOT NULL THEN ${textExpr} END AS text
FROM (
  SELECT *,
    coalesce(end_date, start_date) AS ref_date,
    regexp_full_match(coalesce(raw_patient, ''), '(\\d{2})?\\d{6}[-+ ]?\\d{4}') AS is_pnr,
    CASE WHEN ${plainlyAccepted} THEN NULL ELSE CASE
      WHEN ${overflow.map((x) => `${x} IS NOT NULL`).join(' OR ')} THEN 'too_many_fields'
      WHEN raw_patient IS NULL THEN 'missing_patient'
      WHEN sf_nz(${c('start_date')}) IS NULL THEN 'missing_start'
      ${endMissing}
      ${degreeCheck}
      WHEN sf_date_problem(${c('start_date')}, ${df}) = 'ambiguous' THEN 'ambiguous_start'
      WHEN start_date IS NULL THEN 'bad_start'
      WHEN sf_date_problem(${c('end_date')}, ${df}) = 'ambiguous' THEN 'ambiguous_end'
      WHEN sf_nz(${c('end_date')}) IS NOT NULL AND end_date IS NULL THEN 'bad_end'
      WHEN end_date < start_date THEN 'end_before_start'
      ${degreeInvalid}
      WHEN end_date >= start_date + INTERVAL 5 YEAR THEN 'too_long'
    END END AS reason
  FROM (
    SELECT *,
      sf_nz(${c('patient_id')}) AS raw_patient,
      sf_date(${c('start_date')}, ${df}) AS start_date,
      sf_date(${c('end_date')}, ${df}) AS end_date,
      sf_degree_num(${c('degree')}) AS degree,
      sf_gender(${c('gender')}) AS gender0,
      sf_age(${c('age')}) AS age0,
      ${unitExpr} AS unit,
      sf_nz(${c('physician')}) AS physician,
      sf_icd(${c('diagnosis')}) AS diagnosis,
      sf_nz(${c('certificate_id')}) AS certificate_id,
      sf_reason(${c('extension_reason')}) AS extension_reason,
      sf_date(${c('referral_date')}, ${df}) AS referral_date,
      sf_date(${c('care_start_date')}, ${df}) AS care_start_date,
      sf_nz(${c('waiting_cause')}) AS waiting_cause,
      sf_int(${c('length')}) AS length,
      sf_int(${c('certificates')}) AS certificates,
      sf_int(${c('waiting_days')}) AS waiting_days
    FROM ${readCsv(o)}
    WHERE ${nonBlank}
  )
)
);
`;
}

/**
 * Move the file's rejected rows to `rejects` (with physical line numbers); run after stagingSql.
 * rec: the record's position among all data records of the file, counting the records the CSV reader itself
 * rejected (broken quoting); line: the physical line, counting newlines inside quoted cells before it.
 */
export function commitSql(fileId: number, shape: Shape, headerLine: number, hasCsvRejects: boolean): string {
  const f = intLit(fileId);
  const h = intLit(headerLine);
  const table = shape === 'certificates' ? 'cert_all' : 'episode_all';
  const fixRec = hasCsvRejects
    ? `UPDATE ${table} SET rec = CAST(rec + (SELECT count(*) FROM csv_bad b WHERE b.slot <= ${table}.rec) AS INTEGER)
         WHERE file_id = ${f};`
    : '';
  const lineOf = (alias: string) =>
    `CAST(${h} + 1 + ${alias}.rec + coalesce((SELECT sum(nl) FROM nl_rows n WHERE n.rec < ${alias}.rec), 0) AS INTEGER)`;
  return `
CREATE OR REPLACE TEMP TABLE csv_bad AS
  SELECT rec, rec - row_number() OVER (ORDER BY rec) + 1 AS slot, error_type FROM (
    SELECT CAST(line - 1 - ${h} AS INTEGER) AS rec, min(error_type) AS error_type
    FROM csv_rejects_${f} GROUP BY ALL);
${fixRec}
CREATE OR REPLACE TEMP TABLE nl_rows AS SELECT rec, nl FROM ${table} WHERE file_id = ${f} AND nl > 0;
INSERT INTO rejects
  SELECT ${f}, ${lineOf('r')}, reason, value1, value2, text
  FROM (SELECT * FROM ${table} WHERE file_id = ${f} AND reason IS NOT NULL) r;
INSERT INTO rejects
  SELECT ${f}, ${lineOf('b')}, 'malformed', error_type, NULL, NULL FROM csv_bad b;
`;
}

/** Counts for the load report of one file (run after commitSql, before dropRejectedRowsSql). */
export function fileCountsSql(fileId: number, shape: Shape): string {
  const f = intLit(fileId);
  const table = shape === 'certificates' ? 'cert_all' : 'episode_all';
  return `SELECT
    (SELECT count(*) FROM ${table} WHERE file_id = ${f}) + (SELECT count(*) FROM csv_bad) AS rows_read,
    (SELECT count(*) FROM ${table} WHERE file_id = ${f} AND reason IS NULL) AS rows_accepted,
    (SELECT count(*) FROM rejects WHERE file_id = ${f}) AS rows_rejected,
    (SELECT count(DISTINCT patient) FROM ${table} WHERE file_id = ${f} AND is_pnr) AS pseudonymised`;
}

/** After the commit: the rejected rows live on in `rejects` only. */
export function dropRejectedRowsSql(fileId: number): string {
  const f = intLit(fileId);
  return `DELETE FROM cert_all WHERE file_id = ${f} AND reason IS NOT NULL;
    DELETE FROM episode_all WHERE file_id = ${f} AND reason IS NOT NULL;`;
}

export const DROP_STAGING_SQL = `DROP TABLE IF EXISTS csv_bad; DROP TABLE IF EXISTS nl_rows;`;

export function dropRejectTablesSql(fileId: number): string {
  const f = intLit(fileId);
  return `DROP TABLE IF EXISTS csv_rejects_${f}; DROP TABLE IF EXISTS csv_scan_${f};`;
}

/** Remove one file's rows. */
export function removeFileSql(fileId: number): string {
  const f = intLit(fileId);
  return `DELETE FROM cert_all WHERE file_id = ${f}; DELETE FROM episode_all WHERE file_id = ${f};
    DELETE FROM rejects WHERE file_id = ${f};`;
}

/** How many rows of a file the tables hold (before removeFileSql). */
export function fileRowsSql(fileId: number): string {
  const f = intLit(fileId);
  return `SELECT (SELECT count(*) FROM cert_all WHERE file_id = ${f}) + (SELECT count(*) FROM episode_all WHERE file_id = ${f}) AS n`;
}

/**
 * DuckDB keeps the memory of deleted rows as long as the table lives (an in-memory database has no cheap checkpoint
 * to give it back: CHECKPOINT compresses every table, 1.5 s for a million rows). Writing the tables again from the
 * rows that remain, in their order, frees it: a file removed and another loaded then does not add up in the tab.
 */
export const COMPACT_ROWS_SQL = `CREATE OR REPLACE TABLE cert_all AS FROM cert_all;
CREATE OR REPLACE TABLE episode_all AS FROM episode_all;`;

/** Give the rows of a file another unit (the rows of a file without a unit column). */
export function setFileUnitSql(fileId: number, unit: string): string {
  const f = intLit(fileId);
  return `UPDATE cert_all SET unit = ${lit(unit)} WHERE file_id = ${f};
    UPDATE episode_all SET unit = ${lit(unit)} WHERE file_id = ${f};`;
}

