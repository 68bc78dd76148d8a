import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeBigSnapshot } from '../bench/bigSnapshot';
import { diffSnapshots } from '../src/analysis/diff';
import { loadHeapGraph } from '../src/snapshot/heapGraph';

/**
 * The benchmark's generator of multi-GB snapshots (bench/bigSnapshot.ts), at a small size: its
 * file is a valid snapshot, holds what the generator says it wrote, and the "after" file of a pair
 * differs from the "before" by exactly the leak.
 */
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-big-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

// Past 4096 sessions, so one of them carries the long request body.
const spec = { sessions: 5_000, seed: 3 };

test('the generated snapshot parses, with the counts and sizes the generator reports', async () => {
  const path = join(dir, 'before.heapsnapshot');
  const stats = writeBigSnapshot(path, spec);
  assert.equal(statSync(path).size, stats.bytes);
  // parallel: true, so the edges section also goes through the second thread as it does on big files.
  const graph = await loadHeapGraph(path, { parallel: true });
  const totals = graph.totals();
  assert.equal(totals.nodeCount, stats.nodeCount);
  assert.equal(totals.edgeCount, stats.edgeCount);
  assert.equal(graph.snapshot.strings.length, stats.stringCount);
  assert.equal(totals.totalSize, stats.totalSize);
  assert.equal(totals.unreachableCount, 0);
  assert.equal(totals.reachableSize, stats.totalSize);
  const sessions = graph.classAggregates().find((c) => c.className === 'Session');
  assert.equal(sessions?.count, spec.sessions);
  // Next come the long request bodies of sessions 7 and 4103, reached through global.sessions.
  const [table, ...bodies] = graph.topDominators(3);
  assert.equal(table.node.className, '(array)', "the Map's table holds every session");
  for (const body of bodies) {
    assert.equal(body.node.className, '(string)');
    assert.ok(body.node.retainedSize > 20_000);
    const edges = body.path.map((s) => s.edge);
    assert.ok(['[7]', '[4103]'].includes(edges[3]), edges.join(' → '));
    assert.deepEqual(
      [...edges.slice(0, 3), ...edges.slice(4)],
      ['', 'sessions', '(internal) table', 'history', '(internal) elements', '[0]', 'body'],
    );
  }
});

test('the "after" file of a pair holds the same heap plus the leak, which the diff finds', async () => {
  const beforePath = join(dir, 'pair-before.heapsnapshot');
  const afterPath = join(dir, 'pair-after.heapsnapshot');
  const leakRecords = 2_500;
  writeBigSnapshot(beforePath, spec);
  const grown = writeBigSnapshot(afterPath, { ...spec, leakRecords });
  assert.equal(grown.leakedNodes, 3 + 2 * leakRecords);
  const baseline = await loadHeapGraph(beforePath);
  const later = await loadHeapGraph(afterPath);
  const diff = diffSnapshots({ graph: baseline, file: beforePath }, { graph: later, file: afterPath });
  assert.equal(diff.newObjects.count, grown.leakedNodes);
  assert.equal(diff.newObjects.retainedSize, grown.leakedSize);
  const record = diff.classes.find((c) => c.className === 'LeakRecord');
  assert.equal(record?.newCount, leakRecords);
  assert.equal(diff.groups[0]?.holderClassName, 'Object');
  assert.equal(diff.groups[0]?.edgeFromHolder, 'leakLog');
});
