/**
 * Waiting as a cause of extended sick leave (issue 4; contract sections 1 and 3).
 *
 * Two kinds of evidence, each optional in the data:
 * 1. Extension reasons (certificate files, column "Orsak till förlängning"): an extension is every certificate of
 *    an episode after its first (`is_extension` of `selectedCertificatesSql`); the five `wait_*` codes are waiting.
 *    A reason on an episode's first certificate does not count. Extensions are placed in the quarter of the
 *    extension certificate's start date; its net days are days × degree / 100 of that certificate.
 *    These figures add up to the contract's `waiting.*` (summary.ts) for the same selection.
 * 2. Referral and care start (columns "Remissdatum", "Vårdstart", "Väntar på"; either file shape), or, in episode
 *    files (the rehab tool's export), "Väntetid (dagar)" directly.
 *
 * The rule for sick-leave days spent waiting (written in the view's help text too):
 *   a wait covers the calendar days from the referral date (inclusive) up to the day before care starts
 *   (the care-start day itself is not waiting); when care has not started on or before as_of, up to and including
 *   as_of. No day after as_of counts. Of those days, only the episode's covered days count: the union of its
 *   certificate periods (gap days between certificates are not counted, overlapping periods once), or, for an
 *   episode file, every day from its start to its end. So a referral before the episode starts counts from the
 *   episode's first day, and a care start after the episode ended counts up to its last day.
 *   Interval: [referral_date, min(care_start_date − 1, as_of)] ∩ covered days.
 * A wait is one referral date within an episode: certificate rows repeating the same referral date are one wait,
 * whose care start and cause are the last non-blank values on its certificates (by certificate order). Several
 * waits of the same episode that overlap are counted once in an episode's total (their days are unioned); per
 * cause, each cause's own waits are unioned. Rows with a care start but no referral date are not waits.
 * In an episode file, a row with a referral date is computed by the rule above (a `waiting_days` value on the same
 * row is then not used); a row with `waiting_days` but no referral date contributes those days as given.
 * Waiting now: an ongoing episode (at as_of) with a referral on or before as_of and care not started by as_of.
 */
import { dateLit, intLit, listLit } from '../sql';
import { kmCurveSql, kmMedianOnlySql, type KmCounts } from './stats';
import { nameOfCode, reasonOfCode, type GroupKey } from './dims';
import { quarterOf, quarterRange } from '../periods';
import { certSelectionSql, selectionSql, whereSql, type Filters } from './filters';


// ---------------------------------------------------------------------------------------------------------------
// What the data holds
// ---------------------------------------------------------------------------------------------------------------

export type WaitingAvailability = {
  /** Accepted certificate rows (any file of certificate shape). */
  certificates: number;
  /** Certificate rows with a non-blank extension reason (recognised or not). */
  reasons: number;
  /** Rows (either shape) with a referral date. */
  referrals: number;
  /** Episode-file rows with waiting days given. */
  waiting_days: number;
};

/** Over the whole loaded data (not the selection), so that a filter never turns a section on or off. */
export function waitingAvailabilitySql(): string {
  return `SELECT
    (SELECT count(*) FROM certificates) AS certificates,
    (SELECT count(extension_reason) FROM certificates) AS reasons,
    (SELECT count(referral_date) FROM certificates) + (SELECT count(referral_date) FROM episode_input) AS referrals,
    (SELECT count(waiting_days) FROM episode_input) AS waiting_days`;
}

// ---------------------------------------------------------------------------------------------------------------
// Extensions by reason: one scan, several groupings
// ---------------------------------------------------------------------------------------------------------------

/** Which grouping a `WaitingCubeRow` belongs to. */
export type CubeDim = 'quarter' | 'group' | 'unit' | 'physician' | 'reason' | 'total';

export type WaitingCubeRow = {
  dim: CubeDim;
  /** The quarter ('2026-Q3'), diagnosis group id, unit, physician id; NULL for dim 'reason'/'total' (or a NULL unit/physician). */
  key: string | null;
  /**
   * Extension reason code (contract §3), 'unknown', 'none' (blank), or 'first' (an episode's first certificate,
   * not an extension); NULL when the row is the total of its key over all reasons.
   */
  reason: string | null;
  /** Certificates (first certificates included). */
  certificates: number;
  extensions: number;
  waiting_extensions: number;
  /** Net days of all its certificates (first certificates included). */
  net_days: number;
  /** Net days of its waiting extensions. */
  waiting_net_days: number;
  /**
   * First certificates among them = the number of episodes when grouped by an episode attribute (diagnosis group,
   * unit, physician) or in total; for quarters and reasons: episodes whose first certificate falls there.
   */
  episodes: number;
  /** Certificates with a non-blank reason (for reason 'first': first certificates that carry a reason anyway). */
  with_reason: number;
};

/** A cell of the waiting cube: quarter, reason, group and unit codes with the counts the cube sums. */
const CELL_COUNTS = `count(*) AS certificates,
    count(*) FILTER (WHERE is_extension) AS extensions,
    count(*) FILTER (WHERE is_waiting) AS waiting_extensions,
    sum(net) AS net_days,
    coalesce(sum(net) FILTER (WHERE is_waiting), 0) AS waiting_net_days,
    count(*) FILTER (WHERE NOT is_extension) AS episodes,
    count(extension_reason) AS with_reason`;

/** The reason of a certificate as the cube counts it: 0 = an episode's first certificate, -1 = no reason given. */
const CELL_REASON = `CASE WHEN NOT is_extension THEN 0 ELSE coalesce(reason_code, -1) END`;

/**
 * The waiting cube's cells counted per build (written with cert_fact, episodes.ts): by quarter, reason and the
 * episode's diagnosis group, unit, gender and age band, all the filters but the period and the physician test.
 * Sums of the certificates' counts; net days are multiples of 0.25, so their sums are exact in any order.
 */
export const CERT_CUBE_SQL = `CREATE OR REPLACE TABLE cert_cube AS
SELECT yq, ${CELL_REASON} AS rc, group_code, unit_code, gender_code, age_code, ${CELL_COUNTS}
FROM cert_fact GROUP BY ALL;`;

/** Whether a selection's cube can be summed from cert_cube: no period and no physician chosen. */
export function usesCertCube(f: Filters): boolean {
  return !f.from && !f.to && f.physicians.length === 0;
}

/** The cube's cells (yq, rc, gc, uc and the counts) of a selection, counted from its certificates. */
function certCellsSql(f: Filters): string {
  return `SELECT yq, ${CELL_REASON} AS rc, group_code AS gc, unit_code AS uc, ${CELL_COUNTS}
  FROM ${certSelectionSql(f)} GROUP BY ALL`;
}

/** The same cells summed from cert_cube (`usesCertCube`; the same whereSql on the cube's code columns). */
function cubeCellsSql(f: Filters): string {
  return `SELECT yq, rc, group_code AS gc, unit_code AS uc, sum(certificates) AS certificates, sum(extensions) AS extensions,
    sum(waiting_extensions) AS waiting_extensions, sum(net_days) AS net_days, sum(waiting_net_days) AS waiting_net_days,
    sum(episodes) AS episodes, sum(with_reason) AS with_reason
  FROM cert_cube WHERE ${whereSql(f)} GROUP BY ALL`;
}

/**
 * Certificate-level figures of the selection in one pass (`WaitingCubeRow`), grouped by:
 * (quarter, reason), (quarter), (diagnosis group, reason), (unit, reason), (physician), (reason) and () — quarter =
 * the certificate's start quarter; diagnosis group, unit and physician are the episode's (its last certificate's,
 * as in the filters and the contract). Certificate-shape episodes only.
 * The certificates are first aggregated over quarter, reason, group and unit (a few thousand rows), then rolled up.
 * The physician totals (reason NULL; there is no physician × reason split) are sums of the per-episode counts the
 * build keeps (episodes.ts): grouping a million certificates by physician as well would cost more than the rest.
 * With `physicians`, those sums are read from the relation `waitPhysiciansWith` shares.
 */
export function waitingCubeSql(f: Filters, opts: { fromCube?: boolean; physicians?: typeof WAIT_PHYSICIANS } = {}): string {
  const rel = selectionSql(f);
  const perPhysician = opts.physicians?.shared ?? `(${waitPhysiciansSelect(rel)})`;
  const fromCube = opts.fromCube ?? usesCertCube(f);
  if (fromCube && !usesCertCube(f)) throw new Error('cert_cube has no period or physician');
  const sums = `
  CAST(coalesce(sum(certificates), 0) AS BIGINT) AS certificates,
  CAST(coalesce(sum(extensions), 0) AS BIGINT) AS extensions,
  CAST(coalesce(sum(waiting_extensions), 0) AS BIGINT) AS waiting_extensions,
  CAST(coalesce(sum(net_days), 0) AS DOUBLE) AS net_days,
  CAST(coalesce(sum(waiting_net_days), 0) AS DOUBLE) AS waiting_net_days,
  CAST(coalesce(sum(episodes), 0) AS BIGINT) AS episodes,
  CAST(coalesce(sum(with_reason), 0) AS BIGINT) AS with_reason`;
  // The cells by the reason (0 = first certificate, -1 = blank) and the episode's diagnosis group, unit and physician
  // code (dims.ts), rolled up on the codes and named on the rolled-up rows. Without a period or a physician, the
  // cells are summed from the cube the build writes with cert_fact (`cubeCellsSql`), else counted from the
  // selection's certificates.
  return `WITH a AS (${fromCube ? cubeCellsSql(f) : certCellsSql(f)}), r AS (
  SELECT
    CASE
      WHEN GROUPING(yq) = 0 THEN 'quarter'
      WHEN GROUPING(gc) = 0 THEN 'group'
      WHEN GROUPING(uc) = 0 THEN 'unit'
      WHEN GROUPING(rc) = 0 THEN 'reason'
      ELSE 'total' END AS dim,
    yq, gc, uc, rc, ${sums}
  FROM a
  GROUP BY GROUPING SETS ((yq, rc), (yq), (gc, rc), (uc, rc), (rc), ())
)
SELECT dim,
  CASE dim WHEN 'quarter' THEN ${nameOfCode('start_quarter', 'yq')} WHEN 'group' THEN ${nameOfCode('diagnosis_group', 'gc')}
    WHEN 'unit' THEN ${nameOfCode('unit', 'uc')} END AS key,
  CASE rc WHEN 0 THEN 'first' WHEN -1 THEN 'none' ELSE ${reasonOfCode('rc')} END AS reason,
  certificates, extensions, waiting_extensions, net_days, waiting_net_days, episodes, with_reason
FROM r
UNION ALL
SELECT 'physician' AS dim, ${nameOfCode('physician', 'pc')} AS key, NULL AS reason, ${sums}
FROM ${perPhysician} GROUP BY pc
ORDER BY dim, key NULLS LAST, reason NULLS FIRST`;
}

/**
 * The relation `waitPhysiciansWith` shares between the cube's physician rows and the episodes with a waiting
 * extension per physician: the selection's certificate-shape episodes summed by the physician's code, from the
 * per-episode counts the build keeps (episodes.ts). One pass over the selection for both.
 */
export const WAIT_PHYSICIANS = { shared: 'sf_wait_physicians' } as const;

/** The sums per physician of `WAIT_PHYSICIANS` over certificate-shape episodes, and the cells' sums of them. */
const PHYSICIAN_SUMS = {
  episodes: `sum(n_certificates) AS certificates, sum(extensions) AS extensions,
    sum(waiting_extensions) AS waiting_extensions, sum(net_days) AS net_days, sum(waiting_net_days) AS waiting_net_days,
    count(*) AS episodes, sum(reasons) AS with_reason, count(*) FILTER (WHERE ${hasWaitingSql('')}) AS waiting_episodes`,
  cells: `sum(certificates) AS certificates, sum(extensions) AS extensions,
    sum(waiting_extensions) AS waiting_extensions, sum(net_days) AS net_days, sum(waiting_net_days) AS waiting_net_days,
    sum(episodes) AS episodes, sum(with_reason) AS with_reason, sum(waiting_episodes) AS waiting_episodes`
};

function waitPhysiciansSelect(rel: string): string {
  return `SELECT physician_code AS pc, ${PHYSICIAN_SUMS.episodes} FROM ${rel} WHERE shape = 'certificates' GROUP BY pc`;
}

/**
 * `WAIT_PHYSICIANS` of a selection, as a shared relation of `partsSql`: summed from `wait_physician_cells`
 * (`WAIT_CELLS_SQL`) unless the selection has a period (`fromCells`: whether it is), else from its episodes.
 */
export function waitPhysiciansWith(f: Filters, opts: { fromCells?: boolean } = {}): Record<string, string> {
  const fromCells = opts.fromCells ?? !(f.from || f.to);
  if (fromCells && (f.from || f.to)) throw new Error('wait_physician_cells has no period');
  return { [WAIT_PHYSICIANS.shared]: fromCells
    ? `SELECT physician_code AS pc, ${PHYSICIAN_SUMS.cells} FROM wait_physician_cells WHERE ${whereSql(f)} GROUP BY pc`
    : waitPhysiciansSelect(selectionSql(f)) };
}

/** Episodes with a waiting extension per physician (`waitingEpisodesByPhysicianSql`). */
export type WaitingPhysicianRow = { physician: string | null; episodes: number; waiting_episodes: number };

/**
 * Per physician (the episode's): certificate-shape episodes, and those with at least one waiting extension (the
 * 'waiting' group of WAIT_GROUPS); from the selection `rel` or the shared sums.
 */
export function waitingEpisodesByPhysicianSql(src: string | typeof WAIT_PHYSICIANS): string {
  // By the physician's code (dims.ts), named on the grouped rows.
  const from = typeof src === 'string' ? `(${waitPhysiciansSelect(src)})` : src.shared;
  return `SELECT ${nameOfCode('physician', 'pc')} AS physician, CAST(episodes AS BIGINT) AS episodes,
  CAST(waiting_episodes AS BIGINT) AS waiting_episodes
FROM ${from}
ORDER BY pc NULLS LAST`;
}

/** Figures of a period (`periodWaitingSql`): extensions whose certificate starts in [from, to]. */
export type PeriodWaitingRow = {
  extensions: number;
  waiting_extensions: number;
  waiting_net_days: number;
  /** The waiting reason × episode unit with the most waiting net days in the period (ties: reason order, unit). */
  top_reason: string | null;
  top_unit: string | null;
  top_net_days: number | null;
};

/**
 * The figures behind the view's sentence: extensions of the selected episodes whose certificate starts in
 * [from, to] (either end may be open).
 */
export function periodWaitingSql(f: Filters, from: string | null, to: string | null): string {
  const inPeriod = [from ? `c.start_date >= ${dateLit(from)}` : 'TRUE', to ? `c.start_date <= ${dateLit(to)}` : 'TRUE'].join(' AND ');
  return certsInPeriodSql(f, inPeriod);
}

/**
 * `periodWaitingSql` for the latest start quarter with an extension in the selection, the sentence's period when
 * none is chosen (`sentencePeriod`), found in the same statement: the view asks for the sentence's figures together
 * with the cube instead of after it. An extension's quarter is that of its certificate's start (`yq`, episodes.ts).
 */
export function latestPeriodWaitingSql(f: Filters): string {
  if (!usesCertCube(f)) {
    // The quarter from the same cells as the cube's quarter rows (waitingCubeSql).
    return certsInPeriodSql(f, `c.yq = (SELECT max(yq) FROM (${certCellsSql(f)}) WHERE extensions > 0)`);
  }
  // From cert_cube, as the cube's rows are: its cells with extensions (rc 0, first certificates, have none), the latest
  // quarter among them, and that quarter's cells summed by reason and unit. A waiting reason's cells hold waiting
  // extensions only, so the top reason × unit is found on the same sums as from the certificates.
  return `WITH x AS MATERIALIZED (
  SELECT yq, rc, unit_code AS uc, extensions, waiting_extensions, waiting_net_days FROM cert_cube
  WHERE ${whereSql(f)} AND extensions > 0
), g AS MATERIALIZED (
  SELECT rc, uc, sum(extensions) AS n, sum(waiting_extensions) AS wn, sum(waiting_net_days) AS wnet
  FROM x WHERE yq = (SELECT max(yq) FROM x) GROUP BY ALL
)
${PERIOD_FIGURES}`;
}

/** The sentence's figures over the selection's extensions whose certificate meets `inPeriod` (on `c`, cert_fact). */
function certsInPeriodSql(f: Filters, inPeriod: string): string {
  // One pass: the period's extensions counted by reason code and unit code, a few rows; the totals and the top
  // reason × unit come from those.
  return `WITH g AS MATERIALIZED (
  SELECT c.reason_code AS rc, c.unit_code AS uc, count(*) AS n, count(*) FILTER (WHERE c.is_waiting) AS wn,
    coalesce(sum(c.net) FILTER (WHERE c.is_waiting), 0) AS wnet
  FROM ${certSelectionSql(f)} c
  WHERE c.is_extension AND ${inPeriod}
  GROUP BY ALL
)
${PERIOD_FIGURES}`;
}

/**
 * `PeriodWaitingRow` from `g`: the period's extensions summed by reason code `rc` and unit code `uc`, with `n`
 * extensions, `wn` waiting extensions and `wnet` their net days (an extension is waiting by its reason, so a cell
 * is all waiting or none). Ties of the top reason × unit: the reason's order (its code), then the unit's (its code
 * sorts like its name; dims.ts), no unit last.
 */
const PERIOD_FIGURES = `, top AS (
  SELECT rc, uc, wnet AS net FROM g WHERE wn > 0 ORDER BY net DESC, rc, uc NULLS LAST LIMIT 1
)
SELECT
  (SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM g) AS extensions,
  (SELECT CAST(coalesce(sum(wn), 0) AS BIGINT) FROM g) AS waiting_extensions,
  (SELECT CAST(coalesce(sum(wnet), 0) AS DOUBLE) FROM g) AS waiting_net_days,
  (SELECT ${reasonOfCode('rc')} FROM top) AS top_reason,
  (SELECT ${nameOfCode('unit', 'uc')} FROM top) AS top_unit,
  (SELECT CAST(net AS DOUBLE) FROM top) AS top_net_days`;

// ---------------------------------------------------------------------------------------------------------------
// Episodes with and without a waiting extension: Kaplan–Meier
// ---------------------------------------------------------------------------------------------------------------

/** The groups of `waitingGroupRel`. */
export const WAIT_GROUPS = ['waiting', 'extended', 'single'] as const;
export type WaitGroup = (typeof WAIT_GROUPS)[number];

/** SQL boolean: the episode has at least one waiting extension (`p`: the episode columns' prefix). */
function hasWaitingSql(p: string): string {
  return `${p}waiting_extensions > 0`;
}

/** SQL: the position in WAIT_GROUPS of an episode's group, from its counts (`p`: the episode columns' prefix). */
function waitGroupNo(p: string): string {
  return `CASE WHEN ${hasWaitingSql(p)} THEN 1 WHEN ${p}extensions > 0 THEN 2 ELSE 3 END`;
}

/**
 * The selected certificate-shape episodes with `wait_group`: 'waiting' (at least one waiting extension),
 * 'extended' (extensions, none of them waiting), 'single' (one certificate, no extension). A relation for
 * kmCurveSql / kmMedianSql.
 * Same definitions as `selectedCertificatesSql`'s is_extension and is_waiting, read from the per-episode counts
 * the build keeps (`extensions`, `waiting_extensions`; episodes.ts).
 */
export function waitingGroupRel(rel: string): string {
  return `(SELECT e.*,
    ${listLit(WAIT_GROUPS)}[${waitGroupNo('e.')}] AS wait_group
  FROM ${rel} e WHERE e.shape = 'certificates')`;
}

/**
 * `wait_group` of `waitingGroupRel` as a Kaplan–Meier grouping on integers (the position in WAIT_GROUPS), named on
 * the curve's rows (dims.ts GroupKey): the same groups, without a string per episode.
 */
export const WAIT_GROUP_KEY: GroupKey = {
  key: waitGroupNo(''),
  name: (k) => `CAST(${listLit(WAIT_GROUPS)}[${k}] AS VARCHAR)`
};

/**
 * The relation `waitKmCountsWith` shares among the waiting view's Kaplan–Meier figures (engine/parts.ts): the
 * selection's certificate-shape episodes counted by diagnosis group code, waiting group (`wait_no`, the position in
 * WAIT_GROUPS) and time, with their events and censorings. The curves per waiting group and the medians per diagnosis
 * group sum their groups from it: one pass over the selection instead of one per figure (the same figures:
 * tests/unit/waiting.test.ts).
 */
export const WAIT_KM_COUNTS = { shared: 'sf_wait_km' } as const;

/** The selection (a relation of `episodes` rows), or the counts shared from it. */
export type WaitKmSource = string | typeof WAIT_KM_COUNTS;

/** Certificate-shape episodes of `rel` counted by `keys`, waiting group (`wait_no`) and time, with events and censorings. */
function kmCountsSelect(rel: string, keys: string): string {
  return `SELECT ${keys}, ${waitGroupNo('')} AS wait_no, CAST(km_days AS INTEGER) AS t,
    CAST(count(*) FILTER (WHERE km_event) AS BIGINT) AS n_event, CAST(count(*) FILTER (WHERE NOT km_event) AS BIGINT) AS n_censored
  FROM ${rel} WHERE shape = 'certificates' AND km_days IS NOT NULL AND km_event IS NOT NULL
  GROUP BY ALL`;
}

/**
 * `WAIT_KM_COUNTS` of a selection, as a shared relation of `partsSql`: summed from `wait_km_cells`
 * (`WAIT_CELLS_SQL`) when the selection has neither a period nor a physician (`usesCertCube`; `fromCells`: whether
 * it is), else counted from its episodes.
 */
export function waitKmCountsWith(f: Filters, opts: { fromCells?: boolean } = {}): Record<string, string> {
  const fromCells = opts.fromCells ?? usesCertCube(f);
  if (fromCells && !usesCertCube(f)) throw new Error('wait_km_cells has no period or physician');
  return { [WAIT_KM_COUNTS.shared]: fromCells
    ? `SELECT group_code, wait_no, t, CAST(sum(n_event) AS BIGINT) AS n_event, CAST(sum(n_censored) AS BIGINT) AS n_censored
  FROM wait_km_cells WHERE ${whereSql(f)} GROUP BY ALL`
    : kmCountsSelect(selectionSql(f), 'group_code') };
}

/**
 * `wait_physician_cells` and `wait_km_cells`, written with cert_fact (episodes.ts): the certificate-shape episodes
 * summed once per build by the codes the filters test but the period (the Kaplan–Meier counts without the
 * physician, which would multiply their rows), with what `WAIT_PHYSICIANS` and `WAIT_KM_COUNTS` read. At a million
 * certificates they hold about 13 000 and 110 000 rows for 400 000 episodes; a selection without a period sums its
 * cells instead of grouping its episodes (the same sums: tests/unit/waiting.test.ts).
 */
export const WAIT_CELLS_SQL = `CREATE OR REPLACE TABLE wait_physician_cells AS
SELECT unit_code, physician_code, group_code, gender_code, age_code, ${PHYSICIAN_SUMS.episodes}
FROM episodes WHERE shape = 'certificates' GROUP BY ALL ORDER BY ALL;
CREATE OR REPLACE TABLE wait_km_cells AS
${kmCountsSelect('episodes', 'unit_code, group_code, gender_code, age_code')}
ORDER BY ALL;`;

/** Kaplan–Meier counts (stats.ts `KmCounts`) summed from the shared counts: key `gk` over the rows where `where`. */
function kmCountsOf(src: typeof WAIT_KM_COUNTS, gk: string, where = 'TRUE'): KmCounts {
  return { counts: `(SELECT ${gk} AS gk, t, CAST(sum(n_event) AS BIGINT) AS n_event, CAST(sum(n_censored) AS BIGINT) AS n_censored
    FROM ${src.shared} WHERE ${where} GROUP BY 1, t)` };
}

/** Kaplan–Meier curves per waiting group (`KmCurveRow`, grp one of WAIT_GROUPS) of the selection or its shared counts. */
export function waitingKmCurveSql(src: WaitKmSource): string {
  return kmCurveSql(typeof src === 'string' ? waitingGroupRel(src) : kmCountsOf(src, 'wait_no'), { group: WAIT_GROUP_KEY });
}

/** Kaplan–Meier medians by diagnosis group (`waitingMediansSql`). */
export type WaitingMedianRow = {
  diagnosis_group: string;
  n_waiting: number;
  median_waiting: number | null;
  /** Episodes without any waiting extension (extended without waiting + single certificate). */
  n_without: number;
  median_without: number | null;
  /** median_waiting − median_without (NULL when either is). */
  diff_without: number | null;
  /** Episodes with extensions, none of them waiting (the fairer comparison: they too were extended). */
  n_extended: number;
  median_extended: number | null;
  diff_extended: number | null;
};

/**
 * Median length (Kaplan–Meier, `kmMedianOnlySql`) of episodes with a waiting extension against those without, within
 * each diagnosis group, and against those extended for other reasons. Uses stats.ts' KM SQL on `waitingGroupRel`.
 */
export function waitingMediansSql(src: WaitKmSource): string {
  const km = kmMedianOnlySql;
  const extended = WAIT_GROUPS.indexOf('extended') + 1;
  // "group|yes" / "group|no" and "group|x", grouped on integers (the group's code, dims.ts) and named on the rows.
  const group = (k: string) => nameOfCode('diagnosis_group', k);
  const byYes: GroupKey = {
    key: `CAST(group_code AS INTEGER) * 2 + CAST(${hasWaitingSql('')} AS INTEGER)`,
    name: (k) => `(${group(`${k} // 2`)} || '|' || CASE WHEN ${k} % 2 = 1 THEN 'yes' ELSE 'no' END)`
  };
  const byExt: GroupKey = { key: 'group_code', name: (k) => `(${group(k)} || '|x')` };
  const g = typeof src === 'string' ? waitingGroupRel(src) : null;
  const yes = g ?? kmCountsOf(src as typeof WAIT_KM_COUNTS, `CAST(group_code AS INTEGER) * 2 + CAST(wait_no = ${WAIT_GROUPS.indexOf('waiting') + 1} AS INTEGER)`);
  const ext = g ? `(SELECT * FROM ${g} WHERE ${waitGroupNo('')} = ${extended})` : kmCountsOf(src as typeof WAIT_KM_COUNTS, 'group_code', `wait_no = ${extended}`);
  return `WITH by_yes AS (
  SELECT split_part(grp, '|', 1) AS diagnosis_group, split_part(grp, '|', 2) AS k, n, median FROM (
    ${km(yes, { group: byYes })})
), by_ext AS (
  SELECT split_part(grp, '|', 1) AS diagnosis_group, n, median FROM (
    ${km(ext, { group: byExt })})
), groups AS (SELECT DISTINCT diagnosis_group FROM by_yes)
SELECT g.diagnosis_group,
  coalesce(y.n, 0) AS n_waiting, y.median AS median_waiting,
  coalesce(n.n, 0) AS n_without, n.median AS median_without,
  y.median - n.median AS diff_without,
  coalesce(x.n, 0) AS n_extended, x.median AS median_extended,
  y.median - x.median AS diff_extended
FROM groups g
LEFT JOIN by_yes y ON y.diagnosis_group = g.diagnosis_group AND y.k = 'yes'
LEFT JOIN by_yes n ON n.diagnosis_group = g.diagnosis_group AND n.k = 'no'
LEFT JOIN by_ext x ON x.diagnosis_group = g.diagnosis_group
ORDER BY g.diagnosis_group`;
}

// ---------------------------------------------------------------------------------------------------------------
// Referral → care start
// ---------------------------------------------------------------------------------------------------------------

/**
 * WITH clause (no leading WITH) defining, for the selected episodes and as_of:
 * - `wsel`: the selected episodes that can have a wait (a referral date on a certificate, or an episode-file row);
 * - `waits`: one row per wait — episode_id, referral_date, care_start_date, cause (waiting_cause or NULL),
 *   given_days (waiting_days of an episode-file row without a referral date, else NULL), the episode's ongoing,
 *   shape, start_date, end_date and length_days, a / b (the waiting interval, inclusive; b < a when empty), started
 *   (care started on or before as_of), wait_len (days from referral to care start when started), waiting_now.
 */
function waitsBaseCte(rel: string, asOf: string): string {
  const d = dateLit(asOf);
  // Only episodes that can have a wait: a certificate with a referral date (the build counts them per episode), or
  // an episode-file row (its referral date or given waiting days). The certificates' waits and the day segments of
  // their episodes are read from cert_waits and cert_wait_segments, written with cert_fact (episodes.ts).
  return `wsel AS (
  SELECT episode_id, patient, ep_no, shape, start_date, end_date, ongoing, length_days FROM ${rel}
  WHERE referrals > 0 OR shape = 'episodes'
), wcert AS (
  SELECT w.episode_id, w.referral_date, w.care_start_date, w.cause
  FROM cert_waits w SEMI JOIN wsel s ON s.episode_id = w.episode_id
), wep AS (
  SELECT s.episode_id, i.referral_date, i.care_start_date, i.waiting_cause AS cause,
    CASE WHEN i.referral_date IS NULL THEN greatest(i.waiting_days, 0) END AS given_days
  FROM episode_input i JOIN wsel s ON s.shape = 'episodes' AND i.patient = s.patient
    AND CAST(i.rec AS BIGINT) = s.ep_no AND i.start_date = s.start_date
  WHERE i.referral_date IS NOT NULL OR i.waiting_days IS NOT NULL
), waits AS (
  SELECT w.*, s.ongoing, s.shape, s.start_date, s.end_date, s.length_days,
    w.referral_date AS a,
    least(coalesce(w.care_start_date - 1, ${d}), ${d}) AS b,
    w.care_start_date IS NOT NULL AND w.care_start_date <= ${d} AS started,
    CASE WHEN w.care_start_date IS NOT NULL AND w.care_start_date <= ${d} AND w.care_start_date >= w.referral_date
      THEN date_diff('day', w.referral_date, w.care_start_date) END AS wait_len,
    s.ongoing AND w.referral_date <= ${d} AND (w.care_start_date IS NULL OR w.care_start_date > ${d}) AS waiting_now
  FROM (SELECT episode_id, referral_date, care_start_date, cause, CAST(NULL AS INTEGER) AS given_days FROM wcert
        UNION ALL SELECT * FROM wep) w
  JOIN wsel s ON s.episode_id = w.episode_id
)`;
}

/** `wseg`: the covered day segments (disjoint) of the episodes of `waits` with a dated wait. */
function wsegCte(waits: string): string {
  return `wseg AS (
  SELECT g.episode_id, g.s, g.e
  FROM cert_wait_segments g SEMI JOIN (SELECT DISTINCT episode_id FROM ${waits} WHERE a IS NOT NULL) w ON w.episode_id = g.episode_id
  UNION ALL
  SELECT DISTINCT episode_id, start_date, end_date FROM ${waits} WHERE shape = 'episodes' AND a IS NOT NULL
)`;
}

/**
 * WITH clause (no leading WITH) over `waits` and `wseg`: `wisl_ep` / `wisl_cause`, the union of each episode's
 * (each episode × cause's) waiting intervals, as islands; `wdays_ep` / `wdays_cause`, the covered days in them.
 */
const WAITS_DAYS_CTE = (() => {
  const islands = (part: string) => `SELECT episode_id, cause, min(a) AS a, max(b) AS b FROM (
    SELECT *, sum(brk) OVER (PARTITION BY ${part} ORDER BY a, b ROWS UNBOUNDED PRECEDING) AS isl FROM (
      SELECT episode_id, ${part === 'episode_id' ? `'' AS cause` : 'cause'}, a, b,
        CASE WHEN a <= max(b) OVER (PARTITION BY ${part} ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
          THEN 0 ELSE 1 END AS brk
      FROM (SELECT episode_id, coalesce(cause, '') AS cause, a, b FROM waits WHERE a IS NOT NULL AND b >= a)))
    GROUP BY episode_id, cause, isl`;
  return `wisl_ep AS (
  ${islands('episode_id')}
), wisl_cause AS (
  ${islands('episode_id, cause')}
), wdays_ep AS (
  SELECT i.episode_id, CAST(sum(greatest(0, date_diff('day', greatest(g.s, i.a), least(g.e, i.b)) + 1)) AS BIGINT) AS days
  FROM wisl_ep i JOIN wseg g ON g.episode_id = i.episode_id GROUP BY i.episode_id
), wdays_cause AS (
  SELECT i.episode_id, i.cause, CAST(sum(greatest(0, date_diff('day', greatest(g.s, i.a), least(g.e, i.b)) + 1)) AS BIGINT) AS days
  FROM wisl_cause i JOIN wseg g ON g.episode_id = i.episode_id GROUP BY i.episode_id, i.cause
)`;
})();

/**
 * Where the referral figures read their waits: computed in the statement from the selection (`{ rel, asOf }`), or
 * read from the relations `waitsWith` shares among a view's figures (`SHARED_WAITS`, engine/parts.ts). A view that
 * shows several referral figures asks for them in one statement, so the certificates are joined once, not per figure.
 */
export type WaitsSource = { rel: string; asOf: string } | typeof SHARED_WAITS;

/**
 * The names of the shared relations `waitsWith` defines: the waits, and the days their islands cover (the rows of
 * `wait_days` for these episodes).
 */
export const SHARED_WAITS = { waits: 'sf_waits', wdays: 'sf_wdays' } as const;

/**
 * `SHARED_WAITS` of a selection and as_of, as the shared relations of `partsSql` (the waits and their days).
 * `builtAsOf` is the as_of of the build, for which `wait_rows` and `wait_days` hold every episode's waits and days
 * (`waitTablesSql`, written with cert_fact). The selection is given by its filters (as the view does) or as a relation
 * of `episodes` rows:
 * - filters, and `asOf` is the build's: the waits and days are the rows of those tables the filters select;
 * - otherwise both are computed, from the relation or the filters' episodes, the days from the waits and their
 *   episodes' covered day segments.
 */
export function waitsWith(sel: string | Filters, asOf: string, builtAsOf: string | null = null): Record<string, string> {
  if (typeof sel !== 'string' && builtAsOf === asOf) {
    return {
      [SHARED_WAITS.waits]: `SELECT * EXCLUDE (${EPISODE_CODES}) FROM wait_rows WHERE ${whereSql(sel)}`,
      [SHARED_WAITS.wdays]: `SELECT episode_id, cause, days, whole FROM wait_days WHERE ${whereSql(sel)}`
    };
  }
  const rel = typeof sel === 'string' ? sel : selectionSql(sel);
  return {
    [SHARED_WAITS.waits]: `WITH ${waitsBaseCte(rel, asOf)} SELECT * FROM waits`,
    [SHARED_WAITS.wdays]: `WITH waits AS (SELECT * FROM ${SHARED_WAITS.waits}), ${wsegCte('waits')}, ${WAITS_DAYS_CTE}
  ${WAIT_DAYS_ROWS}`
  };
}

/** The episode's codes the filters test (filters.ts whereSql), kept next to its waits and days; the dates are in both. */
const EPISODE_CODES = 'unit_code, physician_code, group_code, gender_code, age_code';

/**
 * `wait_rows` and `wait_days`, written with cert_fact (episodes.ts certFacts) for the build's as_of:
 * - `wait_rows`: every episode's waits (the rows of `waits`, `waitsBaseCte`), with the episode's codes that the
 *   filters test next to its dates;
 * - `wait_days`: every episode's days covered by its dated waits, in all (`whole`, cause NULL) and per cause ('' for
 *   none), as `wdays_ep` and `wdays_cause` compute them, with the same episode columns.
 * An episode's waits and days depend on its own certificates or rows only, so a selection's are the rows its filters
 * select, instead of being formed again in each redraw (tests/unit/waiting.test.ts compares both).
 */
export function waitTablesSql(asOf: string): string {
  return `CREATE OR REPLACE TABLE wait_rows AS
WITH ${waitsBaseCte('episodes', asOf)}
SELECT w.*, ${prefixed('e.', EPISODE_CODES)} FROM waits w JOIN episodes e ON e.episode_id = w.episode_id;
CREATE OR REPLACE TABLE wait_days AS
WITH waits AS (SELECT * FROM wait_rows), ${wsegCte('waits')}, ${WAITS_DAYS_CTE}
SELECT d.*, e.start_date, e.end_date, ${prefixed('e.', EPISODE_CODES)}
FROM (${WAIT_DAYS_ROWS}) d JOIN episodes e ON e.episode_id = d.episode_id;`;
}

/** "a, b" → "p.a, p.b". */
function prefixed(p: string, columns: string): string {
  return columns.split(', ').map((c) => `${p}${c}`).join(', ');
}

/** The rows of `wait_days` from `wdays_ep` and `wdays_cause`. */
const WAIT_DAYS_ROWS = `SELECT episode_id, CAST(NULL AS VARCHAR) AS cause, days, TRUE AS whole FROM wdays_ep
UNION ALL SELECT episode_id, cause, days, FALSE FROM wdays_cause`;

/** WITH clause (no leading WITH) defining `waits` and the days (`wdays_ep`, `wdays_cause`), from either source. */
function waitsCte(src: WaitsSource): string {
  if ('rel' in src) return `${waitsBaseCte(src.rel, src.asOf)}, ${wsegCte('waits')}, ${WAITS_DAYS_CTE}`;
  return `waits AS (SELECT * FROM ${src.waits}),
wdays_ep AS (SELECT episode_id, days FROM ${src.wdays} WHERE whole),
wdays_cause AS (SELECT episode_id, cause, days FROM ${src.wdays} WHERE NOT whole)`;
}

/** Episode-level waiting days (`waitingDaysByEpisodeSql`), for tests and checks. */
export type WaitingEpisodeRow = { episode_id: number; days: number; given: boolean; waiting_now: boolean };

/** Sick-leave days spent waiting per selected episode with any wait (dated waits unioned, plus given days). */
export function waitingDaysByEpisodeSql(rel: string, asOf: string): string {
  return `WITH ${waitsCte({ rel, asOf })}
SELECT w.episode_id, CAST(coalesce(max(d.days), 0) + coalesce(sum(w.given_days), 0) AS BIGINT) AS days,
  bool_or(w.given_days IS NOT NULL) AS given, bool_or(w.waiting_now) AS waiting_now
FROM waits w LEFT JOIN wdays_ep d ON d.episode_id = w.episode_id
GROUP BY w.episode_id ORDER BY w.episode_id`;
}

export type ReferralTotalsRow = {
  /** Selected episodes with any wait (dated or given). */
  episodes: number;
  /** Waits (a referral within an episode, or an episode-file row with given waiting days). */
  waits: number;
  /** Sick-leave days spent waiting (each episode's waits unioned; given days added). */
  days: number;
  /** Of those, days given directly in an episode file's waiting-days column. */
  given_days: number;
  /** Episodes whose days come (at least partly) from a waiting-days column. */
  given_episodes: number;
  /** Dated waits whose care started on or before as_of. */
  started: number;
  /** Dated waits not started by as_of. */
  not_started: number;
  /** Ongoing episodes waiting now. */
  waiting_now: number;
  /** All sick-leave days (length_days) of the episodes with a wait, for the share. */
  episode_days: number;
};

export function referralTotalsSql(src: WaitsSource): string {
  return `WITH ${waitsCte(src)}, per_ep AS (
  SELECT w.episode_id, coalesce(max(d.days), 0) AS dated_days, coalesce(sum(w.given_days), 0) AS given_days,
    bool_or(w.given_days IS NOT NULL) AS given, bool_or(w.waiting_now) AS waiting_now,
    any_value(w.length_days) AS length_days
  FROM waits w LEFT JOIN wdays_ep d ON d.episode_id = w.episode_id GROUP BY w.episode_id
)
SELECT p.episodes, w.waits, p.days, p.given_days, p.given_episodes, w.started, w.not_started, p.waiting_now, p.episode_days
FROM (
  SELECT count(*) AS episodes, CAST(coalesce(sum(dated_days + given_days), 0) AS BIGINT) AS days,
    CAST(coalesce(sum(given_days), 0) AS BIGINT) AS given_days, count(*) FILTER (WHERE given) AS given_episodes,
    count(*) FILTER (WHERE waiting_now) AS waiting_now, CAST(coalesce(sum(length_days), 0) AS BIGINT) AS episode_days
  FROM per_ep
) p, (
  SELECT count(*) AS waits, count(*) FILTER (WHERE a IS NOT NULL AND started) AS started,
    count(*) FILTER (WHERE a IS NOT NULL AND NOT started) AS not_started
  FROM waits
) w`;
}

export type ReferralCauseRow = {
  /** waiting_cause as written, or NULL when blank. */
  cause: string | null;
  episodes: number;
  waits: number;
  /** Sick-leave days waiting for this cause (this cause's waits unioned per episode; given days added). */
  days: number;
  started: number;
  waiting_now: number;
  /** Median days from referral to care start among started waits (NULL when none); not a KM estimate. */
  median_wait_started: number | null;
};

/** Waits by cause (waiting_cause text). A day waiting for two causes at once counts for each. */
export function referralByCauseSql(src: WaitsSource): string {
  return `WITH ${waitsCte(src)}, dated AS (
  SELECT coalesce(cause, '') AS cause, CAST(sum(days) AS BIGINT) AS days FROM wdays_cause GROUP BY 1
)
SELECT nullif(w.cause, '') AS cause,
  count(DISTINCT w.episode_id) AS episodes,
  count(*) AS waits,
  CAST(coalesce(max(d.days), 0) + coalesce(sum(w.given_days), 0) AS BIGINT) AS days,
  count(*) FILTER (WHERE w.a IS NOT NULL AND w.started) AS started,
  count(DISTINCT w.episode_id) FILTER (WHERE w.waiting_now) AS waiting_now,
  CAST(median(w.wait_len) AS DOUBLE) AS median_wait_started
FROM (SELECT * REPLACE (coalesce(cause, '') AS cause) FROM waits) w LEFT JOIN dated d ON d.cause = w.cause
GROUP BY w.cause ORDER BY days DESC, w.cause`;
}

export type ReferralHistogramRow = { lo: number; hi: number; n: number };

/** Days from referral to care start of started waits, in bins of `width` days: [lo, hi] inclusive. */
export function referralHistogramSql(src: WaitsSource, width = 30): string {
  const w = intLit(width);
  return `WITH ${waitsCte(src)}
SELECT CAST(floor(wait_len / ${w}) * ${w} AS INTEGER) AS lo, CAST(floor(wait_len / ${w}) * ${w} + ${w} - 1 AS INTEGER) AS hi,
  count(*) AS n
FROM waits WHERE wait_len IS NOT NULL GROUP BY 1, 2 ORDER BY 1`;
}

// ---------------------------------------------------------------------------------------------------------------
// The sentence's period
// ---------------------------------------------------------------------------------------------------------------

/** The period the view's sentence describes. */
export type SentencePeriod =
  | { kind: 'selected'; from: string | null; to: string | null; quarter: string | null }
  | { kind: 'latest'; from: string; to: string; quarter: string };

/**
 * The selection's period when one is set (`quarter` when it is exactly one calendar quarter), else the latest
 * quarter among `quarters` (quarters with extensions, 'YYYY-Qn'); null when there is none.
 */
export function sentencePeriod(from: string | null, to: string | null, quarters: readonly string[]): SentencePeriod | null {
  if (from && to) {
    const q = quarterOf(from);
    const b = quarterRange(q);
    return { kind: 'selected', from, to, quarter: b.from === from && b.to === to ? q : null };
  }
  if (from || to) return { kind: 'selected', from, to, quarter: null };
  const latest = [...quarters].sort().pop();
  if (!latest) return null;
  return { kind: 'latest', ...quarterRange(latest), quarter: latest };
}
