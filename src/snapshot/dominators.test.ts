import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDominators, computeRetainedSizes, NONE } from './dominators';
import { buildTestSnapshot, type TestNode } from '../../test/helpers/testGraph';

/** Textbook iterative data-flow dominators: slow, obviously right, for comparison. */
function referenceIdoms(spec: TestNode[]): number[] {
  const strongSuccessors = spec.map((node) => (node.edges ?? []).filter((e) => e.type !== 'weak').map((e) => e.to));
  const reachable = new Set<number>([0]);
  const queue = [0];
  while (queue.length)
    for (const w of strongSuccessors[queue.shift()!])
      if (!reachable.has(w)) {
        reachable.add(w);
        queue.push(w);
      }
  const preds: number[][] = spec.map(() => []);
  strongSuccessors.forEach((succ, v) => succ.forEach((w) => reachable.has(v) && preds[w].push(v)));
  const all = [...reachable];
  const dom = new Map<number, Set<number>>(all.map((v) => [v, v === 0 ? new Set([0]) : new Set(all)]));
  for (let changed = true; changed;) {
    changed = false;
    for (const v of all) {
      if (v === 0) continue;
      let next: Set<number> | undefined;
      for (const p of preds[v]) next = next ? new Set([...next].filter((x) => dom.get(p)!.has(x))) : new Set(dom.get(p));
      next = new Set([...(next ?? []), v]);
      if (next.size !== dom.get(v)!.size) {
        dom.set(v, next);
        changed = true;
      }
    }
  }
  return spec.map((_, v) => {
    if (!reachable.has(v)) return NONE;
    if (v === 0) return 0;
    const strict = [...dom.get(v)!].filter((d) => d !== v);
    // The immediate dominator is the strict dominator that all the others dominate.
    return strict.find((d) => strict.every((o) => dom.get(d)!.has(o)))!;
  });
}

function randomGraph(seed: number, n: number, edgesPerNode: number): TestNode[] {
  let state = seed;
  const rand = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: n }, (_, i) => ({
    name: `n${i}`,
    selfSize: 1 + Math.floor(rand() * 100),
    edges: Array.from({ length: Math.floor(rand() * edgesPerNode * 2) }, () => ({
      to: Math.floor(rand() * n),
      type: rand() < 0.15 ? 'weak' : 'property',
    })),
  }));
}

test('dominators match the reference on random graphs with weak edges and cycles', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const spec = randomGraph(seed, 5 + (seed % 40), 1 + (seed % 3));
    const tree = computeDominators(buildTestSnapshot(spec));
    assert.deepEqual([...tree.idom], referenceIdoms(spec), `seed ${seed}`);
  }
});

test('a weak edge does not retain, so the target hangs off the strong path', () => {
  // root → a → b; root → c -weak-> b: b is dominated by a alone.
  const spec: TestNode[] = [
    { name: 'root', edges: [{ to: 1 }, { to: 3 }] },
    { name: 'a', edges: [{ to: 2 }] },
    { name: 'b' },
    { name: 'c', edges: [{ to: 2, type: 'weak' }] },
  ];
  const { idom } = computeDominators(buildTestSnapshot(spec));
  assert.equal(idom[2], 1);
});

test('retained size sums the dominated subtree and leaves shared objects to their common dominator', () => {
  // root → holder → {x, y}; x → shared; y → shared: shared is retained by holder, not by x or y.
  const spec: TestNode[] = [
    { name: 'root', selfSize: 0, edges: [{ to: 1 }] },
    { name: 'holder', selfSize: 10, edges: [{ to: 2 }, { to: 3 }] },
    { name: 'x', selfSize: 20, edges: [{ to: 4 }] },
    { name: 'y', selfSize: 30, edges: [{ to: 4 }] },
    { name: 'shared', selfSize: 40 },
    { name: 'garbage', selfSize: 50 },
  ];
  const snapshot = buildTestSnapshot(spec);
  const tree = computeDominators(snapshot);
  const retained = computeRetainedSizes(snapshot, tree);
  assert.deepEqual([...retained], [100, 100, 20, 30, 40, 50]);
  assert.equal(tree.idom[5], NONE);
});

test('a path a million nodes deep does not overflow the stack', () => {
  const n = 1_000_000;
  const spec: TestNode[] = Array.from({ length: n }, (_, i) => ({ name: 'link', selfSize: 1, edges: i + 1 < n ? [{ to: i + 1 }] : [] }));
  const snapshot = buildTestSnapshot(spec);
  const tree = computeDominators(snapshot);
  assert.equal(tree.idom[n - 1], n - 2);
  assert.equal(computeRetainedSizes(snapshot, tree)[0], n);
});
