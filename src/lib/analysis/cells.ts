/**
 * `episode_cells`: the episodes counted once per build by start quarter, unit, physician, diagnosis group, gender
 * and coarse age band (the codes of dims.ts), with the sums the equality view and the per-physician and per-unit
 * tables count from a selection (docs/data-model.md). At a million certificates it holds about 85 000 cells for
 * 400 000 episodes, so a figure that counts the selection by these keys, or coarser ones, sums a fifth as many rows
 * as it would group episodes, of integers only (docs/performance.md, eighth pass).
 *
 * Every filter but the period tests these keys, so a selection without a period is a filter on the cells
 * (`cellsSelectionSql`). A period selects episodes by their dates, which the cells do not keep: with a period, the
 * figures count the episodes as before. The FMB columns depend on the FMB table in use, so the cells are written
 * on first use after a build or a change of the FMB table (`Dataset.ensureCells`, `Dataset.installFmb`).
 *
 * The figures from the cells equal those from the episodes (tests/unit/cells.test.ts): counts are sums of counts,
 * and the net days, multiples of a quarter day, add up exactly in any order.
 */
import { fmbEpisodesSql } from './fmb';
import { whereSql, type Filters } from './filters';

export const CELLS_TABLE = 'episode_cells';

/** The keys of a cell: the codes of the columns every filter but the period tests. */
export const CELL_KEYS = 'quarter_code, unit_code, physician_code, group_code, gender_code, age_code';

/** SQL that writes `episode_cells` from `episodes` and the FMB table in use (both must exist). */
export const CELLS_SQL = `CREATE OR REPLACE TABLE ${CELLS_TABLE} AS
SELECT ${CELL_KEYS},
  count(*) AS n,
  count(length_days) AS with_length,
  count(*) FILTER (WHERE length_days > 90) AS over_90,
  count(*) FILTER (WHERE length_days > 180) AS over_180,
  count(*) FILTER (WHERE degree < 100) AS part_time,
  count(degree) AS with_degree,
  sum(net_days) AS net_days,
  count(net_days) AS with_net,
  count(over_fmb) AS fmb_matched,
  count(*) FILTER (WHERE over_fmb) AS over_fmb
FROM ${fmbEpisodesSql('episodes')}
GROUP BY ALL
ORDER BY ${CELL_KEYS}`;

/**
 * The cells of the episodes `f` selects, as a parenthesised relation with the columns of `episode_cells`; null when
 * `f` has a period (the cells cannot tell which episodes fall in it: count the episodes instead).
 */
export function cellsSelectionSql(f: Filters): string | null {
  if (f.from || f.to) return null;
  return `(SELECT * FROM ${CELLS_TABLE} WHERE ${whereSql(f)})`;
}

/**
 * An outcome over the cells: `n`, the column of the episodes whose outcome is known, and `k`, those with it (the
 * counts `count(*) FILTER (WHERE (y) IS NOT NULL)` and `count(*) FILTER (WHERE (y))` of an episode relation).
 */
export type CellOutcome = { n: string; k: string };

/** Episodes longer than 90 days, over the cells. */
export const CELLS_OVER_90: CellOutcome = { n: 'with_length', k: 'over_90' };
