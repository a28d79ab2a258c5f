/**
 * Issue 5, the view "Jämställdhet" as a user sees it: upload the fixtures, open the view, read the sentence and
 * the tables, and check that the forest plots' SVG rendered.
 * Hand-computed numbers: see tests/unit/equality.test.ts (eq-mh.csv: OR_MH = 621/109 = 5.697248,
 * 95 % CI 1.247173–26.025763; eq-physicians.csv: Andersson 3.50, Berg no estimate, Carlsson 16.00 higher,
 * Dahl 0.08 lower).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, type OpenedPage } from './browser';
import { chartSvg, openWithFixture, plain } from './app';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function openWith(file: string): Promise<OpenedPage> {
  const baseUrl = inject('baseUrl');
  const p = await openPage(browser, baseUrl);
  await openWithFixture(p.page, baseUrl, file, 'equality', 'section[data-view="equality"] [data-testid="eq-sentence"]');
  return p;
}

async function text(page: Page, selector: string): Promise<string> {
  return plain(await page.locator(selector).first().textContent());
}

describe('Jämställdhet', () => {
  it('shows the adjusted sentence with the hand-computed numbers, the tables and the forest plot', async () => {
    const p = await openWith('eq-mh.csv');
    const page = p.page;
    try {
      expect(await page.locator('section[data-view="equality"] h2').textContent()).toBe('Jämställdhet');
      expect(await text(page, '[data-testid="eq-sentence-main"]')).toBe(
        'Efter justering för diagnos och ålder var kvinnornas odds för en sjukskrivning längre än 90 dagar ' +
        '5,70 gånger männens (95 % KI 1,25–26,03).'
      );
      expect(await text(page, '[data-testid="eq-sentence-interpretation"]')).toContain('högre odds än män');
      // One episode of unknown gender is left out, and said so.
      expect(await text(page, 'section[data-view="equality"]')).toContain('1 sjukfall med okänt kön ingår inte');

      // Side by side, psychiatric: women 14, men 12; share > 90 days 8/14 = 57,1 % vs 2/12 = 16,7 %; no part-time;
      // net days per episode 1140/14 = 81,4 vs 540/12 = 45,0.
      // Default export date = the latest start date, 2025-05-05: the 6 long episodes of stratum 1 (to 2025-05-14) and
      // all of stratum 3 (ends 2025-05-06 and later) are ongoing. Women: 4 events at day 30 of 10 at risk (4 censored
      // at day 29) → S(30) = 0.6, never ≤ 0.5 → median not reached. Men: 6 events at 30 of 8 at risk → S = 0.25 → 30.
      const psy = page.locator('[data-testid="eq-side-table"] tr[data-group="psychiatric"] td');
      const cells = async () => (await psy.allTextContents()).map(plain);
      expect(await cells()).toEqual(['14', '12', 'ej nådd', '30', '57,1 %', '16,7 %', '0,0 %', '0,0 %', '81,4', '45,0']);
      // With the export date 2025-12-31 every episode has ended: women S(30) = 8/14 > 0.5, S(120) = 0 → 120.
      await page.click('details.settings summary');
      await page.fill('[data-testid="setting-asof"]', '2025-12-31');
      await page.click('[data-testid="setting-apply"]');
      await page.waitForFunction(() => {
        const td = document.querySelectorAll('[data-testid="eq-side-table"] tr[data-group="psychiatric"] td')[2];
        return td?.textContent?.trim() === '120';
      }, undefined, { timeout: 30_000 });
      expect(await cells()).toEqual(['14', '12', '120', '30', '57,1 %', '16,7 %', '0,0 %', '0,0 %', '81,4', '45,0']);
      // The adjusted ratio uses the planned length, so it does not move with the export date.
      expect(await text(page, '[data-testid="eq-sentence-main"]')).toContain('5,70 gånger männens (95 % KI 1,25–26,03)');

      // The forest plot rendered as SVG, with a row per estimated group (overall, musculoskeletal, psychiatric).
      const forest = await chartSvg(page, 'eq-forest');
      expect(await forest.count()).toBeGreaterThan(0);
      const svgText = plain(await forest.first().textContent());
      expect(svgText).toContain('Alla diagnosgrupper');
      expect(svgText).toContain('Psykiatriska (F)');
      expect(await page.locator('figure[data-chart="eq-forest"] svg circle, figure[data-chart="eq-forest"] svg path').count()).toBeGreaterThan(2);
      // Somatic has women only: named as having no estimate.
      expect(await text(page, 'section[data-view="equality"]')).toContain('Ingen skattning för Somatiska (A–E, G–L, N)');
      // Trend: Q2 has no estimate.
      expect(await text(page, 'section[data-view="equality"]')).toContain('Ingen skattning för 2025-Q2');
      expect(await (await chartSvg(page, 'eq-trend')).count()).toBeGreaterThan(0);
      await page.screenshot({ path: '/tmp/eq/equality-mh.png', fullPage: true });
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('per physician: ordered by name, threshold in words, differences beyond chance marked in words; per unit', async () => {
    const p = await openWith('eq-physicians.csv');
    const page = p.page;
    try {
      const rows = page.locator('[data-testid="eq-prov-table"] tbody tr');
      await rows.first().waitFor({ timeout: 15_000 });
      expect((await rows.locator('th').allTextContents()).map(plain)).toEqual([
        'Anna Andersson', 'Bo Berg', 'Cecilia Carlsson', 'David Dahl'
      ]);
      const row = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map(plain);
      expect(await row(0)).toEqual(['10', '10', '3,50', '0,55–22,30', 'Kan bero på slumpen']);
      expect(await row(1)).toEqual(['12', '9', '–', '–', 'Ingen skattning: färre än 10 kvinnor eller män']);
      expect(await row(2)).toEqual(['15', '15', '16,00', '2,67–95,76', 'Högre för kvinnor, utöver slumpen']);
      expect(await row(3)).toEqual(['15', '15', '0,08', '0,01–0,48', 'Lägre för kvinnor, utöver slumpen']);
      expect(await text(page, '[data-testid="eq-prov-summary"]')).toBe('2 av 3 med skattning har ett konfidensintervall som inte omfattar 1.');
      const svg = await chartSvg(page, 'eq-forest-physician');
      const svgText = plain(await svg.first().textContent());
      expect(svgText).toContain('högre');
      expect(svgText).toContain('lägre');
      expect(svgText).not.toContain('Bo Berg');

      await page.check('[data-testid="eq-by-unit"]');
      await chartSvg(page, 'eq-forest-unit');
      expect((await rows.locator('th').allTextContents()).map(plain)).toEqual([
        'Vårdcentralen Norr', 'Vårdcentralen Söder', 'Vårdcentralen Öster'
      ]);
      expect(await row(0)).toEqual(['22', '19', '2,80', '0,75–10,48', 'Kan bero på slumpen']);
      await page.screenshot({ path: '/tmp/eq/equality-units.png', fullPage: true });
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
