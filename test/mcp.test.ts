import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { freePort } from '../src/inspector/freePort';
import { LEAKSCOPE_TOOLS } from '../src/mcp/tools';
import { BIN, REPO_ROOT } from './helpers/cli';

const SAMPLE = join(REPO_ROOT, 'samples', 'leakyServer.js');
/** A leak check of a real process on a busy machine: generous, and reset by every progress notification. */
const LONG = { timeout: 600_000, resetTimeoutOnProgress: true };

// Tool answers are checked field by field against their schemas' shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Structured = Record<string, any>;

/**
 * `leakscope mcp` driven by the SDK's own client over stdio, through a whole hunt on the bundled
 * leaky order service: the check, its findings, a holder path, samples, the class table and the fix plan.
 */
describe('leakscope mcp', () => {
  let dir: string;
  let client: Client;
  let stderr = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leakscope-mcp-'));
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, stderr: 'pipe' });
    transport.stderr?.on('data', (d) => (stderr += d));
    client = new Client({ name: 'leakscope-test', version: '1.0.0' });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(
    name: string,
    args: Record<string, unknown>,
    options: Parameters<Client['callTool']>[2] = {},
  ): Promise<CallToolResult> {
    return (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...options })) as CallToolResult;
  }

  async function structured(name: string, args: Record<string, unknown>): Promise<Structured> {
    const result = await call(name, args);
    assert.ok(!result.isError, `${name} failed: ${JSON.stringify(result.content)}\n${stderr}`);
    return result.structuredContent as Structured;
  }

  /** Every item of a paged list, page by page, checking each page picks up where the last one ended. */
  async function allPages(name: string, args: Record<string, unknown>, key: string, limit: number): Promise<Structured[]> {
    const items: Structured[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await structured(name, { ...args, limit, ...(cursor ? { cursor } : {}) });
      assert.equal(page.offset, items.length);
      assert.ok(page[key].length <= limit);
      items.push(...page[key]);
      if (!page.nextCursor) {
        assert.equal(items.length, page.total, 'the last page ends the list');
        return items;
      }
      cursor = page.nextCursor;
    }
  }

  test('lists every tool with input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), LEAKSCOPE_TOOLS.map((t) => t.name).sort());
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.equal(tool.outputSchema?.type, 'object', tool.name);
      assert.ok(tool.description && tool.description.length > 40, tool.name);
    }
  });

  let reportFile: string;
  let findings: Structured[];

  test('runs the leak check on a launched service, with progress, and names the leaks', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const progress: string[] = [];
    const result = await call(
      'leakscope_run_leak_check',
      {
        command: [process.execPath, SAMPLE],
        env: { PORT: String(port) },
        workloadUrl: `${base}/orders`,
        requests: 100,
        readyUrl: `${base}/health`,
        warmup: 1,
        cycles: 4,
        outDir: 'out',
      },
      { ...LONG, onprogress: (p) => void progress.push(p.message ?? '') },
    );
    assert.ok(!result.isError, `${JSON.stringify(result.content)}\n${stderr}`);
    const s = result.structuredContent as Structured;
    assert.equal(s.verdict, 'leak');
    assert.ok(s.findingCount >= 1 && s.findings.length === Math.min(s.findingCount, 10));
    assert.equal(s.files.report, join(dir, 'out', 'report.json'));
    assert.ok(existsSync(s.files.report));
    assert.ok(s.files.snapshots.length >= 2 && s.files.snapshots.every(existsSync));
    assert.ok(s.memory.summary.length > 0);
    assert.ok(progress.some((m) => /baseline/i.test(m)) && progress.some((m) => /cycle/i.test(m)), `progress: ${progress.join(' | ')}`);
    assert.ok(
      s.findings.some((f: Structured) => /summaryCache/.test(f.holder)),
      `findings: ${JSON.stringify(s.findings.map((f: Structured) => f.holder))}`,
    );
    assert.match((result.content[0] as { text: string }).text, /^Verdict: leak\./);
    // What the service prints is the server's log (stderr), never on the protocol's stdout.
    assert.match(stderr, /^\[target\] order service listening on http:\/\/127\.0\.0\.1:\d+/m);
    reportFile = s.files.report;
  });

  test('pages through the findings, the holder path, the samples and the class table', async () => {
    findings = await allPages('leakscope_report_findings', { report: reportFile }, 'findings', 1);
    assert.deepEqual(
      findings.map((f) => f.index),
      findings.map((_, i) => i),
    );
    const cache = findings.find((f) => /summaryCache/.test(f.holder))!;
    assert.ok(cache.source?.file.endsWith('leakyServer.js'), JSON.stringify(cache.source));

    const steps = await allPages('leakscope_finding_holder_path', { report: reportFile, finding: cache.index }, 'steps', 2);
    assert.ok(steps.length >= 2);
    assert.equal(steps[steps.length - 1].edge, 'summaryCache');
    assert.equal(steps[steps.length - 1].className, 'Map');

    const samples = await allPages('leakscope_report_samples', { report: reportFile, finding: cache.index }, 'samples', 2);
    assert.ok(samples.length >= 1);
    assert.ok(
      samples.every((s) => /summaryCache/.test(s.path) && s.fromHolder?.startsWith('summaryCache')),
      JSON.stringify(samples[0]),
    );

    const classes = await allPages('leakscope_report_classes', { report: reportFile }, 'classes', 7);
    assert.ok(classes.some((c) => c.className === 'OrderSummary' && c.newCount > 0));
    assert.equal(new Set(classes.map((c) => c.className)).size, classes.length, 'no class on two pages');
  });

  test('a cursor the list never gave is refused in a sentence', async () => {
    const result = await call('leakscope_report_classes', { report: reportFile, cursor: '99999' });
    assert.equal(result.isError, true);
    assert.match((result.content[0] as { text: string }).text, /^Cursor "99999" is not one this list gave/);
    const missing = await call('leakscope_finding_holder_path', { report: reportFile, finding: 999 });
    assert.match((missing.content[0] as { text: string }).text, /there is no finding 999/);
  });

  test('the fix plan for the cache finding is a diff, and nothing is written', async () => {
    const cache = findings.find((f) => /summaryCache/.test(f.holder))!;
    const before = readFileSync(SAMPLE, 'utf8');
    const plan = await structured('leakscope_fix_plan', { report: reportFile, finding: cache.index, root: REPO_ROOT });
    assert.equal(plan.fixId, cache.fixId);
    const fix = plan.fixes.find((f: Structured) => f.diff);
    assert.ok(fix, JSON.stringify(plan));
    assert.equal(fix.file, SAMPLE);
    assert.match(fix.diff, /^--- a\/samples\/leakyServer\.js\n\+\+\+ b\/samples\/leakyServer\.js\n@@ /);
    assert.match(fix.diff, /^\+.*summaryCache/m);
    assert.equal(readFileSync(SAMPLE, 'utf8'), before);
  });

  test('compares two reports', async () => {
    const same = await structured('leakscope_compare_reports', { base: reportFile, head: reportFile });
    assert.deepEqual([same.newFindings.length, same.fixedFindings.length, same.persisting.length], [0, 0, findings.length]);
  });

  test("inspects and diffs the check's snapshots, paged", async () => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    const overview = await structured('leakscope_inspect_snapshot', { file: report.snapshots.after, limit: 5 });
    assert.equal(overview.classes.length, 5);
    assert.equal(overview.nextCursor, '5');
    const dominators = await structured('leakscope_inspect_snapshot', { file: report.snapshots.after, section: 'dominators', limit: 3 });
    assert.ok(dominators.dominators.every((d: Structured) => d.path.startsWith('(GC roots)')));
    const diff = await structured('leakscope_diff_snapshots', {
      baseline: report.snapshots.baseline,
      after: report.snapshots.after,
      limit: 3,
    });
    assert.ok(diff.newObjects.count > 0);
    assert.ok(
      diff.groups.some((g: Structured) => /summaryCache/.test(g.holder)),
      JSON.stringify(diff.groups),
    );
    // Three snapshots: only what was new at the mid snapshot and still alive at the end counts.
    const survivors = await structured('leakscope_diff_snapshots', {
      baseline: report.snapshots.baseline,
      after: report.snapshots.mid,
      final: report.snapshots.after,
      section: 'classes',
      limit: 50,
    });
    assert.ok(
      survivors.newObjects.count > 0 && survivors.newObjects.count < diff.newObjects.count,
      `${survivors.newObjects.count} of ${diff.newObjects.count}`,
    );
    assert.ok(survivors.classes.some((c: Structured) => c.className === 'OrderSummary'));
  });

  test('attaches to a running process by host:port: explains its memory and snapshots it, leaving it running', async () => {
    const inspectPort = await freePort();
    const service = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, SAMPLE], {
      env: { ...process.env, PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        service.once('exit', (code) => reject(new Error(`the service exited (${code})`)));
        service.stdout.on('data', (d) => /listening/.test(String(d)) && resolve());
      });
      const target = `127.0.0.1:${inspectPort}`;
      const memory = await structured('leakscope_explain_memory', { target });
      assert.ok(memory.afterGc.rss > 0 && memory.breakdown.rss === memory.afterGc.rss, JSON.stringify(memory.breakdown));
      assert.ok(
        ['leak', 'allocator-retention', 'heap-headroom', 'high-water-mark', 'no-leak', 'undetermined'].includes(memory.verdict.kind),
      );
      const snapshot = await structured('leakscope_take_snapshot', { target, file: 'live.heapsnapshot' });
      assert.equal(snapshot.file, join(dir, 'live.heapsnapshot'));
      assert.ok(snapshot.bytes > 100_000 && statSync(snapshot.file).size === snapshot.bytes);
      const overview = await structured('leakscope_inspect_snapshot', { file: 'live.heapsnapshot', limit: 50 });
      assert.ok(overview.totals.nodeCount > 1000 && overview.classes.length === 50);
      assert.equal(service.exitCode, null, 'the process is left running');
    } finally {
      service.kill();
    }
  });

  test('a process on another machine needs allowRemote', async () => {
    const result = await call('leakscope_explain_memory', { target: '10.20.30.40:9229' });
    assert.equal(result.isError, true);
    assert.match((result.content[0] as { text: string }).text, /10\.20\.30\.40 is not this machine.*allowRemote: true/);
  });

  test('cancelling a run stops the launched service, and the server goes on answering', async () => {
    const port = await freePort();
    const pidFile = join(dir, 'target.pid');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require(${JSON.stringify(SAMPLE)})`;
    const controller = new AbortController();
    const call = client.callTool(
      {
        name: 'leakscope_run_leak_check',
        arguments: {
          command: [process.execPath, '-e', script],
          env: { PORT: String(port) },
          workloadUrl: `http://127.0.0.1:${port}/orders`,
          readyUrl: `http://127.0.0.1:${port}/health`,
          cycles: 1000,
          outDir: 'cancelled',
        },
      },
      undefined,
      { ...LONG, signal: controller.signal, onprogress: (p) => /Warm-up|cycle/i.test(p.message ?? '') && controller.abort() },
    );
    await assert.rejects(call, /abort/i);
    await waitUntilGone(Number(readFileSync(pidFile, 'utf8')));
    const { tools } = await client.listTools();
    assert.equal(tools.length, LEAKSCOPE_TOOLS.length);
  });
});

test('a client that goes away mid-run leaves no service running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakscope-mcp-close-'));
  try {
    const client = new Client({ name: 'leakscope-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, stderr: 'ignore' }));
    const port = await freePort();
    const pidFile = join(dir, 'target.pid');
    const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require(${JSON.stringify(SAMPLE)})`;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool(
      {
        name: 'leakscope_run_leak_check',
        arguments: {
          command: [process.execPath, '-e', script],
          env: { PORT: String(port) },
          workloadUrl: `http://127.0.0.1:${port}/orders`,
          readyUrl: `http://127.0.0.1:${port}/health`,
          cycles: 1000,
        },
      },
      undefined,
      { ...LONG, onprogress: (p) => /Warm-up|cycle/i.test(p.message ?? '') && started() },
    );
    call.catch(() => {});
    await running;
    await client.close();
    await waitUntilGone(Number(readFileSync(pidFile, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    assert.ok(Date.now() < deadline, `the launched service (PID ${pid}) is still running`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
