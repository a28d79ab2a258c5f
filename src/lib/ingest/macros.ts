/**
 * SQL macros for parsing cell values (contract section 1). Installed once per database by `installMacros`.
 * They are the single definition of every value format, used by the browser and the CLI alike.
 */
import { dateLit } from '../sql';

const WOMEN = ['K', 'KVINNA', 'KV', 'F', 'FEMALE', 'W', 'WOMAN', 'KVINNOR'];
const MEN = ['M', 'MAN', 'MALE', 'MAN.', 'MÄN'];

/** Extension reasons: code → accepted spellings (after lower-casing and stripping accents). */
const REASONS: Record<string, string[]> = {
  wait_investigation: ['vantan pa utredning', 'waiting for investigation'],
  wait_treatment: ['vantan pa behandling', 'waiting for treatment'],
  wait_surgery: ['vantan pa operation', 'waiting for surgery'],
  wait_specialist: ['vantan pa specialistbedomning', 'waiting for specialist assessment', 'waiting for specialist'],
  wait_rehabilitation: ['vantan pa rehabiliteringsinsats', 'waiting for rehabilitation'],
  medical: ['medicinskt motiverad', 'medically motivated'],
  worsening: ['forsamring', 'worsening'],
  workplace: ['arbetsplatsrelaterat', 'workplace related', 'workplace-related'],
  other: ['annat', 'other']
};

/**
 * The spellings of the contract's table (section 3) as an export writes them, matched exactly before the general
 * (lower-cased, accent-stripped) comparison: the same code, far cheaper for a million rows.
 */
export const REASON_DISPLAY: Record<string, string[]> = {
  wait_investigation: ['Väntan på utredning', 'Waiting for investigation'],
  wait_treatment: ['Väntan på behandling', 'Waiting for treatment'],
  wait_surgery: ['Väntan på operation', 'Waiting for surgery'],
  wait_specialist: ['Väntan på specialistbedömning', 'Waiting for specialist assessment'],
  wait_rehabilitation: ['Väntan på rehabiliteringsinsats', 'Waiting for rehabilitation'],
  medical: ['Medicinskt motiverad', 'Medically motivated'],
  worsening: ['Försämring', 'Worsening'],
  workplace: ['Arbetsplatsrelaterat', 'Workplace related'],
  other: ['Annat', 'Other']
};

function sqlStr(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

function reasonCase(v: string): string {
  const whens = Object.entries(REASONS)
    .map(([code, spellings]) => `WHEN ${v} IN (${[code, ...spellings].map((s) => `'${s}'`).join(', ')}) THEN '${code}'`)
    .join('\n      ');
  return `CASE ${whens} ELSE 'unknown' END`;
}

/** The macros; `today` ('YYYY-MM-DD') stands in for a missing reference date (no ICU in the browser build). */
export function macrosSql(today: string): string {
  const now = dateLit(today);
  return `
-- NULL for blank cells
CREATE OR REPLACE MACRO sf_nz(v) AS NULLIF(trim(CAST(v AS VARCHAR)), '');

-- Dates: YYYY-MM-DD (a time part is ignored), YYYYMMDD, or D/M/YYYY when unambiguous (day > 12, day = month,
-- or the file shows day-first order). NULL when not a date.
CREATE OR REPLACE MACRO sf_date(v, dayfirst) AS (
  CASE
    WHEN v IS NULL THEN NULL
    -- Fast path (the common case, same result): a date written exactly as DuckDB writes it, YYYY-MM-DD.
    WHEN length(v) = 10 AND CAST(try_cast(v AS DATE) AS VARCHAR) = v THEN try_cast(v AS DATE)
    WHEN sf_nz(v) IS NULL THEN NULL
    WHEN regexp_full_match(trim(v), '\\d{4}-\\d{1,2}-\\d{1,2}([ T].*)?')
      THEN CAST(try_strptime(regexp_extract(trim(v), '^(\\d{4}-\\d{1,2}-\\d{1,2})', 1), '%Y-%m-%d') AS DATE)
    WHEN regexp_full_match(trim(v), '\\d{8}') THEN CAST(try_strptime(trim(v), '%Y%m%d') AS DATE)
    WHEN regexp_full_match(trim(v), '\\d{1,2}/\\d{1,2}/\\d{4}') AND (dayfirst
        OR CAST(split_part(trim(v), '/', 1) AS INTEGER) > 12
        OR CAST(split_part(trim(v), '/', 1) AS INTEGER) = CAST(split_part(trim(v), '/', 2) AS INTEGER))
      THEN CAST(try_strptime(trim(v), '%d/%m/%Y') AS DATE)
    ELSE NULL
  END);

-- Why a non-blank date cell is not a date: 'ambiguous' (D/M vs M/D cannot be told) or 'invalid'.
CREATE OR REPLACE MACRO sf_date_problem(v, dayfirst) AS (
  CASE
    WHEN sf_nz(v) IS NULL OR sf_date(v, dayfirst) IS NOT NULL THEN NULL
    WHEN regexp_full_match(trim(v), '\\d{1,2}/\\d{1,2}/\\d{4}')
      AND CAST(split_part(trim(v), '/', 1) AS INTEGER) <= 12 AND CAST(split_part(trim(v), '/', 2) AS INTEGER) <= 12
      AND NOT dayfirst THEN 'ambiguous'
    ELSE 'invalid'
  END);

-- Degree: 25, 50, 75, 100 with or without %, the last value of "100% → 50%", fractions like 0,5. NULL if none.
CREATE OR REPLACE MACRO sf_degree_num(v) AS (
  CASE
    -- Fast path (same result): the plain values.
    WHEN v = '100' THEN 100 WHEN v = '50' THEN 50 WHEN v = '25' THEN 25 WHEN v = '75' THEN 75
    WHEN v = '100%' THEN 100 WHEN v = '50%' THEN 50 WHEN v = '25%' THEN 25 WHEN v = '75%' THEN 75
    WHEN sf_nz(v) IS NULL THEN NULL
    WHEN regexp_matches(v, '\\d+[.,]\\d+\\s*%?\\s*$') AND NOT regexp_matches(v, '%\\s*$')
      THEN CAST(round(100 * try_cast(replace(regexp_extract(v, '(\\d+[.,]\\d+)\\s*$', 1), ',', '.') AS DOUBLE)) AS INTEGER)
    ELSE try_cast(regexp_extract(v, '(\\d+)\\s*%?\\s*$', 1) AS INTEGER)
  END);

CREATE OR REPLACE MACRO sf_gender(v) AS (
  CASE
    WHEN v = 'K' THEN 'K' WHEN v = 'M' THEN 'M'
    -- list_contains, not IN: DuckDB turns a long IN list into a join, which would upper(trim()) every cell.
    WHEN list_contains([${WOMEN.map(sqlStr).join(', ')}], upper(trim(v))) THEN 'K'
    WHEN list_contains([${MEN.map(sqlStr).join(', ')}], upper(trim(v))) THEN 'M'
    ELSE NULL
  END);

-- Age: "45", "45 år". NULL when not a plausible age.
CREATE OR REPLACE MACRO sf_age(v) AS (
  CASE
    -- Fast path (same result): plain digits.
    WHEN regexp_full_match(v, '\\d{1,3}') THEN CASE WHEN CAST(v AS INTEGER) <= 125 THEN CAST(v AS INTEGER) END
    WHEN try_cast(regexp_extract(lower(trim(v)), '^(\\d{1,3})\\s*(år|ar|years?|y)?$', 1) AS INTEGER) BETWEEN 0 AND 125
    THEN try_cast(regexp_extract(lower(trim(v)), '^(\\d{1,3})', 1) AS INTEGER) END);

-- ICD-10-SE code at the start of the cell ("F43.8A Utmattningssyndrom" → 'F43.8A', "f438a" → 'F43.8A').
CREATE OR REPLACE MACRO sf_icd(v) AS (
  CASE
    -- Fast path (same result): a code already written in its normal form.
    WHEN regexp_full_match(v, '[A-Z]\\d{2}(\\.[0-9][0-9A-Z]{0,3})?') THEN v
    WHEN regexp_matches(coalesce(v, ''), '^\\s*[A-Za-z]\\d{2}')
    THEN upper(regexp_extract(v, '^\\s*([A-Za-z]\\d{2})', 1))
      || CASE WHEN regexp_extract(v, '^\\s*[A-Za-z]\\d{2}\\.?([0-9][0-9A-Za-z]{0,3})', 1) <> ''
           THEN '.' || upper(regexp_extract(v, '^\\s*[A-Za-z]\\d{2}\\.?([0-9][0-9A-Za-z]{0,3})', 1)) ELSE '' END
  END);

-- Extension reason code (contract section 3); NULL when blank, 'unknown' when not recognised.
CREATE OR REPLACE MACRO sf_reason(v) AS (
  CASE WHEN v IS NULL THEN NULL
    ${Object.entries(REASON_DISPLAY).flatMap(([code, xs]) => xs.map((x) => `WHEN v = ${sqlStr(x)} THEN '${code}'`)).join(' ')}
    WHEN sf_nz(v) IS NULL THEN NULL ELSE
    ${reasonCase("rtrim(lower(strip_accents(trim(v))), '.')")} END);

-- Integer from a cell like "43 dagar" or "3"; NULL otherwise.
CREATE OR REPLACE MACRO sf_int(v) AS try_cast(regexp_extract(coalesce(v, ''), '^\\s*(\\d+)', 1) AS INTEGER);

-- Personnummer / samordningsnummer: YYYYMMDD-NNNC, YYMMDD-NNNC (+ for 100 years or older), dash optional.
CREATE OR REPLACE MACRO sf_is_pnr(v) AS regexp_full_match(coalesce(trim(v), ''), '(\\d{2})?\\d{6}[-+ ]?\\d{4}');
CREATE OR REPLACE MACRO sf_pnr_digits(v) AS regexp_replace(trim(v), '[^0-9]', '', 'g');
-- Birth year, with the century of a 10-digit number chosen so that the birth date is not after ref
CREATE OR REPLACE MACRO sf_pnr_year(v, ref) AS (
  CASE WHEN length(sf_pnr_digits(v)) = 12 THEN CAST(substr(sf_pnr_digits(v), 1, 4) AS INTEGER)
  ELSE 2000 + CAST(substr(sf_pnr_digits(v), 1, 2) AS INTEGER)
    - CASE WHEN 2000 + CAST(substr(sf_pnr_digits(v), 1, 2) AS INTEGER) > year(coalesce(ref, ${now}))
             OR (2000 + CAST(substr(sf_pnr_digits(v), 1, 2) AS INTEGER) = year(coalesce(ref, ${now}))
                 AND substr(sf_pnr_digits(v), 3, 4) > strftime(coalesce(ref, ${now}), '%m%d'))
           THEN 100 ELSE 0 END
    - CASE WHEN contains(v, '+') THEN 100 ELSE 0 END
  END);
CREATE OR REPLACE MACRO sf_pnr_birth(v, ref) AS (
  CASE WHEN sf_is_pnr(v) THEN try_cast(
    printf('%04d-%s-%02d', sf_pnr_year(v, ref), substr(right(sf_pnr_digits(v), 10), 3, 2),
      CAST(substr(right(sf_pnr_digits(v), 10), 5, 2) AS INTEGER)
        - CASE WHEN CAST(substr(right(sf_pnr_digits(v), 10), 5, 2) AS INTEGER) > 60 THEN 60 ELSE 0 END) AS DATE)
  END);
-- Gender from the second-to-last digit: odd = man, even = woman (only for a valid birth date)
CREATE OR REPLACE MACRO sf_pnr_gender(v, ref) AS (
  CASE WHEN sf_pnr_birth(v, ref) IS NOT NULL THEN
    CASE WHEN CAST(substr(sf_pnr_digits(v), length(sf_pnr_digits(v)) - 1, 1) AS INTEGER) % 2 = 1 THEN 'M' ELSE 'K' END
  END);
CREATE OR REPLACE MACRO sf_pnr_age(v, ref) AS date_sub('year', sf_pnr_birth(v, ref), ref);
-- The pseudonym: salted hash of the 12-digit number (salt generated per browser session / CLI run)
CREATE OR REPLACE MACRO sf_pseudonym(v, ref, salt) AS (
  CASE WHEN sf_is_pnr(v)
    THEN 'P-' || upper(substr(md5(salt || coalesce(CAST(sf_pnr_year(v, ref) AS VARCHAR), '') || right(sf_pnr_digits(v), 8)), 1, 10))
    ELSE trim(v) END);

-- CSV-quote a value for the rejected-rows text (no formula neutralising here: that is done on export)
CREATE OR REPLACE MACRO sf_csv_field(v, delim) AS (
  CASE WHEN v IS NULL THEN ''
    WHEN contains(v, delim) OR contains(v, '"') OR contains(v, chr(10)) OR contains(v, chr(13))
      THEN '"' || replace(v, '"', '""') || '"'
    ELSE v END);
`;
}
