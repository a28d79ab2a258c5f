/** Episodes by the national tools' merge rule (domain.md), from certificate and episode files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NodeEngine } from '../../src/lib/engine/node';
import { queryOne, queryRows } from '../../src/lib/engine/rows';
import { Dataset } from '../../src/lib/dataset';
import { fileFromPath } from '../../src/lib/node-input';
import { summarize } from '../../src/lib/analysis/summary';
import { buildEpisodesSql } from '../../src/lib/analysis/episodes';
import { bytesInput, SAMPLES } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

describe('merge rule', () => {
  let engine: NodeEngine;
  let ds: Dataset;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    ds = new Dataset(engine, 'salt');
    await ds.addFile(bytesInput('gap.csv', enc([
      'patient_id,start_date,end_date,degree,physician,diagnosis',
      // A: a 5-day gap (01-11..01-15) merges: 10 + 10 = 20 days
      'A,2025-01-01,2025-01-10,100,D1,F43.2',
      'A,2025-01-16,2025-01-25,50,D2,F43.8A',
      // B: a 6-day gap (01-11..01-16) splits
      'B,2025-01-01,2025-01-10,100,D1,M54.5',
      'B,2025-01-17,2025-01-26,100,D1,M54.5',
      // C: overlapping and contained periods count each day once: 01-01..01-20 ∪ 01-05..01-10 ∪ 01-15..01-31 = 31
      'C,2025-01-01,2025-01-20,100,D1,J06.9',
      'C,2025-01-05,2025-01-10,50,D1,J06.9',
      'C,2025-01-15,2025-01-31,25,D3,J11',
      // D: the gap is measured from the latest end so far (03-31), not the previous row's end (03-05):
      // 04-05 is a 4-day gap after 03-31 → one episode of 31 + 6 = 37 days
      'D,2025-03-01,2025-03-31,100,D1,S52.5',
      'D,2025-03-02,2025-03-05,100,D1,S52.5',
      'D,2025-04-05,2025-04-10,100,D1,S52.5'
    ].join('\n') + '\n')));
  });
  afterAll(() => engine.close());

  const episodes = async () => queryRows<{ patient: string; start_date: string; end_date: string; length_days: number; n_certificates: number; physician: string; diagnosis: string; degree: number }>(
    engine, `SELECT patient, start_date, end_date, length_days, n_certificates, physician, diagnosis, degree FROM episodes ORDER BY patient, start_date`);

  it('gap 5: a 5-day gap merges, a 6-day gap splits; overlaps once; attributes from the last certificate', async () => {
    await ds.build({ gap: 5, asOf: '2025-06-30' });
    expect(await episodes()).toEqual([
      { patient: 'A', start_date: '2025-01-01', end_date: '2025-01-25', length_days: 20, n_certificates: 2, physician: 'D2', diagnosis: 'F43.8A', degree: 50 },
      { patient: 'B', start_date: '2025-01-01', end_date: '2025-01-10', length_days: 10, n_certificates: 1, physician: 'D1', diagnosis: 'M54.5', degree: 100 },
      { patient: 'B', start_date: '2025-01-17', end_date: '2025-01-26', length_days: 10, n_certificates: 1, physician: 'D1', diagnosis: 'M54.5', degree: 100 },
      { patient: 'C', start_date: '2025-01-01', end_date: '2025-01-31', length_days: 31, n_certificates: 3, physician: 'D3', diagnosis: 'J11', degree: 25 },
      { patient: 'D', start_date: '2025-03-01', end_date: '2025-04-10', length_days: 37, n_certificates: 3, physician: 'D1', diagnosis: 'S52.5', degree: 100 }
    ]);
  });

  it('gap 6 merges B; gap 0 splits A; gap 5 again gives the first answer', async () => {
    await ds.build({ gap: 6, asOf: '2025-06-30' });
    expect((await episodes()).filter((e) => e.patient === 'B')).toEqual([
      expect.objectContaining({ length_days: 20, n_certificates: 2 })
    ]);
    await ds.build({ gap: 0, asOf: '2025-06-30' });
    expect((await episodes()).filter((e) => e.patient === 'A')).toHaveLength(2);
    await ds.build({ gap: 5, asOf: '2025-06-30' });
    expect((await episodes()).filter((e) => e.patient === 'A')).toHaveLength(1);
  });

  it('cert_ep_all puts each certificate next to its own episode keys, and refuses to answer when they are out of line', async () => {
    await ds.build({ gap: 5, asOf: '2025-06-30' });
    const rows = await queryRows<{ patient: string; rec: number; seq: number; ep_no: number; is_last: boolean; first_rec: number }>(engine,
      `SELECT patient, rec, seq, ep_no, is_last, CAST(ep_key % 4294967296 AS INTEGER) AS first_rec FROM cert_ep_all WHERE patient = 'D' ORDER BY seq`);
    // D's rows are records 8, 9, 10 of the file; sorted by start: 8 (03-01), 9 (03-02), 10 (04-05), one episode from 8
    expect(rows).toEqual([
      { patient: 'D', rec: 8, seq: 1, ep_no: 1, is_last: false, first_rec: 8 },
      { patient: 'D', rec: 9, seq: 2, ep_no: 1, is_last: false, first_rec: 8 },
      { patient: 'D', rec: 10, seq: 3, ep_no: 1, is_last: true, first_rec: 8 }
    ]);
    // The keys one row out of line (as if the two orders differed): reading the episode key raises an error.
    await engine.query(`CREATE TEMP TABLE keys_copy AS SELECT * FROM cert_ep_keys;
      DELETE FROM cert_ep_keys WHERE rec = (SELECT min(rec) FROM cert_ep_keys)`);
    await expect(engine.query(`SELECT count(ep_key) FROM cert_ep_all`)).rejects.toThrow(/not in the same order/);
    await engine.query(`DELETE FROM cert_ep_keys; INSERT INTO cert_ep_keys SELECT * FROM keys_copy; DROP TABLE keys_copy`);
    expect(await queryRows(engine, `SELECT count(ep_key) AS n FROM cert_ep_all`)).toEqual([{ n: 10 }]);
  });

  it('a build statement that fails after turning an optimiser off leaves it on again', async () => {
    await ds.build({ gap: 5, asOf: '2025-06-30' });
    const setting = async () => (await queryRows<{ s: string }>(engine, `SELECT current_setting('disabled_optimizers') AS s`))[0].s;
    expect(await setting()).toBe('');
    // cert_fact's statement runs with the build-side optimiser off; without the episodes table it fails.
    await engine.query(`ALTER TABLE episodes RENAME TO episodes_away`);
    await expect(ds.ensureCertFacts()).rejects.toThrow(/episodes/);
    expect(await setting()).toBe('');
    await engine.query(`ALTER TABLE episodes_away RENAME TO episodes`);
    await ds.ensureCertFacts();
    expect(await setting()).toBe('');
  });

  it('refuses a gap outside 0–90', async () => {
    await expect(ds.build({ gap: 91 })).rejects.toThrow();
  });

  it('Kaplan–Meier time counts only days on or before as_of; ongoing when the last certificate has not ended', async () => {
    await ds.build({ gap: 5, asOf: '2025-01-20' });
    const rows = await queryRows(engine, `SELECT patient, length_days, km_days, km_event, ongoing FROM episodes WHERE patient IN ('A', 'C') ORDER BY patient`);
    // A: days 01-01..01-10 (10) and 01-16..01-20 (5) on or before as_of
    expect(rows).toEqual([
      { patient: 'A', length_days: 20, km_days: 15, km_event: false, ongoing: true },
      { patient: 'C', length_days: 31, km_days: 20, km_event: false, ongoing: true }
    ]);
  });
});

describe('episode files (the rehab tool list export)', () => {
  it('reads "100% → 50%", "43 dagar", "45 år", Kvinna/Man and a blank end date as ongoing', async () => {
    const engine = await NodeEngine.create();
    const ds = new Dataset(engine, 'salt');
    const text = '\uFEFFPersonnummer;Namn;Kön;Ålder;Diagnos;Startdatum;Slutdatum;Längd;Antal intyg;Grad;Läkare\r\n' +
      '19800215-1235;Ivar Is;Man;45 år;F43.8A Utmattningssyndrom;2025-01-01;2025-02-12;43 dagar;3;100% → 50%;D1\r\n' +
      'P2;Eva;Kvinna;30 år;M54.5;2025-06-01;;;1;100%;D2\r\n';
    const r = await ds.addFile(bytesInput('rehab.csv', enc(text)));
    expect(r).toMatchObject({ ok: true, shape: 'episodes', rowsAccepted: 2, namesDropped: ['Namn'], pseudonymised: 1 });
    await ds.build({ gap: 5, asOf: '2025-06-30' });
    const rows = await queryRows(engine, `SELECT gender, age, diagnosis, degree, length_days, km_days, n_certificates, ongoing, net_days FROM episodes ORDER BY start_date`);
    expect(rows).toEqual([
      { gender: 'M', age: 45, diagnosis: 'F43.8A', degree: 50, length_days: 43, km_days: 43, n_certificates: 3, ongoing: false, net_days: 21.5 },
      { gender: 'K', age: 30, diagnosis: 'M54.5', degree: 100, length_days: 30, km_days: 30, n_certificates: 1, ongoing: true, net_days: 30 }
    ]);
    await engine.close();
  });

  it('the bundled rehab export sample loads', async () => {
    const engine = await NodeEngine.create();
    const ds = new Dataset(engine, 'salt');
    const r = await ds.addFile(fileFromPath(join(SAMPLES, 'rehabstod-exempel.csv')));
    expect(r).toMatchObject({ ok: true, shape: 'episodes', rowsRejected: 0 });
    await ds.build({ gap: 5 });
    const s = await summarize(ds);
    expect(s.episodes.total).toBe(r.ok ? r.rowsAccepted - r.duplicates : -1);
    expect(s.episodes.ongoing).toBeGreaterThan(0);
    await engine.close();
  });
});

describe('the bundled sample data', () => {
  it('canonical CSV and the Swedish Excel export (Windows-1252, ;, personnummer) give the same summary', async () => {
    const run = async (file: string) => {
      const engine = await NodeEngine.create();
      const ds = new Dataset(engine, 'salt');
      const r = await ds.addFile(fileFromPath(join(SAMPLES, file)));
      await ds.build({ gap: 5 });
      const s = await summarize(ds);
      await engine.close();
      return { r, s };
    };
    const a = await run('intyg-exempel.csv');
    const b = await run('intyg-exempel-excel.csv');
    expect(b.r).toMatchObject({ ok: true, encoding: 'windows-1252', rowsRejected: 0, namesDropped: ['Patientnamn'] });
    expect(a.s.episodes.total).toBeGreaterThanOrEqual(5000);
    const round = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)));
    expect(round(b.s)).toEqual(round(a.s));
  }, 60_000);
});

describe('certificate facts (cert_fact, written on first use; per-episode extension counts)', () => {
  it('cert_fact is cert_ep with its episode id; extension counts per episode match the certificates', async () => {
    const engine = await NodeEngine.create();
    try {
      const ds = new Dataset(engine, 'salt');
      for (const f of ['intyg-exempel.csv', 'rehabstod-exempel.csv']) expect((await ds.addFile(fileFromPath(join(SAMPLES, f)))).ok).toBe(true);
      await ds.build({ gap: 5 });
      expect([...ds.shapes].sort()).toEqual(['certificates', 'episodes']);
      // Written on first use, once per build.
      expect(await queryRows(engine, `SELECT table_name FROM information_schema.tables WHERE table_name = 'cert_fact'`)).toEqual([]);
      await Promise.all([ds.ensureCertFacts(), ds.ensureCertFacts()]);
      // Every certificate once, with the episode whose (patient, ep_no) it belongs to.
      const mismatch = await queryRows<{ n: number }>(engine, `
        SELECT count(*) AS n FROM (
          (SELECT e.patient, e.ep_no, f.seq, f.start_date, f.end_date, f.degree, f.extension_reason, f.is_extension,
             f.referral_date, f.care_start_date, f.waiting_cause
           FROM cert_fact f JOIN episodes e USING (episode_id)
           EXCEPT ALL
           SELECT patient, ep_no, seq, start_date, end_date, degree, extension_reason, new_ep = 0,
             referral_date, care_start_date, waiting_cause FROM cert_ep)
          UNION ALL
          (SELECT patient, ep_no, seq, start_date, end_date, degree, extension_reason, new_ep = 0,
             referral_date, care_start_date, waiting_cause FROM cert_ep
           EXCEPT ALL
           SELECT e.patient, e.ep_no, f.seq, f.start_date, f.end_date, f.degree, f.extension_reason, f.is_extension,
             f.referral_date, f.care_start_date, f.waiting_cause
           FROM cert_fact f JOIN episodes e USING (episode_id)))`);
      expect(mismatch[0].n).toBe(0);
      const counts = await queryRows<{ n: number; ext: number; wait: number }>(engine, `
        SELECT count(*) AS n, sum(extensions) AS ext, sum(waiting_extensions) AS wait FROM episodes`);
      expect(counts[0].ext).toBeGreaterThan(0);
      expect(counts[0].wait).toBeGreaterThan(0);
      // Per episode: extensions, waiting extensions and their net days, recomputed from the certificates.
      const diff = await queryRows<{ n: number }>(engine, `
        WITH c AS (
          SELECT episode_id, count(*) FILTER (WHERE is_extension) AS ext,
            count(*) FILTER (WHERE is_extension AND extension_reason LIKE 'wait\\_%' ESCAPE '\\') AS wait,
            coalesce(sum((date_diff('day', start_date, end_date) + 1) * degree / 100.0)
              FILTER (WHERE is_extension AND extension_reason LIKE 'wait\\_%' ESCAPE '\\'), 0) AS wait_net,
            count(extension_reason) AS reasons, count(referral_date) AS referrals
          FROM cert_fact GROUP BY episode_id)
        SELECT count(*) AS n FROM episodes e LEFT JOIN c USING (episode_id)
        WHERE e.extensions <> coalesce(c.ext, 0) OR e.waiting_extensions <> coalesce(c.wait, 0)
          OR abs(e.waiting_net_days - coalesce(c.wait_net, 0)) > 1e-9
          OR (e.shape = 'certificates' AND (e.reasons <> c.reasons OR e.referrals <> c.referrals))
          OR (e.shape = 'certificates' AND e.extensions <> e.n_certificates - 1)`);
      expect(diff[0].n).toBe(0);
      // A new build (another gap) drops the old facts; the next use writes them for the new episodes.
      await ds.build({ gap: 30 });
      expect(await queryRows(engine, `SELECT table_name FROM information_schema.tables WHERE table_name = 'cert_fact'`)).toEqual([]);
      await ds.ensureCertFacts();
      const orphans = await queryRows<{ n: number }>(engine, `
        SELECT count(*) AS n FROM cert_fact f ANTI JOIN episodes e ON e.episode_id = f.episode_id AND e.shape = 'certificates'`);
      expect(orphans[0].n).toBe(0);
      const [{ n: certs }] = await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM cert_ep`);
      const [{ n: facts }] = await queryRows<{ n: number }>(engine, `SELECT count(*) AS n FROM cert_fact`);
      expect(facts).toBe(certs);
    } finally {
      await engine.close();
    }
  });
});

describe('looking for duplicates before de-duplicating', () => {
  const HEAD = 'certificate_id,patient_id,start_date,end_date,degree,physician';
  const cases: [string, string[], boolean][] = [
    ['all distinct, some ids and physicians blank', ['C1,A,2025-01-01,2025-01-10,100,D1', ',A,2025-02-01,2025-02-10,100,', ',B,2025-02-01,2025-02-10,100,'], false],
    // Counting distinct values with the blank ids among them would miss this pair.
    ['one id twice, next to blank ids', ['C1,A,2025-01-01,2025-01-10,100,D1', 'C1,B,2025-03-01,2025-03-10,50,D2', ',C,2025-01-01,2025-01-10,100,D1', ',D,2025-01-01,2025-01-10,100,D1'], true],
    ['the same patient, dates, degree and blank physician twice', [',A,2025-02-01,2025-02-10,100,', ',A,2025-02-01,2025-02-10,100,'], true],
    ['the same patient and dates with another degree', [',A,2025-02-01,2025-02-10,100,D1', ',A,2025-02-01,2025-02-10,50,D1'], false]
  ];
  for (const [name, rows, expected] of cases) {
    it(`${name}: ${expected ? 'found' : 'none'}, as the de-duplication counts them`, async () => {
      const engine = await NodeEngine.create();
      try {
        const ds = new Dataset(engine, 'salt');
        await ds.addFile(bytesInput('d.csv', enc([HEAD, ...rows].join('\n') + '\n')));
        const has = await queryOne<{ certificates: boolean; episodes: boolean }>(engine, buildEpisodesSql({ gap: 5 }).duplicateCheck);
        expect(has).toEqual({ certificates: expected, episodes: false });
        await ds.build({ gap: 5 });
        expect(ds.files[0].duplicates > 0).toBe(expected);
      } finally {
        await engine.close();
      }
    });
  }
});
