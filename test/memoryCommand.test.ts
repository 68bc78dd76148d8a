import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchUnderInspector, type LaunchedTarget } from '../src/inspector/launch';
import type { MemoryReport } from '../src/render/memoryText';
import { REPO_ROOT, runCli } from './helpers/cli';
import { freePort } from '../src/inspector/freePort';

const app = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', name);

/** Starts a fixture under the inspector and waits for its "ready" line. */
async function start(name: string): Promise<{ target: LaunchedTarget; address: string }> {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const target = await launchUnderInspector(process.execPath, [app(name)], { onOutput: (line) => line.startsWith('ready') && ready() });
  await isReady;
  return { target, address: new URL(target.webSocketUrl).host };
}

describe('leakscope memory', () => {
  test('explains high RSS after freeing Buffers as allocator retention, not a leak', async () => {
    const { target, address } = await start('freedBuffers.js');
    try {
      const r = await runCli(['memory', address, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as MemoryReport;
      assert.equal(report.verdict.kind, 'allocator-retention', report.verdict.summary);
      assert.ok(report.breakdown.native > 100 * 1024 * 1024, `native ${report.breakdown.native}`);
      assert.ok(report.afterGc.heapUsed < 50 * 1024 * 1024);
      const text = await runCli(['memory', address]);
      assert.match(text.stdout, /Verdict: allocator retention/);
      assert.match(text.stdout, /MALLOC_ARENA_MAX/);
      assert.match(text.stdout, /Native \(malloc and the rest\)/);
    } finally {
      await target.stop();
    }
  });

  test('one reading says it cannot tell growth; --samples reads a series and judges it', async () => {
    const { target, address } = await start('idle.js');
    try {
      const one = await runCli(['memory', address, '-q']);
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, /Verdict: growth unknown from one reading\. One reading cannot tell/);
      assert.doesNotMatch(one.stdout, /Memory is stable/);
      const series = await runCli(['memory', address, '--samples', '3', '--interval', '0.2', '--json', '-q']);
      assert.equal(series.code, 0, series.stderr);
      const report = JSON.parse(series.stdout) as MemoryReport;
      assert.equal(report.samples?.length, 3);
      assert.equal(report.verdict.kind, 'no-leak', report.verdict.summary);
    } finally {
      await target.stop();
    }
  });

  test('a leak check of two cycles on a healthy route does not blame the allocator for its own snapshots', async () => {
    const port = await freePort();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const target = await launchUnderInspector(process.execPath, [app('misbehaving.js')], {
      env: { PORT: String(port) },
      onOutput: (line) => line.startsWith('ready') && ready(),
    });
    await isReady;
    const dir = mkdtempSync(join(tmpdir(), 'leakscope-own-'));
    try {
      const r = await runCli([
        'attach',
        new URL(target.webSocketUrl).host,
        '--workload-url',
        `http://127.0.0.1:${port}/ok`,
        '--cycles',
        '2',
        '--out',
        dir,
        '--json',
        '-q',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { verdict: string; summary: string; memory: { samples: Array<{ snapshotsTaken?: number }> } };
      assert.deepEqual(
        report.memory.samples.map((s) => s.snapshotsTaken),
        [0, 1, 2],
        'each sample records the snapshots before it',
      );
      assert.notEqual(report.verdict, 'allocator-retention', report.summary);
    } finally {
      await target.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a small idle process is not a leak', async () => {
    const { target, address } = await start('idle.js');
    try {
      const r = await runCli(['memory', address, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as MemoryReport;
      assert.notEqual(report.verdict.kind, 'leak');
      const b = report.breakdown;
      assert.equal(b.heapUsed + b.heapFree + b.external + b.fileBacked + b.native, b.rss);
    } finally {
      await target.stop();
    }
  });

  test('--pid opens the inspector of a running process with SIGUSR1', async () => {
    const child = spawn(process.execPath, [app('idle.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      const r = await runCli(['memory', '--pid', String(child.pid), '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok((JSON.parse(r.stdout) as MemoryReport).afterGc.rss > 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('unreachable targets get one sentence', async () => {
    const closed = await freePort();
    const refused = await runCli(['memory', `127.0.0.1:${closed}`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`^leakscope: Nothing is listening on 127\\.0\\.0\\.1:${closed}`));
    assert.equal(refused.stderr.trim().split('\n').length, 1);
    const noPid = await runCli(['memory', '--pid', '999999']);
    assert.equal(noPid.code, 1);
    assert.match(noPid.stderr, /No process has PID 999999/);
    const bad = await runCli(['memory', 'not an address']);
    assert.equal(bad.code, 2);
  });
});

describe('leakscope snapshot', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-snap-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('streams a snapshot of a running process to a file that inspect reads', async () => {
    const { target, address } = await start('idle.js');
    try {
      const file = join(dir, 'idle.heapsnapshot');
      const r = await runCli(['snapshot', address, '-o', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(statSync(file).size > 1024 * 1024);
      const inspect = await runCli(['inspect', file, '--json', '-q']);
      assert.equal(inspect.code, 0, inspect.stderr);
    } finally {
      await target.stop();
    }
  });
});
