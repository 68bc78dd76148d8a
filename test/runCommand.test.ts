import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { launchUnderInspector } from '../src/inspector/launch';
import { BIN, REPO_ROOT, runCli } from './helpers/cli';
import { freePort } from '../src/inspector/freePort';

const SERVER = join(REPO_ROOT, 'samples', 'leakyServer.js');

async function answers(url: string): Promise<boolean> {
  try {
    await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
    return true;
  } catch {
    return false;
  }
}

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-run-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('leakscope run', () => {
  test('launches the app, names the leaking holders and stops the app', async () => {
    const port = await freePort();
    const out = join(dir, 'run');
    const base = `http://127.0.0.1:${port}`;
    const r = await runCli(
      [
        'run',
        '--workload-url',
        `${base}/orders`,
        '--requests',
        '100',
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '3',
        '--out',
        out,
        '--',
        process.execPath,
        SERVER,
      ],
      { env: { PORT: String(port) } },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    assert.equal(report.schemaVersion, 1);
    const diff = report.diff;
    const holders = diff.groups.map((g) => g.holderPath.at(-1)?.edge);
    assert.ok(holders.includes('summaryCache'), `holders: ${holders.join(', ')}`);
    assert.ok(holders.includes('recentRequests'), `holders: ${holders.join(', ')}`);
    const summaries = diff.classes.find((c) => c.className === 'OrderSummary');
    assert.equal(summaries?.newCount, 300);
    assert.equal(report.memory.samples.length, 4, 'baseline and three cycles');
    assert.equal(report.verdict, 'leak');
    assert.match(r.stdout, /^Verdict: leak\./);
    for (const name of ['baseline.heapsnapshot', 'mid.heapsnapshot', 'after.heapsnapshot', 'report.md', 'report.html'])
      assert.ok(existsSync(join(out, name)), name);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /Content-Security-Policy/);
    // The workload URL appears as data; nothing may be loaded from anywhere.
    assert.doesNotMatch(html, /(src|href|action)\s*=\s*["']?[a-z]+:/i);
    assert.equal(await answers(`${base}/health`), false, 'the launched app is stopped');
  });

  test('SIGTERM mid-check stops the app and leaves no partial snapshot', async () => {
    const port = await freePort();
    const out = join(dir, 'interrupted');
    const base = `http://127.0.0.1:${port}`;
    const cli = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--workload-url',
        `${base}/orders`,
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '10000',
        '--out',
        out,
        '--',
        process.execPath,
        SERVER,
      ],
      { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    await new Promise<void>((resolve) =>
      cli.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Cycle 2/')) resolve();
      }),
    );
    assert.equal(await answers(`${base}/health`), true);
    cli.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    assert.notEqual(code, 0);
    assert.equal(await answers(`${base}/health`), false, 'the launched app is stopped');
    assert.deepEqual(
      readdirSync(out).filter((f) => f.endsWith('.partial') || f.endsWith('.tmp')),
      [],
    );
  });

  test('--track-allocations names the functions that allocated the leaked objects, at their lines', async () => {
    const port = await freePort();
    const out = join(dir, 'tracked');
    const base = `http://127.0.0.1:${port}`;
    const r = await runCli(
      [
        'run',
        '--track-allocations',
        '--workload-url',
        `${base}/orders`,
        '--requests',
        '50',
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '2',
        '--out',
        out,
        '--json',
        '-q',
        '--',
        process.execPath,
        SERVER,
      ],
      { env: { PORT: String(port) } },
    );
    assert.equal(r.code, 0, r.stderr);
    const { diff } = JSON.parse(r.stdout) as LeakReport;
    const cache = diff.groups.find((g) => g.holderPath.at(-1)?.edge === 'summaryCache');
    assert.ok(cache?.allocationSites, 'the cache group has allocation sites');
    // V8 records where the allocating function is defined, one-based.
    const source = readFileSync(SERVER, 'utf8').split('\n');
    const definedAt = (name: string) => source.findIndex((line) => line.startsWith(`function ${name}(`)) + 1;
    const loadOrder = cache.allocationSites.find((s) => s.functionName === 'loadOrder');
    assert.ok(loadOrder, JSON.stringify(cache.allocationSites));
    assert.ok(loadOrder.url.endsWith('samples/leakyServer.js'));
    assert.equal(loadOrder.line, definedAt('loadOrder'));
    // Per new order at least its items array and five items (the SKU strings come on top).
    assert.ok(loadOrder.count >= 100 * 6, `${loadOrder.count}`);
    const handleOrder = cache.allocationSites.find((s) => s.functionName === 'handleOrder');
    assert.equal(handleOrder?.line, definedAt('handleOrder'));
    const recent = diff.groups.find((g) => g.holderPath.at(-1)?.edge === 'recentRequests');
    assert.equal(recent?.allocationSites?.[0].functionName, 'handleOrder');
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /Allocated in: `loadOrder \(.*leakyServer\.js:\d+:\d+\) ×/);
  });

  test('a workload is required', async () => {
    const r = await runCli(['run', '--', process.execPath, SERVER]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a workload/);
  });
});

describe('leakscope attach', () => {
  test('checks a running process over host:port and leaves it running', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const target = await launchUnderInspector(process.execPath, [SERVER], { env: { PORT: String(port) } });
    try {
      const out = join(dir, 'attach');
      const r = await runCli([
        'attach',
        new URL(target.webSocketUrl).host,
        '--workload-url',
        `${base}/orders`,
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '2',
        '--out',
        out,
        '--json',
        '-q',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const { diff } = JSON.parse(r.stdout) as LeakReport;
      assert.ok(diff.groups.some((g) => g.holderPath.at(-1)?.edge === 'summaryCache'));
      assert.equal(await answers(`${base}/health`), true, 'attach leaves the process running');
    } finally {
      await target.stop();
    }
  });
});
