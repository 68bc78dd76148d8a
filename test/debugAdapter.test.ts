import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { InlineDebugAdapter } from '../src/debug-adapter/inlineAdapter';
import { LeakCheckSession } from '../src/debug-adapter/leakCheckSession';
import { isReportEventBody, REPORT_EVENT, type LeakCheckConfiguration, type ReportEventBody } from '../src/debug-adapter/types';
import { freePort } from '../src/inspector/freePort';
import type { LeakReport } from '../src/report/leakReport';
import { REPO_ROOT } from './helpers/cli';

/** Speaks DAP to the adapter as VS Code does for an inline adapter, and collects what it says. */
async function runSession(configuration: Partial<LeakCheckConfiguration> & { request: 'launch' | 'attach' }) {
  const adapter = new InlineDebugAdapter(new LeakCheckSession({ nodePath: process.execPath }));
  const events: DebugProtocol.Event[] = [];
  const responses: DebugProtocol.Response[] = [];
  const terminated = new Promise<void>((resolve) => {
    adapter.onDidSendMessage((m) => {
      const message = m as DebugProtocol.ProtocolMessage;
      if (message.type === 'event') events.push(message as DebugProtocol.Event);
      if (message.type === 'response') responses.push(message as DebugProtocol.Response);
      if (
        (message as DebugProtocol.Event).event === 'terminated' ||
        (message.type === 'response' && !(message as DebugProtocol.Response).success)
      )
        resolve();
    });
  });
  adapter.handleMessage({
    seq: 1,
    type: 'request',
    command: 'initialize',
    arguments: { adapterID: 'leakscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true },
  } satisfies DebugProtocol.InitializeRequest);
  adapter.handleMessage({
    seq: 2,
    type: 'request',
    command: configuration.request,
    arguments: configuration,
  } satisfies DebugProtocol.Request);
  await terminated;
  adapter.dispose();
  const output = events
    .filter((e) => e.event === 'output')
    .map((e) => (e.body as { output: string }).output)
    .join('');
  const exited = events.find((e) => e.event === 'exited')?.body as { exitCode: number } | undefined;
  const reportBody: unknown = events.find((e) => e.event === REPORT_EVENT)?.body;
  return { events, responses, output, exitCode: exited?.exitCode, report: reportBody === undefined ? undefined : reportEvent(reportBody) };
}

/** The report event's body as the extension takes it: checked, since VS Code hands it over as `any`. */
function reportEvent(body: unknown): ReportEventBody {
  assert.ok(isReportEventBody(body), `The report event's body is not a ReportEventBody: ${JSON.stringify(body)}`);
  return body;
}

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'leakscope-dap-'));
});
after(() => fs.rm(dir, { recursive: true, force: true }));

test('a leakscope launch configuration runs the leak check, reports to the Debug Console and fails on a leak', async () => {
  const port = await freePort();
  const outDir = join(dir, 'listener');
  const result = await runSession({
    request: 'launch',
    program: join(REPO_ROOT, 'test', 'fixtures', 'apps', 'listenerPerRequest.js'),
    env: { PORT: String(port) },
    workload: { url: `http://127.0.0.1:${port}/work`, requests: 50 },
    readyUrl: `http://127.0.0.1:${port}/health`,
    cycles: 4,
    failOn: 'leak',
    outDir,
  });
  assert.equal(result.exitCode, 3, result.output);
  assert.match(result.output, /Cycle 4\/4/);
  assert.match(result.output, /Verdict: leak\./);
  assert.equal(result.report?.reportFile, join(outDir, 'report.json'));
  const report = JSON.parse(await fs.readFile(join(outDir, 'report.json'), 'utf8')) as LeakReport;
  assert.ok(report.findings.some((f) => f.kind === 'listener'));
  // The launch goes through the CLI's launch-and-check, so the report names the process it measured.
  assert.equal(typeof report.target.pid, 'number', JSON.stringify(report.target));
  assert.equal(typeof report.target.why, 'string', JSON.stringify(report.target));
});

test('a healthy program passes with exit code 0', async () => {
  const port = await freePort();
  const result = await runSession({
    request: 'launch',
    program: join(REPO_ROOT, 'test', 'fixtures', 'apps', 'boundedCache.js'),
    env: { PORT: String(port) },
    workload: { url: `http://127.0.0.1:${port}/work?id={i}`, requests: 50 },
    readyUrl: `http://127.0.0.1:${port}/health`,
    cycles: 4,
    failOn: 'leak',
    outDir: join(dir, 'healthy'),
  });
  assert.equal(result.exitCode, 0, result.output);
  assert.equal(result.report?.verdict, 'no-leak');
});

test("a launch whose program starts several Node processes measures the one on the workload's port", async () => {
  const port = await freePort();
  // Two leaves: an idle helper and the service; only the workload's port tells them apart.
  const launcher = join(dir, 'launcher.js');
  await fs.writeFile(
    launcher,
    `const { spawn } = require('node:child_process');
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
spawn(process.execPath, [${JSON.stringify(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'boundedCache.js'))}], { stdio: 'inherit' });
setInterval(() => {}, 1000);
`,
  );
  const result = await runSession({
    request: 'launch',
    program: launcher,
    env: { PORT: String(port) },
    workload: { url: `http://127.0.0.1:${port}/work?id={i}`, requests: 20 },
    readyUrl: `http://127.0.0.1:${port}/health`,
    cycles: 2,
    outDir: join(dir, 'several'),
  });
  assert.equal(result.exitCode, 0, result.output);
  assert.equal(result.report?.reportFile, join(dir, 'several', 'report.json'));
  assert.match(result.output, /Cycle 2\/2/);
});

test('a configuration that cannot run is refused in one sentence before anything starts', async () => {
  const result = await runSession({ request: 'launch', program: 'x.js' } as never);
  const failed = result.responses.find((r) => !r.success);
  assert.match(failed?.message ?? JSON.stringify(failed?.body), /needs a "workload"/);
  const gone = await runSession({
    request: 'launch',
    runtimeExecutable: join(dir, 'no-such-node'),
    workload: { url: 'http://127.0.0.1:1/' },
  });
  assert.equal(gone.exitCode, 1);
  assert.match(gone.output, /Leakscope: .*no-such-node/);
});
