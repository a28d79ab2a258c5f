import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, openPage } from './browser';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

describe('the built site', () => {
  it('loads, shows the Sjukfallsanalys heading and makes no request outside its origin', async () => {
    const baseUrl = inject('baseUrl');
    const p = await openPage(browser, baseUrl);
    try {
      const response = await p.page.goto(`${baseUrl}/`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      const h1 = p.page.locator('h1').first();
      await h1.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await h1.textContent()).toContain('Sjukfallsanalys');
      // Give late requests (workers, lazily loaded chunks) a chance to show up.
      await p.page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
      expect(p.requests.length).toBeGreaterThan(0);
      expect(p.foreignRequests()).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
