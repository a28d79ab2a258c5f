/**
 * Issue 3 as a user sees it: upload tests/fixtures/dur-km.csv (export date 2025-06-30, see
 * tests/unit/durations.test.ts for the hand computation), open "Sjukskrivningslängd" and "Bevakning".
 * KM: median 120 days, 95 % CI 20 – not reached; watch list: day 90 → 90 today, day 89 → 1 day left, …
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, type OpenedPage } from './browser';
import { chartSvg, FIXTURES, openDashboard, openWithFixture, plain } from './app';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function openWith(file: string, view: 'durations' | 'watch'): Promise<OpenedPage> {
  const baseUrl = inject('baseUrl');
  const p = await openPage(browser, baseUrl);
  await openWithFixture(p.page, baseUrl, file, view);
  return p;
}

async function rowsOf(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => (c.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ').trim())));
}

describe('Sjukskrivningslängd', () => {
  it('shows the median with its CI, the KM curve, bands, thresholds and the FMB comparison', async () => {
    const p = await openWith('dur-km.csv', 'durations');
    const page = p.page;
    try {
      const view = 'section[data-view="durations"]';
      expect(await page.locator(`${view} h2`).textContent()).toBe('Sjukskrivningslängd');
      await page.waitForSelector('[data-testid="km-medians"] li', { timeout: 30_000 });
      expect(plain(await page.locator('[data-testid="km-medians"]').textContent()))
        .toBe('Alla sjukfall: medianlängd 120 dagar (95 % KI 20–ej nådd), 12 sjukfall.');

      // The KM chart's SVG has the band and the step lines.
      const km = await chartSvg(page, 'km-curve', 30_000);
      expect(await km.locator('path').count()).toBeGreaterThan(1);

      // Split by gender: women 120, men 30.
      await page.selectOption('[data-testid="km-split"]', 'gender');
      await page.waitForSelector('[data-testid="km-medians"] li[data-group="M"]', { timeout: 30_000 });
      const medians = plain(await page.locator('[data-testid="km-medians"]').textContent());
      expect(medians).toContain('Kvinnor: medianlängd 120 dagar');
      expect(medians).toContain('Män: medianlängd 30 dagar');

      // Length bands table: 15–30 days total 4 (33,3 %), women 1 (14,3 %), men 3 (60,0 %).
      const bands = await rowsOf(page, '[data-testid="bands-table"]');
      expect(bands.find((r) => r[0] === '15–30 dagar')).toEqual(['15–30 dagar', '4', '33,3 %', '1', '14,3 %', '3', '60,0 %']);
      expect(await (await chartSvg(page, 'length-bands')).locator('rect').count()).toBeGreaterThan(3);
      // The chart's table (its text alternative) is written when opened: the same 15–30 days row.
      const chartTable = '[data-chart="length-bands"] details.chart-table';
      expect(await page.locator(`${chartTable} table`).count()).toBe(0);
      await page.click(`${chartTable} summary`);
      await page.waitForSelector(`${chartTable} table tbody tr`, { timeout: 5_000 });
      const chartRows = await rowsOf(page, `${chartTable} table`);
      expect(chartRows.filter((r) => r[0] === '15–30 dagar').map((r) => r.slice(2))).toEqual([['4', '33,3 %'], ['1', '14,3 %'], ['3', '60,0 %']]);

      // Part-time: 5/12 = 41,7 %, women 5/7 = 71,4 %, men 0.
      expect(plain(await page.locator('[data-testid="part-time"]').textContent())).toBe(
        'Andel deltidssjukskrivna (aktuell grad under 100 %): totalt 41,7 %, kvinnor 71,4 %, män 0,0 %.');

      // Thresholds per quarter: the chart rendered with observed and estimated points.
      expect(await (await chartSvg(page, 'threshold-quarters')).locator('circle').count()).toBeGreaterThan(3);

      // FMB: 11 of 12 matched, 6 over = 54,5 %.
      expect(plain(await page.locator('[data-testid="fmb-summary"]').textContent())).toBe(
        '11 av 12 sjukfall har en diagnos som finns i FMB-tabellen. Av dem är 6 (54,5 %) längre än det rekommenderade maximum.');
      const longest = await rowsOf(page, '[data-testid="fmb-longest"]');
      expect(longest[0].slice(0, 7)).toEqual(['P11', '2024-06-01', 'F43.8A', 'F43.8', '579', '372', '207']);
      expect(plain(await page.locator('[data-testid="fmb-table"] summary').textContent()))
        .toContain('FMB, ögonblicksbild av Socialstyrelsens API 2019');

      // The user's own table with one bad row: line 4 rejected with the reason; 6 matched, 3 over (50,0 %).
      await page.setInputFiles('[data-testid="fmb-file"]', join(FIXTURES, 'fmb-user.csv'));
      await page.waitForSelector('[data-testid="fmb-rejects"]', { timeout: 30_000 });
      expect(await rowsOf(page, '[data-testid="fmb-rejects"]')).toEqual([['4', 'max_days -5 är negativt', 'F43;-5;Fel i raden']]);
      await page.waitForFunction(() => document.querySelector('[data-testid="fmb-summary"]')?.textContent?.startsWith('6 av 12'), undefined, { timeout: 30_000 });
      expect(plain(await page.locator('[data-testid="fmb-summary"]').textContent())).toBe(
        '6 av 12 sjukfall har en diagnos som finns i FMB-tabellen. Av dem är 3 (50,0 %) längre än det rekommenderade maximum.');
      await page.click('[data-testid="fmb-restore"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="fmb-summary"]')?.textContent?.startsWith('11 av 12'), undefined, { timeout: 30_000 });

      await page.screenshot({ path: process.env.DUR_SHOT ?? '/tmp/dur-durations.png', fullPage: true });
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('Bevakning', () => {
  it('a long list draws 200 rows at a time, says so, and shows more on request; the download holds them all', async () => {
    const baseUrl = inject('baseUrl');
    const p = await openPage(browser, baseUrl);
    const page = p.page;
    try {
      // The bundled sample data: 590 ongoing episodes.
      await openDashboard(page, baseUrl);
      await page.click('[data-nav="watch"]');
      await page.waitForSelector('[data-testid="watch-list"]', { timeout: 30_000 });
      await page.selectOption('[data-testid="watch-within"]', '');
      const rows = () => page.locator('[data-testid="watch-list"] tbody tr').count();
      await page.waitForFunction(() => document.querySelector('[data-testid="watch-count"]')?.textContent?.startsWith('590 '), undefined, { timeout: 30_000 });
      expect(await rows()).toBe(200);
      expect(plain(await page.locator('[data-testid="watch-shown"]').textContent())).toBe('Tabellen visar de 200 första av 590. Nedladdningen innehåller alla.');
      expect(plain(await page.locator('[data-testid="watch-more"]').textContent())).toBe('Visa 200 till');
      await page.click('[data-testid="watch-more"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="watch-list"] tbody tr').length === 400, undefined, { timeout: 30_000 });
      expect(plain(await page.locator('[data-testid="watch-more"]').textContent())).toBe('Visa 190 till');
      await page.click('[data-testid="watch-more"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="watch-list"] tbody tr').length === 590, undefined, { timeout: 30_000 });
      expect(await page.locator('[data-testid="watch-more"]').count()).toBe(0);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="watch-download"]')]);
      expect(readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/).length).toBe(591);
      // Another choice starts again at 200 rows, also when the list comes back.
      await page.selectOption('[data-testid="watch-within"]', '90');
      await page.waitForFunction(() => !document.querySelector('[data-testid="watch-count"]')?.textContent?.startsWith('590 '), undefined, { timeout: 30_000 });
      expect(await rows()).toBeLessThanOrEqual(200);
      await page.selectOption('[data-testid="watch-within"]', '');
      await page.waitForFunction(() => document.querySelector('[data-testid="watch-count"]')?.textContent?.startsWith('590 '), undefined, { timeout: 30_000 });
      expect(await rows()).toBe(200);
      expect(await page.locator('[data-testid="watch-more"]').count()).toBe(1);
    } finally {
      await p.close();
    }
  });

  it('lists the ongoing episodes by days left, filters within N days, downloads CSV, hides in share mode', async () => {
    const p = await openWith('dur-km.csv', 'watch');
    const page = p.page;
    try {
      await page.waitForSelector('[data-testid="watch-list"]', { timeout: 30_000 });
      // Default: within 30 days → day 90 (reached today) and day 89 (1 day left).
      const cols = (r: string[]) => [r[0], r[3], r[4], r[5], r[6]];
      expect((await rowsOf(page, '[data-testid="watch-list"]')).map(cols)).toEqual([
        ['P08', '90', '90', 'idag', '2025-06-30'],
        ['P09', '89', '90', '1', '2025-07-01']
      ]);
      expect(plain(await page.locator('[data-testid="watch-count"]').textContent())).toBe('2 av 5 pågående sjukfall visas.');
      await page.selectOption('[data-testid="watch-within"]', '');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="watch-list"] tbody tr').length === 5, undefined, { timeout: 30_000 });
      expect((await rowsOf(page, '[data-testid="watch-list"]')).map(cols)).toEqual([
        ['P08', '90', '90', 'idag', '2025-06-30'],
        ['P09', '89', '90', '1', '2025-07-01'],
        ['P04', '20', '90', '70', '2025-09-08'],
        ['P07', '91', '180', '89', '2025-09-27'],
        ['P11', '395', 'över 365', '–', '–']
      ]);
      const first = (await rowsOf(page, '[data-testid="watch-list"]'))[0];
      expect(first.slice(7)).toEqual(['F43.8A', '75 %', 'Dr B', 'Enhet Syd']);
      expect(plain(await page.locator('[data-testid="watch-help"]').textContent())).toContain('dag 90 → gränsen 90 nås idag (0 dagar kvar)');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="watch-download"]')]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r\n/);
      expect(lines.length).toBe(6);
      expect(lines[1]).toBe('P08;2025-04-02;2025-09-30;90;90;0;2025-06-30;F43.8A;75;Dr B;Enhet Syd');
      await page.screenshot({ path: process.env.WATCH_SHOT ?? '/tmp/dur-watch.png', fullPage: true });

      // Share mode: the list is hidden with a sentence why; the durations view hides the longest overruns and
      // shows counts under 5 as "<5".
      await page.check('[data-testid="share-mode"]');
      await page.waitForSelector('[data-testid="watch-hidden"]', { timeout: 30_000 });
      expect(await page.locator('[data-testid="watch-list"]').count()).toBe(0);
      expect(plain(await page.locator('[data-testid="watch-hidden"]').textContent())).toContain('visas därför inte i delningsläge');
      await page.click('[data-nav="durations"]');
      await page.waitForSelector('[data-testid="fmb-summary"]', { timeout: 30_000 });
      expect(await page.locator('[data-testid="fmb-longest"]').count()).toBe(0);
      const bands = await rowsOf(page, '[data-testid="bands-table"]');
      // 15–30 days: total 4 → "<5" and its share hidden too; women 1, men 3 likewise.
      expect(bands.find((r) => r[0] === '15–30 dagar')).toEqual(['15–30 dagar', '<5', '<5', '<5', '<5', '<5', '<5']);
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
