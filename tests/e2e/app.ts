/** Page helpers for the dashboard's e2e tests. */
import type { Page } from 'playwright-core';
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
