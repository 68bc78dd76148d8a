import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { LeakReport } from '../../src/report/leakReport';
import { freePort } from '../../src/inspector/freePort';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { e2eMissing, processesIn, startCodeServer, type CodeServer } from './codeServer';
import { answerInput, openFile, openWorkbench, panelFrame, pickItem, runCommand, type Workbench } from './workbench';

/**
 * The packaged extension in a real VS Code (the server build) driven in headless Chromium:
 * what a user does from the palette, checked on what the panel and the editor show.
 */
const missing = e2eMissing();
if (missing && !process.env.LEAKSCOPE_SKIP_E2E)
  throw new Error(`The end-to-end tests cannot run: ${missing}. (npm test installs them; LEAKSCOPE_SKIP_E2E=1 skips these tests.)`);

const DOCS = join(REPO_ROOT, 'docs');

describe('Leakscope in VS Code', { skip: missing ? `skipped: ${missing}` : false, timeout: 600_000 }, () => {
  let dir: string;
  let workspace: string;
  let server: CodeServer;
  let bench: Workbench;
  let page: Page;
  let appPort: number;
  let launchPort: number;
  let debugPort: number;

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'leakscope-e2e-'));
    workspace = join(dir, 'workspace');
    await fs.mkdir(join(workspace, '.vscode'), { recursive: true });
    await fs.copyFile(join(REPO_ROOT, 'samples', 'leakyServer.js'), join(workspace, 'leakyServer.js'));
    // A process that leaks with no traffic at all, as a service does over hours, here in seconds.
    await fs.writeFile(
      join(workspace, 'leakOnTimer.js'),
      "const kept = [];\nsetInterval(() => {\n  for (let i = 0; i < 100; i++) kept.push({ at: Date.now(), text: 'x'.repeat(1000) + i });\n}, 100);\n",
    );
    // A parent that serves while its only child idles: launched, the child is what gets measured.
    await fs.writeFile(
      join(workspace, 'parentServes.js'),
      "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });\nrequire('http').createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');\n",
    );
    // A service that dies of its own accord during a check (EXIT_AFTER), saying why on stderr.
    await fs.copyFile(join(REPO_ROOT, 'test', 'fixtures', 'launch', 'server.js'), join(workspace, 'exitAfter.js'));
    await fs.writeFile(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify(
        {
          'leakscope.output.folder': 'sessions',
          'leakscope.leakCheck.requests': 200,
          'leakscope.watch.intervalSeconds': 1,
          'workbench.colorTheme': 'Default Dark Modern',
          'workbench.startupEditor': 'none',
          'chat.disableAIFeatures': true,
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
        },
        null,
        2,
      ),
    );
    // A report and snapshots made by the CLI, as a reviewer would find them in a pull request.
    const demo = await runCli(['demo', '--out', join(workspace, 'review'), '--quiet']);
    assert.equal(demo.code, 0, demo.stderr);
    appPort = await freePort();
    // A leak check kept in launch.json, for F5.
    await fs.mkdir(join(workspace, 'apps'));
    for (const f of ['listenerPerRequest.js', 'serve.js'])
      await fs.copyFile(join(REPO_ROOT, 'test', 'fixtures', 'apps', f), join(workspace, 'apps', f));
    launchPort = await freePort();
    debugPort = await freePort();
    const launch = {
      version: '0.2.0',
      configurations: [
        {
          type: 'leakscope',
          request: 'launch',
          name: 'Leak check of the event bus',
          program: '${workspaceFolder}/apps/listenerPerRequest.js',
          env: { PORT: String(launchPort) },
          workload: { url: `http://127.0.0.1:${launchPort}/work`, requests: 50 },
          readyUrl: `http://127.0.0.1:${launchPort}/health`,
          cycles: 4,
          failOn: 'leak',
          outDir: '${workspaceFolder}/launch-out',
        },
        {
          type: 'node',
          request: 'launch',
          name: 'Debug the event bus',
          program: '${workspaceFolder}/apps/listenerPerRequest.js',
          env: { PORT: String(debugPort) },
        },
      ],
    };
    await fs.writeFile(join(workspace, '.vscode', 'launch.json'), JSON.stringify(launch, null, 2));
    server = await startCodeServer(workspace, join(dir, 'state'));
    bench = await openWorkbench(server, workspace);
    page = bench.page;
  });

  after(async () => {
    if (page) await page.screenshot({ path: join(dir, 'last.png') }).catch(() => undefined);
    await bench?.close();
    await server?.stop();
    if (process.env.LEAKSCOPE_KEEP_E2E) process.stderr.write(`e2e state kept in ${dir}\n`);
    else await fs.rm(dir, { recursive: true, force: true });
  });

  test('a leak check on the leaky sample shows a finding card naming the holder, and Go to source opens its line', async () => {
    await runCommand(page, 'Leakscope: Run Leak Check');
    await pickItem(page, 'Launch a command under Leakscope', /which process/);
    await answerInput(page, `PORT=${appPort} node leakyServer.js`, /launch a Node.js program/);
    await pickItem(page, 'GET a URL each cycle', /the workload/);
    await answerInput(page, `http://127.0.0.1:${appPort}/orders`, /workload URL/);
    await answerInput(page, '', /cleanup expression/);
    await answerInput(page, '4', /cycles/);
    const panel = panelFrame(page);
    const card = panel.locator('.finding-card', { hasText: 'summaryCache' });
    await card.waitFor({ timeout: 180_000 });
    await assert.doesNotReject(panel.locator('.verdict').first().waitFor());
    await page.screenshot({ path: join(DOCS, 'vscode-panel-dark.png') });

    const sessions = join(workspace, 'sessions');
    const [session] = (await fs.readdir(sessions)).filter((d) => d.endsWith('leak-check'));
    const report = JSON.parse(await fs.readFile(join(sessions, session, 'report.json'), 'utf8')) as LeakReport;
    const finding = report.findings.find((f) => f.path.some((step) => step.startsWith('summaryCache')));
    assert.ok(finding?.source, 'the finding names its source');
    // Newer Nodes name CommonJS scripts by file:// URL to the inspector, older ones by path.
    const file = finding.source.file.startsWith('file://') ? fileURLToPath(finding.source.file) : finding.source.file;
    assert.equal(file, join(workspace, 'leakyServer.js'));

    await card.getByRole('button', { name: 'Go to source' }).click();
    await page.locator('.tab.active', { hasText: 'leakyServer.js' }).waitFor({ timeout: 30_000 });
    const position = page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
    await position.waitFor();
    assert.match((await position.textContent()) ?? '', new RegExp(`^Ln ${finding.source.line}, Col ${finding.source.column}\\b`));

    // The quick-fix from the card edits the file that holds the cache.
    await page
      .locator('.tab', { hasText: /leak check of/ })
      .first()
      .click();
    await card.getByRole('button', { name: 'Apply fix' }).click();
    await card.getByText(/Applied/).waitFor({ timeout: 30_000 });
    const fixed = await fs.readFile(join(workspace, 'leakyServer.js'), 'utf8');
    assert.match(fixed, /require\('lru-cache'\)|from 'lru-cache'/);
    assert.match(fixed, /new LRUCache\(/);

    // Detach stops the process Leakscope launched.
    const service = () => processesIn(workspace, /leakyServer\.js/);
    assert.ok((await service()).length > 0, 'the launched service runs until detached');
    await runCommand(page, 'Leakscope: Detach');
    for (let waited = 0; (await service()).length > 0; waited += 250) {
      assert.ok(waited < 15_000, 'the launched service is still running 15 s after Detach');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  test('a launched program that dies during a leak check is named with its exit code and its last stderr line', async () => {
    const port = await freePort();
    await runCommand(page, 'Leakscope: Run Leak Check');
    await pickItem(page, 'Launch a command under Leakscope', /which process/);
    await answerInput(page, `PORT=${port} EXIT_AFTER=120 node exitAfter.js`, /launch a Node.js program/);
    await pickItem(page, 'GET a URL each cycle', /the workload/);
    await answerInput(page, `http://127.0.0.1:${port}/orders/{i}`, /workload URL/);
    await answerInput(page, '', /cleanup expression/);
    await answerInput(page, '4', /cycles/);
    await runCommand(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', {
      hasText: /exited with code 3 during the leak check/,
    });
    await notification.waitFor({ timeout: 90_000 });
    assert.match((await notification.textContent()) ?? '', /ran out of database connections after 120 requests/);
    assert.equal((await processesIn(workspace, /exitAfter\.js/)).length, 0, 'the dead program left no process behind');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  test('a leak check whose workload goes to another process than the launched one measures says so instead of a verdict', async () => {
    const port = await freePort();
    await runCommand(page, 'Leakscope: Run Leak Check');
    await pickItem(page, 'Launch a command under Leakscope', /which process/);
    await answerInput(page, `PORT=${port} node parentServes.js`, /launch a Node.js program/);
    await pickItem(page, 'GET a URL each cycle', /the workload/);
    await answerInput(page, `http://127.0.0.1:${port}/`, /workload URL/);
    await answerInput(page, '', /cleanup expression/);
    await answerInput(page, '4', /cycles/);
    await runCommand(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', {
      hasText: new RegExp(`does not listen on port ${port}`),
    });
    await notification.waitFor({ timeout: 90_000 });
    assert.match((await notification.textContent()) ?? '', /there is no verdict/);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'Leakscope: Detach');
    for (let waited = 0; (await processesIn(workspace, /parentServes\.js|setInterval/)).length > 0; waited += 250) {
      assert.ok(waited < 15_000, 'the launched program is still running 15 s after Detach');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  test('a launched program that dies while idle is named with its exit code in a warning', async () => {
    const port = await freePort();
    await runCommand(page, 'Leakscope: Launch a Process under Leakscope…');
    await answerInput(page, `PORT=${port} node -e "setTimeout(() => process.exit(4), 3000)"`, /launch a Node.js program/);
    await runCommand(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', {
      hasText: /launched program, pid \d+ .* exited with code 4/,
    });
    await notification.waitFor({ timeout: 60_000 });
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  test("Watch a Process shows a leaking process's growing trend in the status bar, captures on it, and ends with the process", async () => {
    await runCommand(page, 'Leakscope: Watch a Process…');
    await pickItem(page, 'Launch a command under Leakscope', /which process/);
    await answerInput(page, 'node leakOnTimer.js', /launch a Node.js program/);
    const watching = page.locator('.statusbar-item', { hasText: /leakOnTimer\.js [\d.]+ [kMG]?B/ });
    await watching.waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: /leakOnTimer\.js [\d.]+ [kMG]?B ↑ [\d.]+ [kMG]?B\/h/ }).waitFor({ timeout: 120_000 });

    // Ten readings of steady growth trigger the capture (it fits: the heap is small), and the report.
    const sessions = join(workspace, 'sessions');
    const watchReport = async () => {
      const [session] = (await fs.readdir(sessions).catch(() => [] as string[])).filter((d) => d.endsWith('-watch'));
      return session ? fs.readFile(join(sessions, session, 'watch.md'), 'utf8').catch(() => undefined) : undefined;
    };
    let report: string | undefined;
    for (let waited = 0; !(report = await watchReport()); waited += 500) {
      assert.ok(waited < 180_000, 'no watch report 180 s after the trend showed');
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.screenshot({ path: join(dir, 'watch-triggered.png') });
    // A toast hides itself after a while: the notification is looked for where it stays, in the list.
    await runCommand(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', { hasText: /grew steadily/ });
    await notification.waitFor({ timeout: 60_000 });
    assert.match((await notification.textContent()) ?? '', /A heap snapshot was taken/);
    await notification.getByRole('button', { name: 'Open Report' }).click();
    await page.locator('.tab', { hasText: 'watch.md' }).waitFor({ timeout: 60_000 });
    assert.match(report, /Heap trend: [\d.]+ [kMG]?B\/h ± .*steady growth/);
    const snapshot = /- Heap snapshot: (.*)/.exec(report)?.[1];
    assert.ok(snapshot && (await fs.stat(snapshot)).size > 0, report);

    // A new watch of the same process, the connected target, ends with the process, and its item goes.
    // (From the palette: in code-server, the view row's context menu did not take the click after the first case.)
    await runCommand(page, 'Leakscope: Focus on Sessions View');
    const row = page.locator('.pane-body .monaco-list-row', { hasText: 'leakOnTimer.js' }).first();
    await row.waitFor({ timeout: 30_000 });
    await runCommand(page, 'Leakscope: Watch a Process…');
    await watching.waitFor({ timeout: 60_000 });
    const pids = await processesIn(workspace, /leakOnTimer\.js/);
    assert.ok(pids.length > 0, 'the watched process runs');
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    await watching.waitFor({ state: 'hidden', timeout: 30_000 });
    // What the ended watch saw is kept: its report, from the last reading.
    const reports = async () => {
      const found = [];
      for (const d of (await fs.readdir(sessions)).filter((d) => d.endsWith('-watch')))
        found.push(await fs.readFile(join(sessions, d, 'watch.md'), 'utf8').catch(() => ''));
      return found.filter((text) => /Ended: The process ended/.test(text));
    };
    for (let waited = 0; (await reports()).length === 0; waited += 500) {
      assert.ok(waited < 30_000, 'the watch of the ended process left no report');
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  test('F5 on a leakscope launch configuration runs the leak check and opens its report', async () => {
    await runCommand(page, 'Debug: Start Debugging');
    const panel = panelFrame(page);
    await panel.locator('.finding-card[data-kind="listener"]').waitFor({ timeout: 180_000 });
    const report = JSON.parse(await fs.readFile(join(workspace, 'launch-out', 'report.json'), 'utf8')) as LeakReport;
    assert.equal(report.verdict, 'leak');
  });

  test("a .heapsnapshot opens in Leakscope's editor with its dominators", async () => {
    await openFile(page, 'review/after.heapsnapshot');
    await runCommand(page, 'Leakscope: Open in Leakscope');
    const panel = panelFrame(page);
    await panel.locator('.dominators').waitFor({ timeout: 120_000 });
    assert.ok((await panel.locator('.class-table .class-row').count()) > 0);
  });

  test('a report from a pull request opens in the panel, in the light theme too', async () => {
    await openFile(page, 'review/report.json');
    await runCommand(page, 'Leakscope: Open in Leakscope');
    const panel = panelFrame(page);
    await panel.locator('.finding-card').first().waitFor({ timeout: 60_000 });
    assert.ok((await panel.locator('.finding-card').count()) >= 2);
    const settings = join(workspace, '.vscode', 'settings.json');
    const values = JSON.parse(await fs.readFile(settings, 'utf8'));
    await fs.writeFile(settings, JSON.stringify({ ...values, 'workbench.colorTheme': 'Default Light Modern' }, null, 2));
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(DOCS, 'vscode-panel-light.png') });
  });

  test('while debugging, Profile the Debugged Process connects through js-debug and takes a snapshot', async () => {
    await runCommand(page, 'Debug: Select and Start Debugging');
    await pickItem(page, 'Debug the event bus');
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    await runCommand(page, 'Leakscope: Profile the Debugged Process');
    await pickItem(page, 'Take heap snapshot', /connected to debug/);
    const panel = panelFrame(page);
    await panel.locator('.dominators').waitFor({ timeout: 120_000 });
    assert.match((await panel.locator('.dominators').textContent()) ?? '', /\S/);
    await runCommand(page, 'Debug: Stop');
  });

  test('the agent tools are registered as language model tools, and one answers in the extension host', async () => {
    const suite = join(dir, 'lmSuite');
    const resultFile = join(suite, 'result.json');
    await fs.mkdir(suite, { recursive: true });
    // Runs in the real extension host of a second window: vscode.lm.tools, and one read-only tool invoked.
    await fs.writeFile(
      join(suite, 'index.js'),
      `const vscode = require('vscode');
const fs = require('fs');
exports.run = async () => {
  const write = (value) => fs.writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify(value));
  try {
    await vscode.extensions.getExtension('leakscope.leakscope').activate();
    const tools = vscode.lm.tools.filter((t) => t.name.startsWith('leakscope_')).map((t) => ({ name: t.name, inputSchema: t.inputSchema }));
    const result = await vscode.lm.invokeTool('leakscope_report_findings', { input: { report: 'review/report.json', limit: 1 }, toolInvocationToken: undefined });
    write({ tools, answer: result.content.map((part) => part.value).join('') });
  } catch (e) {
    write({ error: String((e && e.stack) || e) });
  }
};
`,
    );
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const extension = (await fs.readdir(join(server.stateDir, 'extensions'))).find((d) => d.startsWith('leakscope.leakscope-'))!;
    const payload = [
      ['extensionDevelopmentPath', remote(join(server.stateDir, 'extensions', extension))],
      ['extensionTestsPath', remote(join(suite, 'index.js'))],
    ];
    const testPage = await bench.context.newPage();
    try {
      await testPage.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      let text: string | undefined;
      for (let waited = 0; !(text = await fs.readFile(resultFile, 'utf8').catch(() => undefined)); waited += 500) {
        assert.ok(waited < 180_000, `the extension host test wrote nothing in 180 s:\n${(await server.log()).slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const result = JSON.parse(text) as { tools?: Array<{ name: string; inputSchema: unknown }>; answer?: string; error?: string };
      assert.equal(result.error, undefined);
      const manifest = JSON.parse(await fs.readFile(join(REPO_ROOT, 'package.json'), 'utf8'));
      const declared = manifest.contributes.languageModelTools as Array<{ name: string; inputSchema: unknown }>;
      assert.deepEqual(result.tools!.map((t) => t.name).sort(), declared.map((t) => t.name).sort());
      for (const tool of declared)
        assert.deepEqual(result.tools!.find((t) => t.name === tool.name)!.inputSchema, tool.inputSchema, tool.name);
      // The bundled tool read the pull request's report: the first of its findings, with the paging that says there are more.
      const [summary, json] = result.answer!.split('\n');
      assert.match(summary, /^Findings 1-1 of \d+\./);
      const structured = JSON.parse(json);
      assert.equal(structured.findings.length, 1);
      assert.equal(structured.nextCursor, '1');
      assert.match(structured.findings[0].holder, /summaryCache|recentRequests/);
    } finally {
      await testPage.close();
    }
  });
});
