/**
 * Statistics for sick-leave episodes, written once as SQL (DuckDB 1.4.3: DuckDB-WASM in the browser, native
 * DuckDB in Node), with a little pure TypeScript where SQL is awkward (overdispersion, chi-square quantile).
 *
 * Every builder takes `rel`, a SQL relation (a table name or a parenthesised subquery) with the `episodes`
 * columns (docs/data-model.md), and returns SQL text whose result has only INTEGER/BIGINT, DOUBLE, VARCHAR and
 * BOOLEAN columns, so `toRows` (src/lib/engine/rows.ts) gives plain objects. Where results are split by a group,
 * `group` is a SQL expression (e.g. `gender`, `diagnosis_group`, `physician`), output as the VARCHAR column `grp`
 * ('all' when no group is given). A NULL group value is kept as its own group with `grp` NULL (ordered last);
 * filter it away in `rel` if it is not wanted.
 *
 * Methods (see ../shared/domain.md, "Methods the best analysts use"):
 * - Kaplan–Meier with Greenwood variance and a 95 % pointwise band on the log–log scale (R survival's
 *   conf.type = "log-log"); median and its Brookmeyer–Crowley-style CI read off the curve and band.
 * - Mantel–Haenszel odds ratio (women vs men) with the Robins–Breslow–Greenland CI.
 * - Indirect standardisation (O/E), Byar's approximation to the exact Poisson CI, funnel limits 1 ± z/√E,
 *   and Spiegelhalter's (2005) overdispersion test with a random-effects widening of the limits.
 *
 * z = 1.96 is used for every 95 % interval (as written in the specification; R's qnorm(0.975) = 1.959964 differs
 * by 2·10⁻⁵ relative), z = 3.09 for the 99.8 % funnel limits.
 */
import type { GroupKey } from './dims';
import type { CellOutcome } from './cells';
import { intLit } from '../sql';

/** z for 95 % two-sided intervals and the "warning" funnel limit. */
export const Z95 = 1.96;
/** z for the 99.8 % "alarm" funnel limit. */
export const Z998 = 3.09;
/**
 * Tolerance when comparing an estimated survival (a product of doubles) with 0.5, so that a curve that is
 * exactly 0.5 in exact arithmetic (e.g. 0.9 · 5/9 = 0.5) is not missed because of rounding.
 */
const EPS = 1e-12;

/** Minimum number of episodes for an O/E flag (domain.md: "no flag under 10 episodes"). */
export const MIN_EPISODES_FOR_FLAG = 10;

/**
 * A grouping (an expression, or a `GroupKey` such as dims.ts `byCode`) as a GroupKey. No grouping is one group
 * 'all', grouped on the constant 0 (a constant string as key costs DuckDB a string per row).
 */
function keyOf(group?: string | GroupKey): GroupKey {
  if (typeof group === 'object') return group;
  if (group === undefined || group.trim() === '') return { key: '0', name: () => `'all'` };
  return { key: `CAST((${group}) AS VARCHAR)`, name: (k) => k };
}

// ---------------------------------------------------------------------------------------------------------------
// Kaplan–Meier
// ---------------------------------------------------------------------------------------------------------------

/** One step of a Kaplan–Meier curve (`kmCurveSql`). */
export type KmCurveRow = {
  grp: string | null;
  /** Days (km_days). The first row of each group is t = 0 with surv = 1 and no events. */
  t: number;
  /** Episodes at risk at t (km_days ≥ t). */
  n_risk: number;
  n_event: number;
  n_censored: number;
  /** S(t): the estimated share still on sick leave after day t. */
  surv: number;
  /** Greenwood standard error of S(t): S·sqrt(Σ d/(n(n−d))); 0 when S = 1 or S = 0. */
  std_err: number;
  /** 95 % pointwise band, log–log scale. */
  lower: number;
  upper: number;
};

/** Median survival per group (`kmMedianSql`). Whole days; NULL when the curve (or band) never reaches 0.5. */
export type KmMedianRow = {
  grp: string | null;
  /** Episodes in the group. */
  n: number;
  /** Ended episodes (km_event). */
  events: number;
  median: number | null;
  ci_low: number | null;
  ci_high: number | null;
};

/** S at given days (`kmAtSql`). 1 − surv is the KM estimate of the share whose sick leave passes `day`. */
export type KmAtRow = {
  grp: string | null;
  day: number;
  surv: number;
  lower: number;
  upper: number;
};

/**
 * WITH-clause with the CTE `km_steps` (grp, t, n_risk, n_event, n_censored, surv, std_err, lower, upper):
 * one row per group and distinct km_days with an event or a censoring (no t = 0 start row). Rows with NULL
 * km_days or km_event are ignored.
 *
 * Ties: events at t are taken before censorings at t (those censored at t are still at risk at t), so
 * n_risk(t) = #{km_days ≥ t} and S(t) = Π_{u ≤ t} (1 − d_u/n_u).
 *
 * Greenwood: Var(S) = S² Σ_{u ≤ t} d/(n(n−d)); the terms with d = n (where S becomes 0) are left out, so
 * std_err = 0 once S = 0.
 *
 * Band, log–log transform (R survival conf.type = "log-log"): with se = sqrt(Σ d/(n(n−d))) / |log S|,
 * lower = S^exp(+1.96·se), upper = S^exp(−1.96·se). When S = 1 or S = 0 the band is [S, S].
 */
function kmStepsCte(rel: string | KmCounts, group?: string | GroupKey, band = true): string {
  // Grouped and windowed by the key (for a GroupKey by code, dims.ts); km_steps turns it into the name.
  // Without `band` only S is computed (grp, t, n_risk, n_event, n_censored, surv): the Greenwood sums are a window
  // pass and the band's powers a cost per step that a median alone does not need.
  const g = keyOf(group);
  const gw = `,
    CAST(coalesce(sum(CASE WHEN n_risk > n_event THEN n_event::DOUBLE / (n_risk::DOUBLE * (n_risk - n_event)::DOUBLE) END)
      OVER (PARTITION BY gk ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0.0) AS DOUBLE) AS gw`;
  const bandCols = `,
    CASE WHEN surv <= 0 OR surv >= 1 THEN 0.0::DOUBLE ELSE surv * sqrt(gw) END AS std_err,
    CASE WHEN surv <= 0 OR surv >= 1 THEN surv
      ELSE pow(surv, exp(${Z95} * sqrt(gw) / abs(ln(surv)))) END AS lower,
    CASE WHEN surv <= 0 OR surv >= 1 THEN surv
      ELSE pow(surv, exp(-${Z95} * sqrt(gw) / abs(ln(surv)))) END AS upper`;
  const counts = typeof rel === 'string' ? `km_base AS (
  SELECT ${g.key} AS gk, CAST(km_days AS INTEGER) AS t, CAST(km_event AS BOOLEAN) AS ev
  FROM ${rel}
  WHERE km_days IS NOT NULL AND km_event IS NOT NULL
), km_counts AS (
  SELECT gk, t, CAST(count(*) FILTER (WHERE ev) AS BIGINT) AS n_event,
    CAST(count(*) FILTER (WHERE NOT ev) AS BIGINT) AS n_censored
  FROM km_base GROUP BY gk, t
)` : `km_counts AS (SELECT gk, t, n_event, n_censored FROM ${rel.counts})`;
  return `WITH ${counts}, km_risk AS (
  SELECT gk, t, n_event, n_censored,
    CAST(sum(n_event + n_censored) OVER (PARTITION BY gk ORDER BY t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS n_risk
  FROM km_counts
), km_cum AS (
  SELECT gk, t, n_risk, n_event, n_censored,
    CAST(product(1.0::DOUBLE - n_event::DOUBLE / n_risk::DOUBLE)
      OVER (PARTITION BY gk ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE) AS surv${band ? gw : ''}
  FROM km_risk
), km_steps AS (
  SELECT ${g.name('gk')} AS grp, t, n_risk, n_event, n_censored, surv${band ? bandCols : ''}
  FROM km_cum
)`;
}

/**
 * Kaplan–Meier steps computed once and shared (`kmStepsWith`), for a view that draws several figures from one curve
 * per redraw: pass it in place of `rel` to kmCurveSql, kmMedianSql and kmAtSql (the group is then the one the steps
 * were computed with). The figures are those computed from the relation itself.
 */
export type KmSteps = { steps: string };

/**
 * Events and censorings counted already, per group key and time: a relation with columns gk (the `group` key's
 * value), t (INTEGER), n_event and n_censored (BIGINT; one row per gk and t). In place of a relation of episodes,
 * kmMedianSql then starts from these counts (several groups can be summed from one count of the episodes).
 */
export type KmCounts = { counts: string };

function stepsWith(rel: string | KmSteps | KmCounts, group?: string | GroupKey): string {
  if (typeof rel === 'object' && 'steps' in rel) return `WITH km_steps AS (SELECT * FROM ${rel.steps})`;
  return kmStepsCte(rel, group);
}

/**
 * The Kaplan–Meier steps (`km_steps`: grp, t, n_risk, …) of `rel` by `group` as the shared relation `steps` of
 * `partsSql` (engine/parts.ts): computed once per statement, read by the parts through `steps`.
 */
export function kmStepsWith(steps: KmSteps, rel: string, opts: { group?: string | GroupKey } = {}): Record<string, string> {
  return { [steps.steps]: `${kmStepsCte(rel, opts.group)} SELECT * FROM km_steps` };
}

/**
 * Kaplan–Meier curve (time = km_days, event = km_event), rows `KmCurveRow` ordered by grp, t: per group a
 * start row t = 0, surv = 1 (n_risk = all episodes of the group), then one row per distinct time with an event
 * or a censoring. Ties: events before censorings at the same t. Greenwood variance; 95 % pointwise CI on the
 * log–log scale: S^exp(±1.96·se(log(−log S))), se = sqrt(Σ d/(n(n−d))) / |log S|; band [S, S] when S is 1 or 0.
 * (If the data has km_days = 0 the start row comes first among the t = 0 rows.)
 */
export function kmCurveSql(rel: string | KmSteps | KmCounts, opts: { group?: string | GroupKey } = {}): string {
  return `${stepsWith(rel, opts.group)}
SELECT grp, t, n_risk, n_event, n_censored, surv, std_err, lower, upper FROM (
  SELECT grp, 0 AS t, CAST(sum(n_event + n_censored) AS BIGINT) AS n_risk, CAST(0 AS BIGINT) AS n_event,
    CAST(0 AS BIGINT) AS n_censored, 1.0::DOUBLE AS surv, 0.0::DOUBLE AS std_err, 1.0::DOUBLE AS lower,
    1.0::DOUBLE AS upper, 0 AS k
  FROM km_steps GROUP BY grp
  UNION ALL
  SELECT grp, t, n_risk, n_event, n_censored, surv, std_err, lower, upper, 1 AS k FROM km_steps
) ORDER BY grp NULLS LAST, t, k`;
}

/**
 * Median sick-leave length per group from the Kaplan–Meier curve (`KmMedianRow`): median = first t with
 * S(t) ≤ 0.5; 95 % CI (Brookmeyer–Crowley style, read off the log–log band, as R's survfit print):
 * ci_low = first t with lower(t) ≤ 0.5, ci_high = first t with upper(t) ≤ 0.5; NULL when never reached.
 * (The lower band falls below 0.5 first, so this gives ci_low ≤ median ≤ ci_high.) Whole days.
 */
export function kmMedianSql(rel: string | KmSteps | KmCounts, opts: { group?: string | GroupKey } = {}): string {
  return `${stepsWith(rel, opts.group)}
SELECT ${medianCols(true)}
FROM km_steps GROUP BY grp ORDER BY grp NULLS LAST`;
}

/** The median per group without its interval (`kmMedianOnlySql`). */
export type KmMedianOnlyRow = Omit<KmMedianRow, 'ci_low' | 'ci_high'>;

/**
 * The median of kmMedianSql without its confidence interval (`KmMedianOnlyRow`), for tables that show none: the
 * same median, n and events, at about two thirds of the cost (no Greenwood window pass, no band).
 */
export function kmMedianOnlySql(rel: string | KmCounts, opts: { group?: string | GroupKey } = {}): string {
  return `${kmStepsCte(rel, opts.group, false)}
SELECT ${medianCols(false)}
FROM km_steps GROUP BY grp ORDER BY grp NULLS LAST`;
}

function medianCols(ci: boolean): string {
  const first = (col: string) => `CAST(min(t) FILTER (WHERE ${col} <= 0.5 + ${EPS}) AS INTEGER)`;
  return `grp,
  CAST(sum(n_event + n_censored) AS BIGINT) AS n,
  CAST(sum(n_event) AS BIGINT) AS events,
  ${first('surv')} AS median${ci ? `,
  ${first('lower')} AS ci_low,
  ${first('upper')} AS ci_high` : ''}`;
}

/**
 * Kaplan–Meier S at the given days (`KmAtRow`), ordered by grp, day: the step function's value at the
 * largest event/censoring time t ≤ day (1 before the first). E.g. days [90, 180, 365]: surv is the
 * KM estimate of the share of episodes lasting longer than the threshold, i.e. passing it (ongoing ones
 * counted correctly); 1 − surv is the share that has ended by then.
 */
export function kmAtSql(rel: string | KmSteps, opts: { group?: string | GroupKey; days: number[] }): string {
  const days = opts.days.length ? opts.days.map((d) => intLit(d)).join(', ') : '';
  if (!days) return `SELECT NULL::VARCHAR AS grp, 0 AS day, 1.0::DOUBLE AS surv, 1.0::DOUBLE AS lower, 1.0::DOUBLE AS upper WHERE false`;
  return `${stepsWith(rel, opts.group)}, km_groups AS (
  SELECT DISTINCT grp FROM km_steps
), km_days AS (
  SELECT CAST(unnest([${days}]) AS INTEGER) AS day
)
SELECT g.grp, d.day,
  CAST(coalesce(arg_max(s.surv, s.t), 1.0) AS DOUBLE) AS surv,
  CAST(coalesce(arg_max(s.lower, s.t), 1.0) AS DOUBLE) AS lower,
  CAST(coalesce(arg_max(s.upper, s.t), 1.0) AS DOUBLE) AS upper
FROM km_groups g CROSS JOIN (SELECT DISTINCT day FROM km_days) d
LEFT JOIN km_steps s ON s.grp IS NOT DISTINCT FROM g.grp AND s.t <= d.day
GROUP BY g.grp, d.day
ORDER BY g.grp NULLS LAST, d.day`;
}

// ---------------------------------------------------------------------------------------------------------------
// Mantel–Haenszel odds ratio, women vs men
// ---------------------------------------------------------------------------------------------------------------

/** Mantel–Haenszel odds ratio (women vs men) per group (`mhSql`). */
export type MhRow = {
  grp: string | null;
  /** OR_MH; NULL when Σ ad/n or Σ bc/n is 0. */
  estimate: number | null;
  /** 95 % CI, Robins–Breslow–Greenland variance of log OR_MH. */
  ci_low: number | null;
  ci_high: number | null;
  /** Women and men in the strata used. */
  women: number;
  men: number;
  /** Strata with both women and men. */
  strata_used: number;
};

/**
 * Mantel–Haenszel odds ratio of a boolean outcome, women (gender = 'K', exposed) vs men (gender = 'M',
 * reference), across strata; rows with another or NULL gender, or a NULL outcome, are ignored.
 * Per stratum: a = women with the outcome, b = women without, c = men with, d = men without, n = a+b+c+d.
 * Strata with only one gender (hence also those with n ≤ 1) contribute nothing and are not counted in
 * strata_used / women / men (all their MH and RGB terms are 0 anyway). A stratum with an empty cell still
 * contributes its non-zero terms.
 *   R_i = a d/n, S_i = b c/n, P_i = (a+d)/n, Q_i = (b+c)/n, R = ΣR_i, S = ΣS_i, OR_MH = R/S;
 *   Var(log OR_MH) = Σ P_iR_i/(2R²) + Σ (P_iS_i + Q_iR_i)/(2RS) + Σ Q_iS_i/(2S²)   (Robins–Breslow–Greenland);
 *   95 % CI = exp(log OR_MH ± 1.96·sqrt(Var)). Estimate and CI are NULL when R = 0 or S = 0.
 * `strata` is a SQL expression (or a comma-separated list of expressions; a NULL value is its own level),
 * e.g. `diagnosis_group, age_band` or "diagnosis_group || '|' || age_band".
 * With `counted`, `rel` holds the 2×2 counts already (`mhCountsSql`): columns a, b, c, d (women with / without the
 * outcome, men with / without) per finer cell, summed here by group and stratum; the figures are the same.
 * `group` is an expression or a `GroupKey` (for `episodes`, dims.ts `byCode`); `sexes` tells women and men apart
 * (default gender = 'K' / 'M'; dims.ts `SEXES_BY_CODE` for `episodes`).
 */
export function mhSql(
  rel: string,
  opts: { outcome: string; strata: string; group?: string | GroupKey; sexes?: Sexes } | { counted: true; strata: string; group?: string | GroupKey }
): string {
  const g = keyOf(opts.group);
  const sexes = 'counted' in opts ? SEXES : opts.sexes ?? SEXES;
  const cells = 'counted' in opts
    ? `SELECT ${g.key} AS gk, sum(a)::DOUBLE AS a, sum(b)::DOUBLE AS b, sum(c)::DOUBLE AS c, sum(d)::DOUBLE AS d
  FROM ${rel}
  GROUP BY 1, ${opts.strata}`
    : `SELECT ${g.key} AS gk, ${mhCounts(opts.outcome, sexes, '::DOUBLE')}
  FROM ${rel}
  WHERE (${sexes.women} OR ${sexes.men}) AND (${opts.outcome}) IS NOT NULL
  GROUP BY 1, ${opts.strata}`;
  return `WITH mh_cells AS (
  ${cells}
), mh_terms AS (
  SELECT gk, a, b, c, d, a + b + c + d AS n, (a + b > 0 AND c + d > 0) AS used
  FROM mh_cells
), mh_sums AS (
  SELECT gk,
    coalesce(sum(a * d / n) FILTER (WHERE used), 0) AS r,
    coalesce(sum(b * c / n) FILTER (WHERE used), 0) AS s,
    coalesce(sum(((a + d) / n) * (a * d / n)) FILTER (WHERE used), 0) AS pr,
    coalesce(sum(((a + d) / n) * (b * c / n) + ((b + c) / n) * (a * d / n)) FILTER (WHERE used), 0) AS ps_qr,
    coalesce(sum(((b + c) / n) * (b * c / n)) FILTER (WHERE used), 0) AS qs,
    CAST(coalesce(sum(a + b) FILTER (WHERE used), 0) AS BIGINT) AS women,
    CAST(coalesce(sum(c + d) FILTER (WHERE used), 0) AS BIGINT) AS men,
    CAST(count(*) FILTER (WHERE used) AS BIGINT) AS strata_used
  FROM mh_terms GROUP BY gk
), mh_est AS (
  SELECT *,
    CASE WHEN r > 0 AND s > 0 THEN r / s END AS est,
    CASE WHEN r > 0 AND s > 0 THEN sqrt(pr / (2 * r * r) + ps_qr / (2 * r * s) + qs / (2 * s * s)) END AS se
  FROM mh_sums
)
SELECT ${g.name('gk')} AS grp, CAST(est AS DOUBLE) AS estimate,
  CAST(exp(ln(est) - ${Z95} * se) AS DOUBLE) AS ci_low,
  CAST(exp(ln(est) + ${Z95} * se) AS DOUBLE) AS ci_high,
  women, men, strata_used
FROM mh_est ORDER BY grp NULLS LAST`;
}

/** SQL booleans that tell women and men apart (for `episodes`, dims.ts `SEXES_BY_CODE` tests the codes). */
export type Sexes = { women: string; men: string };
export const SEXES: Sexes = { women: `gender = 'K'`, men: `gender = 'M'` };

/** The 2×2 table's counts a, b, c, d (women with / without the outcome, men with / without), as select items. */
function mhCounts(outcome: string, sexes: Sexes = SEXES, cast = ''): string {
  return `count(*) FILTER (WHERE ${sexes.women} AND (${outcome}))${cast} AS a,
    count(*) FILTER (WHERE ${sexes.women} AND NOT (${outcome}))${cast} AS b,
    count(*) FILTER (WHERE ${sexes.men} AND (${outcome}))${cast} AS c,
    count(*) FILTER (WHERE ${sexes.men} AND NOT (${outcome}))${cast} AS d`;
}

/**
 * The 2×2 counts of `mhSql` per value of `keys` (a comma-separated list of columns of `rel`), as a parenthesised
 * relation for `mhSql(…, { counted: true })`: several Mantel–Haenszel tables over the same selection then scan it
 * once (the strata and groups of each must be among `keys`).
 */
export function mhCountsSql(rel: string, opts: { outcome: string; keys: string; sexes?: Sexes }): string;
/**
 * The same counts from `episode_cells` (analysis/cells.ts): `rel` is a selection of the cells, whose keys include
 * `keys` and gender, and `cells` names their counts of the outcome (`{ n, k }`). The rows equal those counted from
 * the episodes the cells count: a key without an episode of a known outcome has no row.
 */
export function mhCountsSql(rel: string, opts: { cells: CellOutcome; keys: string; sexes: Sexes }): string;
export function mhCountsSql(rel: string, opts: { outcome: string; keys: string; sexes?: Sexes } | { cells: CellOutcome; keys: string; sexes: Sexes }): string {
  if ('cells' in opts) {
    const { n, k } = opts.cells;
    const sum = (sex: string, col: string) => `CAST(coalesce(sum(${col}) FILTER (WHERE ${sex}), 0) AS BIGINT)`;
    return `(SELECT ${opts.keys}, ${sum(opts.sexes.women, k)} AS a, ${sum(opts.sexes.women, `${n} - ${k}`)} AS b,
    ${sum(opts.sexes.men, k)} AS c, ${sum(opts.sexes.men, `${n} - ${k}`)} AS d
  FROM ${rel}
  WHERE ${opts.sexes.women} OR ${opts.sexes.men}
  GROUP BY ${opts.keys} HAVING sum(${n}) > 0)`;
  }
  const sexes = opts.sexes ?? SEXES;
  return `(SELECT ${opts.keys}, ${mhCounts(opts.outcome, sexes)}
  FROM ${rel}
  WHERE (${sexes.women} OR ${sexes.men}) AND (${opts.outcome}) IS NOT NULL
  GROUP BY ${opts.keys})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Indirect standardisation (observed / expected) and funnel limits
// ---------------------------------------------------------------------------------------------------------------

/** Observed/expected per group (`oeSql`). */
export type OeRow = {
  id: string;
  episodes: number;
  observed: number;
  expected: number;
  /** O/E; NULL when E = 0. */
  ratio: number | null;
  /** 95 % CI of O/E: Byar's approximation to the exact Poisson interval of O, divided by E. */
  ci_low: number | null;
  ci_high: number | null;
  /** Funnel limits 1 ± 1.96/√E (lower floored at 0); NULL when E = 0. */
  limit95_low: number | null;
  limit95_high: number | null;
  /** Funnel limits 1 ± 3.09/√E (lower floored at 0); NULL when E = 0. */
  limit998_low: number | null;
  limit998_high: number | null;
  /** 'high' above, 'low' below the 99.8 % limits; NULL within, under 10 episodes, or when E = 0. */
  flag: 'high' | 'low' | null;
};

/** Default strata for indirect standardisation: diagnosis group × gender × coarse age band (NULL = own level). */
export const DEFAULT_OE_STRATA = 'diagnosis_group, gender, age_band';

/**
 * Indirect standardisation of a boolean outcome per group (e.g. physician, unit), rows `OeRow` for every
 * non-NULL group value, ordered by id (never by ratio: no league tables). Rows whose outcome is NULL are left
 * out entirely.
 * - Stratum rate = share with the outcome in the stratum over the whole `rel` (all groups, including NULL).
 * - E = Σ over the group's episodes of their stratum's rate; O = the group's episodes with the outcome.
 * - 95 % CI of O/E: Byar's approximation of the exact Poisson limits of O, divided by E:
 *   O_low = O·(1 − 1/(9O) − 1.96/(3√O))³ (0 when O = 0), O_high = (O+1)·(1 − 1/(9(O+1)) + 1.96/(3√(O+1)))³.
 * - Funnel limits 1 ± z/√E, z = 1.96 and 3.09, lower limit floored at 0.
 * - flag 'high' when O/E > 1 + 3.09/√E, 'low' when O/E < 1 − 3.09/√E, NULL when fewer than 10 episodes or E = 0.
 * `strata` is a SQL expression or a comma-separated list of expressions (a NULL value is its own level);
 * default `DEFAULT_OE_STRATA` (for `episodes`, dims.ts `EPISODE_OE_STRATA` is the same by code). `group` is an
 * expression or a `GroupKey` (dims.ts `byCode`).
 */
export function oeSql(
  rel: string,
  opts: { group: string | GroupKey; outcome: string; strata?: string } | { counted: true; group: string | GroupKey; strata: string }
): string {
  const strata = opts.strata ?? DEFAULT_OE_STRATA;
  const g = keyOf(opts.group);
  // Aggregate to (group × stratum) cells first, then join the strata's rates: the same sums as a window over
  // every episode, at a fraction of the cost on large selections. The stratum key is a struct, so NULL levels
  // (unknown gender or age) are levels of their own (IS NOT DISTINCT FROM).
  // With `counted`, `rel` holds those counts already, per finer cell: n (episodes whose outcome is known) and k
  // (with the outcome); cells with n = 0 are left out as the episodes behind them are.
  const cells = 'counted' in opts
    ? `SELECT ${g.key} AS gid, row(${strata}) AS skey, sum(n) AS n, sum(k) AS k
  FROM ${rel}
  GROUP BY ALL HAVING sum(n) > 0`
    : `SELECT ${g.key} AS gid, row(${strata}) AS skey,
    count(*) AS n, count(*) FILTER (WHERE (${opts.outcome})) AS k
  FROM ${rel}
  WHERE (${opts.outcome}) IS NOT NULL
  GROUP BY ALL`;
  return `WITH oe_cells AS (
  ${cells}
), oe_rates AS (
  SELECT skey, sum(k)::DOUBLE / sum(n) AS rate FROM oe_cells GROUP BY skey
), oe_groups AS (
  SELECT c.gid, CAST(sum(c.n) AS BIGINT) AS episodes, CAST(sum(c.k) AS BIGINT) AS observed,
    CAST(sum(c.n * r.rate) AS DOUBLE) AS expected
  FROM oe_cells c JOIN oe_rates r ON c.skey IS NOT DISTINCT FROM r.skey
  WHERE c.gid IS NOT NULL GROUP BY c.gid
), oe AS (
  SELECT ${g.name('gid')} AS id, episodes, observed, expected, observed::DOUBLE AS o,
    CASE WHEN expected > 0 THEN observed::DOUBLE / expected END AS ratio,
    CASE WHEN expected > 0 THEN 1.0::DOUBLE / sqrt(expected) END AS k
  FROM oe_groups
)
SELECT id, episodes, observed, expected, CAST(ratio AS DOUBLE) AS ratio,
  CAST(CASE WHEN expected > 0 THEN
    CASE WHEN o = 0 THEN 0.0 ELSE o * pow(1.0 - 1.0 / (9.0 * o) - ${Z95} / (3.0 * sqrt(o)), 3) / expected END
  END AS DOUBLE) AS ci_low,
  CAST(CASE WHEN expected > 0 THEN
    (o + 1.0) * pow(1.0 - 1.0 / (9.0 * (o + 1.0)) + ${Z95} / (3.0 * sqrt(o + 1.0)), 3) / expected
  END AS DOUBLE) AS ci_high,
  CAST(CASE WHEN k IS NOT NULL THEN greatest(0.0, 1.0 - ${Z95} * k) END AS DOUBLE) AS limit95_low,
  CAST(1.0 + ${Z95} * k AS DOUBLE) AS limit95_high,
  CAST(CASE WHEN k IS NOT NULL THEN greatest(0.0, 1.0 - ${Z998} * k) END AS DOUBLE) AS limit998_low,
  CAST(1.0 + ${Z998} * k AS DOUBLE) AS limit998_high,
  CASE WHEN episodes < ${MIN_EPISODES_FOR_FLAG} OR k IS NULL THEN NULL
    WHEN ratio > 1.0 + ${Z998} * k THEN 'high'
    WHEN ratio < 1.0 - ${Z998} * k THEN 'low' END AS flag
FROM oe ORDER BY id`;
}

// ---------------------------------------------------------------------------------------------------------------
// Overdispersion (Spiegelhalter 2005), pure TypeScript
// ---------------------------------------------------------------------------------------------------------------

export type Overdispersion = {
  /** I: groups with E > 0. */
  groups: number;
  /** φ = Σ z_w² / I with Winsorised z; NULL when I = 0. */
  phi: number | null;
  /** I·φ > χ²(0.95, I − 1) (false when I < 2). */
  overdispersed: boolean;
  /** Additive random-effects variance τ² ≥ 0 (0 when I < 2). */
  tau2: number;
  /** Widened funnel limits for expected count E: 1 ± z·√(1/E + τ²), lower floored at 0. */
  limits: (expected: number, z: number) => { low: number; high: number };
};

/** Quantile with linear interpolation between order statistics (R's default, type 7) of sorted values. */
function quantileSorted(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** log Γ(x), x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x) (series for x < a + 1, continued fraction otherwise). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lg);
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lg) * h;
}

/** The p-quantile of the chi-square distribution with df > 0 degrees of freedom (bisection on P(df/2, x/2)). */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(df > 0)) throw new Error(`chi-square df must be > 0: ${df}`);
  if (!(p > 0 && p < 1)) throw new Error(`probability must be in (0, 1): ${p}`);
  let lo = 0;
  let hi = Math.max(1, df);
  while (gammaP(df / 2, hi / 2) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gammaP(df / 2, mid / 2) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Spiegelhalter (2005) overdispersion for ratios O/E with target 1, over the groups with E > 0:
 * z_i = (O_i/E_i − 1)·√E_i; z Winsorised at its 10th and 90th percentiles (linear interpolation, R type 7);
 * φ = Σ z_w²/I; overdispersed when I·φ > χ²(0.95, I − 1) (exact chi-square quantile);
 * τ² = max(0, (Iφ − (I − 1)) / (Σw − Σw²/Σw)), w_i = E_i; widened limits 1 ± z·√(1/E + τ²).
 * The caller decides whether to use the widened limits (typically only when `overdispersed`).
 */
export function overdispersion(rows: readonly { observed: number; expected: number }[]): Overdispersion {
  const used = rows.filter((r) => Number.isFinite(r.expected) && r.expected > 0 && Number.isFinite(r.observed));
  const I = used.length;
  const zs = used.map((r) => (r.observed / r.expected - 1) * Math.sqrt(r.expected));
  let phi: number | null = null;
  let overdispersed = false;
  let tau2 = 0;
  if (I > 0) {
    const sorted = [...zs].sort((x, y) => x - y);
    const p10 = quantileSorted(sorted, 0.1);
    const p90 = quantileSorted(sorted, 0.9);
    const zw = zs.map((z) => Math.min(p90, Math.max(p10, z)));
    phi = zw.reduce((s, z) => s + z * z, 0) / I;
    if (I >= 2) {
      overdispersed = I * phi > chiSquareQuantile(0.95, I - 1);
      const sw = used.reduce((s, r) => s + r.expected, 0);
      const sw2 = used.reduce((s, r) => s + r.expected * r.expected, 0);
      const denom = sw - sw2 / sw;
      tau2 = denom > 0 ? Math.max(0, (I * phi - (I - 1)) / denom) : 0;
    }
  }
  const t2 = tau2;
  return {
    groups: I,
    phi,
    overdispersed,
    tau2,
    limits: (expected: number, z: number) => {
      const half = z * Math.sqrt(1 / expected + t2);
      return { low: Math.max(0, 1 - half), high: 1 + half };
    }
  };
}
