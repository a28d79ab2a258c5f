/** Issue 2 in a real Chromium: sample data on open, upload = CLI, refusals keep data, filters, gap, no foreign requests. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, openPage, type OpenedPage } from './browser';
import { chartSvg, cliJson, FIXTURES, metric, openDashboard, upload } from './app';
import { fmtInt, fmtPct, plainSpaces } from '../../src/lib/format';

let browser: Browser;
let p: OpenedPage;
const fixture = join(FIXTURES, 'contract-basic.csv');

beforeAll(async () => {
  browser = await launch();
  p = await openPage(browser, inject('baseUrl'));
  await openDashboard(p.page, inject('baseUrl'));
});
afterAll(async () => {
  await p?.close();
  await browser?.close();
});

const days = (n: number) => `${fmtInt(n)} dagar`;
const plain = (s: string) => plainSpaces(s);

describe('the dashboard', () => {
  it('opens with the bundled sample data, labelled Exempeldata, and real figures', async () => {
    const page = p.page;
    expect(await page.locator('[data-testid="sample-badge"]').textContent()).toContain('Exempeldata');
    const episodes = Number((await metric(page, 'episodes')).replace(/\s/g, ''));
    expect(episodes).toBeGreaterThanOrEqual(5000);
    // the same figure as the CLI on the same file
    const s = cliJson(join(FIXTURES, '..', '..', 'data-samples', 'intyg-exempel.csv'));
    expect(episodes).toBe(s.episodes.total);
    expect(await metric(page, 'median')).toBe(plain(days(s.length.median_km_days)));
    for (const m of ['episodes', 'women', 'men', 'ongoing', 'median', 'over90', 'netdays']) {
      expect(await page.locator(`[data-metric="${m}"] .def`).count()).toBe(1);
    }
    expect(await (await chartSvg(page, 'episodes-per-quarter')).count()).toBeGreaterThan(0);
  });

  it('uploading a file replaces the sample and shows the same figures as the CLI on that file', async () => {
    const page = p.page;
    await upload(page, fixture);
    expect(await page.locator('[data-testid="sample-badge"]').count()).toBe(0);
    const row = page.locator('[data-testid="load-summary"] tr[data-file="contract-basic.csv"]');
    expect(await row.locator('[data-field="rows-read"]').textContent()).toBe('18');
    expect(await row.locator('[data-field="rows-accepted"]').textContent()).toBe('17');
    expect(await row.locator('[data-field="rows-rejected"]').textContent()).toBe('1');
    expect(await row.locator('[data-field="duplicates"]').textContent()).toBe('1');
    expect(await row.locator('[data-field="pseudonymised"]').textContent()).toBe('1');
    const s = cliJson(fixture); // default as_of = latest start date, as in the browser
    expect(await metric(page, 'episodes')).toBe(plain(fmtInt(s.episodes.total)));
    expect(await metric(page, 'women')).toBe(plain(fmtInt(s.episodes.women)));
    expect(await metric(page, 'men')).toBe(plain(fmtInt(s.episodes.men)));
    expect(await metric(page, 'ongoing')).toBe(plain(fmtInt(s.episodes.ongoing)));
    expect(await metric(page, 'median')).toBe(plain(days(s.length.median_km_days)));
    expect(await metric(page, 'over90')).toBe(plain(fmtPct(s.length.over_90_share)));
    expect(await metric(page, 'netdays')).toBe(plain(fmtInt(s.net_days)));
    // the personnummer never reaches the page
    expect(await page.content()).not.toContain('19800215');
  });

  it('lists the rejected row and downloads it as CSV with line number and reason', async () => {
    const page = p.page;
    await expect.poll(async () => (await page.locator('[data-testid="rejects"]').textContent()) ?? '').toContain('slutdatum 2025-03-01 är före startdatum 2025-03-14');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-rejects"]')]);
    const dir = mkdtempSync(join(tmpdir(), 'rej-'));
    const path = join(dir, download.suggestedFilename());
    await download.saveAs(path);
    const text = readFileSync(path, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split(/\r\n/);
    expect(lines[0]).toBe('Fil;Rad;Orsak;Radens innehåll (personnummer ersatta)');
    expect(lines[1]).toBe('contract-basic.csv;19;slutdatum 2025-03-01 är före startdatum 2025-03-14;P12,K,50,U1,D1,M54.5,2025-03-14,2025-03-01,100');
  });

  it('a file that cannot be used gets one sentence, and the loaded data stays', async () => {
    const page = p.page;
    const before = await metric(page, 'episodes');
    const dir = mkdtempSync(join(tmpdir(), 'bad-'));
    const bad = join(dir, 'rapport.csv');
    writeFileSync(bad, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]));
    await upload(page, bad);
    const alert = page.locator('[data-testid="refusals"]');
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toContain('rapport.csv lästes inte in. Filen är en Excel-arbetsbok och ingen CSV-fil.');
    expect(await metric(page, 'episodes')).toBe(before);
    expect(await page.locator('[data-testid="load-summary"] tr[data-file="contract-basic.csv"]').count()).toBe(1);
  });

  it('the period filter selects episodes with any day in the quarter, like the CLI', async () => {
    const page = p.page;
    await page.selectOption('[data-testid="filter-period"]', '2025-Q2');
    const s = cliJson(fixture, '--from', '2025-04-01', '--to', '2025-06-30');
    await expect.poll(() => metric(page, 'episodes')).toBe(plain(fmtInt(s.episodes.total)));
    expect(await metric(page, 'median')).toBe(s.length.median_km_days === null ? '–' : plain(days(s.length.median_km_days)));
    await page.selectOption('[data-testid="filter-gender"]', 'K');
    await expect.poll(() => metric(page, 'men')).toBe('0');
    await page.click('text=Rensa urval');
    await expect.poll(() => metric(page, 'episodes')).toBe('12');
  });

  it('quick filter changes end on the last choice: the superseded redraws stop and show nothing', async () => {
    const page = p.page;
    const women = await metric(page, 'women');
    for (const g of ['M', 'K', 'M', 'K']) await page.selectOption('[data-testid="filter-gender"]', g);
    await expect.poll(() => metric(page, 'men')).toBe('0');
    await expect.poll(() => metric(page, 'episodes')).toBe(women);
    expect(await page.locator('section[data-view="overview"] [role="alert"]').count()).toBe(0);
    await page.click('text=Rensa urval');
    await expect.poll(() => metric(page, 'episodes')).toBe('12');
  });

  it('the merge gap is a setting: 6 days merges P4 (11 episodes)', async () => {
    const page = p.page;
    await page.click('summary:has-text("Inställningar")');
    await page.fill('[data-testid="setting-gap"]', '6');
    await page.click('[data-testid="setting-apply"]');
    await expect.poll(() => metric(page, 'episodes')).toBe('11');
    await page.fill('[data-testid="setting-gap"]', '5');
    await page.click('[data-testid="setting-apply"]');
    await expect.poll(() => metric(page, 'episodes')).toBe('12');
  });

  it('a selection chosen again shows the same figures (its statements run from kept plans), and the new ones after a rebuild', async () => {
    const page = p.page;
    const all = { women: await metric(page, 'women'), men: await metric(page, 'men') };
    const figures = async () => Promise.all(['episodes', 'women', 'men', 'ongoing', 'median', 'over90', 'netdays'].map((m) => metric(page, m)));
    await page.selectOption('[data-testid="filter-gender"]', 'K');
    await expect.poll(() => metric(page, 'men')).toBe('0');
    const women = await figures();
    expect(women[0]).toBe(all.women);
    await page.selectOption('[data-testid="filter-gender"]', 'M');
    await expect.poll(() => metric(page, 'women')).toBe('0');
    expect(await metric(page, 'episodes')).toBe(all.men);
    await page.selectOption('[data-testid="filter-gender"]', 'K');
    await expect.poll(() => metric(page, 'men')).toBe('0');
    expect(await figures()).toEqual(women);
    // A rebuild (gap 6 merges P4's two certificates into one episode): the same selection counts the new episodes.
    if (!(await page.locator('[data-testid="setting-gap"]').isVisible())) await page.click('summary:has-text("Inställningar")');
    await page.fill('[data-testid="setting-gap"]', '6');
    await page.click('[data-testid="setting-apply"]');
    await page.selectOption('[data-testid="filter-gender"]', '*');
    await expect.poll(() => metric(page, 'episodes')).toBe('11');
    const merged = { women: await metric(page, 'women'), men: await metric(page, 'men') };
    await page.selectOption('[data-testid="filter-gender"]', 'K');
    await expect.poll(() => metric(page, 'men')).toBe('0');
    expect(await metric(page, 'episodes')).toBe(merged.women);
    await page.fill('[data-testid="setting-gap"]', '5');
    await page.click('[data-testid="setting-apply"]');
    await page.selectOption('[data-testid="filter-gender"]', '*');
    await expect.poll(() => metric(page, 'episodes')).toBe('12');
  });

  it('made no request outside its own origin and no errors', async () => {
    expect(p.foreignRequests()).toEqual([]);
    expect(p.pageErrors.map((e) => e.message)).toEqual([]);
  });
});
