/**
 * The "Väntan" view in the built site: upload tests/fixtures/wait-certs.csv as a user would, open the view, and
 * check the sentence (exact text, figures computed by hand in tests/unit/waiting.test.ts), a table, and that the
 * charts rendered as SVG. Then a file without reason or referral columns: the view names the columns it needs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from './browser';
import { chartSvg, openWithFixture, plain } from './app';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A table row's cells, space-separated. */
async function rowText(row: ReturnType<Page['locator']>): Promise<string> {
  return (await row.locator('th, td').allTextContents()).map(plain).join(' ');
}

describe('the Väntan view', () => {
  it('shows the sentence for the latest quarter, the figures, and the charts as SVG', async () => {
    const baseUrl = inject('baseUrl');
    const p = await openPage(browser, baseUrl);
    try {
      const { page } = p;
      await openWithFixture(page, baseUrl, 'wait-certs.csv', 'waiting');
      const sentence = page.locator('[data-testid="waiting-sentence"]');
      await sentence.waitFor({ timeout: 30_000 });
      // No period selected → the latest quarter with extensions (2026-Q3): W05, W06, W07, W09, W16, W17;
      // waiting W05 (17) + W09 (61) + W16 (20) = 98 net days; most: W09 at Psykiatri. as_of = latest start 2026-09-30;
      // P3 is ongoing with a referral and no care start.
      expect(plain(await sentence.textContent())).toBe(
        'Under 2026 kv 3 (senaste kvartalet med förlängningar; ingen period vald) var 3 av 6 förlängningar (50 %) väntan, ' +
        '98 nettodagar. Mest: Väntan på utredning vid Psykiatrimottagningen Centrum (61 nettodagar). ' +
        'Per 2026-09-30 väntar 1 pågående sjukfall på att utredning eller behandling ska börja (remiss given, vård inte påbörjad).');

      // The rule for days spent waiting is written out in the help text.
      expect(plain(await page.locator('[data-testid="waiting-rule"]').textContent()))
        .toContain('från och med remissdatum till och med dagen före vårdstart (vårdstartsdagen räknas inte)');

      // Reason table: 11 extensions, 5 waiting (45,5 %); the blank and the unrecognised reason each once.
      const reasons = page.locator('[data-testid="waiting-reasons"]');
      expect(await rowText(reasons.locator('tr[data-reason="all"]'))).toBe('Alla förlängningar 11 100,0 %');
      expect(await rowText(reasons.locator('tr[data-reason="waiting"]'))).toBe('Varav väntan 5 45,5 %');
      expect(await rowText(reasons.locator('tr[data-reason="none"]'))).toBe('Ingen orsak angiven 1 9,1 %');
      expect(await rowText(reasons.locator('tr[data-reason="unknown"]'))).toBe('Okänd orsak 1 9,1 %');
      expect(await rowText(page.locator('[data-testid="waiting-quarters"] tr[data-quarter="2026-Q2"]')))
        .toBe('2026 kv 2 5 2 40,0 % 26,0 171,0 15,2 %');

      // Referral figures: 4 episodes, 165 days, 1 waiting now.
      const ref = page.locator('[data-testid="waiting-referral"]');
      expect(plain(await ref.locator('[data-metric="referral-days"] .value').textContent())).toBe('165');
      expect(plain(await ref.locator('[data-metric="referral-now"] .value').textContent())).toBe('1');

      // Charts rendered as SVG with their marks (Plot labels each mark's group with aria-label).
      for (const [id, mark] of [['waiting-net-days', 'bar'], ['waiting-by-unit', 'cell'], ['waiting-km', 'line'], ['waiting-histogram', 'rect']]) {
        const marks = (await chartSvg(page, id)).locator(`g[aria-label="${mark}"] > *`);
        await marks.first().waitFor({ timeout: 15_000 });
        expect(await marks.count()).toBeGreaterThan(0);
      }
      // The net-days chart: one bar per waiting code and quarter (Q2: 2, Q3: 3).
      expect(await page.locator('figure[data-chart="waiting-net-days"] svg g[aria-label="bar"] rect').count()).toBe(5);

      // A selected quarter: the sentence follows the selection.
      await page.selectOption('[data-testid="filter-period"]', '2026-Q2');
      await page.waitForFunction(() => document.querySelector('[data-testid="waiting-sentence"]')?.textContent?.startsWith('Under 2026 kv 2'), null, { timeout: 30_000 });
      expect(plain(await sentence.textContent())).toBe(
        'Under 2026 kv 2 var 2 av 5 förlängningar (40 %) väntan, 26 nettodagar. Mest: Väntan på behandling vid Psykiatrimottagningen Centrum (16 nettodagar).');

      // Share mode: counts 1–4 as "<5", the shares that would give them away hidden, physicians pseudonymised.
      await page.selectOption('[data-testid="filter-period"]', 'all');
      await page.waitForFunction(() => document.querySelector('[data-testid="waiting-sentence"]')?.textContent?.startsWith('Under 2026 kv 3'), null, { timeout: 30_000 });
      await page.check('[data-testid="share-mode"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="waiting-sentence"]')?.textContent?.includes('<5 av 6'), null, { timeout: 30_000 });
      expect(plain(await sentence.textContent())).toBe(
        'Under 2026 kv 3 (senaste kvartalet med förlängningar; ingen period vald) var <5 av 6 förlängningar väntan, ' +
        '98 nettodagar. Mest: Väntan på utredning vid Psykiatrimottagningen Centrum (61 nettodagar). ' +
        'Per 2026-09-30 väntar <5 pågående sjukfall på att utredning eller behandling ska börja (remiss given, vård inte påbörjad).');
      expect(await rowText(reasons.locator('tr[data-reason="none"]'))).toBe('Ingen orsak angiven <5 –');
      const physicians = await page.locator('[data-testid="waiting-physicians"] tbody th').allTextContents();
      // (The letters are per session: the sample data's physicians took the first ones.)
      expect(physicians).toHaveLength(3);
      for (const ph of physicians) expect(plain(ph)).toMatch(/^Läkare [A-Z]+$/);
      expect(await page.locator('[data-testid="waiting-physicians"]').textContent()).not.toContain('Dr ');
      await page.uncheck('[data-testid="share-mode"]');

      if (process.env.WAIT_SCREENSHOT) {
        await page.waitForTimeout(1000);
        await page.screenshot({ path: process.env.WAIT_SCREENSHOT, fullPage: true });
      }
      expect(p.pageErrors).toEqual([]);
      expect(p.foreignRequests()).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('a file without reason or referral columns: says which columns would enable it, and shows no figures', async () => {
    const baseUrl = inject('baseUrl');
    const p = await openPage(browser, baseUrl);
    try {
      const { page } = p;
      await openWithFixture(page, baseUrl, 'wait-nocols.csv', 'waiting');
      const missing = page.locator('[data-testid="waiting-missing"]');
      await missing.waitFor({ timeout: 30_000 });
      const reasons = plain(await missing.locator('[data-missing="reasons"]').textContent());
      expect(reasons).toContain('"Orsak till förlängning"');
      const referrals = plain(await missing.locator('[data-missing="referrals"]').textContent());
      expect(referrals).toContain('"Remissdatum"');
      expect(referrals).toContain('"Vårdstart"');
      const section = page.locator('section[data-view="waiting"]');
      expect(await section.locator('figure, table, [data-testid="waiting-sentence"]').count()).toBe(0);
      expect(p.pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
