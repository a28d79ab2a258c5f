/**
 * Issue 8 in Chromium: report sections in print, CSV export, share mode, English, URL state, and axe on every view;
 * charts drawn near the screen and for printing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, type OpenedPage } from './browser';
import { FIXTURES, openDashboard, upload, waitReady } from './app';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
let browser: Browser;
let p: OpenedPage;

beforeAll(async () => {
  browser = await launch();
  p = await openPage(browser, inject('baseUrl'));
  await openDashboard(p.page, inject('baseUrl'));
});
afterAll(async () => {
  await p?.close();
  await browser?.close();
});

async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // @ts-expect-error axe is injected
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

async function openView(page: Page, id: string) {
  await page.click(`[data-nav="${id}"]`);
  await page.waitForSelector(`[data-view="${id === 'units' ? 'physicians' : id}"], section[data-view]`, { timeout: 30_000 });
  await waitReady(page);
  await page.waitForTimeout(300);
}

describe('accessibility', () => {
  it('axe finds no WCAG 2.1 AA violations on any view (sample data)', async () => {
    const page = p.page;
    const ids = await page.locator('nav.tabs [data-nav]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.nav!));
    expect(ids.length).toBeGreaterThanOrEqual(8);
    const found: Record<string, string[]> = {};
    for (const id of ids) {
      await openView(page, id);
      const v = await axe(page);
      if (v.length) found[id] = v;
    }
    expect(found).toEqual({});
  });

  it('everything is reachable by keyboard: the nav buttons take focus and Enter switches views', async () => {
    const page = p.page;
    await page.focus('[data-nav="durations"]');
    await page.keyboard.press('Enter');
    await waitReady(page);
    expect(await page.locator('[data-nav="durations"]').getAttribute('aria-current')).toBe('page');
  });
});

describe('the quarterly report', () => {
  it('share mode hides a count of 3, and exports neutralise formula-like cells', async () => {
    const page = p.page;
    await upload(page, join(FIXTURES, 'report-share.csv'));
    await openView(page, 'report');
    await page.waitForSelector('[data-testid="report-sentence"]');
    const row = page.locator('[data-section="waiting"] tr', { hasText: 'Väntan på operation' });
    expect((await row.locator('td').textContent())?.trim()).toBe('3');
    await page.check('[data-testid="share-mode"]');
    await expect.poll(async () => (await row.locator('td').textContent())?.trim()).toBe('<5');
    expect((await page.locator('[data-section="waiting"] tr', { hasText: 'Medicinskt motiverad' }).locator('td').textContent())?.trim()).toBe('6');
    // physicians pseudonymised in share mode
    expect(await page.locator('[data-section="variation"]').textContent()).not.toContain('D1');
    await page.uncheck('[data-testid="share-mode"]');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-chart="report-funnel-units"] .chart-tools button:has-text("CSV")')
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'csv-')), 'units.csv');
    await download.saveAs(path);
    const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Enheter;Sjukfall;Observerat > 90 dagar;Förväntat > 90 dagar;Observerat/förväntat;Avvikelse');
    expect(lines.slice(1).map((l) => l.split(';')[0]).sort()).toEqual(["'-Enhet B", "'=Enhet A"]);
  });

  it('every table downloads as CSV and as XLSX with a second sheet listing the filters used', async () => {
    const page = p.page;
    const dir = mkdtempSync(join(tmpdir(), 'xlsx-'));
    const [x] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="kvartalsrapport"] button:has-text("XLSX")')]);
    const xpath = join(dir, x.suggestedFilename());
    await x.saveAs(xpath);
    expect(x.suggestedFilename()).toBe('kvartalsrapport.xlsx');
    const bytes = readFileSync(xpath);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const text = bytes.toString('utf8');
    expect(text).toContain('name="Nyckeltal"');
    expect(text).toContain('name="Urval"');
    expect(text).toContain('Uttagsdatum');
    const [c] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="kvartalsrapport"] button:has-text("CSV")')]);
    const cpath = join(dir, 'k.csv');
    await c.saveAs(cpath);
    const lines = readFileSync(cpath, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Mått;2025 kv 2;2025 kv 1;2024 kv 2;Definition');
    expect(lines[1].startsWith('Sjukfall;9;')).toBe(true);
  });

  it('print media shows every section and hides the controls', async () => {
    const page = p.page;
    await page.emulateMedia({ media: 'print' });
    try {
      for (const s of ['headline', 'length', 'waiting', 'gender', 'variation']) {
        expect(await page.locator(`[data-section="${s}"]`).isVisible()).toBe(true);
      }
      expect(await page.locator('nav.tabs').isVisible()).toBe(false);
      expect(await page.locator('.filters').isVisible()).toBe(false);
      expect(await page.locator('[data-section="length"] svg').count()).toBeGreaterThan(0);
      const breakBefore = await page.locator('[data-section="waiting"]').evaluate((el) => getComputedStyle(el).breakBefore);
      expect(breakBefore).toBe('page');
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.length).toBeGreaterThan(10_000);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('the English switch changes the headings', async () => {
    const page = p.page;
    await page.selectOption('[data-testid="language"]', 'en');
    await expect.poll(() => page.locator('#report-heading').textContent()).toContain('Quarterly report');
    expect(await page.locator('[data-nav="overview"]').textContent()).toBe('Overview');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.selectOption('[data-testid="language"]', 'sv');
    await expect.poll(() => page.locator('#report-heading').textContent()).toContain('Kvartalsrapport');
  });

  it('the URL holds the view and the filters', async () => {
    const page = p.page;
    await page.click('[data-nav="overview"]');
    await page.selectOption('[data-testid="filter-gender"]', 'K');
    await page.click('[data-nav="waiting"]');
    await expect.poll(() => page.url()).toContain('vy=waiting');
    expect(page.url()).toContain('kon=K');
    const url = page.url();
    const q = await openPage(browser, inject('baseUrl'));
    try {
      await q.page.goto(url);
      await waitReady(q.page);
      expect(await q.page.locator('[data-nav="waiting"]').getAttribute('aria-current')).toBe('page');
      expect(await q.page.locator('[data-testid="filter-gender"]').inputValue()).toBe('K');
      // share mode and English from a link (parameters in another order than the app writes them)
      await q.page.goto(`${inject('baseUrl')}/?dela=1&sprak=en`);
      await waitReady(q.page);
      await expect.poll(() => q.page.url()).toContain('sprak=en&dela=1');
      expect(await q.page.locator('[data-testid="share-banner"]').textContent()).toContain('Share mode');
      expect(q.pageErrors.map((e) => e.message)).toEqual([]);
    } finally {
      await q.close();
    }
  });

  it('made no request outside its own origin', () => {
    expect(p.foreignRequests()).toEqual([]);
    expect(p.pageErrors.map((e) => e.message)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Charts are drawn near the screen only (src/lib/components/Chart.svelte): a chart further than a screen's height
// away is not redrawn when the filters change, is drawn with the current figures as it is scrolled to, and every
// chart is drawn for printing. The sample data's Väntan view: a page of several screens with charts at its end.
// ---------------------------------------------------------------------------------------------------------------

/** The chart's SVG as markup without its generated ids (the same figures drawn twice give the same text). */
const drawing = (page: Page, id: string) => page.locator(`figure[data-chart="${id}"]`).evaluate((f) =>
  [...f.querySelectorAll('svg')].map((s) => s.outerHTML.replace(/\b(id|clip-path|href)="[^"]*"/g, '')).join('\n'));

/** Sets the gender filter and waits until the view's sentence (which counts the selection) has changed. */
async function gender(page: Page, value: string): Promise<void> {
  const sentence = page.locator('[data-testid="waiting-sentence"]');
  const before = await sentence.textContent();
  await page.selectOption('[data-testid="filter-gender"]', value);
  await expect.poll(() => sentence.textContent(), { timeout: 30_000 }).not.toBe(before);
  await page.waitForTimeout(200);
}

describe('charts away from the screen', () => {
  it('are drawn as they come near it, with the figures of the current filters, and all of them for printing', async () => {
    const q = await openPage(browser, inject('baseUrl'));
    const page = q.page;
    try {
      await openDashboard(page, inject('baseUrl'));
      await page.click('[data-nav="waiting"]');
      await page.waitForSelector('figure[data-chart="waiting-km"]', { timeout: 30_000 });
      await page.waitForTimeout(500);
      const figures = await page.locator('section[data-view="waiting"] figure[data-chart]').evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-chart')!, top: e.getBoundingClientRect().top, drawn: !!e.querySelector('svg') })));
      const screen = await page.evaluate(() => innerHeight);
      // The page is long enough for the test to mean something: charts near the top are drawn, the far ones are not.
      expect(figures.filter((f) => f.top < screen).every((f) => f.drawn)).toBe(true);
      const far = figures.filter((f) => f.top > 3 * screen);
      expect(far.length).toBeGreaterThan(0);
      expect(far.some((f) => f.drawn)).toBe(false);
      const last = far[far.length - 1].id;

      // Drawn when scrolled to (women), then away from the screen while the filter changes (men): not redrawn.
      await gender(page, 'K');
      await page.locator(`figure[data-chart="${last}"]`).scrollIntoViewIfNeeded();
      await page.locator(`figure[data-chart="${last}"] svg`).first().waitFor({ state: 'attached' });
      const women = await drawing(page, last);
      await page.evaluate(() => scrollTo(0, 0));
      await gender(page, 'M');
      expect(await drawing(page, last)).toBe(women);
      // Its SVG download, asked for without scrolling to it: drawn first, with the men's figures.
      const chartSvgText = () => page.locator(`figure[data-chart="${last}"] .plot > svg, figure[data-chart="${last}"] .plot > figure > svg`)
        .evaluate((svg) => svg.outerHTML);
      const womenSvg = await chartSvgText();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`figure[data-chart="${last}"] .chart-tools button:has-text("SVG")`).evaluate((b) => (b as HTMLButtonElement).click())
      ]);
      const saved = readFileSync(await download.path(), 'utf8');
      const menSvg = await chartSvgText();
      expect(menSvg).not.toBe(womenSvg);
      expect(saved.replace(' xmlns="http://www.w3.org/2000/svg"', '')).toBe(menSvg);

      // Scrolled to again: drawn with the men's figures, as it is when the filter changes on the screen.
      await page.locator(`figure[data-chart="${last}"]`).scrollIntoViewIfNeeded();
      await expect.poll(() => drawing(page, last)).not.toBe(women);
      const lazily = await drawing(page, last);
      await gender(page, 'K');
      await expect.poll(() => drawing(page, last)).toBe(women);
      await gender(page, 'M');
      await expect.poll(() => drawing(page, last)).toBe(lazily);

      // Printing: every chart is drawn before the page is laid out for print.
      await page.evaluate(() => scrollTo(0, 0));
      await gender(page, '*');
      await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
      const undrawn = await page.locator('section[data-view="waiting"] figure[data-chart]').evaluateAll((els) =>
        els.filter((e) => !e.querySelector('svg')).map((e) => e.getAttribute('data-chart')));
      expect(undrawn).toEqual([]);
      await page.evaluate(() => dispatchEvent(new Event('afterprint')));
      expect(q.pageErrors).toEqual([]);
    } finally {
      await q.close();
    }
  });
});
