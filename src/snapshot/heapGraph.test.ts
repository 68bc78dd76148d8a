import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NONE } from './dominators';
import { analyzeSnapshot } from './heapGraph';
import { buildTestSnapshot, type TestNode } from '../../test/helpers/testGraph';

// root ─shortcut→ global ─cache→ Map ─(internal) table→ (array) ─[0] and (internal) x→ Session ─data→ Payload
//                 global ─other→ Other ─(internal) inner→ Extra ─(internal) cached→ Session  (as short, less readable)
// Orphan ─→ Leaf: unreachable; Ghost only weakly reachable.
const spec: TestNode[] = [
  { name: '', type: 'synthetic', selfSize: 0, edges: [{ to: 1, type: 'shortcut', name: 'global' }] },
  {
    name: 'global',
    edges: [
      { to: 2, name: 'cache' },
      { to: 5, name: 'other' },
      { to: 9, type: 'weak', name: 'ghost' },
    ],
  },
  { name: 'Map', selfSize: 32, edges: [{ to: 3, type: 'internal', name: 'table' }] },
  {
    name: 'system / OrderedHashMap',
    type: 'array',
    selfSize: 100,
    edges: [
      { to: 4, type: 'internal', name: 'x' },
      { to: 4, type: 'element', name: 0 },
    ],
  },
  { name: 'Session', selfSize: 40, edges: [{ to: 6, name: 'data' }] },
  { name: 'Other', selfSize: 8, edges: [{ to: 10, type: 'internal', name: 'inner' }] },
  { name: 'Payload', selfSize: 1000 },
  { name: 'Orphan', selfSize: 7, edges: [{ to: 8 }] },
  { name: 'Leaf', selfSize: 3 },
  { name: 'Ghost', selfSize: 5 },
  { name: 'Extra', selfSize: 4, edges: [{ to: 4, type: 'internal', name: 'cached' }] },
];

test('retained sizes, distances and paths on a graph with unreachable and weakly held nodes', () => {
  const graph = analyzeSnapshot(buildTestSnapshot(spec));
  // Session is reachable both through the Map and through Other, so only global dominates it.
  assert.equal(graph.idom[4], 1);
  assert.equal(graph.retainedSize(4), 1040);
  assert.equal(graph.retainedSize(2), 132);
  assert.equal(graph.retainedSize(5), 12);
  assert.equal(graph.retainedSize(1), 10 + 132 + 12 + 1040);
  for (const unreachable of [7, 8, 9]) {
    assert.equal(graph.idom[unreachable], NONE);
    assert.equal(graph.isReachable(unreachable), false);
    assert.deepEqual(graph.retainerPath(unreachable), []);
  }
  assert.equal(graph.nodeInfo(6).distance, 5);
  assert.equal(graph.nodeInfo(7).distance, -1);
  // Equally short paths: the element edge wins over the internal one from the same node.
  assert.deepEqual(
    graph.retainerPath(6).map((s) => s.edge),
    ['', 'cache', '(internal) table', '[0]', 'data'],
  );
  const totals = graph.totals();
  assert.equal(totals.unreachableCount, 3);
  assert.equal(totals.unreachableSize, 15);
  assert.equal(totals.reachableSize, 10 + 132 + 12 + 1040);
});

test('class aggregates count a class once along a chain of its own instances', () => {
  // A linked list: root → global → Node → Node → Node; each Node 10 bytes, retaining the rest.
  const list: TestNode[] = [
    { name: '', type: 'synthetic', selfSize: 0, edges: [{ to: 1, type: 'shortcut' }] },
    { name: 'global', selfSize: 1, edges: [{ to: 2, name: 'head' }] },
    { name: 'ListNode', selfSize: 10, edges: [{ to: 3, name: 'next' }] },
    { name: 'ListNode', selfSize: 10, edges: [{ to: 4, name: 'next' }] },
    { name: 'ListNode', selfSize: 10 },
  ];
  const graph = analyzeSnapshot(buildTestSnapshot(list));
  const nodes = graph.classAggregates().find((c) => c.className === 'ListNode');
  assert.deepEqual(nodes, { className: 'ListNode', count: 3, selfSize: 30, retainedSize: 30 });
  const top = graph.topDominators(1)[0];
  assert.equal(top.node.className, 'ListNode', 'the list head, not the global that holds nothing else');
});
