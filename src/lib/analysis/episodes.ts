/**
 * Episodes from certificates, by the national tools' rules (domain.md):
 * - per patient, certificates sorted by start; a certificate starts a new episode when
 *   start > (latest end so far) + gap + 1;
 * - length = distinct calendar days covered (gaps not counted, overlaps once);
 * - gender, unit, physician, diagnosis and current degree from the LAST certificate; age = max.
 * Episode files (shape B) are taken as they are. Each certificate's new days (those not covered by an earlier
 * certificate of the patient) follow from the latest end before it, which the first window pass computes.
 *
 * Built for a million certificates (issue 7): duplicates are first looked for by counting hashes, and only
 * when there are some are the rows flagged and a de-duplicated copy made (otherwise `certificates` is a view of
 * the accepted rows); the window passes sort the certificates' keys only, and their results are stored once
 * (`cert_ep_keys`) in the certificates' own order, so that `cert_ep_all` is a view joining the two by position; the
 * episode attributes of the last certificate are picked with a flag computed in the same window pass, and the
 * certificates are grouped into episodes on one integer (`ep_key`).
 *
 * For filter changes (issue 7), the same aggregate keeps per-episode extension, waiting-extension and referral
 * counts, and `cert_fact` keeps each certificate's facts under its integer episode_id (docs/data-model.md), so
 * that no view has to join the million certificates to the episodes on (patient, ep_no) again. `cert_fact` is
 * written when a figure first needs it (`Dataset.ensureCertFacts`): the join costs about a second in the browser
 * at a million rows, which a load should not wait for.
 */
import { ageBandSql, certClassCodeSql, diagnosisGroupSql, isWaitingReasonSql, lengthBandNoSql } from './domain';
import { FMB_DIAGNOSES_SQL } from './fmb';
import { CERT_CUBE_SQL, WAIT_CELLS_SQL, waitTablesSql } from './waiting';
import { CERT_REASON_CUBE_SQL } from './summary';
import { codeColumnsSql, dimTablesSql, reasonCodeSql } from './dims';
import { dateLit, intLit } from '../sql';

export interface BuildOptions {
  gap: number;
  asOf: string;
}

export const DEFAULT_GAP = 5;

/** The order `episodes` is numbered (episode_id) and stored in, as an ORDER BY list of the columns of `alias`. */
export function episodeOrderSql(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `year(${a}start_date), quarter(${a}start_date), ${a}unit, ${a}physician, ${a}shape, ${a}patient, ${a}start_date`;
}

export function buildEpisodesSql(o: { gap: number; asOf?: string | null }) {
  if (!Number.isInteger(o.gap) || o.gap < 0 || o.gap > 90) throw new Error(`gap must be 0–90 days, got ${o.gap}`);
  const gap = intLit(o.gap);
  const asOf = o.asOf ? dateLit(o.asOf) : 'NULL';
  const isWaiting = isWaitingReasonSql('extension_reason');
  const codes = codeColumnsSql('x');
  // A certificate's (c) first day not covered by an earlier certificate of the patient, whose latest end is prevMax.
  const newFrom = (prevMax: string) => `greatest(c.start_date, coalesce(${prevMax} + 1, c.start_date))`;

  // A row occurring twice counts once: same certificate id, or the same patient, dates, degree and physician
  // (`same`, the key of both the check and the de-duplication).
  // Whether there is any is asked of the values' hashes (integers, counted about twice as fast as the strings):
  // distinct hashes mean distinct values, and two values with one hash, however unlikely, only send the rows to the
  // exact de-duplication below, which finds no duplicate then. NULLs hash alike, as PARTITION BY puts them together.
  const same = 'patient, start_date, end_date, degree, physician';
  const duplicateCheck = `
SELECT
  (SELECT count(DISTINCT hash(certificate_id)) FILTER (WHERE certificate_id IS NOT NULL) < count(certificate_id) FROM cert_rows)
  OR (SELECT count(DISTINCT hash(${same})) < count(*) FROM cert_rows) AS certificates,
  (SELECT count(DISTINCT hash(${same})) < count(*) FROM episode_rows) AS episodes`;
  /** The de-duplication, given which kinds of rows have duplicates (from duplicateCheck). */
  const dedupe = (has: { certificates: boolean; episodes: boolean }) => `
${has.certificates ? `
CREATE OR REPLACE TABLE cert_dups AS
  SELECT file_id, rec,
    (certificate_id IS NOT NULL AND row_number() OVER (PARTITION BY certificate_id ORDER BY file_id, rec) > 1)
    OR row_number() OVER (PARTITION BY ${same} ORDER BY file_id, rec) > 1 AS dup
  FROM cert_rows;
CREATE OR REPLACE TABLE cert_dedup AS
  SELECT c.* FROM cert_rows c ANTI JOIN (SELECT file_id, rec FROM cert_dups WHERE dup) d USING (file_id, rec)
  ORDER BY file_id, rec;
CREATE OR REPLACE VIEW certificates AS SELECT * FROM cert_dedup;` : `
CREATE OR REPLACE TABLE cert_dups (file_id INTEGER, rec INTEGER, dup BOOLEAN);
CREATE OR REPLACE VIEW certificates AS SELECT * FROM cert_rows;
DROP TABLE IF EXISTS cert_dedup;`}
${has.episodes ? `
CREATE OR REPLACE TABLE ep_dups AS
  SELECT file_id, rec,
    row_number() OVER (PARTITION BY ${same} ORDER BY file_id, rec) > 1 AS dup
  FROM episode_rows;
CREATE OR REPLACE TABLE episode_dedup AS
  SELECT e.* FROM episode_rows e ANTI JOIN (SELECT file_id, rec FROM ep_dups WHERE dup) d USING (file_id, rec);
CREATE OR REPLACE VIEW episode_input AS SELECT * FROM episode_dedup;` : `
CREATE OR REPLACE TABLE ep_dups (file_id INTEGER, rec INTEGER, dup BOOLEAN);
CREATE OR REPLACE VIEW episode_input AS SELECT * FROM episode_rows;
DROP TABLE IF EXISTS episode_dedup;`}`;

  const duplicateCounts = `
SELECT file_id, CAST(count(*) AS INTEGER) AS n FROM (
  SELECT file_id FROM cert_dups WHERE dup UNION ALL SELECT file_id FROM ep_dups WHERE dup) GROUP BY file_id`;

  const defaultAsOf = `
SELECT strftime(max(d), '%Y-%m-%d') AS d FROM (
  SELECT max(start_date) AS d FROM certificates UNION ALL SELECT max(start_date) FROM episode_input)`;

  // The certificates' places in their episodes are worked out on their keys only (`cert_ep_keys`: two window passes
  // over the patient's certificates, which then sort a few integers per row instead of every certificate column),
  // and stored in the certificates' own order (file_id, rec). `cert_ep_all` puts them next to the certificates by
  // position (POSITIONAL JOIN, no hash join): both relations list the same rows in the same order. Should that ever
  // not hold, `ep_key` raises an error rather than give a wrong episode. is_last marks an episode's last
  // certificate, ep_key names the episode by its first certificate's (file_id, rec); `cert_ep` shows the view
  // without them (docs/data-model.md). `episodes` is numbered, and so stored, in start-quarter, unit, physician
  // order (episodeOrderSql): a filter on a period, a unit or a physician then reads runs of rows, which DuckDB's zone
  // maps skip or scan cheaply (docs/performance.md). Nothing depends on that order but speed. The rows are sorted
  // once and numbered as they come (row_number() OVER () keeps its input's order): a third faster than numbering
  // them by a window with that ORDER BY, which sorts every column of the episodes too.
  const episodes = `
CREATE OR REPLACE TABLE cert_ep_keys AS
WITH w AS (
  SELECT patient, file_id, rec, start_date,
    row_number() OVER p AS seq,
    max(end_date) OVER (p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
  FROM certificates
  WINDOW p AS (PARTITION BY patient ORDER BY start_date, end_date, file_id, rec)
), s AS (
  SELECT *, CASE WHEN prev_max IS NULL OR start_date > prev_max + ${gap} + 1 THEN 1 ELSE 0 END AS new_ep
  FROM w
)
SELECT file_id, rec, seq, prev_max, new_ep,
  sum(new_ep) OVER q AS ep_no,
  coalesce(lead(new_ep) OVER q, 1) = 1 AS is_last,
  last_value(CASE WHEN new_ep = 1 THEN CAST(file_id AS BIGINT) * 4294967296 + rec END IGNORE NULLS) OVER q AS ep_key
FROM s
WINDOW q AS (PARTITION BY patient ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY file_id, rec;
CREATE OR REPLACE VIEW cert_ep_all AS
SELECT c.*, k.seq, k.prev_max, k.new_ep,
  greatest(0, date_diff('day', ${newFrom('k.prev_max')}, c.end_date) + 1) AS new_days,
  greatest(0, date_diff('day', ${newFrom('k.prev_max')}, least(c.end_date, ${asOf})) + 1) AS new_days_asof,
  k.ep_no, k.is_last,
  CASE WHEN k.file_id = c.file_id AND k.rec = c.rec THEN k.ep_key
    ELSE error('cert_ep_all: the certificates and their episode keys are not in the same order') END AS ep_key
FROM certificates c POSITIONAL JOIN cert_ep_keys k;
CREATE OR REPLACE VIEW cert_ep AS SELECT * EXCLUDE (is_last, ep_key) FROM cert_ep_all;
${dimTablesSql(`(SELECT unit, physician, diagnosis FROM cert_ep_all WHERE is_last
  UNION ALL SELECT unit, physician, diagnosis FROM episode_input)`)}
-- DuckDB gives the certificates' POSITIONAL JOIN (cert_ep_all) no size estimate (0 rows): with the optimiser's choice
-- of the hash tables' side on, the joins with the dimension tables below would be built on the episodes. Off for this
-- statement, as for cert_fact's join, so that they are built on the dimension tables, as written.
SET disabled_optimizers = 'build_side_probe_side';
CREATE OR REPLACE TABLE episodes AS
WITH from_certs AS (
  SELECT any_value(patient) AS patient, any_value(ep_no) AS ep_no,
    min(start_date) AS start_date,
    max(end_date) AS end_date,
    CAST(sum(new_days) AS INTEGER) AS length_days,
    CAST(sum(new_days_asof) AS INTEGER) AS km_days,
    max(end_date) < ${asOf} AS km_event,
    any_value(gender) FILTER (WHERE is_last) AS gender,
    max(age) AS age,
    any_value(unit) FILTER (WHERE is_last) AS unit,
    any_value(physician) FILTER (WHERE is_last) AS physician,
    any_value(diagnosis) FILTER (WHERE is_last) AS diagnosis,
    any_value(degree) FILTER (WHERE is_last) AS degree,
    CAST(count(*) AS INTEGER) AS n_certificates,
    sum((date_diff('day', start_date, end_date) + 1) * degree / 100.0) AS net_days,
    CAST(count(*) - 1 AS INTEGER) AS extensions,
    CAST(count(*) FILTER (WHERE new_ep = 0 AND ${isWaiting}) AS INTEGER) AS waiting_extensions,
    coalesce(sum((date_diff('day', start_date, end_date) + 1) * degree / 100.0) FILTER (WHERE new_ep = 0 AND ${isWaiting}), 0) AS waiting_net_days,
    CAST(count(referral_date) AS INTEGER) AS referrals,
    CAST(count(extension_reason) AS INTEGER) AS reasons,
    ${certClassCodeSql('count(*)')} AS cert_class_code,
    'certificates' AS shape
  FROM cert_ep_all GROUP BY ep_key
), from_episodes AS (
  SELECT patient, CAST(rec AS BIGINT) AS ep_no, start_date,
    coalesce(end_date, start_date + CAST(coalesce(length, date_diff('day', start_date, ${asOf}) + 1) - 1 AS INTEGER)) AS end_date,
    CAST(coalesce(length, date_diff('day', start_date, coalesce(end_date, ${asOf})) + 1) AS INTEGER) AS length_days,
    CAST(greatest(0, least(coalesce(length, date_diff('day', start_date, coalesce(end_date, ${asOf})) + 1),
      date_diff('day', start_date, ${asOf}) + 1)) AS INTEGER) AS km_days,
    end_date IS NOT NULL AND end_date < ${asOf} AS km_event,
    gender, age, unit, physician, diagnosis, degree,
    CAST(coalesce(certificates, 1) AS INTEGER) AS n_certificates,
    coalesce(length, date_diff('day', start_date, coalesce(end_date, ${asOf})) + 1) * coalesce(degree, 100) / 100.0 AS net_days,
    -- No extensions in an episode-shape row: summary.ts sums these three over every episode as the certificate-shape
    -- episodes' totals.
    0 AS extensions, 0 AS waiting_extensions, 0.0 AS waiting_net_days, CAST(referral_date IS NOT NULL AS INTEGER) AS referrals,
    0 AS reasons,
    -- A row without a certificate count is in the class 'unknown' (NULL), not 1.
    ${certClassCodeSql('certificates')} AS cert_class_code,
    'episodes' AS shape
  FROM episode_input
), x AS (
  SELECT e.*,
    NOT km_event AS ongoing,
    ${ageBandSql('age')} AS age_band,
    ${diagnosisGroupSql('diagnosis')} AS diagnosis_group,
    CAST(${lengthBandNoSql('length_days')} AS TINYINT) AS band_code,
    strftime(start_date, '%Y') || '-Q' || CAST(quarter(start_date) AS VARCHAR) AS start_quarter
  FROM (SELECT * FROM from_certs UNION ALL BY NAME SELECT * FROM from_episodes) e
)
SELECT CAST(row_number() OVER () AS INTEGER) AS episode_id, * FROM (
  SELECT x.*,
    ${codes.columns}
  FROM x
  ${codes.joins}
  ORDER BY ${episodeOrderSql('x')}
);
RESET disabled_optimizers;
${FMB_DIAGNOSES_SQL}
DROP TABLE IF EXISTS cert_fact;
DROP TABLE IF EXISTS cert_waits;
DROP TABLE IF EXISTS cert_wait_segments;
DROP TABLE IF EXISTS cert_cube;
DROP TABLE IF EXISTS cert_reason_cube;
DROP TABLE IF EXISTS wait_physician_cells;
DROP TABLE IF EXISTS wait_km_cells;
DROP TABLE IF EXISTS wait_rows;
DROP TABLE IF EXISTS wait_days;`;

  // Written on first use (Dataset.ensureCertFacts), not by the build: the overview does not need it.
  const certFacts = `
-- Every certificate has its episode, so the LEFT JOIN is an inner one; it is written so, with the optimiser's choice
-- of the hash table's side turned off for it, so that the table is built on the episodes: DuckDB gives the
-- certificates' POSITIONAL JOIN (cert_ep_all) no size estimate, and would build it on the million certificates.
SET disabled_optimizers = 'build_side_probe_side';
CREATE OR REPLACE TABLE cert_fact AS
SELECT e.episode_id, c.seq, c.start_date, c.end_date, c.degree, c.extension_reason,
  ${reasonCodeSql('c.extension_reason')} AS reason_code,
  c.new_ep = 0 AS is_extension,
  c.new_ep = 0 AND ${isWaiting} AS is_waiting,
  (date_diff('day', c.start_date, c.end_date) + 1) * c.degree / 100.0 AS net,
  CAST(year(c.start_date) * 10 + quarter(c.start_date) AS INTEGER) AS yq,
  ${newFrom('c.prev_max')} AS new_from,
  c.referral_date, c.care_start_date, c.waiting_cause,
  -- The episode's columns that the filters test (filters.ts certSelectionSql): a selection's certificates are then
  -- a filter on this table, not a join with the selected episodes.
  e.start_date AS ep_start_date, e.end_date AS ep_end_date, e.unit_code, e.physician_code, e.group_code,
  e.gender_code, e.age_code
FROM cert_ep_all c LEFT JOIN episodes e ON e.shape = 'certificates' AND e.patient = c.patient AND e.ep_no = c.ep_no;
RESET disabled_optimizers;
-- The waits of the certificates (waiting.ts): one row per episode and referral date, with the care start and cause
-- of its last certificate; and the covered day segments of the episodes that have one. About a tenth of the rows of
-- cert_fact: a selection's waits are then a join of these with the selected episodes, not two scans of cert_fact.
CREATE OR REPLACE TABLE cert_waits AS
SELECT episode_id, referral_date, arg_max(care_start_date, seq) AS care_start_date, arg_max(waiting_cause, seq) AS cause
FROM cert_fact WHERE referral_date IS NOT NULL
GROUP BY episode_id, referral_date;
CREATE OR REPLACE TABLE cert_wait_segments AS
SELECT episode_id, new_from AS s, end_date AS e FROM cert_fact
WHERE new_from <= end_date AND episode_id IN (SELECT episode_id FROM cert_waits);
${CERT_CUBE_SQL}
${CERT_REASON_CUBE_SQL}
${WAIT_CELLS_SQL}
${o.asOf ? waitTablesSql(o.asOf) : 'DROP TABLE IF EXISTS wait_rows; DROP TABLE IF EXISTS wait_days;'}`;

  return { duplicateCheck, dedupe, duplicateCounts, defaultAsOf, episodes, certFacts };
}
