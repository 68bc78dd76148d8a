import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { CHROMIUM, type CodeServer } from './codeServer';

const { chromium } = require('playwright-core') as typeof import('playwright-core');

export interface Workbench {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium on the workbench of `folder`, with a fresh profile. */
export async function openWorkbench(
  server: CodeServer,
  folder: string,
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<Workbench> {
  const profile = mkdtempSync(join(tmpdir(), 'leakscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    colorScheme: options.colorScheme ?? 'dark',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 60_000 });
  return { page, context, close: () => context.close() };
}

/** Runs a palette command by its title, `Leakscope: Run Leak Check`. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickOpen(page, 'F1', `>${title}`, title);
}

/** Opens a workspace file by name with Quick Open. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await quickOpen(page, 'Control+P', relativePath, relativePath.split('/').pop()!);
  await page.locator('.tab.active', { hasText: relativePath.split('/').pop()! }).waitFor({ timeout: 60_000 });
}

/**
 * Types into the palette or Quick Open and accepts the row showing `rowText`. Until the workbench
 * has loaded every extension's contributions (and indexed the files) the row may not come, and a
 * webview with the focus may swallow the key: then the widget is closed and the whole thing tried again.
 */
async function quickOpen(page: Page, key: string, text: string, rowText: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  for (let attempt = 0; ; attempt++) {
    try {
      await page.keyboard.press(key);
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(text);
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
      return;
    } catch (e) {
      if (attempt >= 8) throw e;
      await page.keyboard.press('Escape');
      // A key pressed while a webview has the focus may never reach the workbench: give the
      // focus back to it (the side bar's title is inert) before trying again.
      await page
        .locator('.part.sidebar .composite.title')
        .first()
        .click()
        .catch(() => undefined);
      await page.waitForTimeout(1000);
    }
  }
}

/** Answers the open input box (replacing its value) or picks the quick pick row that contains `text`. */
export async function answerInput(page: Page, value: string, expectTitle?: string | RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  if (expectTitle) await widget.locator('.quick-input-title', { hasText: expectTitle }).waitFor({ timeout: 60_000 });
  const input = widget.locator('.quick-input-box input');
  await input.fill(value);
  await input.press('Enter');
}

/**
 * Picks the quick pick row that contains `text`. Under load the widget has been seen to show its
 * title while its list stays unrendered: then the row is chosen as a user would with the keyboard,
 * by typing its label into the filter and pressing Enter (the first match is the active row).
 */
export async function pickItem(page: Page, text: string | RegExp, expectTitle?: string | RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  if (expectTitle) await widget.locator('.quick-input-title', { hasText: expectTitle }).waitFor({ timeout: 60_000 });
  const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  const shown = await row.waitFor({ state: 'visible', timeout: 15_000 }).then(
    () => true,
    () => false,
  );
  if (shown) {
    await row.click();
    return;
  }
  await failureShot(page, widget, 'pick');
  if (typeof text !== 'string') throw new Error(`The quick pick shows no row matching ${String(text)}.`);
  const input = widget.locator('.quick-input-box input');
  await input.fill(text);
  await input.press('Enter');
}

/** A screenshot and the widget's HTML in the temporary folder, named on stderr: what CI saw when a step went wrong. */
async function failureShot(page: Page, widget: Locator, what: string): Promise<void> {
  const base = join(tmpdir(), `leakscope-e2e-${what}-${Date.now()}`);
  await page.screenshot({ path: `${base}.png` }).catch(() => undefined);
  writeFileSync(`${base}.html`, await widget.evaluate((el) => el.outerHTML).catch(() => ''));
  process.stderr.write(`e2e: ${what} did not go as expected; see ${base}.png and .html\n`);
}

/** The page inside the visible webview: two iframes deep. */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
}

export async function screenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: file });
}
