import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { REPO_ROOT, runCli } from './helpers/cli';
import { freePort } from '../src/inspector/freePort';

/**
 * The leak check end to end on small apps, each with one behaviour: the real CLI launches the
 * real app, drives it over HTTP, and the report must name the right anti-pattern and holder for
 * every leaky app and must not call a healthy one a leak.
 */
const app = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', name);
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-findings-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(
  script: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ report: LeakReport; code: number | null; stderr: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, script);
  const r = await runCli(
    [
      'run',
      '--workload-url',
      `${base}/work`,
      '--requests',
      '60',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      ...extra,
      '--',
      process.execPath,
      app(script),
    ],
    { env: { PORT: String(port), ...env } },
  );
  return { report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport, code: r.code, stderr: r.stderr };
}

describe('leaky apps are named by their anti-pattern and holder', () => {
  test('a listener added per request to a long-lived emitter', async () => {
    const { report, code, stderr } = await check('listenerPerRequest.js', ['--fail-on', 'leak']);
    assert.equal(code, 3, stderr);
    assert.equal(report.verdict, 'leak');
    const finding = report.findings.find((f) => f.kind === 'listener');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /'config-changed' listeners on configBus/);
    assert.ok(finding.growth.steady && finding.growth.objectsPerCycle >= 60);
  });

  test('an interval started per request and never cleared', async () => {
    const { report } = await check('intervalPerRequest.js');
    assert.equal(report.verdict, 'leak');
    const timers = report.findings.filter((f) => f.kind === 'timer');
    assert.equal(timers.length, 1, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(timers[0].title, /setInterval timers/);
  });

  test('records that keep whole errors and requests', async () => {
    const { report } = await check('failureHistory.js');
    assert.equal(report.verdict, 'leak');
    const finding = report.findings.find((f) => f.kind === 'retained-large-object');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /^Records in recentFailures \(Array\) keep whole errors \(\.error\) and whole requests \(\.request\)/);
    assert.equal(finding.fix.id, 'keep-needed-fields');
  });

  test('a prom-client metric labelled with the user id', async () => {
    const { report } = await check('metricPerUser.js');
    const finding = report.findings.find((f) => f.kind === 'metric-cardinality');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /app_requests_total|requests/);
    assert.equal(finding.fix.id, 'bound-label');
  });

  test('a keep-alive http.Agent created per request', async () => {
    const { report } = await check('agentPerRequest.js');
    const finding = report.findings.find((f) => f.kind === 'undisposed-pool');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /^HTTP agents \(Agent\)/);
  });

  test('a generic-pool pool created per request', async () => {
    const { report } = await check('genericPoolPerRequest.js');
    const finding = report.findings.find((f) => f.kind === 'undisposed-pool');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /^Generic-pool pools \(Pool\)/);
  });

  test('ioredis commands queued while Redis is unreachable', async () => {
    const { report } = await check('redisOffline.js', [], { REDIS_PORT: String(await freePort()) });
    const finding = report.findings.find((f) => f.fix.id === 'redis-offline-queue');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    // Named by the shortest path, which may run through ioredis's own variables (`self`).
    assert.match(finding.title, /^ioredis commands pile up in \w+\.offlineQueue while Redis is unreachable/);
  });

  test('a global MikroORM EntityManager used by every request', async () => {
    const { report } = await check('mikroOrm.js', [], { EM_MODE: 'global' });
    const finding = report.findings.find((f) => f.kind === 'identity-map');
    assert.ok(finding, JSON.stringify(report.findings.map((f) => [f.kind, f.title])));
    assert.match(finding.title, /identity map keeps every Order/);
    assert.equal(finding.fix.id, 'orm-fork-per-request');
  });

  test('a cache and a window that only grow (the bundled sample service)', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const out = join(dir, 'sample');
    const r = await runCli(
      [
        'run',
        '--workload-url',
        `${base}/orders`,
        '--requests',
        '60',
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '4',
        '--out',
        out,
        '-q',
        '--',
        process.execPath,
        join(REPO_ROOT, 'samples', 'leakyServer.js'),
      ],
      { env: { PORT: String(port) } },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    const titles = report.findings.map((f) => `${f.kind}: ${f.title}`);
    assert.ok(
      titles.some((t) => /^unbounded-collection: summaryCache \(Map\)/.test(t)),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((t) => /^unbounded-collection: recentRequests \(Array\) is pushed to/.test(t)),
      titles.join('\n'),
    );
    const cache = report.findings.find((f) => f.title.startsWith('summaryCache'))!;
    assert.equal(cache.fix.id, 'bound-cache');
    // Without allocation tracking, the function whose scope holds the cache (the request handler)
    // is searched for the statement that adds to it, and the cache's declaration.
    const lines = readFileSync(join(REPO_ROOT, 'samples', 'leakyServer.js'), 'utf8').split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    assert.equal(cache.source?.role, 'inserts');
    assert.ok(cache.source?.file.endsWith('samples/leakyServer.js'));
    assert.equal(cache.source?.line, lineOf('summaryCache.set('));
    assert.equal(cache.holderDeclaration?.line, lineOf('const summaryCache = new Map()'));
    assert.ok(cache.path.at(-1)?.startsWith('summaryCache'));
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /### Findings/);
  });
});

describe('the leak check on other kinds of programs', () => {
  test('an Express service: the leak, its holder path and the source line', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const out = join(dir, 'express');
    const r = await runCli(
      [
        'run',
        '--workload-url',
        `${base}/users/{i}`,
        '--requests',
        '60',
        '--ready-url',
        `${base}/health`,
        '--cycles',
        '5',
        '--out',
        out,
        '-q',
        '--',
        process.execPath,
        app('expressUsers.js'),
      ],
      { env: { PORT: String(port) } },
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    const finding = report.findings.find((f) => f.title.startsWith('profileCache (Map)'));
    assert.ok(finding, JSON.stringify(report.findings.map((f) => f.title)));
    assert.equal(finding.kind, 'unbounded-collection');
    assert.ok(finding.path.some((step) => step.startsWith('profileCache')));
    assert.ok(finding.source?.file.endsWith('expressUsers.js'), JSON.stringify(finding.source));
    const source = readFileSync(app('expressUsers.js'), 'utf8').split('\n');
    // The handler whose scope holds the cache is searched for the statement that fills it.
    assert.equal(finding.source?.role, 'inserts');
    assert.match(source[finding.source!.line - 1], /profileCache\.set\(req\.params\.id, profile\)/);
  });

  test('a batch job driven by --workload-expr leaks into its list and index', async () => {
    const out = join(dir, 'batch');
    const r = await runCli([
      'run',
      '--workload-expr',
      'processBatch()',
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      '--',
      process.execPath,
      app('batchJob.js'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    // The jobs are held by both the list and the index; they are grouped under one of them, the
    // one on their shortest path.
    const titles = report.findings.map((f) => f.title);
    assert.ok(
      titles.some((t) => /^(processedJobs \(Array\)|jobsById \(Map\))/.test(t)),
      titles.join('\n'),
    );
    assert.equal(report.verdict, 'leak');
  });

  test('the same job with --cleanup-expr that resets its state is not a leak', async () => {
    const out = join(dir, 'batch-clean');
    const r = await runCli([
      'run',
      '--workload-expr',
      'processBatch()',
      '--cleanup-expr',
      'resetBatchState()',
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      '--',
      process.execPath,
      app('batchJob.js'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
    assert.deepEqual(report.findings, []);
    assert.notEqual(report.verdict, 'leak', report.summary);
  });

  test('a cleanup expression that throws is one sentence', async () => {
    const r = await runCli([
      'run',
      '--workload-expr',
      'processBatch()',
      '--cleanup-expr',
      'noSuchFunction()',
      '--cycles',
      '2',
      '--out',
      join(dir, 'bad'),
      '-q',
      '--',
      process.execPath,
      app('batchJob.js'),
    ]);
    assert.equal(r.code, 1);
    const own = r.stderr.split('\n').filter((line) => line.startsWith('leakscope: '));
    assert.deepEqual(own, [
      'leakscope: The expression `noSuchFunction()` threw in the target: ReferenceError: noSuchFunction is not defined',
    ]);
  });
});

describe('healthy apps are not called leaks', () => {
  test('a cache that evicts beyond its bound', async () => {
    const { report, code } = await check('boundedCache.js', ['--fail-on', 'leak']);
    assert.equal(code, 0, JSON.stringify(report.findings.map((f) => [f.kind, f.title, f.growth])));
    assert.equal(report.verdict, 'no-leak');
    assert.deepEqual(report.findings, []);
  });

  test('MikroORM with an EntityManager forked per request', async () => {
    const { report } = await check('mikroOrm.js', [], { EM_MODE: 'fork' });
    assert.deepEqual(
      report.findings.map((f) => f.kind),
      [],
    );
    assert.equal(report.verdict, 'no-leak', report.summary);
  });

  test('an lru-cache with a bound', async () => {
    const { report } = await check('lruCache.js');
    assert.equal(report.verdict, 'no-leak', report.summary);
    assert.deepEqual(report.findings, []);
  });

  test('a cache over a fixed key set that filled during warm-up', async () => {
    const { report } = await check('fixedKeyCache.js');
    assert.equal(report.verdict, 'no-leak', report.summary);
    assert.deepEqual(report.findings, []);
  });
});
