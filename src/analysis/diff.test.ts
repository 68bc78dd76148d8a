import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSnapshot } from '../snapshot/heapGraph';
import { buildTestSnapshot, type TestNode } from '../../test/helpers/testGraph';
import { IdSet } from '../snapshot/idSet';
import { diffSnapshots } from './diff';

/**
 * root ─shortcut→ global ─cache→ Map ─(internal) table→ (array) ─[i]→ Entry ─data→ Payload
 * plus an embedder node whose even id changes between snapshots, as V8's native nodes do.
 * `entries` are [entryId, payloadId, payloadSize] triples.
 */
function heap(entries: Array<[number, number, number]>, nativeId: number): TestNode[] {
  const nodes: TestNode[] = [
    {
      name: '',
      type: 'synthetic',
      id: 1,
      selfSize: 0,
      edges: [
        { to: 1, type: 'shortcut' },
        { to: 4, type: 'element', name: 1 },
      ],
    },
    { name: 'global', id: 3, selfSize: 10, edges: [{ to: 2, name: 'cache' }] },
    { name: 'Map', id: 5, selfSize: 32, edges: [{ to: 3, type: 'internal', name: 'table' }] },
    { name: 'system / OrderedHashMap', type: 'array', id: 7, selfSize: 64, edges: [] },
    { name: 'Node / Environment', type: 'native', id: nativeId, selfSize: 100 },
  ];
  for (const [entryId, payloadId, payloadSize] of entries) {
    const entry = nodes.length;
    nodes[3].edges!.push({ to: entry, type: 'element', name: nodes[3].edges!.length });
    nodes.push({ name: 'Entry', id: entryId, selfSize: 24, edges: [{ to: entry + 1, name: 'data' }] });
    nodes.push({ name: 'Payload', id: payloadId, selfSize: payloadSize });
  }
  return nodes;
}

const load = (spec: TestNode[], file: string) => ({ graph: analyzeSnapshot(buildTestSnapshot(spec)), file });
const baseline = load(heap([[9, 11, 100]], 2000), 'baseline');
const after = load(
  heap(
    [
      [9, 11, 100],
      [101, 103, 500],
      [105, 107, 300],
      [109, 111, 700],
      [113, 115, 200],
    ],
    4000,
  ),
  'after',
);

test('new objects are counted by class and grouped under the collection that holds them', () => {
  const d = diffSnapshots(baseline, after, undefined, { samplesPerGroup: 2 });
  const entry = d.classes.find((c) => c.className === 'Entry')!;
  assert.deepEqual([entry.newCount, entry.deletedCount, entry.countDelta], [4, 0, 4]);
  assert.equal(entry.selfSizeDelta, 4 * 24);
  const payload = d.classes.find((c) => c.className === 'Payload')!;
  assert.equal(payload.retainedSizeDelta, 500 + 300 + 700 + 200);
  // The embedder node changed its (address-derived) id: neither new nor deleted.
  assert.equal(
    d.classes.find((c) => c.className === 'Node / Environment'),
    undefined,
  );
  assert.equal(d.groups.length, 1);
  const [group] = d.groups;
  assert.equal(group.holderClassName, 'Map');
  assert.equal(group.edgeFromHolder, '[…]');
  assert.deepEqual(
    group.holderPath.map((s) => s.edge),
    ['', 'cache'],
  );
  assert.equal(group.count, 8);
  assert.equal(group.retainedSize, 4 * 24 + 1700);
  assert.deepEqual(
    group.samples.map((o) => o.id),
    [109, 101],
    'the two largest, largest first',
  );
  assert.deepEqual(d.newObjects, { count: 8, selfSize: 4 * 24 + 1700, retainedSize: 4 * 24 + 1700 });
});

test('with a final snapshot only survivors count, read in the final snapshot', () => {
  const final = load(
    heap(
      [
        [9, 11, 100],
        [105, 107, 300],
        [117, 119, 50],
      ],
      6000,
    ),
    'final',
  );
  const d = diffSnapshots(baseline, after, final);
  const entry = d.classes.find((c) => c.className === 'Entry')!;
  assert.equal(entry.survivorCount, 1, 'only 105 was new in after and is still in final');
  assert.equal(d.newObjects.count, 2, 'Entry 105 and its Payload; 117 is newer than after');
  assert.equal(d.groups[0].retainedSize, 24 + 300);
});

test('objects collected since the baseline count as deleted', () => {
  const later = load(heap([[101, 103, 500]], 4000), 'later');
  const d = diffSnapshots(baseline, later);
  const entry = d.classes.find((c) => c.className === 'Entry')!;
  assert.deepEqual([entry.newCount, entry.deletedCount, entry.countDelta], [1, 1, 0]);
});

test('a mid snapshot splits growth into two windows: steady growth shows in both', () => {
  // Entries 101 and 105 were alive at the mid snapshot; 109 and 113 came after it.
  const mid = IdSet.of(Uint32Array.from([1, 3, 5, 7, 9, 11, 101, 103, 105, 107])).parts;
  const d = diffSnapshots(baseline, after, undefined, { mid: { ids: mid, cyclesBefore: 2, cyclesAfter: 2 } });
  const growth = d.groups[0].growth!;
  assert.deepEqual([growth.newBeforeMid, growth.newAfterMid], [4, 4]);
  assert.equal(growth.objectsPerCycle, 2);
  assert.equal(growth.bytesPerCycle, (2 * 24 + 700 + 200) / 2, 'own sizes of what was born after the mid snapshot');
  assert.equal(growth.steady, true);
});

test('growth that stopped before the mid snapshot is not steady', () => {
  // Everything new was already there halfway: a cache that filled up and stopped.
  const mid = IdSet.of(after.graph.snapshot.nodes.ids).parts;
  const d = diffSnapshots(baseline, after, undefined, { mid: { ids: mid, cyclesBefore: 2, cyclesAfter: 2 } });

  test('growth many times faster after the mid snapshot than before it is a burst, said and not called steady', () => {
    // One entry (two objects) before the mid snapshot, twenty (forty objects) after it: what the last
    // snapshot caught in flight, or a structure that only began to fill.
    const burst: Array<[number, number, number]> = [[101, 103, 500]];
    for (let i = 0; i < 20; i++) burst.push([201 + 4 * i, 203 + 4 * i, 100]);
    const later = load(heap([[9, 11, 100], ...burst], 4000), 'later');
    const mid = IdSet.of(Uint32Array.from([1, 3, 5, 7, 9, 11, 101, 103])).parts;
    const growth = diffSnapshots(baseline, later, undefined, { mid: { ids: mid, cyclesBefore: 2, cyclesAfter: 2 } }).groups[0].growth!;
    assert.deepEqual([growth.newBeforeMid, growth.newAfterMid], [2, 40]);
    assert.equal(growth.steady, false);
    assert.match(growth.inconclusive ?? '', /added 2 objects in the first half of the cycles and 40 in the second/);
  });
  assert.equal(d.groups[0].growth!.steady, false);
  assert.equal(d.groups[0].growth!.newAfterMid, 0);
});

/**
 * root → global ─jobs→ Array ─(internal) elements→ (array) ─[i]→ Job
 *              └─byId→ Map ─(internal) table→ (array) ─[i]→ Job (the same jobs)
 * `listed` says which jobs the list still has (a list trimmed to the latest, an index that keeps all).
 */
function jobsHeap(jobIds: number[], listed: (id: number) => boolean): TestNode[] {
  const nodes: TestNode[] = [
    { name: '', type: 'synthetic', id: 1, selfSize: 0, edges: [{ to: 1, type: 'shortcut' }] },
    {
      name: 'global',
      id: 3,
      selfSize: 10,
      edges: [
        { to: 2, name: 'jobs' },
        { to: 4, name: 'byId' },
      ],
    },
    { name: 'Array', id: 5, selfSize: 32, edges: [{ to: 3, type: 'internal', name: 'elements' }] },
    { name: '', type: 'array', id: 7, selfSize: 64, edges: [] },
    { name: 'Map', id: 9, selfSize: 32, edges: [{ to: 5, type: 'internal', name: 'table' }] },
    { name: 'system / OrderedHashMap', type: 'array', id: 11, selfSize: 64, edges: [] },
  ];
  for (const id of jobIds) {
    const job = nodes.length;
    if (listed(id)) nodes[3].edges!.push({ to: job, type: 'element', name: nodes[3].edges!.length });
    nodes[5].edges!.push({ to: job, type: 'element', name: nodes[5].edges!.length });
    nodes.push({ name: 'Job', id, selfSize: 40 });
  }
  return nodes;
}

test('objects two collections hold count in both groups, each naming the other', () => {
  const before = load(
    jobsHeap([], () => true),
    'before',
  );
  const jobs = [101, 103, 105, 107, 109, 111];
  // The list keeps the latest two; the index keeps every job.
  const later = load(
    jobsHeap(jobs, (id) => id >= 109),
    'later',
  );
  const mid = IdSet.of(Uint32Array.from([1, 3, 5, 7, 9, 11, 101, 103, 105])).parts;
  const d = diffSnapshots(before, later, undefined, { mid: { ids: mid, cyclesBefore: 2, cyclesAfter: 2 } });
  const byName = new Map(d.groups.map((g) => [g.holderPath.at(-1)!.edge, g]));
  assert.deepEqual([...byName.keys()].sort(), ['byId', 'jobs']);
  const index = byName.get('byId')!;
  const list = byName.get('jobs')!;
  assert.equal(index.count, 6, 'the index holds every job, also those the list reaches first');
  assert.equal(index.growth!.steady, true);
  assert.equal(list.count, 2);
  assert.deepEqual(index.sharedWith, [{ holderId: 5, count: 2 }]);
  assert.deepEqual(list.sharedWith, [{ holderId: 9, count: 2 }]);
  assert.equal(d.newObjects.count, 6, 'totals count each object once');
});
