/** The command-line summary (contract section 4): JSON keys and values, readable text, refusals. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixture } from './helpers';

const root = join(__dirname, '..', '..');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/analyze.ts'), ...args], {
    cwd: root, encoding: 'utf8', timeout: 60_000
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run analyze', () => {
  it('--json prints one object with every contract key, numbers not strings', () => {
    const r = cli(fixture('contract-basic.csv'), '--as-of', '2025-06-30', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.input).toMatchObject({ rows_read: 18, rows_accepted: 17, rows_rejected: 1, shape: 'certificates' });
    expect(j.episodes).toMatchObject({ total: 12, women: 5, men: 6, ongoing: 2 });
    expect(j.length.median_km_days).toBe(20);
    expect(j.length.over_90_share).toBeCloseTo(1 / 3, 9);
    expect(j.length.over_180_share).toBeCloseTo(1 / 12, 9);
    expect(j.length.over_365_share).toBe(0);
    expect(Object.keys(j.length.bands)).toEqual(['0-14', '15-30', '31-60', '61-90', '91-180', '181-364', '365-730', '731+']);
    expect(j.net_days).toBeCloseTo(703.5, 9);
    expect(j.waiting).toMatchObject({ extensions: 4, waiting_extensions: 1, waiting_net_days: 28.5 });
    expect(j.waiting.by_reason.none).toBe(1);
    expect(j.waiting.by_reason.unknown).toBe(1);
    expect(j.gender.median_km_days).toEqual({ women: 54, men: 14 });
    expect(j.gender.over_90_share.women).toBeCloseTo(0.4, 9);
    expect(j.gender.mh_odds_ratio_over_90.estimate).toBeCloseTo(2, 9);
    expect(typeof j.gender.mh_odds_ratio_over_90.ci_low).toBe('number');
    expect(j.physicians.map((p: { id: string }) => p.id)).toEqual(['D1', 'D2']);
    for (const p of [...j.physicians, ...j.units]) {
      expect(Object.keys(p).sort()).toEqual(['episodes', 'expected_over_90', 'flag', 'id', 'observed_over_90', 'ratio']);
    }
  });

  it('--from/--to select episodes with any day in the period; --gap changes the merge', () => {
    const may = JSON.parse(cli(fixture('contract-basic.csv'), '--as-of', '2025-06-30', '--from', '2025-05-01', '--to', '2025-05-31', '--json').stdout);
    expect(may.episodes.total).toBe(4);
    const gap6 = JSON.parse(cli(fixture('contract-basic.csv'), '--as-of', '2025-06-30', '--gap', '6', '--json').stdout);
    expect(gap6.episodes.total).toBe(11); // P4's two certificates (6-day gap) merge
  });

  it('prints a readable Swedish summary without --json', () => {
    const r = cli(fixture('contract-basic.csv'), '--as-of', '2025-06-30');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Sjukfall: 12 (kvinnor 5, män 6), pågående 2');
    expect(r.stdout).toContain('Medianlängd (Kaplan–Meier): 20 dagar');
    expect(r.stdout).toContain('rad 19: slutdatum 2025-03-01 är före startdatum 2025-03-14');
  });

  it('a refused file: non-zero exit and one sentence on stderr, no stack trace', () => {
    const r = cli(join(root, 'package.json'));
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/rubrikrad/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.stdout).toBe('');
  });

  it('usage errors are one sentence too', () => {
    for (const args of [[], ['x.csv', '--gap', '200'], [fixture('contract-basic.csv'), '--from', '2025-13-01', '--to', '2025-12-31']]) {
      const r = cli(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
