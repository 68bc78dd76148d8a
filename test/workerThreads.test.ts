import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../src/inspector/freePort';
import { launchUnderInspector } from '../src/inspector/launch';
import type { LeakReport } from '../src/report/leakReport';
import type { MemoryReport } from '../src/render/memoryText';
import { BIN, REPO_ROOT, runCli, runNode } from './helpers/cli';
import { nodeMissing, supportedNodes, type NodeVersion } from './helpers/nodeVersions';

/**
 * Worker threads: a leak inside a worker leaves the main thread's heap flat. The check attaches
 * to every worker (the NodeWorker domain), snapshots and diffs each one, and says which thread a
 * finding is in; the memory breakdown counts the workers' heaps as V8 heap. On Node 20 and on the
 * newer Nodes, where a worker parked between tasks runs no snapshot until it is paused.
 */
const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'apps', 'workers', name);
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-workers-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(
  node: NodeVersion,
  mode: 'leak' | 'healthy',
  capture: 'auto' | 'sampling' = 'auto',
): Promise<{ report: LeakReport; stdout: string; out: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, `piscina-${node.major}-${mode}-${capture}`);
  const r = await runNode(
    [
      BIN,
      'run',
      '--workload-url',
      `${base}/work/{i}`,
      '--requests',
      // Sampling promises leaks of 100 kB a cycle or more: a request leaks about 0.6 kB.
      capture === 'sampling' ? '300' : '100',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '4',
      '--capture',
      capture,
      '--out',
      out,
      '--',
      node.bin,
      fixture('piscinaRender.js'),
    ],
    { node: node.bin, env: { PORT: String(port), MODE: mode } },
  );
  assert.equal(r.code, 0, r.stderr);
  return { report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport, stdout: r.stdout, out };
}

const titles = (r: LeakReport) =>
  JSON.stringify(r.findings.map((f) => `${f.kind}: ${f.title}${f.thread ? ` (worker ${f.thread.id})` : ''}`));

for (const node of supportedNodes()) {
  describe(`worker threads on Node ${node.major}`, { skip: nodeMissing(node) }, () => {
    test("a leak in a Piscina worker is named with its holder, its line in the worker's source and its thread", async () => {
      const { report, stdout, out } = await check(node, 'leak');
      assert.equal(report.verdict, 'leak', report.summary);
      const inWorkers = report.findings.filter((f) => f.thread && /^renderedPages \(Map\) gains entries every cycle/.test(f.title));
      assert.ok(inWorkers.length >= 1, titles(report));
      // The main thread only waits for the pool: nothing there is called a leak.
      assert.deepEqual(
        report.findings.filter((f) => !f.thread).map((f) => f.title),
        [],
      );
      const finding = inWorkers[0];
      assert.equal(finding.kind, 'unbounded-collection');
      assert.equal(finding.confidence, 'high');
      assert.match(finding.thread!.url ?? '', /piscina\/dist\/worker\.js$/);
      const workers = report.capture?.workers ?? [];
      assert.ok(
        workers.some((w) => w.id === finding.thread!.id && w.snapshots),
        JSON.stringify(workers),
      );
      // The statement that inserts into the holder, in the task file the worker loads.
      const lines = readFileSync(fixture('renderPage.js'), 'utf8').split('\n');
      const inserts = lines.findIndex((l) => l.includes('renderedPages.set(')) + 1;
      assert.ok(finding.source?.file.endsWith('renderPage.js'), JSON.stringify(finding.source));
      assert.equal(finding.source?.line, inserts, JSON.stringify(finding.source));
      // Every rendering says which thread.
      const where = new RegExp(`in worker ${finding.thread!.id} \\(\`node_modules/piscina/dist/worker\\.js\`\\)`);
      assert.match(stdout, new RegExp(`thread +${where.source}`));
      assert.match(readFileSync(join(out, 'report.md'), 'utf8'), new RegExp(`Thread: ${where.source}`));
      assert.ok(
        readFileSync(join(out, 'report.html'), 'utf8').includes(
          `<dt>Thread</dt><dd>in worker ${finding.thread!.id} (<code>node_modules/piscina/dist/worker.js</code>)</dd>`,
        ),
      );
      // The breakdown counts the workers' heaps as V8 heap.
      assert.ok((report.memory.breakdown.workerHeapUsed ?? 0) > 0, JSON.stringify(report.memory.breakdown));
      assert.equal(report.memory.samples.at(-1)?.workers?.length, 2);
    });

    test('its healthy twin, whose workers are as busy, is not called a leak', async () => {
      const { report } = await check(node, 'healthy');
      assert.deepEqual(titles(report), '[]');
      assert.equal(report.verdict, 'no-leak', report.summary);
      assert.equal(report.capture?.workers?.filter((w) => w.snapshots).length, 2, JSON.stringify(report.capture?.workers));
      assert.ok((report.memory.breakdown.workerHeapUsed ?? 0) > 0);
    });

    test('--capture sampling samples every worker too: the leak is named at its allocation site in its thread, the twin is not', async () => {
      const { report } = await check(node, 'leak', 'sampling');
      assert.equal(report.capture?.mode, 'sampling');
      assert.equal(report.verdict, 'leak', report.summary);
      const inWorkers = report.findings.filter((f) => f.thread && f.source?.file.endsWith('renderPage.js'));
      assert.ok(inWorkers.length >= 1, titles(report));
      assert.equal(inWorkers[0].source?.role, 'allocated');
      assert.deepEqual(
        report.findings.filter((f) => !f.thread).map((f) => f.title),
        [],
      );
      assert.ok(
        report.capture?.workers?.some((w) => w.id === inWorkers[0].thread!.id && /sampled across the cycles/.test(w.note ?? '')),
        JSON.stringify(report.capture?.workers),
      );
      const healthy = await check(node, 'healthy', 'sampling');
      assert.deepEqual(titles(healthy.report), '[]');
      assert.equal(healthy.report.verdict, 'no-leak', healthy.report.summary);
    });
  });
}

test("a worker's own worker is attached through its parent's session: its leak is found in both captures, its healthy twin is not", async () => {
  const run = async (capture: 'snapshot' | 'sampling', mode: 'leak' | 'healthy'): Promise<LeakReport> => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const out = join(dir, `nested-${capture}-${mode}`);
    const r = await runCli(
      [
        'run',
        ...['--workload-url', `${base}/work/{i}`, '--requests', '300', '--ready-url', `${base}/health`, '--cycles', '4'],
        ...['--capture', capture, '--out', out, '-q', '--', process.execPath, fixture('nestedWorkers.js')],
      ],
      { env: { PORT: String(port), MODE: mode } },
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
  };
  for (const capture of ['snapshot', 'sampling'] as const) {
    const leaky = await run(capture, 'leak');
    assert.equal(leaky.verdict, 'leak', leaky.summary);
    // The renderer is the coordinator's worker, not the main thread's.
    assert.deepEqual(
      leaky.findings.map((f) => f.thread?.title),
      ['[worker 2] renderer'],
      titles(leaky),
    );
    assert.ok(leaky.findings[0].source?.file.endsWith('nestedWorkers.js'), JSON.stringify(leaky.findings[0].source));
    assert.deepEqual(
      leaky.capture?.workers?.map((w) => w.title),
      ['[worker 1] coordinator', '[worker 2] renderer'],
    );
    const healthy = await run(capture, 'healthy');
    assert.equal(healthy.verdict, 'no-leak', `${capture}: ${healthy.summary} ${titles(healthy)}`);
  }
});

test("leakscope memory counts a worker's live heap as V8 heap, not as memory the allocator keeps", async () => {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const target = await launchUnderInspector(process.execPath, [fixture('workerIndex.js')], {
    onOutput: (line) => line.startsWith('ready') && ready(),
  });
  try {
    await isReady;
    const r = await runCli(['memory', new URL(target.webSocketUrl).host, '--json', '-q']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as MemoryReport;
    // Without the worker's heap, its ~150 MB of index would be "native memory outside the V8 heap".
    assert.notEqual(report.verdict.kind, 'allocator-retention', report.verdict.summary);
    assert.ok((report.breakdown.workerHeapUsed ?? 0) > 80 * 1024 * 1024, JSON.stringify(report.breakdown));
    assert.ok(report.breakdown.native < report.breakdown.workerHeapUsed!, JSON.stringify(report.breakdown));
    assert.match(report.verdict.summary, /in one worker thread/);
    assert.equal(report.afterGc.workers?.[0]?.title, '[worker 1] search-index');
  } finally {
    await target.stop();
  }
});

test('workers that come and go during the check (one per request) neither break it nor are called a leak', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, 'worker-per-request');
  const r = await runCli(
    [
      'run',
      '--workload-url',
      `${base}/work/{i}`,
      '--requests',
      '30',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '4',
      '--out',
      out,
      '-q',
      '--',
      process.execPath,
      fixture('workerPerRequest.js'),
    ],
    {
      env: { PORT: String(port) },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
  assert.deepEqual(titles(report), '[]');
  assert.notEqual(report.verdict, 'leak', report.summary);
});
