/**
 * Helpers for the end-to-end tests: a headless Debian Chromium (/usr/bin/chromium, installed by
 * `node scripts/ensure.mjs --browser`; playwright-core never downloads a browser), and pages that record every
 * request, console error and page error, so a test can assert that nothing left the origin.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage'
];

/** Launches headless Chromium. Close it with `browser.close()`. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Every request URL made by the page and its workers, in order. */
  requests: string[];
  /** Requests whose origin is not baseUrl's (data: and blob: URLs are ignored). */
  foreignRequests(): string[];
  /** Text of console messages of type 'error'. */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: Error[];
  close(): Promise<void>;
}

/** A new browser context and page that records what it requests; does not navigate. */
export async function openPage(browser: Browser, baseUrl: string): Promise<OpenedPage> {
  const origin = new URL(baseUrl).origin;
  const context = await browser.newContext({ acceptDownloads: true, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: Error[] = [];
  // The context sees the requests of all its pages and their workers (DuckDB runs in a worker).
  context.on('request', (req) => {
    requests.push(req.url());
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => {
    pageErrors.push(err);
  });
  return {
    context,
    page,
    requests,
    foreignRequests: () =>
      requests.filter((u) => {
        if (u.startsWith('data:') || u.startsWith('blob:')) return false;
        try {
          return new URL(u).origin !== origin;
        } catch {
          return true;
        }
      }),
    consoleErrors,
    pageErrors,
    close: () => context.close()
  };
}

/** Chooses files in a file input (`selector`), as a person would with the file picker. */
export async function uploadFiles(page: Page, selector: string, paths: string | string[]): Promise<void> {
  await page.setInputFiles(selector, paths);
}
