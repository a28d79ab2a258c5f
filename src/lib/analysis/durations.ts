/**
 * Durations: how long episodes last, who passes day 90 / 180 / 365, the degree of sick leave, and the
 * rehab coordinator's watch list of ongoing episodes approaching a threshold.
 *
 * Every builder takes `rel`, the selected episodes (selectionSql), and returns SQL whose rows hold only
 * numbers, strings, booleans and ISO dates. Gender strata are 'total', 'K' (women) and 'M' (men); an
 * episode of unknown gender counts in 'total' only.
 */
import { DEGREES, LENGTH_BANDS, THRESHOLDS, lengthBandOfNo } from './domain';
import { kmAtSql, kmCurveSql, kmMedianSql, type KmSteps } from './stats';
import { byCode, nameOfCode, type GroupKey } from './dims';
import { dateLit, intLit, lit } from '../sql';

export const GENDER_COLUMNS = ['total', 'K', 'M'] as const;
export type GenderColumn = (typeof GENDER_COLUMNS)[number];

/** The ways the Kaplan–Meier curve can be split (the view's select). */
export const KM_SPLITS = ['none', 'diagnosis_group', 'gender', 'unit'] as const;
export type KmSplit = (typeof KM_SPLITS)[number];

/** Longest day drawn on the survival chart. */
export const KM_MAX_DAY = 400;

/** Certificates-per-episode classes. */
export const CERT_CLASSES = ['1', '2', '3', '4', '5', '6-9', '10+', 'unknown'] as const;

export interface CountRow {
  key: string;
  grp: GenderColumn;
  n: number;
  /** n / all episodes of the gender column with a known key; NULL when that is 0. */
  share: number | null;
  [k: string]: string | number | null;
}

/**
 * Counts of `keyExpr` per gender column (total, women, men) for every key in `keys` (zero rows included),
 * with the share of the column. Keys not in the list are ignored (also in the shares' denominators). `rel` holds
 * counted rows (`n`): the durations counts (`durationCountsRel`).
 */
function countsByGenderSql(rel: string, keyExpr: string, keys: readonly string[]): string {
  const keyValues = keys.map((k, i) => `(${lit(k)}, ${i})`).join(', ');
  return `WITH k AS (SELECT * FROM (VALUES ${keyValues}) k(key, ord)),
g AS (SELECT * FROM (VALUES ('total', 0), ('K', 1), ('M', 2)) g(grp, gord)),
c0 AS (SELECT ${keyExpr} AS key, gender, sum(n) AS n FROM ${rel} GROUP BY ALL),
c AS (
  SELECT key, 'total' AS grp, sum(n) AS n FROM c0 GROUP BY key
  UNION ALL
  SELECT key, gender AS grp, n FROM c0 WHERE gender IN ('K', 'M')
),
t AS (SELECT grp, sum(n) AS tot FROM c WHERE key IN (SELECT key FROM k) GROUP BY grp)
SELECT k.key, g.grp, CAST(coalesce(c.n, 0) AS BIGINT) AS n,
  CAST(coalesce(c.n, 0) AS DOUBLE) / nullif(t.tot, 0) AS share
FROM k CROSS JOIN g
LEFT JOIN c ON c.key = k.key AND c.grp = g.grp
LEFT JOIN t ON t.grp = g.grp
ORDER BY k.ord, g.gord`;
}

/**
 * The durations view's simple counts read the selection through one counted relation: episodes per gender, length
 * band, current degree, certificates class and start quarter, with how many have a diagnosis and their net days.
 * `{ rel }` counts the selection in the statement; `DURATION_COUNTS` names the relation `durationCountsWith` shares
 * among a view's figures (computed once per statement, engine/parts.ts), so that the view counts the selection once
 * per redraw for its six figures (the same rows either way: tests/unit/durations.test.ts).
 */
export type DurationSource = { rel: string } | typeof DURATION_COUNTS;

export const DURATION_COUNTS = { shared: 'sf_duration_counts' } as const;

function durationCountsSelect(rel: string): string {
  // Counted on integers stored by the build (gender code, length band, certificates class: episodes.ts) and named
  // on the counted rows (dims.ts: strings cost several times more per row to group by). An episode from an
  // episode-shape file (Rehabstöd's list) whose row has no certificate count has no class ('unknown'), not 1.
  const certName = `CASE WHEN cc IS NULL THEN 'unknown' WHEN cc = 6 THEN '6-9' WHEN cc = 10 THEN '10+' ELSE CAST(cc AS VARCHAR) END`;
  return `SELECT ${nameOfCode('gender', 'gender_code')} AS gender, ${lengthBandOfNo('band_code')} AS band, degree,
    ${certName} AS cert_class, quarter_code, n, with_diagnosis, net_days
  FROM (
    SELECT gender_code, band_code, degree, cert_class_code AS cc, quarter_code, count(*) AS n,
      count(diagnosis_code) AS with_diagnosis, sum(net_days) AS net_days
    FROM ${rel}
    GROUP BY ALL
  )`;
}

function durationCountsRel(src: DurationSource): string {
  return 'rel' in src ? `(${durationCountsSelect(src.rel)})` : src.shared;
}

/** `DURATION_COUNTS` of a selection, as a shared relation of `partsSql` (engine/parts.ts). */
export function durationCountsWith(rel: string): Record<string, string> {
  return { [DURATION_COUNTS.shared]: durationCountsSelect(rel) };
}

/** The head counts of `durationHeadSql`. */
export type DurationHeadRow = { n: number; unknown_gender: number; with_diagnosis: number };

/** Episodes, of unknown gender, with a diagnosis (one `DurationHeadRow`). */
export function durationHeadSql(src: DurationSource): string {
  return `SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS n,
    CAST(coalesce(sum(n) FILTER (WHERE gender IS NULL), 0) AS BIGINT) AS unknown_gender,
    CAST(coalesce(sum(with_diagnosis), 0) AS BIGINT) AS with_diagnosis
  FROM ${durationCountsRel(src)}`;
}

/** Length bands of domain.md (length_days, planned length) per gender column: `CountRow` with key = band id. */
export function lengthBandsSql(src: DurationSource): string {
  return countsByGenderSql(durationCountsRel(src), 'band', LENGTH_BANDS.map((b) => b.id));
}

/** Current degree (the last certificate's) per gender column: key '25' | '50' | '75' | '100' (NULL degrees left out). */
export function degreesSql(src: DurationSource): string {
  return countsByGenderSql(durationCountsRel(src), `CAST(degree AS VARCHAR)`, DEGREES.map(String));
}

export interface PartTimeRow {
  grp: GenderColumn;
  /** Episodes with a known degree. */
  n: number;
  part_time: number;
  share: number | null;
  [k: string]: string | number | null;
}

/** Part-time share (current degree < 100 %) per gender column, over episodes with a known degree. */
export function partTimeSql(src: DurationSource): string {
  return `WITH d AS (SELECT degree, gender, n FROM ${durationCountsRel(src)} WHERE degree IS NOT NULL),
g AS (SELECT * FROM (VALUES ('total', 0), ('K', 1), ('M', 2)) g(grp, gord))
SELECT g.grp, CAST(coalesce(sum(d.n), 0) AS BIGINT) AS n,
  CAST(coalesce(sum(d.n) FILTER (WHERE d.degree < 100), 0) AS BIGINT) AS part_time,
  CAST(coalesce(sum(d.n) FILTER (WHERE d.degree < 100), 0) AS DOUBLE) / nullif(coalesce(sum(d.n), 0), 0) AS share
FROM g LEFT JOIN d ON g.grp = 'total' OR d.gender = g.grp
GROUP BY g.grp, g.gord ORDER BY g.gord`;
}

/**
 * Certificates per episode per gender column (key of CERT_CLASSES). An episode from an episode-shape file
 * (Rehabstöd's list) whose row has no certificate count is 'unknown' rather than 1.
 */
export function certificatesSql(src: DurationSource): string {
  return countsByGenderSql(durationCountsRel(src), 'cert_class', CERT_CLASSES);
}

export interface NetDaysRow {
  quarter: string;
  grp: GenderColumn;
  net_days: number;
  episodes: number;
  [k: string]: string | number | null;
}

/**
 * Net days (Σ days × degree / 100 over the episode's certificate periods, planned days included) by the
 * quarter the episode started, per gender column.
 */
export function netDaysByQuarterSql(src: DurationSource): string {
  // Summed by quarter × gender from the counted rows, then the gender columns from those few rows.
  return `WITH g AS (SELECT * FROM (VALUES ('total', 0), ('K', 1), ('M', 2)) g(grp, gord)),
a AS (
  SELECT ${nameOfCode('start_quarter', 'quarter_code')} AS start_quarter, gender, net_days, n
  FROM (SELECT quarter_code, gender, sum(net_days) AS net_days, sum(n) AS n FROM ${durationCountsRel(src)} GROUP BY ALL)
),
q AS (SELECT DISTINCT start_quarter FROM a)
SELECT q.start_quarter AS quarter, g.grp, CAST(coalesce(sum(a.net_days), 0) AS DOUBLE) AS net_days,
  CAST(coalesce(sum(a.n), 0) AS BIGINT) AS episodes
FROM q CROSS JOIN g
LEFT JOIN a ON a.start_quarter = q.start_quarter AND (g.grp = 'total' OR a.gender = g.grp)
GROUP BY q.start_quarter, g.grp, g.gord ORDER BY q.start_quarter, g.gord`;
}

/** The SQL group expression of a KM split (undefined = one curve). */
export function kmGroupExpr(split: KmSplit): GroupKey | undefined {
  return split === 'none' ? undefined : byCode(split);
}

/** The Kaplan–Meier curve (KmCurveRow) up to `maxDay` (inclusive), optionally split. */
export function kmCurveUpToSql(rel: string | KmSteps, split: KmSplit, maxDay = KM_MAX_DAY): string {
  return `SELECT * FROM (${kmCurveSql(rel, { group: kmGroupExpr(split) })}) WHERE t <= ${intLit(maxDay)} ORDER BY grp NULLS LAST, t`;
}

/** Median with CI per curve (KmMedianRow). */
export function kmMediansSql(rel: string | KmSteps, split: KmSplit): string {
  return kmMedianSql(rel, { group: kmGroupExpr(split) });
}

/**
 * The view's Kaplan–Meier figures (curve, medians, S at the table's days) read one set of steps per redraw, shared
 * among them by `kmStepsWith(DURATION_KM, rel, { group: kmGroupExpr(split) })` (tests/unit/durations.test.ts: the
 * same rows as from the selection).
 */
export const DURATION_KM: KmSteps = { steps: 'sf_km_steps' };

/**
 * The longest km_days in the selection (for the chart's x axis); from shared steps, their last t (the same: every
 * episode with km_days has km_event, episodes.ts).
 */
export function maxKmDaysSql(rel: string | KmSteps): string {
  return typeof rel === 'string'
    ? `SELECT CAST(coalesce(max(km_days), 0) AS INTEGER) AS max_days FROM ${rel}`
    : `SELECT CAST(coalesce(max(t), 0) AS INTEGER) AS max_days FROM ${rel.steps}`;
}

export interface ThresholdRow {
  quarter: string;
  threshold: number;
  /** Episodes that started in the quarter. */
  n: number;
  /**
   * 'observed': every episode of the quarter could have reached the threshold by as_of (quarter end + N ≤
   * as_of): share = passed / n with passed = #{length_days > N}.
   * 'km': recent quarter; share = S(N), the quarter's Kaplan–Meier estimate of the share still on sick leave
   *   after day N (i.e. length > N; ongoing episodes censored at as_of), lower/upper its 95 % log–log band.
   *   (S(N) = P(length > N) is the share passing day N; 1 − S(N) would be the share ended by day N.)
   * 'none': too early, no episode of the quarter followed up to day N yet (share NULL).
   */
  method: 'observed' | 'km' | 'none';
  passed: number | null;
  share: number | null;
  lower: number | null;
  upper: number | null;
  [k: string]: string | number | null;
}

/** The last day of the quarter of a date (every start date of a quarter gives the same). */
const QUARTER_END = (d: string) => `CAST(date_trunc('quarter', ${d}) + INTERVAL 3 MONTH AS DATE) - 1`;

/**
 * The code (year · 10 + quarter, as `quarter_code`) of the first start quarter whose last day + `days` is after
 * `asOf`: that quarter and the later ones have not all been followed up to day `days`.
 */
export function firstOpenQuarter(asOf: string, days: number): number {
  const cutoff = new Date(`${asOf}T00:00:00Z`);
  cutoff.setUTCDate(cutoff.getUTCDate() - days);
  let year = cutoff.getUTCFullYear();
  let q = Math.floor(cutoff.getUTCMonth() / 3) + 1;
  // The quarter's last day + days > asOf ⟺ its last day > asOf − days (= cutoff).
  const last = new Date(Date.UTC(year, q * 3, 0));
  if (last.getTime() <= cutoff.getTime()) [year, q] = q === 4 ? [year + 1, 1] : [year, q + 1];
  return year * 10 + q;
}

/**
 * Share of episodes passing day 90 / 180 / 365 per start quarter (`ThresholdRow`), ordered by quarter and
 * threshold. A quarter is complete for N when its last day + N ≤ as_of; otherwise the Kaplan–Meier estimate
 * (ongoing episodes censored at as_of) is given, or nothing when no episode has been followed to day N and
 * the curve has not yet reached 0.
 */
export function thresholdByQuarterSql(rel: string, asOf: string, thresholds: readonly number[] = THRESHOLDS): string {
  // One pass per quarter: the episodes passing each threshold are counted as a list, in the thresholds' order.
  const ths = thresholds.map((t, i) => `(${intLit(t)}, ${i + 1})`).join(', ');
  const passed = thresholds.map((t) => `count(*) FILTER (WHERE length_days > ${intLit(t)})`).join(', ');
  const quarter = byCode('start_quarter');
  // The Kaplan–Meier estimates are read only for quarters not yet followed up to the highest threshold, and only
  // up to it: the episodes of earlier quarters are left out, and every time beyond it is counted as its day + 1
  // (still at risk on every day up to the threshold, so S up to it and its band are unchanged).
  // (A CASE rather than least(), which would turn a missing km_days into a day.)
  const top = Math.max(0, ...thresholds);
  const open = `(SELECT quarter_code, CASE WHEN km_days > ${intLit(top)} THEN ${intLit(top + 1)} ELSE km_days END AS km_days, km_event
    FROM ${rel}
    WHERE quarter_code >= ${intLit(firstOpenQuarter(asOf, top))})`;
  return `WITH th AS (SELECT * FROM (VALUES ${ths}) th(threshold, i)),
q AS (
  SELECT ${quarter.name('quarter_code')} AS quarter, ${QUARTER_END('min(start_date)')} AS quarter_end, count(*) AS n,
    max(km_days) AS max_km, [${passed}] AS passed
  FROM ${rel} GROUP BY quarter_code
),
obs AS (
  SELECT q.quarter, th.threshold, q.passed[th.i] AS passed FROM q CROSS JOIN th
),
km AS (${kmAtSql(open, { group: quarter, days: [...thresholds] })})
SELECT q.quarter, th.threshold, CAST(q.n AS BIGINT) AS n,
  CASE WHEN q.quarter_end + th.threshold <= ${dateLit(asOf)} THEN 'observed'
       WHEN q.max_km >= th.threshold OR km.surv <= 0 THEN 'km' ELSE 'none' END AS method,
  CASE WHEN q.quarter_end + th.threshold <= ${dateLit(asOf)} THEN CAST(obs.passed AS BIGINT) END AS passed,
  CASE WHEN q.quarter_end + th.threshold <= ${dateLit(asOf)} THEN CAST(obs.passed AS DOUBLE) / q.n
       WHEN q.max_km >= th.threshold OR km.surv <= 0 THEN km.surv END AS share,
  CASE WHEN q.quarter_end + th.threshold > ${dateLit(asOf)} AND (q.max_km >= th.threshold OR km.surv <= 0) THEN km.lower END AS lower,
  CASE WHEN q.quarter_end + th.threshold > ${dateLit(asOf)} AND (q.max_km >= th.threshold OR km.surv <= 0) THEN km.upper END AS upper
FROM q CROSS JOIN th
LEFT JOIN obs ON obs.quarter = q.quarter AND obs.threshold = th.threshold
LEFT JOIN km ON km.grp = q.quarter AND km.day = th.threshold
ORDER BY q.quarter, th.threshold`;
}

export interface WatchRow {
  episode_id: number;
  patient: string;
  start_date: string;
  end_date: string;
  /** Days on sick leave so far (km_days: covered days up to and including as_of). */
  days_so_far: number;
  /** The next threshold (90, 180 or 365) not yet passed, or NULL after day 365. */
  next_threshold: number | null;
  /** next_threshold − days_so_far: 0 = the threshold is reached today. */
  days_left: number | null;
  /** as_of + days_left: the date the threshold is reached if the sick leave goes on without a break. */
  reached_on: string | null;
  diagnosis: string | null;
  degree: number | null;
  physician: string | null;
  unit: string | null;
  [k: string]: string | number | boolean | null;
}

/**
 * The rehab coordinator's list: episodes ongoing at as_of (and started on or before it), with the next
 * threshold and the days left. Rule: day d (= days so far) has reached threshold N when d ≥ N; the next
 * threshold is the smallest N with N ≥ d, so day 89 → 90 (1 day left), day 90 → 90 (0 days left, reached
 * today), day 91 → 180 (89 left); after day 365 there is none. Sorted by days left (none last), then the
 * longest first. `within`: only episodes with days_left ≤ within.
 */
export function watchListSql(rel: string, o: { asOf: string; within?: number | null }): string {
  const within = o.within === null || o.within === undefined ? '' : `WHERE days_left <= ${intLit(o.within)}`;
  const [a, b, c] = THRESHOLDS;
  return `SELECT * FROM (
  SELECT episode_id, patient, strftime(start_date, '%Y-%m-%d') AS start_date, strftime(end_date, '%Y-%m-%d') AS end_date,
    km_days AS days_so_far, next_threshold, next_threshold - km_days AS days_left,
    strftime(${dateLit(o.asOf)} + CAST(next_threshold - km_days AS INTEGER), '%Y-%m-%d') AS reached_on,
    diagnosis, degree, physician, unit
  FROM (
    SELECT *, CASE WHEN km_days <= ${a} THEN ${a} WHEN km_days <= ${b} THEN ${b} WHEN km_days <= ${c} THEN ${c} END AS next_threshold
    FROM ${rel} WHERE ongoing AND start_date <= ${dateLit(o.asOf)}
  )
) ${within}
ORDER BY days_left NULLS LAST, days_so_far DESC, start_date, episode_id`;
}
