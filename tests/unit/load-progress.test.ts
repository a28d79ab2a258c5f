/**
 * Issue 7: the load's progress by stage, and the browser's size limit (both pure; the UI is in
 * tests/e2e/performance.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { barValue, progressAt, STAGE_WEIGHTS } from '../../src/lib/load-progress';
import { BROWSER_MAX_BYTES, exceedsBrowserLimit } from '../../src/lib/dataset';

describe('progress by stage', () => {
  it('one file: read 0, check 0.45, dedupe 0.48, episodes 0.55, finish 0.95, in five steps', () => {
    // weights: read 0.45, check 0.03, dedupe 0.07, episodes 0.40, finish 0.05 (sum 1)
    expect(Object.values(STAGE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const at = (s: Parameters<typeof progressAt>[1]) => progressAt(1, s, 0, 'a.csv');
    expect(at('read')).toMatchObject({ stage: 'read', step: 1, steps: 5, fraction: 0, file: 'a.csv' });
    expect(at('read').span).toBeCloseTo(0.45, 12);
    expect(at('check').step).toBe(2);
    expect(at('check').fraction).toBeCloseTo(0.45, 12);
    expect(at('dedupe')).toMatchObject({ step: 3, file: null });
    expect(at('dedupe').fraction).toBeCloseTo(0.48, 12); // 0.45 + 0.03
    expect(at('episodes').fraction).toBeCloseTo(0.55, 12); // + 0.07
    expect(at('finish')).toMatchObject({ step: 5, steps: 5 });
    expect(at('finish').fraction).toBeCloseTo(0.95, 12); // + 0.40
  });
  it('two files share the reading part: the second file starts at 0.24', () => {
    // (0.45 + 0.03) / 2 = 0.24 per file; the second file's check at 0.24 + 0.24 × 0.45/0.48 = 0.465
    expect(progressAt(2, 'read', 1, 'b.csv')).toMatchObject({ step: 3, steps: 7 });
    expect(progressAt(2, 'read', 1, 'b.csv').fraction).toBeCloseTo(0.24, 12);
    expect(progressAt(2, 'check', 1, 'b.csv').fraction).toBeCloseTo(0.465, 12);
    expect(progressAt(2, 'dedupe').fraction).toBeCloseTo(0.48, 12);
  });
  it('a rebuild alone (new gap) spreads the bar over its own three stages', () => {
    // dedupe 0; episodes 0.07 / 0.52; finish 0.47 / 0.52
    expect(progressAt(0, 'dedupe')).toMatchObject({ stage: 'dedupe', step: 1, steps: 3, fraction: 0, file: null });
    expect(progressAt(0, 'episodes').fraction).toBeCloseTo(0.07 / 0.52, 12);
    expect(progressAt(0, 'finish').fraction).toBeCloseTo(0.47 / 0.52, 12);
  });
  it('the fraction never goes back within a load', () => {
    const seq = [progressAt(3, 'read', 0), progressAt(3, 'check', 0), progressAt(3, 'read', 1), progressAt(3, 'check', 1),
      progressAt(3, 'read', 2), progressAt(3, 'check', 2), progressAt(3, 'dedupe'), progressAt(3, 'episodes'), progressAt(3, 'finish')];
    for (let i = 1; i < seq.length; i++) expect(seq[i].fraction).toBeGreaterThan(seq[i - 1].fraction);
    expect(seq.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('the bar within a stage follows the statement', () => {
  it('half of the file read (50 %) is 0.225 of one file; the check stage starts at 0.45', () => {
    const read = progressAt(1, 'read', 0, 'a.csv');
    expect(barValue(read, 0)).toBe(0);
    expect(barValue(read, 50)).toBeCloseTo(0.225, 12); // 0.45 × 0.5
    expect(barValue(read, 100)).toBeCloseTo(0.45, 12);
    expect(barValue(read, 250)).toBeCloseTo(0.45, 12); // clamped
    expect(barValue(read, NaN)).toBe(0);
    // building episodes 25 % done: 0.55 + 0.40 × 0.25 = 0.65
    expect(barValue(progressAt(1, 'episodes'), 25)).toBeCloseTo(0.65, 12);
    expect(barValue(progressAt(1, 'finish'), 100)).toBeCloseTo(1, 12);
  });
});

describe('the browser size limit', () => {
  it('is 300 MiB in total: a 5M-row export (about 470 MiB) is refused, the 1M-row one (93 MiB) is not', () => {
    expect(BROWSER_MAX_BYTES).toBe(300 * 1024 * 1024);
    expect(exceedsBrowserLimit(0, 487_000_000)).toBe(true);
    expect(exceedsBrowserLimit(0, 97_411_041)).toBe(false);
    // three 1M-row files together (292 MB ≤ 314.6 MB) fit; a fourth does not
    expect(exceedsBrowserLimit(2 * 97_411_041, 97_411_041)).toBe(false);
    expect(exceedsBrowserLimit(3 * 97_411_041, 97_411_041)).toBe(true);
    expect(exceedsBrowserLimit(0, BROWSER_MAX_BYTES)).toBe(false);
    expect(exceedsBrowserLimit(1, BROWSER_MAX_BYTES)).toBe(true);
    expect(exceedsBrowserLimit(0, 2000, 1000)).toBe(true);
  });
});
