/**
 * Per-physician and per-unit variation, compared fairly (domain.md, "Comparing physicians or units fairly").
 *
 * Raw shares are unfair (case mix) and noisy (small n), so every comparison here is an indirect
 * standardisation over the selection (`oeSql` in stats.ts): the expected number of episodes with the outcome
 * is the sum over a group's episodes of the whole selection's rate in the episode's stratum (diagnosis group ×
 * gender × coarse age band). O/E is drawn in a funnel plot against E with limits 1 ± z/√E, and the spread of
 * the groups is checked for overdispersion (Spiegelhalter 2005) before any flag is read as a signal.
 * Flags follow contract section 4 exactly ('high' above 1 + 3.09/√E, 'low' below 1 − 3.09/√E, none under 10
 * episodes), so with the outcome "> 90 days" the figures equal the CLI's `physicians[]` / `units[]`.
 *
 * Every builder takes `rel`, the selected episodes (`selectionSql(filters)`), and returns SQL; the `fmb`
 * table must exist (`ensureFmb`) because the FMB outcome and the table's "share over FMB" column use
 * `fmbEpisodesSql`. Results are ordered by the group's id, never by a ratio (no league tables).
 */
import type { Engine } from '../engine/types';
import { queryParts } from '../engine/parts';
import { lit } from '../sql';
import { kmMedianOnlySql, kmMedianSql, oeSql, overdispersion, type OeRow, type Overdispersion, Z95, Z998 } from './stats';
import { fmbEpisodesSql } from './fmb';
import { byCode, EPISODE_OE_STRATA, nameOfCode } from './dims';
import { CELLS_OVER_90, type CellOutcome } from './cells';

export type VariationBy = 'physician' | 'unit';

/** The outcomes that can be compared: > 90 days, > 180 days, longer than the FMB recommended maximum. */
export const OUTCOMES = ['over90', 'over180', 'overFmb'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The episodes column a comparison is split by. */
export function groupColumn(by: VariationBy): 'physician' | 'unit' {
  return by === 'unit' ? 'unit' : 'physician';
}

/**
 * The outcome as a SQL boolean over `outcomeRel(rel, outcome)`. The FMB outcome is NULL for episodes whose diagnosis has
 * no FMB maximum: `oeSql` leaves those out entirely (neither in the rates nor in any group).
 */
export function outcomeSql(outcome: Outcome): string {
  switch (outcome) {
    case 'over90': return 'length_days > 90';
    case 'over180': return 'length_days > 180';
    case 'overFmb': return 'over_fmb';
  }
}

/** The selection with the FMB columns (fmb_code, fmb_max, over_fmb, fmb_overrun). */
export function withFmb(rel: string): string {
  return fmbEpisodesSql(rel);
}

/** An outcome over `episode_cells` (analysis/cells.ts): the columns of its known and its positive counts. */
export function cellOutcome(outcome: Outcome): CellOutcome {
  switch (outcome) {
    case 'over90': return CELLS_OVER_90;
    case 'over180': return { n: 'with_length', k: 'over_180' };
    case 'overFmb': return { n: 'fmb_matched', k: 'over_fmb' };
  }
}

/** The relation an outcome is evaluated over: the selection, with the FMB columns only when the FMB outcome needs them. */
export function outcomeRel(rel: string, outcome: Outcome): string {
  return outcome === 'overFmb' ? withFmb(rel) : rel;
}

/** `sum(col) AS name` per entry, as BIGINT (the type of the counts they add up). */
function sumsSql(cols: Record<string, string>): string {
  return Object.entries(cols).map(([as, col]) => `CAST(sum(${col}) AS BIGINT) AS ${as}`).join(', ');
}

/** One group (physician or unit) in the variation table. */
export type VariationRow = {
  id: string;
  /** All the group's selected episodes. */
  episodes: number;
  /** Kaplan–Meier median length (whole days), NULL when the curve never reaches 0.5. */
  median: number | null;
  /** Share of the group's episodes longer than 90 days (planned length, as the headline figure). */
  over90_share: number | null;
  /** Net days (days × degree) per episode. */
  net_days_per_episode: number | null;
  /** Episodes whose diagnosis has an FMB maximum, and the share of them longer than it. */
  fmb_matched: number;
  over_fmb_share: number | null;
  /** Episodes in the comparison of the chosen outcome (all, or those with an FMB match). */
  oe_episodes: number;
} & Omit<OeRow, 'id' | 'episodes'>;

/**
 * One row per group with a non-NULL id (`VariationRow`), ordered by id: the descriptive figures over all the
 * group's selected episodes, and the O/E comparison of `outcome` (from `oeSql`, strata diagnosis group ×
 * gender × coarse age band over the whole selection, including episodes with no physician/unit).
 */
export function variationTableSql(rel: string, by: VariationBy, outcome: Outcome, cells: string | null = null): string {
  const col = groupColumn(by);
  const g = byCode(col);
  const y = outcomeSql(outcome);
  const o = cellOutcome(outcome);
  // The selection is counted once by group (the physician's or unit's code, named afterwards: dims.ts) and O/E
  // stratum: the descriptive figures are summed from those cells, and they are O/E's own cells (oeSql, counted).
  // Without a period, they are sums of the build's cells (analysis/cells.ts): the same counts from fewer rows.
  const counted = cells
    ? `SELECT ${g.key}, ${EPISODE_OE_STRATA}, ${sumsSql({ episodes: 'n', over90: 'over_90' })}, sum(net_days) AS net_days,
    ${sumsSql({ fmb_matched: 'fmb_matched', over_fmb: 'over_fmb', n: o.n, k: o.k })}
  FROM ${cells} GROUP BY ALL`
    : `SELECT ${g.key}, ${EPISODE_OE_STRATA}, count(*) AS episodes,
    count(*) FILTER (WHERE length_days > 90) AS over90, sum(net_days) AS net_days,
    count(*) FILTER (WHERE over_fmb IS NOT NULL) AS fmb_matched, count(*) FILTER (WHERE over_fmb) AS over_fmb,
    count(*) FILTER (WHERE (${y}) IS NOT NULL) AS n, count(*) FILTER (WHERE (${y})) AS k
  FROM ${withFmb(rel)} GROUP BY ALL`;
  return `WITH v_cells AS MATERIALIZED (
  ${counted}
), d AS (
  SELECT ${g.name(g.key)} AS id, CAST(sum(episodes) AS BIGINT) AS episodes,
    CAST(sum(over90)::DOUBLE / sum(episodes) AS DOUBLE) AS over90_share,
    CAST(sum(net_days) / sum(episodes) AS DOUBLE) AS net_days_per_episode,
    CAST(sum(fmb_matched) AS BIGINT) AS fmb_matched,
    CAST(sum(over_fmb)::DOUBLE / nullif(sum(fmb_matched), 0) AS DOUBLE) AS over_fmb_share
  FROM v_cells WHERE ${g.key} IS NOT NULL GROUP BY ${g.key}
), km AS (
  ${kmMedianOnlySql(`(SELECT * FROM ${rel} WHERE ${g.key} IS NOT NULL)`, { group: g })}
), oe AS (
  ${oeSql('v_cells', { counted: true, group: g, strata: EPISODE_OE_STRATA })}
)
SELECT d.id, d.episodes, CAST(km.median AS INTEGER) AS median, d.over90_share, d.net_days_per_episode,
  d.fmb_matched, d.over_fmb_share,
  CAST(coalesce(oe.episodes, 0) AS BIGINT) AS oe_episodes,
  CAST(coalesce(oe.observed, 0) AS BIGINT) AS observed,
  CAST(coalesce(oe.expected, 0) AS DOUBLE) AS expected,
  oe.ratio, oe.ci_low, oe.ci_high, oe.limit95_low, oe.limit95_high, oe.limit998_low, oe.limit998_high, oe.flag
FROM d LEFT JOIN km ON km.grp = d.id LEFT JOIN oe ON oe.id = d.id
ORDER BY d.id`;
}

/** Counts behind the comparison: episodes without a group, and (FMB outcome) episodes without an FMB match. */
export type VariationCounts = {
  episodes: number;
  /** Selected episodes with no physician (unit): in the rates, in no group. */
  no_group: number;
  /** Selected episodes whose outcome is NULL (FMB: diagnosis without an FMB maximum): left out of O/E. */
  excluded: number;
  /** Episodes with the outcome over the compared episodes (the target every group is compared with). */
  outcome_share: number | null;
};

export function variationCountsSql(rel: string, by: VariationBy, outcome: Outcome, cells: string | null = null): string {
  const y = outcomeSql(outcome);
  if (cells) {
    const o = cellOutcome(outcome);
    return `SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS episodes,
  CAST(coalesce(sum(n) FILTER (WHERE ${byCode(groupColumn(by)).key} IS NULL), 0) AS BIGINT) AS no_group,
  CAST(coalesce(sum(n - ${o.n}), 0) AS BIGINT) AS excluded,
  CAST(sum(${o.k})::DOUBLE / nullif(sum(${o.n}), 0) AS DOUBLE) AS outcome_share
FROM ${cells}`;
  }
  // On the code (dims.ts), NULL exactly where the name is, and cheaper to test.
  return `SELECT CAST(count(*) AS BIGINT) AS episodes,
  CAST(count(*) FILTER (WHERE ${byCode(groupColumn(by)).key} IS NULL) AS BIGINT) AS no_group,
  CAST(count(*) FILTER (WHERE (${y}) IS NULL) AS BIGINT) AS excluded,
  CAST(avg(CASE WHEN (${y}) THEN 1.0 ELSE 0.0 END) FILTER (WHERE (${y}) IS NOT NULL) AS DOUBLE) AS outcome_share
FROM ${outcomeRel(rel, outcome)}`;
}

export interface Variation {
  rows: VariationRow[];
  counts: VariationCounts;
  /** Spiegelhalter's overdispersion check over the groups with E > 0. */
  overdispersion: Overdispersion;
}

/** The table, the counts and the overdispersion check for one comparison. */
export async function variation(engine: Engine, rel: string, by: VariationBy, outcome: Outcome, cells: string | null = null): Promise<Variation> {
  const r = await queryParts<VariationParts>(engine, { parts: variationParts(rel, by, outcome, cells) });
  return variationOf(r.rows, r.counts);
}

/** The parts of `variation`'s one statement (engine/parts.ts), for a view that asks for more in the same statement. */
export type VariationParts = { rows: VariationRow; counts: VariationCounts };

export function variationParts(rel: string, by: VariationBy, outcome: Outcome, cells: string | null = null): { rows: string; counts: string } {
  return { rows: variationTableSql(rel, by, outcome, cells), counts: variationCountsSql(rel, by, outcome, cells) };
}

/** `variation`'s result from the answers to its parts (`counts`: its one row). */
export function variationOf(rows: VariationRow[], counts: VariationCounts[]): Variation {
  if (counts.length !== 1) throw new Error('variation: the counts are one row');
  return { rows, counts: counts[0], overdispersion: overdispersion(rows) };
}

/** A point of the funnel's limit lines at expected count `e`. */
export type FunnelLinePoint = {
  e: number;
  low95: number; high95: number;
  low998: number; high998: number;
  /** Limits widened for overdispersion (random-effects τ²), 99.8 %; equal to the plain ones when τ² = 0. */
  wideLow998: number; wideHigh998: number;
  wideLow95: number; wideHigh95: number;
};

/**
 * The funnel's limit lines over a range of E (log-spaced, `n` points from `minE` to `maxE`):
 * 1 ± z/√E for z = 1.96 and 3.09 (lower floored at 0), and the widened limits 1 ± z·√(1/E + τ²).
 */
export function funnelLines(minE: number, maxE: number, od: Pick<Overdispersion, 'limits'> | null, n = 80): FunnelLinePoint[] {
  if (!(minE > 0) || !(maxE >= minE)) return [];
  const out: FunnelLinePoint[] = [];
  const a = Math.log(minE);
  const b = Math.log(maxE);
  for (let i = 0; i < n; i++) {
    const e = Math.exp(a + ((b - a) * i) / (n - 1));
    const k = 1 / Math.sqrt(e);
    const w95 = od ? od.limits(e, Z95) : { low: Math.max(0, 1 - Z95 * k), high: 1 + Z95 * k };
    const w998 = od ? od.limits(e, Z998) : { low: Math.max(0, 1 - Z998 * k), high: 1 + Z998 * k };
    out.push({
      e,
      low95: Math.max(0, 1 - Z95 * k), high95: 1 + Z95 * k,
      low998: Math.max(0, 1 - Z998 * k), high998: 1 + Z998 * k,
      wideLow95: w95.low, wideHigh95: w95.high, wideLow998: w998.low, wideHigh998: w998.high
    });
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// Drill-down on one physician (unit)
// -------------------------------------------------------------------------------------------------------------

function whoSql(by: VariationBy, id: string): string {
  return `CASE WHEN ${groupColumn(by)} = ${lit(id)} THEN 'this' ELSE 'rest' END`;
}

/** A stratum's share of one side's episodes (`caseMixSql`). */
export type CaseMixRow = {
  /** 'this' = the chosen physician (unit), 'rest' = every other selected episode. */
  who: 'this' | 'rest';
  diagnosis_group: string;
  /** 'K', 'M' or 'unknown'. */
  gender: string;
  age_band: string;
  n: number;
  /** n over the side's episodes. */
  share: number;
};

/**
 * Case mix of one physician (unit) against everyone else in the selection (episodes without a
 * physician/unit count as "everyone else"): share of each side's episodes per diagnosis group × gender ×
 * coarse age band (the standardisation strata). Only non-empty cells; ordered by stratum, then who.
 */
export function caseMixSql(rel: string, by: VariationBy, id: string): string {
  return `SELECT who, diagnosis_group, gender, age_band, n,
  CAST(n::DOUBLE / sum(n) OVER (PARTITION BY who) AS DOUBLE) AS share
FROM (
  SELECT ${whoSql(by, id)} AS who, diagnosis_group, coalesce(gender, 'unknown') AS gender, age_band,
    CAST(count(*) AS BIGINT) AS n
  FROM ${rel} GROUP BY ALL
)
ORDER BY diagnosis_group, gender, age_band, who DESC`;
}

/**
 * The chosen physician's (unit's) observed against expected per diagnosis group (`OeRow` with id = the
 * diagnosis group): `oeSql` with the group set to the diagnosis group for their episodes and NULL for all
 * others, so the stratum rates stay those of the whole selection and the rows add up to their O and E.
 */
export function drillOutcomeSql(rel: string, by: VariationBy, id: string, outcome: Outcome): string {
  return oeSql(outcomeRel(rel, outcome), {
    group: `CASE WHEN ${groupColumn(by)} = ${lit(id)} THEN diagnosis_group END`,
    outcome: outcomeSql(outcome)
  });
}

/** Kaplan–Meier median of the chosen physician (grp 'this') against everyone else (grp 'rest'). */
export function drillMedianSql(rel: string, by: VariationBy, id: string): string {
  return kmMedianSql(rel, { group: whoSql(by, id) });
}

// -------------------------------------------------------------------------------------------------------------
// Units: trend per quarter and case-mix profile
// -------------------------------------------------------------------------------------------------------------

/** Share with the outcome per unit and start quarter (`unitTrendSql`). */
export type TrendRow = { unit: string; quarter: string; episodes: number; observed: number; share: number | null };

/**
 * Per unit and start quarter: the episodes compared (outcome not NULL), those with the outcome, and the
 * share. Episodes without a unit are left out. Ordered by unit, quarter.
 */
export function unitTrendSql(rel: string, outcome: Outcome, cells: string | null = null): string {
  // Grouped by the unit's and quarter's codes, which sort like the names (dims.ts).
  return `SELECT ${nameOfCode('unit', 'uc')} AS unit, ${nameOfCode('start_quarter', 'qc')} AS quarter, episodes, observed, share
FROM (${outcomeSharesSql(rel, outcome, cells, 'unit_code AS uc, quarter_code AS qc', 'unit_code IS NOT NULL')})
ORDER BY uc, qc`;
}

/**
 * Per `keys` (select items, grouped by position): the episodes whose outcome is known, those with it, and the share;
 * from the selection, or summed from its cells (`cellsSelectionSql`). Rows only where an outcome is known.
 */
function outcomeSharesSql(rel: string, outcome: Outcome, cells: string | null, keys: string, where: string): string {
  const at = keys.split(',').map((_, i) => i + 1).join(', ');
  if (cells) {
    const o = cellOutcome(outcome);
    return `SELECT ${keys}, CAST(sum(${o.n}) AS BIGINT) AS episodes, CAST(sum(${o.k}) AS BIGINT) AS observed,
    CAST(sum(${o.k})::DOUBLE / sum(${o.n}) AS DOUBLE) AS share
  FROM ${cells} WHERE ${where} GROUP BY ${at} HAVING sum(${o.n}) > 0`;
  }
  const y = outcomeSql(outcome);
  return `SELECT ${keys}, CAST(count(*) AS BIGINT) AS episodes,
    CAST(count(*) FILTER (WHERE (${y})) AS BIGINT) AS observed,
    CAST(avg(CASE WHEN (${y}) THEN 1.0 ELSE 0.0 END) AS DOUBLE) AS share
  FROM ${outcomeRel(rel, outcome)} WHERE ${where} AND (${y}) IS NOT NULL
  GROUP BY ${at}`;
}

/** A unit's episodes in one diagnosis group (`unitCaseMixSql`). */
export type UnitMixRow = { unit: string; diagnosis_group: string; n: number; share: number };

/** Case-mix profile per unit: share of the unit's episodes per diagnosis group. Ordered by unit, group. */
export function unitCaseMixSql(rel: string, cells: string | null = null): string {
  return `SELECT unit, diagnosis_group, n, CAST(n::DOUBLE / sum(n) OVER (PARTITION BY unit) AS DOUBLE) AS share
FROM (
  SELECT ${nameOfCode('unit', 'uc')} AS unit, ${nameOfCode('diagnosis_group', 'gc')} AS diagnosis_group, n FROM (
    SELECT unit_code AS uc, group_code AS gc, CAST(${cells ? 'sum(n)' : 'count(*)'} AS BIGINT) AS n
    FROM ${cells ?? rel} WHERE unit_code IS NOT NULL GROUP BY 1, 2)
)
ORDER BY unit, diagnosis_group`;
}

/** A row of `trendAllSql`. */
export type TrendAllRow = { quarter: string; episodes: number; observed: number; share: number | null };

/** The same share per start quarter over all selected episodes (the reference line in every unit's panel). */
export function trendAllSql(rel: string, outcome: Outcome, cells: string | null = null): string {
  return `SELECT ${nameOfCode('start_quarter', 'qc')} AS quarter, episodes, observed, share FROM (
  ${outcomeSharesSql(rel, outcome, cells, 'quarter_code AS qc', 'TRUE')})
ORDER BY qc`;
}
