/**
 * Gender equality (issue 5): do women and men with the same diagnosis get the same sick leave?
 *
 * The regional goal is sick leave that is "rätt, lagom, säker och jämställd". Raw differences between women and
 * men mislead, because women more often have psychiatric diagnoses, which last longer. So besides the raw
 * figures per diagnosis group, the gender difference is adjusted for case mix with the Mantel–Haenszel odds
 * ratio of "> 90 days" (`OVER_90`), women (exposed) vs men (reference), Robins–Breslow–Greenland 95 % CI
 * (`mhSql` in stats.ts). Strata: diagnosis group × coarse age band (`GENDER_STRATA`), within a diagnosis group
 * the age band only. The overall estimate is exactly the CLI's `gender.mh_odds_ratio_over_90`.
 *
 * Every builder takes `rel`, the selected episodes (`selectionSql(filters)`; the coverage, the women's share and
 * the figures side by side also the counts shared from it, `EQUALITY_COUNTS`), and returns SQL whose rows have
 * only BIGINT/INTEGER, DOUBLE, VARCHAR and BOOLEAN columns (plain objects through `queryRows`).
 */
import { kmMedianSql, mhCountsSql, mhSql, type KmMedianRow, type MhRow } from './stats';
import { byCode, codedList, inCodesSql, nameOfCode, SEXES_BY_CODE, type GroupKey } from './dims';
import { GENDER_STRATA, OVER_90 } from './summary';
import { intLit } from '../sql';
import { CELLS_OVER_90 } from './cells';

/** The overall row of the per-group builders (`grp`). */
export const ALL = 'all';

/** A physician or unit gets an adjusted odds ratio only when each gender has at least this many episodes. */
export const MIN_EPISODES_PER_GENDER = 10;

/** Strata inside one diagnosis group: the coarse age band. */
export const AGE_STRATA = 'age_band';

/** `AGE_STRATA` and `GENDER_STRATA` by code (dims.ts): the selection is a selection of `episodes`. */
const AGE_STRATA_CODED = codedList(AGE_STRATA);
const GENDER_STRATA_CODED = codedList(GENDER_STRATA);

/** The key "group|gender" of `genderMedianSql` as one integer: the group's code (0 for 'all') × 4 + gender code. */
const groupGenderKey = (group: string) => `CAST(${group} AS INTEGER) * 4 + gender_code`;

/** `groupGenderKey` as the grouping of the Kaplan–Meier steps (gk), named afterwards. */
const GROUP_GENDER: GroupKey = {
  key: 'gk',
  name: (k) => `(CASE WHEN ${k} // 4 = 0 THEN '${ALL}' ELSE ${nameOfCode('diagnosis_group', `${k} // 4`)} END
    || '|' || ${nameOfCode('gender', `${k} % 4`)})`
};

// ---------------------------------------------------------------------------------------------------------------
// The selection counted once for the coverage, the women's share and the figures side by side
// ---------------------------------------------------------------------------------------------------------------

/**
 * The relation `equalityCountsWith` shares among a view's figures (engine/parts.ts): the selection's episodes
 * counted by diagnosis group, gender and age band codes (dims.ts), with the sums the raw figures need. The view
 * counts once per redraw and passes it to coverageSql, womenShareSql and genderFiguresSql in place of the selection;
 * the rows are the same either way (tests/unit/equality.test.ts).
 */
export const EQUALITY_COUNTS = { shared: 'sf_equality_counts' } as const;

/** The selection (a relation of `episodes` rows), or the counts shared from it. */
export type EqualitySource = string | typeof EQUALITY_COUNTS;

function equalityCountsSelect(rel: string, cells: string | null = null): string {
  // From the cells (analysis/cells.ts) when the selection has no period: the same counts, summed from fewer rows.
  if (cells) return `SELECT group_code, gender_code, age_code, CAST(sum(n) AS BIGINT) AS episodes,
    CAST(sum(over_90) AS BIGINT) AS over_90, CAST(sum(with_length) AS BIGINT) AS with_length,
    CAST(sum(part_time) AS BIGINT) AS part_time, CAST(sum(with_degree) AS BIGINT) AS with_degree,
    sum(net_days) AS net_days, CAST(sum(with_net) AS BIGINT) AS with_net
  FROM ${cells} GROUP BY ALL`;
  return `SELECT group_code, gender_code, age_code, count(*) AS episodes,
    count(*) FILTER (WHERE ${OVER_90}) AS over_90, count(length_days) AS with_length,
    count(*) FILTER (WHERE degree < 100) AS part_time, count(degree) AS with_degree,
    sum(net_days) AS net_days, count(net_days) AS with_net
  FROM ${rel} GROUP BY ALL`;
}

function countsRel(src: EqualitySource): string {
  return typeof src === 'string' ? `(${equalityCountsSelect(src)})` : src.shared;
}

/** `EQUALITY_COUNTS` of a selection, as a shared relation of `partsSql`; from its `cells` when given (`cellsSelectionSql`). */
export function equalityCountsWith(rel: string, cells: string | null = null): Record<string, string> {
  return { [EQUALITY_COUNTS.shared]: equalityCountsSelect(rel, cells) };
}

/** The 2×2 counts of "> 90 days" by `keys`, from the selection or from its cells (`cellsSelectionSql`). */
function over90CountsSql(rel: string, cells: string | null, keys: string): string {
  return cells
    ? mhCountsSql(cells, { cells: CELLS_OVER_90, keys, sexes: SEXES_BY_CODE })
    : mhCountsSql(rel, { outcome: OVER_90, keys, sexes: SEXES_BY_CODE });
}

/** Episodes of the counts where `cond` holds (0 when none). */
const episodesWhere = (cond: string) => `coalesce(sum(episodes) FILTER (WHERE ${cond}), 0)`;

// ---------------------------------------------------------------------------------------------------------------
// Women's share of the episodes
// ---------------------------------------------------------------------------------------------------------------

export type WomenShareRow = {
  /** Diagnosis group id, or 'all'. */
  grp: string;
  total: number;
  women: number;
  men: number;
  /** Episodes whose gender is unknown (neither in the numerator nor in the denominator of the share). */
  unknown: number;
  /** women / (women + men); NULL when no episode of the group has a known gender. */
  share_women: number | null;
};

/**
 * Share of the episodes that are women's, overall ('all', first) and per diagnosis group (ordered by group id).
 * The denominator is the episodes with a known gender (women + men); unknown gender is counted separately.
 */
export function womenShareSql(src: EqualitySource): string {
  // Summed per group from the counts; the total row is summed from those few rows (GROUPING SETS over the selection
  // itself costs three times as much in DuckDB). The gender code is NULL for any gender but K and M (dims.ts).
  const { women, men } = SEXES_BY_CODE;
  return `WITH c AS (
  SELECT ${nameOfCode('diagnosis_group', 'gc')} AS diagnosis_group, * EXCLUDE (gc) FROM (
    SELECT group_code AS gc, sum(episodes) AS total,
      ${episodesWhere(women)} AS women,
      ${episodesWhere(men)} AS men,
      ${episodesWhere('gender_code IS NULL')} AS unknown
    FROM ${countsRel(src)} GROUP BY gc)
)
SELECT CASE WHEN grouping(diagnosis_group) = 1 THEN '${ALL}' ELSE diagnosis_group END AS grp,
    CAST(sum(total) AS BIGINT) AS total,
    CAST(sum(women) AS BIGINT) AS women,
    CAST(sum(men) AS BIGINT) AS men,
    CAST(sum(unknown) AS BIGINT) AS unknown,
    CAST(CASE WHEN sum(women + men) > 0 THEN sum(women)::DOUBLE / sum(women + men) END AS DOUBLE) AS share_women
  FROM c
  GROUP BY GROUPING SETS ((diagnosis_group), ())
  ORDER BY grouping(diagnosis_group) = 0, grp`;
}

// ---------------------------------------------------------------------------------------------------------------
// Women and men side by side, per diagnosis group
// ---------------------------------------------------------------------------------------------------------------

export type GenderFiguresRow = {
  /** Diagnosis group id, or 'all'. */
  grp: string;
  /** 'K' or 'M'. */
  gender: string;
  episodes: number;
  /** Share with length_days > 90 (planned length); NULL when no episode has a length. */
  over_90: number | null;
  /** Share whose current degree (last certificate) is below 100 %; NULL when no episode has a degree. */
  part_time: number | null;
  /** Mean net days (days × degree/100) per episode; NULL when none is known. */
  net_days_per_episode: number | null;
};

/**
 * Per diagnosis group and overall ('all'), women ('K') and men ('M'): episodes, share > 90 days, part-time share
 * (current degree < 100 %), net days per episode. Ordered 'all' first, then by group id, women before men.
 * Episodes of unknown gender are left out. Kaplan–Meier medians come from `genderMedianSql`.
 */
export function genderFiguresSql(src: EqualitySource): string {
  // Summed per (group, gender) from the counts; the 'all' rows are summed from those (see womenShareSql).
  return `WITH c AS (
  SELECT ${nameOfCode('diagnosis_group', 'gc')} AS diagnosis_group, ${nameOfCode('gender', 'sc')} AS gender, * EXCLUDE (gc, sc) FROM (
    SELECT group_code AS gc, gender_code AS sc, sum(episodes) AS episodes,
      sum(over_90) AS over_90, sum(with_length) AS with_length,
      sum(part_time) AS part_time, sum(with_degree) AS with_degree,
      sum(net_days) AS net_days, sum(with_net) AS with_net
    FROM ${countsRel(src)}
    WHERE ${SEXES_BY_CODE.women} OR ${SEXES_BY_CODE.men}
    GROUP BY gc, sc)
)
SELECT CASE WHEN grouping(diagnosis_group) = 1 THEN '${ALL}' ELSE diagnosis_group END AS grp, gender,
    CAST(sum(episodes) AS BIGINT) AS episodes,
    CAST(sum(over_90)::DOUBLE / nullif(sum(with_length), 0) AS DOUBLE) AS over_90,
    CAST(sum(part_time)::DOUBLE / nullif(sum(with_degree), 0) AS DOUBLE) AS part_time,
    CAST(sum(net_days) / nullif(sum(with_net), 0) AS DOUBLE) AS net_days_per_episode
  FROM c
  GROUP BY GROUPING SETS ((diagnosis_group, gender), (gender))
  ORDER BY grouping(diagnosis_group) = 0, grp, gender`;
}

/** Kaplan–Meier median per diagnosis group (or 'all') and gender (`genderMedianSql`). */
export type GenderMedianRow = KmMedianRow & { group: string; gender: string };

/**
 * Kaplan–Meier median length per diagnosis group and gender, plus 'all' per gender: `kmMedianSql` grouped by
 * "group|gender". Split `grp` with `splitGenderMedians`. The women's and men's episodes are counted once by group,
 * gender and time, and the 'all' rows are the sums over the groups of those counts: one pass over the selection
 * (it was stacked twice before, once per group and once for 'all'; the same medians, tests/unit/cells.test.ts).
 */
export function genderMedianSql(rel: string): string {
  const counts = `(WITH c AS (
    SELECT group_code, gender_code, CAST(km_days AS INTEGER) AS t,
      CAST(count(*) FILTER (WHERE km_event) AS BIGINT) AS n_event, CAST(count(*) FILTER (WHERE NOT km_event) AS BIGINT) AS n_censored
    FROM ${rel}
    WHERE (${SEXES_BY_CODE.women} OR ${SEXES_BY_CODE.men}) AND km_days IS NOT NULL AND km_event IS NOT NULL
    GROUP BY ALL)
  SELECT ${groupGenderKey('group_code')} AS gk, t, n_event, n_censored FROM c
  UNION ALL
  SELECT ${groupGenderKey('0')} AS gk, t, CAST(sum(n_event) AS BIGINT), CAST(sum(n_censored) AS BIGINT)
  FROM c GROUP BY gender_code, t)`;
  return kmMedianSql({ counts }, { group: GROUP_GENDER });
}

/** KM median rows with `grp` = "group|gender" → rows with `group` and `gender`. */
export function splitGenderMedians(rows: KmMedianRow[]): GenderMedianRow[] {
  return rows.map((r) => {
    const [group, gender] = String(r.grp).split('|');
    return { ...r, group, gender };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Adjusted: Mantel–Haenszel odds ratio of "> 90 days", women vs men
// ---------------------------------------------------------------------------------------------------------------

/**
 * The overall adjusted odds ratio: strata diagnosis group × coarse age band (`GENDER_STRATA`), one row with
 * grp 'all'. Identical SQL to the CLI's `gender.mh_odds_ratio_over_90`.
 */
export function mhOverallSql(rel: string): string {
  return mhSql(rel, { outcome: OVER_90, strata: GENDER_STRATA_CODED, sexes: SEXES_BY_CODE });
}

/** Within each diagnosis group (grp = group id), strata = coarse age band. Ordered by group id. */
export function mhByGroupSql(rel: string): string {
  return mhSql(rel, { outcome: OVER_90, strata: AGE_STRATA_CODED, group: byCode('diagnosis_group'), sexes: SEXES_BY_CODE });
}

/**
 * Per start quarter (grp = '2025-Q1', ordered), strata diagnosis group × coarse age band. Episodes of the latest
 * quarters have had less time to pass 90 days, but the outcome is the planned length for women and men alike.
 */
export function mhTrendSql(rel: string): string {
  return mhSql(rel, { outcome: OVER_90, strata: GENDER_STRATA_CODED, group: byCode('start_quarter'), sexes: SEXES_BY_CODE });
}

/** `mhAllSql`'s rows: `part` says which of the three tables a row belongs to. */
export type MhPartRow = MhRow & { part: 'overall' | 'group' | 'trend' };

/**
 * The three tables above (overall, per diagnosis group, per start quarter) in one statement that counts the
 * selection once (by diagnosis group, age band and start quarter) and sums the three from those counts; rows of
 * each part in the order of its own statement. The figures are those of the three statements.
 */
export function mhAllSql(rel: string, cells: string | null = null): string {
  const counts = 'eq_mh_counts';
  const part = (name: MhPartRow['part'], sql: string) => `SELECT '${name}' AS part, * FROM (${sql})`;
  const keys = codedList('diagnosis_group, age_band, start_quarter');
  return `WITH ${counts} AS MATERIALIZED ${over90CountsSql(rel, cells, keys)}
${part('overall', mhSql(counts, { counted: true, strata: GENDER_STRATA_CODED }))}
UNION ALL ${part('group', mhSql(counts, { counted: true, strata: AGE_STRATA_CODED, group: byCode('diagnosis_group') }))}
UNION ALL ${part('trend', mhSql(counts, { counted: true, strata: GENDER_STRATA_CODED, group: byCode('start_quarter') }))}
ORDER BY part, grp NULLS LAST`;
}

/** Which way an adjusted ratio differs from 1 beyond chance: the whole 95 % CI above or below 1. */
export type Direction = 'higher' | 'lower' | null;

export function direction(r: { estimate: number | null; ci_low: number | null; ci_high: number | null }): Direction {
  if (r.estimate === null || r.ci_low === null || r.ci_high === null) return null;
  if (r.ci_low > 1) return 'higher';
  if (r.ci_high < 1) return 'lower';
  return null;
}

export type ProviderMhRow = {
  /** The physician's or unit's id. */
  id: string;
  /** All the provider's episodes of women and men (with a length). */
  women: number;
  men: number;
  /** Both genders have at least MIN_EPISODES_PER_GENDER episodes. */
  enough: boolean;
  /** Adjusted OR (women vs men) and 95 % CI; NULL when not `enough`, or when it cannot be estimated. */
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Women and men in the strata with both genders (those the estimate rests on); 0 when not `enough`. */
  women_used: number;
  men_used: number;
  strata_used: number;
  /** 'higher' / 'lower' when the CI lies wholly above / below 1, else NULL. */
  differs: Direction;
};

/**
 * The adjusted odds ratio per physician or unit (strata diagnosis group × coarse age band within it), for every
 * non-NULL provider in `rel`, only estimated where each gender has ≥ `minPerGender` episodes. Ordered by id,
 * never by the estimate (no league table).
 */
export function mhByProviderSql(rel: string, by: 'physician' | 'unit', minPerGender = MIN_EPISODES_PER_GENDER, cells: string | null = null): string {
  const g = byCode(by === 'unit' ? 'unit' : 'physician');
  const min = intLit(minPerGender);
  const ok = `(p.women >= ${min} AND p.men >= ${min})`;
  // The selection is counted once, by provider and stratum (mhCountsSql); the providers' women and men (those with
  // a known gender and a length) and the odds ratios are both summed from those counts.
  const counts = 'eq_prov_counts';
  return `WITH ${counts} AS MATERIALIZED ${over90CountsSql(rel, cells, `${g.key}, ${GENDER_STRATA_CODED}`)},
eq_prov AS (
  SELECT ${g.name('gid')} AS id, women, men FROM (
    SELECT ${g.key} AS gid, CAST(sum(a + b) AS BIGINT) AS women, CAST(sum(c + d) AS BIGINT) AS men
    FROM ${counts} WHERE ${g.key} IS NOT NULL GROUP BY 1)
), eq_mh AS (
  ${mhSql(counts, { counted: true, strata: GENDER_STRATA_CODED, group: g })}
)
SELECT p.id, p.women, p.men, ${ok} AS enough,
  CASE WHEN ${ok} THEN m.estimate END AS estimate,
  CASE WHEN ${ok} THEN m.ci_low END AS ci_low,
  CASE WHEN ${ok} THEN m.ci_high END AS ci_high,
  CAST(CASE WHEN ${ok} THEN coalesce(m.women, 0) ELSE 0 END AS BIGINT) AS women_used,
  CAST(CASE WHEN ${ok} THEN coalesce(m.men, 0) ELSE 0 END AS BIGINT) AS men_used,
  CAST(CASE WHEN ${ok} THEN coalesce(m.strata_used, 0) ELSE 0 END AS BIGINT) AS strata_used,
  CASE WHEN ${ok} AND m.ci_low > 1 THEN 'higher' WHEN ${ok} AND m.ci_high < 1 THEN 'lower' END AS differs
FROM eq_prov p LEFT JOIN eq_mh m ON m.grp = p.id
ORDER BY p.id`;
}

/** What the data holds for the adjustment: whether gender, age and diagnosis are known at all. */
export type CoverageRow = {
  total: number;
  known_gender: number;
  known_age: number;
  valid_diagnosis: number;
};

/** How many selected episodes have a known gender, age and a valid diagnosis (to say what the data lacks). */
export function coverageSql(src: EqualitySource): string {
  return `SELECT CAST(coalesce(sum(episodes), 0) AS BIGINT) AS total,
    CAST(${episodesWhere(`${SEXES_BY_CODE.women} OR ${SEXES_BY_CODE.men}`)} AS BIGINT) AS known_gender,
    CAST(${episodesWhere(`age_code IS NOT NULL AND NOT ${inCodesSql('age_band', ['unknown'])}`)} AS BIGINT) AS known_age,
    CAST(${episodesWhere(`group_code IS NOT NULL AND NOT ${inCodesSql('diagnosis_group', ['invalid'])}`)} AS BIGINT) AS valid_diagnosis
  FROM ${countsRel(src)}`;
}

export type { MhRow, KmMedianRow };
