/**
 * The contract's summary (contract section 4): the figures the CLI prints and the overview shows.
 * Every number comes from SQL over the `episodes` and `cert_fact` tables built by Dataset.build().
 */
import { z } from 'zod';
import { dateLit } from '../sql';
import type { Engine } from '../engine/types';
import { queryParts } from '../engine/parts';
import type { Dataset } from '../dataset';
import { LENGTH_BANDS, EXTENSION_REASONS } from './domain';
import { kmMedianSql, mhSql, oeSql, type KmMedianRow, type MhRow, type OeRow } from './stats';
import { certSelectionSql, selectionSql, whereSql, type Filters, NO_FILTERS } from './filters';
import { quarterOf, quarterRange } from '../periods';
import { byCode, codedList, EPISODE_OE_STRATA, nameOfCode, reasonOfCode, SEXES_BY_CODE, type GroupKey } from './dims';

const share = z.number().min(0).max(1).nullable();
const count = z.number().int().min(0);
const oeEntry = z.object({
  id: z.string(), episodes: count, observed_over_90: count, expected_over_90: z.number(),
  ratio: z.number().nullable(), flag: z.enum(['high', 'low']).nullable()
});

/** The CLI's JSON (contract section 4), validated before it is printed. */
export const SummarySchema = z.object({
  input: z.object({
    rows_read: count, rows_accepted: count, rows_rejected: count,
    shape: z.enum(['certificates', 'episodes', 'mixed']),
    duplicates_merged: count, files: z.number().int()
  }),
  as_of: z.string(),
  gap_days: z.number().int(),
  selection: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  episodes: z.object({ total: count, women: count, men: count, unknown_gender: count, ongoing: count }),
  length: z.object({
    median_km_days: z.number().int().nullable(),
    median_km_ci: z.object({ low: z.number().int().nullable(), high: z.number().int().nullable() }),
    over_90_share: share, over_180_share: share, over_365_share: share,
    bands: z.record(z.string(), count)
  }),
  net_days: z.number(),
  waiting: z.object({
    extensions: count, waiting_extensions: count, waiting_net_days: z.number(),
    by_reason: z.record(z.string(), count)
  }),
  gender: z.object({
    median_km_days: z.object({ women: z.number().int().nullable(), men: z.number().int().nullable() }),
    over_90_share: z.object({ women: share, men: share }),
    mh_odds_ratio_over_90: z.object({
      estimate: z.number().nullable(), ci_low: z.number().nullable(), ci_high: z.number().nullable()
    })
  }),
  physicians: z.array(oeEntry),
  units: z.array(oeEntry)
});
export type Summary = z.infer<typeof SummarySchema>;

/** Strata for the gender comparison: diagnosis group × coarse age band. */
export const GENDER_STRATA = `diagnosis_group, age_band`;
export const OVER_90 = 'length_days > 90';

/**
 * `summarizeMany` computes the figures of several selections in the same statement: the selections are stacked
 * (`stackedSelectionSql`, each episode with its selection's index as `period`) and every figure is grouped by
 * `period` as well. A group key of several selections carries the period in its high bits (`perPeriod`) and its
 * name as "period:name".
 */
const PERIOD_SPAN = 4294967296;

/**
 * The episodes of each filter set (or their certificates, `cert_fact`, with `certs`; filters.ts certSelectionSql),
 * with the set's index as `period` (UNION ALL: the selections may overlap).
 */
function stackedSelectionSql(list: Filters[], certs = false): string {
  const select = (f: Filters) => (certs ? certSelectionSql(f) : selectionSql(f));
  const periods = periodsOnly(list);
  if (periods) {
    // Selections that differ only in their periods (the report's quarters): one pass over the rows that may be in any
    // of them, joined with the periods, instead of one pass per selection. An episode is in a period when it starts
    // on or before the period's last day and ends on or after its first (filters.ts whereSql).
    const [start, end] = certs ? ['ep_start_date', 'ep_end_date'] : ['start_date', 'end_date'];
    const values = periods.map((p, i) => `(${i}, ${dateLit(p.from)}, ${dateLit(p.to)})`).join(', ');
    const span = { ...list[0], from: periods.map((p) => p.from).sort()[0], to: periods.map((p) => p.to).sort().pop()! };
    return `(SELECT s.*, p.period FROM ${select(span)} s
  JOIN (VALUES ${values}) p(period, p_from, p_to) ON s.${start} <= p.p_to AND s.${end} >= p.p_from)`;
  }
  return `(${list.map((f, i) => `SELECT *, ${i} AS period FROM ${select(f)}`).join('\nUNION ALL ')})`;
}

/** The periods of selections that differ in nothing else, each with a first and a last day; else null. */
function periodsOnly(list: Filters[]): { from: string; to: string }[] | null {
  if (list.length < 2) return null;
  const rest = (f: Filters) => JSON.stringify({ ...f, from: null, to: null });
  const periods = list.map((f) => (f.from && f.to ? { from: f.from, to: f.to } : null));
  return periods.every((p) => p !== null) && list.every((f) => rest(f) === rest(list[0])) ? (periods as { from: string; to: string }[]) : null;
}

/** The name of the stacked selections shared by `summarizeMany`'s figures, and the columns they read. */
const STACKED = 'sf_periods';
// Codes and numbers only: every column is copied for each stacked episode, and a string column costs several times
// an integer one there (docs/performance.md, fifteenth pass). The gender is tested on its code, and the shape is not
// needed (summaryCountsSql).
const STACKED_COLUMNS = `period, gender_code, age_code, group_code, unit_code, physician_code, length_days, km_days,
  km_event, ongoing, net_days, extensions, waiting_extensions, waiting_net_days`;

/** `key` per period: one BIGINT (NULL when `key` is), named "period:<name of key>". */
function perPeriod(key: GroupKey): GroupKey {
  return {
    key: `(CAST(period AS BIGINT) * ${PERIOD_SPAN} + ${key.key})`,
    name: (k) => `CAST(${k} // ${PERIOD_SPAN} AS VARCHAR) || ':' || ${key.name(`CAST(${k} % ${PERIOD_SPAN} AS INTEGER)`)}`
  };
}

/** "period:name" → [period, name]. */
function splitPeriod(id: string | null): [number, string] {
  const s = String(id);
  const at = s.indexOf(':');
  return [Number(s.slice(0, at)), s.slice(at + 1)];
}

/** O/E per physician or unit, the strata's rates per period (as if each selection were alone). */
function oeByPeriodSql(rel: string, group: 'physician' | 'unit'): string {
  return oeSql(rel, { group: perPeriod(byCode(group)), outcome: OVER_90, strata: `period, ${EPISODE_OE_STRATA}` });
}

function oeByPeriod(rows: OeRow[], periods: number) {
  const out: Summary['physicians'][] = Array.from({ length: periods }, () => []);
  for (const r of rows) {
    const [p, id] = splitPeriod(r.id);
    out[p].push({ id, episodes: r.episodes, observed_over_90: r.observed, expected_over_90: r.expected, ratio: r.ratio, flag: r.flag });
  }
  return out;
}

/**
 * Certificates of the selected episodes (certificate-shape episodes only; call `Dataset.ensureCertFacts` first):
 * the columns of `cert_fact`
 * (docs/data-model.md: episode_id, seq, start_date, end_date, degree, extension_reason, is_extension — every
 * certificate after an episode's first —, is_waiting, net, yq, …) and the episode's `ep_group`, `ep_unit`,
 * `ep_physician`. One join on the integer episode id. The views select a selection's certificates without the join
 * (filters.ts `certSelectionSql`); this join states the definition, and the tests compare the figures with it.
 */
export function selectedCertificatesSql(rel: string): string {
  return `(SELECT c.*, e.diagnosis_group AS ep_group, e.unit AS ep_unit, e.physician AS ep_physician
    FROM cert_fact c JOIN ${rel} e ON e.episode_id = c.episode_id)`;
}

/** The headline figures of a selection (overview, report, CLI). */
export interface Headline {
  total: number; women: number; men: number; unknown_gender: number; ongoing: number;
  over_90: number | null; over_180: number | null; over_365: number | null;
  over_90_women: number | null; over_90_men: number | null; net_days: number;
  median: number | null; median_low: number | null; median_high: number | null;
  [k: string]: number | null;
}

/** Episodes per start quarter and gender ('?' when unknown), ordered by quarter and gender (the overview's chart). */
export function perQuarterGenderSql(rel: string): string {
  return `SELECT ${nameOfCode('start_quarter', 'qc')} AS quarter, coalesce(${nameOfCode('gender', 'sc')}, '?') AS gender, n
  FROM (SELECT quarter_code AS qc, gender_code AS sc, count(*) AS n FROM ${rel} GROUP BY 1, 2)
  ORDER BY 1, 2`;
}

/** The headline counts and shares of `Headline` (all but the median), as select items over a selection. */
const HEADLINE_ITEMS = `count(*) AS total,
      count(*) FILTER (WHERE ${SEXES_BY_CODE.women}) AS women,
      count(*) FILTER (WHERE ${SEXES_BY_CODE.men}) AS men,
      count(*) FILTER (WHERE gender_code IS NULL) AS unknown_gender,
      count(*) FILTER (WHERE ongoing) AS ongoing,
      avg(CASE WHEN length_days > 90 THEN 1.0 ELSE 0.0 END) AS over_90,
      avg(CASE WHEN length_days > 180 THEN 1.0 ELSE 0.0 END) AS over_180,
      avg(CASE WHEN length_days > 365 THEN 1.0 ELSE 0.0 END) AS over_365,
      avg(CASE WHEN length_days > 90 THEN 1.0 ELSE 0.0 END) FILTER (WHERE ${SEXES_BY_CODE.women}) AS over_90_women,
      avg(CASE WHEN length_days > 90 THEN 1.0 ELSE 0.0 END) FILTER (WHERE ${SEXES_BY_CODE.men}) AS over_90_men,
      coalesce(sum(net_days), 0) AS net_days`;

function withMedian<T>(head: T, km: KmMedianRow | undefined) {
  return { ...head, median: km?.median ?? null, median_low: km?.ci_low ?? null, median_high: km?.ci_high ?? null };
}

/**
 * The headline of a selection is asked for as two parts of one statement (engine/parts.ts): its counts and its
 * median. A view may ask for more parts in the same statement; `headlineOf` reads the two answers.
 */
export type HeadlineParts = { head: Headline; km: KmMedianRow };

export function headlineParts(rel: string): { head: string; km: string } {
  return { head: `SELECT ${HEADLINE_ITEMS} FROM ${rel}`, km: kmMedianSql(rel) };
}

export function headlineOf(head: Headline[], km: KmMedianRow[]): Headline {
  if (head.length !== 1) throw new Error('headline: the counts are one row');
  return withMedian(head[0], km[0]);
}

/**
 * `summarize`'s episode counts in one pass over the selection: the headline items, the episodes per length band
 * (`band_1` … in LENGTH_BANDS' order, as `lengthBandSql` assigns them: a NULL length falls in the last band) and the
 * extension totals of the certificate-shape episodes.
 */
function summaryCountsSql(rel: string, byPeriod: boolean): string {
  const bands = LENGTH_BANDS.map((b, i) => {
    const lo = i === 0 ? null : LENGTH_BANDS[i - 1].hi;
    const cond = b.hi === null ? `coalesce(length_days > ${lo}, true)` : lo === null ? `length_days <= ${b.hi}` : `length_days > ${lo} AND length_days <= ${b.hi}`;
    return `count(*) FILTER (WHERE ${cond}) AS band_${i + 1}`;
  }).join(',\n      ');
  // The extension totals are those of the certificate-shape episodes: an episode-shape row has 0 extensions, 0 waiting
  // extensions and 0.0 waiting net days (episodes.ts), so summing every row gives the same, without testing the shape.
  return `SELECT ${byPeriod ? 'period, ' : ''}${HEADLINE_ITEMS},
      ${bands},
      CAST(coalesce(sum(extensions), 0) AS BIGINT) AS extensions,
      CAST(coalesce(sum(waiting_extensions), 0) AS BIGINT) AS waiting_extensions,
      CAST(coalesce(sum(waiting_net_days), 0) AS DOUBLE) AS waiting_net_days
    FROM ${rel}${byPeriod ? ' GROUP BY period' : ''}`;
}

/**
 * `cert_reason_cube`, written with cert_fact (episodes.ts): the extension certificates counted by their episode's
 * first and last quarter (`sq`, `eq`, as year × 10 + quarter) and the episode's unit, diagnosis group, gender and age
 * band codes, and their reason code (NULL when blank). An episode is in a calendar quarter when it starts in or before
 * it and ends in or after it, so the certificates of a selection whose period is a whole quarter (or none) and which
 * chooses no physician are a sum of these cells: about a tenth of the rows of cert_fact.
 */
export const CERT_REASON_CUBE_SQL = `CREATE OR REPLACE TABLE cert_reason_cube AS
SELECT CAST(year(ep_start_date) * 10 + quarter(ep_start_date) AS INTEGER) AS sq,
  CAST(year(ep_end_date) * 10 + quarter(ep_end_date) AS INTEGER) AS eq,
  unit_code, group_code, gender_code, age_code, reason_code, count(*) AS n
FROM cert_fact WHERE is_extension GROUP BY ALL ORDER BY ALL;`;

/** The quarter (year × 10 + quarter) a selection's period is, 0 when it has none; null when it is not one quarter. */
function wholeQuarter(f: Filters): number | null {
  if (!f.from && !f.to) return 0;
  if (!f.from || !f.to) return null;
  const q = quarterOf(f.from);
  const r = quarterRange(q);
  return r.from === f.from && r.to === f.to ? Number(q.slice(0, 4)) * 10 + Number(q.slice(6)) : null;
}

/**
 * Extension certificates by reason per selection (`period` = its index; reason 'none' when blank): summed from
 * `cert_reason_cube` when no selection chooses a physician and each period is a whole quarter or none, else counted
 * from the selections' certificates (the same counts: tests/unit/summary.test.ts).
 */
export function reasonsSql(list: Filters[], opts: { fromCube?: boolean } = {}): string {
  const quarters = list.map(wholeQuarter);
  const usable = list.every((f, i) => f.physicians.length === 0 && quarters[i] !== null);
  const fromCube = opts.fromCube ?? usable;
  if (fromCube && !usable) throw new Error('cert_reason_cube has no physician and whole quarters only');
  const counted = fromCube
    ? list.map((f, i) => `SELECT ${i} AS period, reason_code AS rc, sum(n) AS n FROM cert_reason_cube
        WHERE ${whereSql({ ...f, from: null, to: null })}${quarters[i] ? ` AND sq <= ${quarters[i]} AND eq >= ${quarters[i]}` : ''}
        GROUP BY ALL`).join('\n      UNION ALL ')
    : `SELECT period, reason_code AS rc, count(*) AS n FROM ${stackedSelectionSql(list, true)} WHERE is_extension GROUP BY 1, 2`;
  return `SELECT period, coalesce(${reasonOfCode('rc')}, 'none') AS reason, CAST(n AS BIGINT) AS n FROM (
      ${counted})`;
}

/**
 * Kaplan–Meier medians of each period's whole selection (name 'all') and of its women ('K') and men ('M'), in one
 * statement; groups named "period:all", "period:K", "period:M".
 */
function kmAllAndGenderSql(rel: string): string {
  // The episodes counted once by period, gender and time; the whole selection's counts are the sums over genders.
  const group = perPeriod({ key: 'km_g', name: (k) => `CASE WHEN ${k} = 0 THEN 'all' ELSE ${nameOfCode('gender', k)} END` });
  const counts = `(WITH c AS (
    SELECT period, gender_code, CAST(km_days AS INTEGER) AS t, count(*) FILTER (WHERE km_event) AS e,
      count(*) FILTER (WHERE NOT km_event) AS c
    FROM ${rel} WHERE km_days IS NOT NULL AND km_event IS NOT NULL GROUP BY ALL
  )
  SELECT ${group.key} AS gk, t, CAST(sum(e) AS BIGINT) AS n_event, CAST(sum(c) AS BIGINT) AS n_censored FROM (
    SELECT period, 0 AS km_g, t, e, c FROM c UNION ALL SELECT period, gender_code, t, e, c FROM c WHERE gender_code IS NOT NULL
  ) GROUP BY ALL)`;
  return kmMedianSql({ counts }, { group });
}

/**
 * The headline figures for a selection (the CLI's JSON). `engine` defaults to the dataset's; a view passes its
 * run's engine so that a superseded run stops (src/lib/engine/scoped.ts).
 */
export async function summarize(ds: Dataset, filters: Filters = NO_FILTERS, engine: Engine = ds.engine): Promise<Summary> {
  return (await summarizeMany(ds, [filters], engine))[0];
}

type SummaryCounts = Headline & { extensions: number; waiting_extensions: number; waiting_net_days: number; period?: number };

/**
 * `summarize` for several selections at once (the quarterly report's three quarters): the same figures as one call
 * per selection, from one statement in all instead of six per selection (each statement has a fixed cost in the
 * tab; engine/parts.ts). Every figure is grouped by the selection (`period`); the O/E strata's rates are per selection.
 */
export async function summarizeMany(ds: Dataset, list: Filters[], engine: Engine = ds.engine): Promise<Summary[]> {
  if (!ds.built) throw new Error('build() the dataset first');
  // The selections' episodes are stacked once per statement, with the columns the figures read (a shared relation,
  // engine/parts.ts), instead of once per figure.
  const rel = STACKED;

  // One statement: the counts in one pass, the three medians, Mantel–Haenszel, the extensions by reason and O/E per
  // physician and per unit. A selection without episodes has no row in the grouped counts; its counts come from the
  // same items over nothing (zeros and NULL shares). Extensions, waiting extensions and their net days are per-episode
  // columns (episodes.ts, counted above); only the split by reason reads the certificates.
  await ds.ensureCertFacts();
  const r = await queryParts<{ counts: SummaryCounts; empty: SummaryCounts; kms: KmMedianRow; mh: MhRow;
    reasons: { period: number; reason: string; n: number }; physicians: OeRow; units: OeRow }>(engine, {
    with: { [STACKED]: `SELECT ${STACKED_COLUMNS} FROM ${stackedSelectionSql(list)}` },
    parts: {
      counts: summaryCountsSql(rel, true),
      empty: summaryCountsSql('(SELECT * FROM episodes WHERE FALSE)', false),
      kms: kmAllAndGenderSql(rel),
      mh: mhSql(rel, {
        outcome: OVER_90, strata: codedList(GENDER_STRATA), sexes: SEXES_BY_CODE,
        group: { key: 'period', name: (k) => `CAST(${k} AS VARCHAR)` }
      }),
      reasons: reasonsSql(list),
      physicians: oeByPeriodSql(rel, 'physician'),
      units: oeByPeriodSql(rel, 'unit')
    }
  });
  const { counts: countRows, kms, mh, reasons: reasonRows } = r;
  const empty = r.empty[0];
  const physicians = oeByPeriod(r.physicians, list.length);
  const units = oeByPeriod(r.units, list.length);

  const files = ds.files;
  const shapes = ds.shapes;
  const input = {
    rows_read: files.reduce((a, f) => a + f.rowsRead, 0),
    rows_accepted: files.reduce((a, f) => a + f.rowsAccepted, 0),
    rows_rejected: files.reduce((a, f) => a + f.rowsRejected, 0),
    shape: shapes.length === 1 ? shapes[0] : shapes.length === 0 ? 'certificates' as const : 'mixed' as const,
    duplicates_merged: files.reduce((a, f) => a + f.duplicates, 0),
    files: files.length
  };
  return list.map((filters, p) => {
    const counts = countRows.find((c) => Number(c.period) === p) ?? empty;
    const km = (name: string) => kms.find((r) => r.grp === `${p}:${name}`);
    const head = withMedian(counts, km('all'));
    const bands: Record<string, number> = {};
    LENGTH_BANDS.forEach((b, i) => { bands[b.id] = Number(counts[`band_${i + 1}`] ?? 0); });
    const by_reason: Record<string, number> = {};
    for (const code of [...EXTENSION_REASONS, 'unknown', 'none']) {
      by_reason[code] = reasonRows.find((r) => Number(r.period) === p && r.reason === code)?.n ?? 0;
    }
    const m = mh.find((r) => r.grp === String(p));
    const summary: Summary = {
      input,
      as_of: ds.built!.asOf,
      gap_days: ds.built!.gap,
      selection: { from: filters.from, to: filters.to },
      episodes: {
        total: head.total ?? 0, women: head.women ?? 0, men: head.men ?? 0,
        unknown_gender: head.unknown_gender ?? 0, ongoing: head.ongoing ?? 0
      },
      length: {
        median_km_days: head.median,
        median_km_ci: { low: head.median_low, high: head.median_high },
        over_90_share: head.over_90, over_180_share: head.over_180, over_365_share: head.over_365,
        bands
      },
      net_days: head.net_days ?? 0,
      waiting: {
        extensions: counts.extensions, waiting_extensions: counts.waiting_extensions,
        waiting_net_days: counts.waiting_net_days ?? 0, by_reason
      },
      gender: {
        median_km_days: { women: km('K')?.median ?? null, men: km('M')?.median ?? null },
        over_90_share: { women: head.over_90_women, men: head.over_90_men },
        mh_odds_ratio_over_90: { estimate: m?.estimate ?? null, ci_low: m?.ci_low ?? null, ci_high: m?.ci_high ?? null }
      },
      physicians: physicians[p],
      units: units[p]
    };
    return SummarySchema.parse(summary);
  });
}
