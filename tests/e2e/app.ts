/** Page helpers for the dashboard's e2e tests. */
import type { Locator, Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'tests', 'fixtures');

/** Waits until the engine is up and the data built (main[data-status=ready]). */
export async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('main[data-status="ready"]', { timeout });
}

/** Opens the dashboard and waits for the sample data's overview. */
export async function openDashboard(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await waitReady(page);
  await page.waitForSelector('[data-testid="headline"]', { timeout: 60_000 });
}

/**
 * The SVG of chart `id` (figure[data-chart]) under `root`, once drawn. A chart is drawn only near the screen
 * (src/lib/components/Chart.svelte), so it is scrolled to first, as a reader would.
 */
export async function chartSvg(root: Page | Locator, id: string, timeout = 15_000): Promise<Locator> {
  const figure = root.locator(`figure[data-chart="${id}"]`);
  await figure.scrollIntoViewIfNeeded({ timeout });
  const svg = figure.locator('svg');
  await svg.first().waitFor({ state: 'attached', timeout });
  return svg;
}

/** Text with the no-break spaces of Swedish number formats made plain and runs of space made one. */
export const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Opens the dashboard, loads one fixture (tests/fixtures) with the file picker in place of the sample data, and
 * opens a view; returns when `readySelector` (by default the view's heading) is on the page.
 */
export async function openWithFixture(page: Page, baseUrl: string, file: string, view: string,
  readySelector = `section[data-view="${view}"] h2`): Promise<void> {
  await page.goto(`${baseUrl}/`, { waitUntil: 'load' });
  await waitReady(page, 90_000);
  await page.setInputFiles('[data-testid="file-input"]', join(FIXTURES, file));
  await page.waitForFunction((name) =>
    document.querySelector('main')?.getAttribute('data-status') === 'ready'
      && !!document.querySelector(`[data-testid="load-summary"] tr[data-file="${name}"]`)
      && !document.querySelector('[data-testid="sample-badge"]'), // the sample data is replaced by the file
  file, { timeout: 60_000 });
  await page.click(`[data-nav="${view}"]`);
  await page.waitForSelector(readySelector, { timeout: 30_000 });
}

/** Chooses files with the file picker and waits until they are loaded and the data rebuilt. */
export async function upload(page: Page, ...paths: string[]): Promise<void> {
  await page.setInputFiles('[data-testid="file-input"]', paths);
  await page.waitForFunction(() => document.querySelector('main')?.dataset.status === 'loading', undefined, { timeout: 5_000 }).catch(() => undefined);
  await waitReady(page);
}

/** The text of a headline figure, with no-break spaces made plain. */
export async function metric(page: Page, name: string): Promise<string> {
  const t = await page.locator(`[data-metric="${name}"] .value`).textContent();
  return (t ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
}

/** Runs the CLI on files and returns its JSON summary. */
export function cliJson(...args: string[]): Record<string, any> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/analyze.ts'), ...args, '--json'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000
  });
  if (r.status !== 0) throw new Error(`analyze failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
