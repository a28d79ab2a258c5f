/**
 * Domain constants shared by SQL builders and the UI (ids only; Swedish/English labels live in src/lib/i18n).
 * Definitions: ../shared/domain.md and docs/definitions.md.
 */
import { listLit } from '../sql';

/** Length bands in days (domain.md). */
export const LENGTH_BANDS = [
  { id: '0-14', lo: 0, hi: 14 },
  { id: '15-30', lo: 15, hi: 30 },
  { id: '31-60', lo: 31, hi: 60 },
  { id: '61-90', lo: 61, hi: 90 },
  { id: '91-180', lo: 91, hi: 180 },
  { id: '181-364', lo: 181, hi: 364 },
  { id: '365-730', lo: 365, hi: 730 },
  { id: '731+', lo: 731, hi: null }
] as const;
export type LengthBand = (typeof LENGTH_BANDS)[number]['id'];

/** Coarse age bands (domain.md): ≤20, 21–30, 31–40, 41–50, 51–60, 61+, and unknown. */
export const AGE_BANDS = ['-20', '21-30', '31-40', '41-50', '51-60', '61+', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Diagnosis groups (domain.md). */
export const DIAGNOSIS_GROUPS = [
  'psychiatric', 'musculoskeletal', 'somatic', 'symptom', 'factors', 'pregnancy', 'other', 'invalid'
] as const;
export type DiagnosisGroup = (typeof DIAGNOSIS_GROUPS)[number];

/** Extension reasons (contract section 3); the first five are waiting. */
export const EXTENSION_REASONS = [
  'wait_investigation', 'wait_treatment', 'wait_surgery', 'wait_specialist', 'wait_rehabilitation',
  'medical', 'worsening', 'workplace', 'other'
] as const;
export type ExtensionReason = (typeof EXTENSION_REASONS)[number];
export const WAITING_REASONS: readonly ExtensionReason[] = EXTENSION_REASONS.slice(0, 5);

/**
 * SQL boolean: `col`, a normalised extension reason (a code above, 'unknown' or NULL), is a waiting reason.
 * The waiting codes, and no other, start with 'wait_' (tests/unit/waiting.test.ts); a prefix test costs far less
 * per row than a list lookup, which matters over a million certificates.
 */
export function isWaitingReasonSql(col: string): string {
  return `starts_with(${col}, 'wait_')`;
}

/** Rehabilitation-chain thresholds (days). */
export const THRESHOLDS = [90, 180, 365] as const;

/** Degrees of sick leave (%). */
export const DEGREES = [25, 50, 75, 100] as const;

/** SQL: coarse age band of an integer age expression. */
export function ageBandSql(age: string): string {
  return `CASE WHEN ${age} IS NULL THEN 'unknown' WHEN ${age} <= 20 THEN '-20' WHEN ${age} <= 30 THEN '21-30'
    WHEN ${age} <= 40 THEN '31-40' WHEN ${age} <= 50 THEN '41-50' WHEN ${age} <= 60 THEN '51-60' ELSE '61+' END`;
}

/** SQL: diagnosis group of a normalised ICD-10 code expression (upper case, e.g. 'F43.8A'; NULL when unknown). */
export function diagnosisGroupSql(code: string): string {
  return `CASE
    WHEN ${code} IS NULL OR NOT regexp_matches(${code}, '^[A-Z][0-9]{2}') THEN 'invalid'
    WHEN ${code} LIKE 'F%' THEN 'psychiatric'
    WHEN ${code} LIKE 'M%' THEN 'musculoskeletal'
    WHEN ${code} LIKE 'O%' THEN 'pregnancy'
    WHEN ${code} LIKE 'R%' THEN 'symptom'
    WHEN ${code} LIKE 'Z%' THEN 'factors'
    WHEN substr(${code}, 1, 3) BETWEEN 'A00' AND 'E90' OR substr(${code}, 1, 3) BETWEEN 'G00' AND 'L99'
      OR substr(${code}, 1, 3) BETWEEN 'N00' AND 'N99' THEN 'somatic'
    WHEN substr(${code}, 1, 1) IN ('P', 'Q', 'S', 'T', 'U', 'V', 'W', 'X', 'Y') THEN 'other'
    ELSE 'invalid' END`;
}

/** SQL: the number (1, 2, …) of the length band of an integer length expression, in `LENGTH_BANDS`. */
export function lengthBandNoSql(len: string): string {
  const whens = LENGTH_BANDS.filter((b) => b.hi !== null)
    .map((b, i) => `WHEN ${len} <= ${b.hi} THEN ${i + 1}`)
    .join(' ');
  return `CASE ${whens} ELSE ${LENGTH_BANDS.length} END`;
}

/** SQL: the length band id of a band number expression (`lengthBandNoSql`). */
export function lengthBandOfNo(no: string): string {
  return `CAST(${listLit(LENGTH_BANDS.map((b) => b.id))}[${no}] AS VARCHAR)`;
}

/**
 * SQL (TINYINT): the certificates class of a certificate count expression, as the episode build stores it
 * (`episodes.cert_class_code`): the count itself up to 5, 6 for 6–9, 10 for 10 or more, NULL when unknown.
 */
export function certClassCodeSql(n: string): string {
  return `CAST(CASE WHEN ${n} IS NULL THEN NULL WHEN ${n} <= 5 THEN ${n} WHEN ${n} <= 9 THEN 6 ELSE 10 END AS TINYINT)`;
}

/** SQL: length band id of an integer length expression. */
export function lengthBandSql(len: string): string {
  return lengthBandOfNo(lengthBandNoSql(len));
}
