import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClassRow, ObjectPath, RetainerGraph } from '../src/panel/protocol';
import { openDiffBackend, openReportBackend, openSnapshotBackend } from '../src/panel/panelBackend';
import { runCli } from './helpers/cli';

/** The panel's backend on the demo's real report and snapshots, through the worker thread as the extension runs it. */
let dir: string;
before(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'leakscope-panel-'));
  const run = await runCli(['demo', '--out', dir, '--quiet']);
  assert.equal(run.code, 0, run.stderr);
});
after(() => fs.rm(dir, { recursive: true, force: true }));

test("a report answers class pages, the new objects of a class with paths, and one object's retainers", async () => {
  const backend = await openReportBackend(join(dir, 'report.json'));
  try {
    assert.equal(backend.model.kind, 'report');
    if (backend.model.kind !== 'report') return;
    assert.ok(backend.model.report.findings.length > 0);
    assert.ok(backend.model.report.canQueryObjects);
    // The holder reads like the code, with the line that adds to it; V8's path stays on the finding.
    const cache = backend.model.report.findings.find((v) => v.finding.path.at(-1) === 'summaryCache (Map)');
    assert.equal(cache?.heldBy, "`summaryCache` (Map), a variable of `samples/leakyServer.js` captured by the Server's `request` listener");
    assert.match(cache?.facts?.source ?? '', /^samples\/leakyServer\.js:\d+:\d+ {2}summaryCache\.set\(/);
    assert.match(cache?.facts?.declared ?? '', /const summaryCache = new Map\(\)/);
    const { packages } = (await backend.query({ method: 'packages', params: {} })) as {
      packages: Array<{ name: string; bytesPerCycle: number }>;
    };
    assert.ok(
      packages.some((p) => p.name === '(your code)' && p.bytesPerCycle > 0),
      JSON.stringify(packages),
    );
    const page = (await backend.query({ method: 'classRows', params: { start: 0, end: 3, sortBy: 'newCount', descending: true } })) as {
      total: number;
      rows: ClassRow[];
    };
    assert.equal(page.rows.length, 3);
    assert.ok(page.total >= 3);
    assert.ok(page.rows[0].newCount! >= page.rows[1].newCount!);
    const { objects } = (await backend.query({ method: 'classPaths', params: { className: page.rows[0].className, limit: 5 } })) as {
      objects: ObjectPath[];
    };
    assert.ok(objects.length > 0, 'new objects of the class that grew most');
    assert.ok(objects.every((o) => o.path.length > 0 && o.path[o.path.length - 1].node.id === o.id));
    const graph = (await backend.query({
      method: 'retainerGraph',
      params: { id: objects[0].id, depth: 3, maxRetainersPerNode: 4 },
    })) as RetainerGraph;
    assert.equal(graph.rootId, objects[0].id);
    assert.ok(
      graph.edges.some((e) => e.to === objects[0].id),
      'the object has a retainer',
    );
    for (const e of graph.edges) assert.ok(graph.nodes.some((n) => n.id === e.from) && graph.nodes.some((n) => n.id === e.to));
  } finally {
    backend.dispose();
  }
});

test('a report whose snapshots are gone still has its class table, and says why objects cannot be queried', async () => {
  const alone = join(dir, 'alone');
  await fs.mkdir(alone, { recursive: true });
  const report = JSON.parse(await fs.readFile(join(dir, 'report.json'), 'utf8'));
  report.snapshots = { baseline: '/nowhere/baseline.heapsnapshot', after: '/nowhere/after.heapsnapshot' };
  await fs.writeFile(join(alone, 'report.json'), JSON.stringify(report));
  const backend = await openReportBackend(join(alone, 'report.json'), { inProcess: true });
  try {
    assert.equal(backend.model.kind === 'report' && backend.model.report.canQueryObjects, false);
    const page = (await backend.query({
      method: 'classRows',
      params: { start: 0, end: 10, sortBy: 'className', descending: false, filter: 'obj' },
    })) as { rows: ClassRow[] };
    assert.ok(page.rows.every((r) => r.className.toLowerCase().includes('obj')));
    await assert.rejects(backend.query({ method: 'retainerGraph', params: { id: 1, depth: 2, maxRetainersPerNode: 2 } }), /not on disk/);
  } finally {
    backend.dispose();
  }
});

test('a snapshot gives totals, dominators and its classes; two snapshots give the diff', async () => {
  const snapshot = await openSnapshotBackend(join(dir, 'after.heapsnapshot'));
  try {
    assert.equal(snapshot.model.kind, 'snapshot');
    if (snapshot.model.kind !== 'snapshot') return;
    assert.ok(snapshot.model.snapshot.dominators.length > 0);
    const page = (await snapshot.query({
      method: 'classRows',
      params: { start: 0, end: 50, sortBy: 'retainedSize', descending: true },
    })) as { total: number; rows: ClassRow[] };
    assert.equal(page.total, snapshot.model.snapshot.classCount);
    for (let i = 1; i < page.rows.length; i++) assert.ok(page.rows[i - 1].retainedSize >= page.rows[i].retainedSize);
  } finally {
    snapshot.dispose();
  }
  const diff = await openDiffBackend(join(dir, 'baseline.heapsnapshot'), join(dir, 'after.heapsnapshot'));
  try {
    assert.equal(diff.model.kind, 'diff');
    if (diff.model.kind === 'diff') assert.ok(diff.model.diff.groups.length > 0 && diff.model.diff.newObjects.count > 0);
  } finally {
    diff.dispose();
  }
});

test('a file that is not a report is named in one sentence', async () => {
  const bad = join(dir, 'notReport.json');
  await fs.writeFile(bad, '{"hello": 1}');
  await assert.rejects(openReportBackend(bad), /is not a Leakscope report/);
  await assert.rejects(openSnapshotBackend(join(dir, 'report.json')), (e: Error) => /snapshot/i.test(e.message));
});

test('the editor rejects what the CLI rejects: a crafted report from a pull request, in the same sentence', async () => {
  const report = JSON.parse(await fs.readFile(join(dir, 'report.json'), 'utf8'));
  // Enough for the panel's old check (findings, diff, memory, schema 1), but not a report: a
  // group's samples are not a list, and every consumer would crash or show garbage.
  report.diff.groups = [{ ...report.diff.groups[0], samples: 'rm -rf /' }];
  const crafted = join(dir, 'crafted.json');
  await fs.writeFile(crafted, JSON.stringify(report));
  const sentence = `${crafted} is not a complete Leakscope report: diff.groups[0].samples is not an array`;
  await assert.rejects(openReportBackend(crafted, { inProcess: true }), (e: Error) => e.message.startsWith(sentence));
  const cli = await runCli(['fix', '--report', crafted]);
  assert.notEqual(cli.code, 0);
  assert.ok(cli.stderr.startsWith(`leakscope: ${sentence}`), cli.stderr);
});
