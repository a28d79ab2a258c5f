/**
 * Helpers for the end-to-end tests: a headless Debian Chromium (/usr/bin/chromium, installed by
 * `node scripts/ensure.mjs --browser`; playwright-core never downloads a browser), and pages that record every
 * request, console error and page error, so a test can assert that nothing left the origin.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

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

/**
 * Ticks or unticks a checkbox with the mouse, as `locator.setChecked` does. Once in CI (never here, also not under
 * CPU load) Playwright waited 30 s for the pseudonymise checkbox to become "visible, enabled and stable" just after
 * the drill-down had been drawn. If that wait times out, this logs what the page was doing (its status, scroll and
 * the box over a few frames, or that the page did not answer) and ticks it with the keyboard (focus, Space), the
 * way a keyboard user would. Either way, the box must end in the asked state.
 */
export async function setChecked(page: Page, box: Locator, checked: boolean): Promise<void> {
  try {
    await box.setChecked(checked, { timeout: 10_000 });
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'TimeoutError') throw e;
    const probe = box.evaluate(async (el) => {
      const rects: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = el.getBoundingClientRect();
        rects.push(`${r.x},${r.y},${r.width}x${r.height}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      const main = document.querySelector('main');
      return { rects, status: main?.dataset.status, visibility: document.visibilityState, scrollY: window.scrollY, height: document.documentElement.scrollHeight, disabled: (el as HTMLInputElement).disabled };
    });
    const seen = await Promise.race([probe, new Promise((ok) => setTimeout(() => ok('the page did not answer in 5 s'), 5_000))]);
    console.warn(`[e2e] setChecked fell back to the keyboard after: ${e.message.split('\n')[0]}; page: ${JSON.stringify(seen)}`);
    await box.focus({ timeout: 10_000 });
    if ((await box.isChecked()) !== checked) await page.keyboard.press('Space');
  }
  if ((await box.isChecked()) !== checked) throw new Error(`the checkbox is ${checked ? 'not ' : ''}ticked`);
}
