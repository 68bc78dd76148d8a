import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  AnyQueryResult,
  ClassRow,
  ClassSortKey,
  FromWebview,
  PanelModel,
  PanelQueries,
  QueryCall,
  ToWebview,
} from '../src/panel/protocol';
import { openReportBackend, openSnapshotBackend, type PanelBackend } from '../src/panel/panelBackend';
import { REPO_ROOT, runCli } from './helpers/cli';

// The panel UI (webview/, bundled to dist/webview.js) in a real Chromium, under the same CSP as the
// extension's webview, talking to the real panel backend over the protocol. VS Code's
// `acquireVsCodeApi` is a shim that relays postMessage to this process through Playwright.

const CHROMIUM = process.env.LEAKSCOPE_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (scripts/setupE2e.sh installs it)`;

/** A few colours of VS Code's Light Modern, Dark Modern and High Contrast themes, as VS Code sets them on a webview. */
const THEMES = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      'editor-background': '#ffffff',
      foreground: '#3b3b3b',
      descriptionForeground: '#3b3b3b',
      focusBorder: '#005fb8',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#0258a8',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'button-secondaryHoverBackground': '#cccccc',
      'input-background': '#ffffff',
      'input-foreground': '#3b3b3b',
      'input-border': '#cecece',
      'input-placeholderForeground': '#767676',
      'list-hoverBackground': '#f2f2f2',
      'list-activeSelectionBackground': '#e8e8e8',
      'list-activeSelectionForeground': '#000000',
      'list-inactiveSelectionBackground': '#e4e6f1',
      'panel-border': '#e5e5e5',
      'widget-border': '#e5e5e5',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'textLink-foreground': '#005fb8',
      'textLink-activeForeground': '#005fb8',
      'textCodeBlock-background': '#f8f8f8',
      'editorWidget-background': '#f8f8f8',
      errorForeground: '#f85149',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803',
      'charts-orange': '#d18616',
      'charts-green': '#388a34',
      'charts-purple': '#652d90',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      'editor-background': '#1f1f1f',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      focusBorder: '#0078d4',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#026ec1',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'button-secondaryHoverBackground': '#3c3c3c',
      'input-background': '#313131',
      'input-foreground': '#cccccc',
      'input-border': '#3c3c3c',
      'input-placeholderForeground': '#989898',
      'list-hoverBackground': '#2a2d2e',
      'list-activeSelectionBackground': '#04395e',
      'list-activeSelectionForeground': '#ffffff',
      'list-inactiveSelectionBackground': '#37373d',
      'panel-border': '#2b2b2b',
      'widget-border': '#313131',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'textLink-foreground': '#4daafc',
      'textLink-activeForeground': '#4daafc',
      'textCodeBlock-background': '#2b2b2b',
      'editorWidget-background': '#202020',
      errorForeground: '#f85149',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      'editor-background': '#000000',
      foreground: '#ffffff',
      descriptionForeground: '#ffffff',
      focusBorder: '#f38518',
      contrastBorder: '#6fc3df',
      contrastActiveBorder: '#f38518',
      'button-background': '#000000',
      'button-foreground': '#ffffff',
      'button-border': '#6fc3df',
      'input-background': '#000000',
      'input-foreground': '#ffffff',
      'input-border': '#6fc3df',
      'list-hoverBackground': '#000000',
      'panel-border': '#6fc3df',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      'textLink-foreground': '#21a6ff',
      'textCodeBlock-background': '#000000',
      errorForeground: '#f48771',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
    },
  },
} as const;
type Theme = keyof typeof THEMES;

const FONT_VARS = {
  'font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

function harnessHtml(origin: string, theme: Theme): string {
  const nonce = randomBytes(16).toString('base64');
  const vars = Object.entries({ ...FONT_VARS, ...THEMES[theme].vars })
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${origin} data:; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">html { ${vars} }</style>
<link rel="stylesheet" href="${origin}/media/panel.css">
<script nonce="${nonce}">
  document.addEventListener('securitypolicyviolation', (e) => window.__toHost({ type: '__csp', directive: e.violatedDirective, blocked: e.blockedURI }));
  (() => {
    let state, acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return { postMessage: (m) => window.__toHost(m), getState: () => state, setState: (s) => { state = s; } };
    };
  })();
</script>
</head><body class="${THEMES[theme].bodyClass}" data-vscode-theme-kind="${THEMES[theme].bodyClass}"><div id="app"></div><script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body></html>`;
}

/** The host side of one panel: answers queries with a backend and records what the panel asked for. */
interface Host {
  posted: FromWebview[];
  calls: QueryCall[];
  problems: string[];
  send(message: ToWebview): Promise<void>;
}

// Playwright's types are not a dependency of the compile; the few calls used here are typed loosely.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Page = any;
type Browser = any;

describe('panel webview', { skip }, () => {
  let browser: Browser;
  let server: Server;
  let origin = '';
  let dir = '';
  let reportFile = '';
  const backends: PanelBackend[] = [];

  before(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'buildWebview.js')], { stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'leakscope-panel-'));
    const run = await runCli(['demo', '--out', dir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    reportFile = join(dir, 'report.json');

    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const files: Record<string, [string, string]> = {
        '/media/panel.css': [join(REPO_ROOT, 'media', 'panel.css'), 'text/css'],
        '/dist/webview.js': [join(REPO_ROOT, 'dist', 'webview.js'), 'text/javascript'],
      };
      const theme = url.pathname.slice(1) as Theme;
      if (theme in THEMES) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(harnessHtml(origin, theme));
      } else if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
      } else if (files[url.pathname]) {
        const [file, type] = files[url.pathname];
        res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { chromium } = require('playwright-core') as { chromium: { launch(options: object): Promise<Browser> } };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
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
  });

  after(async () => {
    await browser?.close();
    server?.close();
    for (const b of backends) b.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the harness in `theme` and connects it to a backend (or to `answer` for synthetic queries). */
  async function openPanel(
    theme: Theme,
    model: PanelModel,
    answer: (call: QueryCall) => Promise<AnyQueryResult>,
    viewport = { width: 1280, height: 900 },
  ): Promise<{ page: Page; host: Host }> {
    const page = await browser.newPage({ viewport });
    const host: Host = {
      posted: [],
      calls: [],
      problems: [],
      send: (message) => page.evaluate((m: ToWebview) => (globalThis as any).postMessage(m, '*'), message),
    };
    page.on('console', (msg: any) => {
      if (msg.type() === 'error' || msg.type() === 'warning') host.problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err: Error) => host.problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req: any) => host.problems.push(`request failed: ${req.url()}`));
    await page.exposeBinding(
      '__toHost',
      (_source: unknown, message: FromWebview | { type: '__csp'; directive: string; blocked: string }) => {
        if (message.type === '__csp') {
          host.problems.push(`CSP violation: ${message.directive} ${message.blocked}`);
          return;
        }
        host.posted.push(message);
        switch (message.type) {
          case 'ready':
            void host.send({ type: 'model', model });
            break;
          case 'query':
            host.calls.push(message.call);
            answer(message.call).then(
              (ok) => host.send({ type: 'queryResult', id: message.id, ok }),
              (err: Error) => host.send({ type: 'queryResult', id: message.id, err: err.message }),
            );
            break;
          case 'applyFix':
            void host.send({ type: 'fixApplied', findingIndex: message.findingIndex, message: 'Fix applied: the cache is now bounded.' });
            break;
          case 'goToSource':
          case 'openFile':
            break;
        }
      },
    );
    await page.goto(`${origin}/${theme}`);
    return { page, host };
  }

  // What the editor is asked, per finding: its quick-fixes look in the launched command's scripts, as `leakscope fix` does.
  const fixAskedWith: Array<readonly string[] | undefined> = [];
  async function reportPanel(theme: Theme, viewport?: { width: number; height: number }) {
    const backend = await openReportBackend(reportFile, {
      fixAvailable: (f, command) => {
        fixAskedWith.push(command);
        return f.fix.id === 'bound-cache';
      },
    });
    backends.push(backend);
    const opened = await openPanel(theme, backend.model, (call) => backend.query(call), viewport);
    await opened.page.waitForSelector('.class-row:not(.loading)');
    return { ...opened, backend };
  }

  test('the report panel shows the findings, memory, verdict and classes; buttons post to the host', async () => {
    const { page, host, backend } = await reportPanel('dark');
    const cards = page.locator('.finding-card');
    assert.ok((await cards.count()) >= 2, 'a card per finding');
    const first = cards.first();
    assert.equal(await first.getAttribute('data-kind'), 'unbounded-collection');
    // The holder as the code names it; V8's path opens from a disclosure.
    // Code in the wording shows as code, not as backticks.
    assert.equal(
      await first.locator('.held-by-text').innerText(),
      "summaryCache (Map), a variable of samples/leakyServer.js captured by the Server's request listener",
    );
    assert.deepEqual(await first.locator('.held-by-text code').allInnerTexts(), ['summaryCache', 'samples/leakyServer.js', 'request']);
    await first.locator('.raw-path summary').click();
    const path = await first.locator('.finding-path').innerText();
    assert.match(path, /summaryCache \(Map\)/);
    assert.ok((await first.locator('.finding-path li').count()) >= 3, 'the holder path as steps');
    assert.match(await first.locator('.holder-declaration').innerText(), /const summaryCache = new Map\(\)/);
    await page.waitForSelector('.package-table table.packages');
    assert.match(await page.locator('.package-table').innerText(), /\(your code\)/);
    assert.match(await page.locator('.verdict').innerText(), /Verdict: a leak\./);
    assert.equal(await page.locator('.memory-chart path.layer').count(), 4);
    assert.ok(((await page.locator('.memory-chart path.line-rss').getAttribute('d')) ?? '').length > 10, 'the RSS line is drawn');
    assert.equal((await page.locator('.breakdown-bar .segment').count()) >= 3, true);

    const goTo = first.getByRole('button', { name: 'Go to source', exact: true });
    await goTo.click();
    const go = host.posted.find((m) => m.type === 'goToSource');
    assert.ok(go && go.type === 'goToSource' && go.file.endsWith('leakyServer.js') && go.line > 0, JSON.stringify(go));

    const apply = page.getByRole('button', { name: 'Apply fix', exact: true });
    assert.equal(await apply.count(), 1, 'Apply fix only where a fix is available');
    await apply.press('Enter');
    await page.waitForSelector('.fix-status.applied');
    assert.match(await page.locator('.fix-status.applied').innerText(), /Fix applied/);
    assert.deepEqual(
      host.posted.filter((m) => m.type === 'applyFix'),
      [{ type: 'applyFix', findingIndex: 0 }],
    );
    assert.deepEqual(host.problems, []);
    // The demo launched the sample: the quick-fix is asked with that command, and Apply fix gets it from the view.
    const command = backend.model.kind === 'report' ? backend.model.report.command : undefined;
    assert.ok(
      command?.some((a) => a.endsWith('leakyServer.js')),
      JSON.stringify(command),
    );
    assert.deepEqual(fixAskedWith.at(-1), command);
    await page.close();
  });

  test('the class table sorts by a clicked header, expands a row into retainer paths and draws a retainer graph', async () => {
    const { page, host } = await reportPanel('light');
    const firstClass = () => page.locator('.class-row').first().locator('.col-className').innerText();
    const byRetained = await firstClass();
    await page.locator('.class-table-head button[data-sort="className"]').click();
    await page.waitForFunction(
      (before: string) => (globalThis as any).document.querySelector('.class-row:not(.loading) .col-className')?.textContent !== before,
      byRetained,
    );
    assert.equal(await page.locator('[role=columnheader]:has(button[data-sort="className"])').getAttribute('aria-sort'), 'ascending');
    const names = await page.locator('.class-row .col-className').allInnerTexts();
    assert.deepEqual(
      names,
      [...names].sort((a: string, b: string) => a.localeCompare(b)),
      'rows in class name order',
    );
    const lastSort = host.calls.filter((c) => c.method === 'classRows').pop();
    assert.ok(lastSort && lastSort.method === 'classRows' && lastSort.params.sortBy === 'className' && !lastSort.params.descending);

    await page.locator('.class-filter').fill('OrderSummary');
    await page.waitForFunction(() => {
      const rows = (globalThis as any).document.querySelectorAll('.class-row:not(.loading)');
      return rows.length === 1 && rows[0].textContent?.includes('OrderSummary');
    });
    // Keyboard: focus the table, Enter expands the active row.
    await page.locator('.class-table').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.class-detail .object-path .path-steps');
    assert.equal(await page.locator('.class-row').first().getAttribute('aria-expanded'), 'true');
    const objectPath = await page.locator('.class-detail .object-path .path-steps').first().innerText();
    assert.match(objectPath, /\(GC roots\)/);
    assert.match(objectPath, /summaryCache/);

    await page.locator('.class-detail button.retainers').first().click();
    await page.waitForSelector('.retainer-graph svg .node');
    assert.ok((await page.locator('.retainer-graph .node').count()) >= 2, 'the object and its retainers');
    assert.ok((await page.locator('.retainer-graph .edge-label').count()) >= 1, 'labelled edges');
    assert.match(await page.locator('#section-retainers').innerText(), /Retainers of OrderSummary @\d+/);
    assert.deepEqual(host.problems, []);
    await page.close();
  });

  test('a table of 100,000 classes renders only the visible rows, fetches pages and scrolls', async () => {
    const backend = await openReportBackend(reportFile);
    backends.push(backend);
    const rows = syntheticRows(100_000);
    const { page, host } = await openPanel('dark', backend.model, async (call) =>
      call.method === 'classRows' ? pageOf(rows, call.params) : backend.query(call),
    );
    await page.waitForSelector('.class-row:not(.loading)');
    assert.equal(await page.locator('.class-table').getAttribute('aria-rowcount'), '100000');
    const rendered = await page.locator('.class-row').count();
    assert.ok(rendered > 5 && rendered < 60, `${rendered} rows in the DOM`);

    const t0 = Date.now();
    await page.locator('.class-table-body').evaluate((body: { scrollTop: number }) => (body.scrollTop = 50_000 * 26));
    await page.waitForSelector('.class-row[aria-rowindex="50002"]:not(.loading)');
    assert.ok(Date.now() - t0 < 2000, 'the middle of the table shows at once');
    assert.ok((await page.locator('.class-row').count()) < 60);
    assert.match(await page.locator('.class-row[aria-rowindex="50002"] .col-className').innerText(), /^Class\d+$/);
    await page.locator('.class-table').focus();
    await page.keyboard.press('End');
    await page.waitForSelector('.class-row[aria-rowindex="100001"]:not(.loading)');

    const pages = host.calls.filter((c): c is Extract<QueryCall, { method: 'classRows' }> => c.method === 'classRows');
    assert.ok(
      pages.every((c) => c.params.end - c.params.start <= 100),
      'fetched in pages',
    );
    assert.ok(pages.length < 20, `${pages.length} pages fetched`);
    assert.deepEqual(host.problems, []);
    await page.close();
  });

  test('a snapshot shows its totals, classes and dominators with their retainer paths', async () => {
    const backend = await openSnapshotBackend(join(dir, 'after.heapsnapshot'));
    backends.push(backend);
    const { page, host } = await openPanel('high-contrast', backend.model, (call) => backend.query(call));
    await page.waitForSelector('.class-row:not(.loading)');
    assert.ok((await page.locator('.dominators > li').count()) >= 1);
    assert.match(await page.locator('.dominators .path-steps').first().innerText(), /\(GC roots\)/);
    assert.equal(await page.locator('.class-table-head [role=columnheader]').count(), 4, 'no delta columns');
    assert.deepEqual(host.problems, []);
    await page.close();
  });

  test('a session draws memory as it arrives, then becomes the report', async () => {
    const backend = await openReportBackend(reportFile);
    backends.push(backend);
    const report = backend.model.kind === 'report' ? backend.model.report : assert.fail('a report');
    const { page, host } = await openPanel(
      'dark',
      { kind: 'session', title: 'Leak check', target: 'node samples/leakyServer.js' },
      (call) => backend.query(call),
    );
    await page.waitForSelector('.memory-chart');
    await host.send({ type: 'progress', message: 'Cycle 1 of 5' });
    for (let i = 1; i <= 3; i++) await host.send({ type: 'memory', samples: report.memory.samples.slice(0, i), marks: [] });
    assert.equal(await page.locator('.memory-chart .point').count(), 3);
    assert.equal(await page.locator('.progress').innerText(), 'Cycle 1 of 5');
    await host.send({ type: 'model', model: backend.model });
    await page.waitForSelector('.finding-card');
    assert.deepEqual(host.problems, []);
    await page.close();
  });

  // The screenshots in docs/ are refreshed with LEAKSCOPE_UPDATE_SCREENSHOTS=1; otherwise they go to
  // out/test/screenshots/, so a test run leaves the working tree as it was.
  test('screenshots of the report panel in light and dark', async () => {
    const shots = process.env.LEAKSCOPE_UPDATE_SCREENSHOTS ? join(REPO_ROOT, 'docs') : join(REPO_ROOT, 'out', 'test', 'screenshots');
    mkdirSync(shots, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      const { page, host } = await reportPanel(theme, { width: 1100, height: 900 });
      await page.locator('.class-row', { hasText: 'OrderSummary' }).first().click();
      await page.waitForSelector('.class-detail .object-path');
      await page.locator('.class-detail button.retainers').first().click();
      await page.waitForSelector('.retainer-graph svg .node');
      await page.getByRole('button', { name: 'Fit to width' }).click();
      await page.screenshot({ path: join(shots, `panel-${theme}.png`), fullPage: true });
      assert.deepEqual(host.problems, []);
      await page.close();
    }
  });
});

function syntheticRows(n: number): ClassRow[] {
  const rows: ClassRow[] = [];
  for (let i = 0; i < n; i++) {
    const count = (i * 7919) % 5000;
    rows.push({
      className: `Class${i}`,
      count,
      selfSize: count * 32,
      retainedSize: count * 48 + (i % 13),
      newCount: count,
      deletedCount: i % 3,
      countDelta: count - (i % 3),
      selfSizeDelta: count * 32,
      retainedSizeDelta: ((i * 104729) % 1_000_000) - 200_000,
    });
  }
  return rows;
}

const sorted = new Map<string, ClassRow[]>();
function pageOf(rows: ClassRow[], params: PanelQueries['classRows']['params']): PanelQueries['classRows']['result'] {
  const key = `${params.sortBy}|${params.descending}|${params.filter ?? ''}`;
  let order = sorted.get(key);
  if (!order) {
    const filter = params.filter?.toLowerCase();
    order = rows.filter((r) => !filter || r.className.toLowerCase().includes(filter));
    const k: ClassSortKey = params.sortBy;
    const sign = params.descending ? -1 : 1;
    order.sort((a, b) => sign * (k === 'className' ? a.className.localeCompare(b.className) : (a[k] ?? 0) - (b[k] ?? 0)));
    sorted.set(key, order);
  }
  return { total: order.length, rows: order.slice(params.start, params.end) };
}
