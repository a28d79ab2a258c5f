/**
 * The "Läkare" and "Enheter" views in the built site: load tests/fixtures/var-lakare.csv (Hugo Hög planted high,
 * Lova Låg planted low, Fia Få beyond the limit with only 9 episodes), check the table, the funnel and the
 * overdispersion sentence; then load the two unit files without a unit column and compare the units.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, setChecked, type OpenedPage } from './browser';
import { chartSvg } from './app';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
const AS_OF = '2026-06-30';
const SHOT_DIR = process.env.VAR_SHOTS ?? null;

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function ready(page: Page) {
  await page.locator('main[data-status="ready"]').waitFor({ timeout: 60_000 });
}

async function openWith(files: string[]): Promise<OpenedPage> {
  const baseUrl = inject('baseUrl');
  const p = await openPage(browser, baseUrl);
  await p.page.setViewportSize({ width: 1280, height: 900 });
  await p.page.goto(`${baseUrl}/`, { waitUntil: 'load' });
  await ready(p.page);
  await p.page.setInputFiles('[data-testid="file-input"]', files.map(fixture));
  for (const f of files) await p.page.locator(`[data-testid="load-summary"] >> text=${f}`).first().waitFor({ timeout: 60_000 });
  await ready(p.page);
  // Export date after every episode has ended (as in the unit tests), so Kaplan–Meier medians are reached.
  await p.page.locator('details.settings summary').click();
  await p.page.fill('[data-testid="setting-asof"]', AS_OF);
  await p.page.click('[data-testid="setting-apply"]');
  await p.page.locator('[data-testid="asof-help"], #asof-help').filter({ hasText: AS_OF }).waitFor({ timeout: 60_000 });
  await ready(p.page);
  return p;
}

describe('Läkare (physicians)', () => {
  it('shows the table with the planted physician marked high, the funnel and the overdispersion sentence', async () => {
    const p = await openWith(['var-lakare.csv']);
    const { page } = p;
    try {
      await page.click('[data-nav="physicians"]');
      const view = page.locator('section[data-view="physicians"]');
      await view.locator('h2').waitFor();
      expect(await view.locator('h2').textContent()).toBe('Läkare');
      const table = view.locator('[data-testid="variation-table"]');
      await table.waitFor();
      // Ordered by name (Swedish collation), never by ratio.
      expect(await table.locator('tbody th[scope="row"]').allTextContents()).toEqual(
        ['Anders Ahl', 'Berit Berg', 'Fia Få', 'Hugo Hög', 'Lova Låg']);
      const hog = table.locator('tr[data-label="Hugo Hög"]');
      expect(await hog.getAttribute('data-flag')).toBe('high');
      expect((await hog.locator('[data-testid="flag"]').textContent())?.trim()).toBe('▲ Över förväntat');
      // KM median 120; share > 90 23/30; net days 5670/30; over FMB 13/30; O = 23, E = 8,25 → "8,3";
      // O/E = 2,79 with Byar CI 1,77–4,18.
      const cells = (await hog.locator('td').allTextContents()).map((s) => s.replace(/\u00a0|\u202f/g, ' '));
      expect(cells.slice(0, 9)).toEqual(['30', '120', '76,7 %', '189,0', '43,3 %', '23', '8,3', '2,79 (1,77–4,18)', '▲ Över förväntat']);
      const lag = table.locator('tr[data-label="Lova Låg"]');
      expect(await lag.getAttribute('data-flag')).toBe('low');
      expect((await lag.locator('[data-testid="flag"]').textContent())?.trim()).toBe('▼ Under förväntat');
      expect((await table.locator('tr[data-label="Fia Få"] [data-testid="flag"]').textContent())?.trim()).toBe('För få sjukfall');

      // The funnel: an svg with circles (the points within the limits) and the flagged ones as shapes.
      const funnel = await chartSvg(view, 'physicians-funnel');
      expect(await funnel.locator('circle').count()).toBeGreaterThanOrEqual(3);
      const sentence = await view.locator('[data-testid="overdispersion"]').textContent();
      // φ = 7,62 over 5 physicians; I·φ = 38,1 > χ²(0,95; 4) = 9,5; τ² = 1,008.
      expect(sentence).toContain('φ = 7,62');
      expect(sentence).toContain('större än slumpen förklarar');
      expect(sentence).toContain('τ² = 1,008');
      if (SHOT_DIR) await page.screenshot({ path: `${SHOT_DIR}/physicians.png`, fullPage: true });

      // Outcome switch: over FMB leaves out the 5 episodes without an FMB maximum, and says so.
      await view.locator('[data-testid="variation-outcome"]').selectOption('overFmb');
      await view.locator('[data-testid="fmb-excluded"]').waitFor();
      expect(await view.locator('[data-testid="fmb-excluded"]').textContent()).toContain('5 sjukfall');
      await expect.poll(async () => (await hog.locator('td').allTextContents())[6]).toBe('13');

      // Drill-down by the row's button: KM medians 120 vs 20 days, observed vs expected per diagnosis group.
      await view.locator('[data-testid="variation-outcome"]').selectOption('over90');
      await hog.getByRole('button').click();
      const drill = view.locator('[data-testid="drill"]');
      await drill.waitFor();
      const medians = (await drill.locator('.figure .value').allTextContents()).map((s) => s.replace(/\u00a0/g, ' '));
      expect(medians).toEqual(['120 dagar', '20 dagar']);
      expect(await drill.locator('[data-testid="drill-groups"] tfoot td').allTextContents()).toEqual(['30', '23', '8,3', '2,79']);
      await chartSvg(drill, 'physicians-case-mix');
      if (SHOT_DIR) await page.screenshot({ path: `${SHOT_DIR}/physicians-drill.png`, fullPage: true });

      // Pseudonymised: "Läkare A" … in name order, and the real names are gone from the table.
      await setChecked(page, view.locator('[data-testid="pseudonymise"]'), true);
      // The letters are stable within the session: the sample data's physicians were given theirs first.
      await expect.poll(async () => (await table.locator('tbody th[scope="row"]').allTextContents())[0]).toMatch(/^Läkare [A-Z]+$/);
      const labels = await table.locator('tbody th[scope="row"]').allTextContents();
      expect(labels).toHaveLength(5);
      for (const l of labels) expect(l).toMatch(/^Läkare [A-Z]+$/);
      // In the order the pseudonyms were given (sorted real names): Ahl, Berg, Få, Hög, Låg → the 4th is Hög.
      const order = [...labels].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
      expect(labels).toEqual(order);
      for (const name of ['Anders', 'Berit', 'Fia', 'Hugo', 'Lova', 'Hög', 'Låg']) {
        expect(await view.textContent()).not.toContain(name);
      }
      const high = table.locator('tr[data-flag="high"]');
      expect(await high.count()).toBe(1);
      expect(await high.getAttribute('data-label')).toBe(labels[3]);
      expect((await high.locator('td').first().textContent())?.trim()).toBe('30');

      // Share mode: pseudonyms forced, counts 1–4 shown as "<5", and a ratio that would give one away hidden.
      await setChecked(page, view.locator('[data-testid="pseudonymise"]'), false);
      await setChecked(page, page.locator('[data-testid="share-mode"]'), true);
      await view.locator('input[type="checkbox"][disabled]').waitFor();
      expect(await view.locator('input[type="checkbox"][disabled]').isChecked()).toBe(true);
      expect(await view.textContent()).not.toContain('Lova');
      const low = table.locator('tr[data-flag="low"]');
      // Lova Låg: O = 2 → "<5"; O/E 0,13 would give it away (× E 15,0) → "–"; the flag stays.
      const lowCells = (await low.locator('td').allTextContents()).map((s) => s.trim());
      expect([lowCells[5], lowCells[6], lowCells[7], lowCells[8]]).toEqual(['<5', '15,0', '–', '▼ Under förväntat']);
      // Share > 90 days 2/60 (a count of 2) is hidden too.
      expect(lowCells[2]).toBe('–');
      await setChecked(page, page.locator('[data-testid="share-mode"]'), false);
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('Enheter (units)', () => {
  it('two unit files without a unit column: the units are compared, with trend and case mix', async () => {
    const p = await openWith(['var-enhet-a.csv', 'var-enhet-b.csv']);
    const { page } = p;
    try {
      await page.click('[data-nav="units"]');
      const view = page.locator('section[data-view="units"]');
      const table = view.locator('[data-testid="variation-table"]');
      await table.waitFor();
      expect(await table.locator('tbody th[scope="row"]').allTextContents()).toEqual(['var-enhet-a', 'var-enhet-b']);
      // a: 99 episodes, O = 30, E = 24,6, O/E = 1,22; b: 106, 15, 20,4, 0,74.
      const a = (await table.locator('tr[data-label="var-enhet-a"] td').allTextContents()).map((s) => s.replace(/\u00a0/g, ' '));
      expect([a[0], a[5], a[6]]).toEqual(['99', '30', '24,6']);
      expect(a[7].startsWith('1,22 (')).toBe(true);
      const b = (await table.locator('tr[data-label="var-enhet-b"] td').allTextContents()).map((s) => s.replace(/\u00a0/g, ' '));
      expect([b[0], b[5], b[6]]).toEqual(['106', '15', '20,4']);
      await (await chartSvg(view, 'units-funnel')).locator('circle').first().waitFor();
      await chartSvg(view, 'units-trend');
      await chartSvg(view, 'units-case-mix');
      if (SHOT_DIR) await page.screenshot({ path: `${SHOT_DIR}/units.png`, fullPage: true });
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
