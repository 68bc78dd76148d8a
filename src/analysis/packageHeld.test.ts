import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSnapshot } from '../snapshot/heapGraph';
import { buildTestSnapshot, type TestNode } from '../../test/helpers/testGraph';
import { heldByOwner, OwnerKind } from './packageHeld';

// Scripts 1 and 2 are the program's; 10 is ioredis, 11 denque (inside ioredis), 12 express, 20 node:net.
const OWNERS: Record<number, [number, OwnerKind]> = {
  1: [0, OwnerKind.Own],
  2: [0, OwnerKind.Own],
  10: [1, OwnerKind.Package],
  11: [2, OwnerKind.Package],
  12: [3, OwnerKind.Package],
  20: [4, OwnerKind.Node],
};
/** Bytes per owner, for all five owners (the function sizes its answer by the owners it met). */
function held(spec: TestNode[]): number[] {
  const bytes = heldByOwner(
    analyzeSnapshot(buildTestSnapshot(spec)),
    (script) => OWNERS[script]?.[0] ?? -1,
    (owner) => Object.values(OWNERS).find(([o]) => o === owner)![1],
  );
  return Array.from({ length: 5 }, (_, owner) => bytes[owner] ?? 0);
}

test('what a package object dominates counts for it, packages and sockets inside it included', () => {
  const bytes = held([
    { name: '(root)', edges: [{ to: 1 }, { to: 6 }] },
    { name: 'Redis', script: 10, selfSize: 100, edges: [{ to: 2 }, { to: 4 }] },
    { name: 'Denque', script: 11, selfSize: 50, edges: [{ to: 3 }] },
    { name: 'Array', selfSize: 1000 },
    { name: 'Socket', script: 20, selfSize: 200, edges: [{ to: 5 }] },
    { name: 'Buffer', selfSize: 4000 },
    { name: 'Denque', script: 11, selfSize: 7 },
  ]);
  assert.deepEqual(bytes, [0, 100 + 50 + 1000 + 200 + 4000, 7, 0, 0]);
});

test("the program's own objects stay its own wherever a package holds them, and so does what they dominate", () => {
  const bytes = held([
    { name: '(root)', edges: [{ to: 1 }] },
    { name: 'app', type: 'closure', script: 12, selfSize: 30, edges: [{ to: 2 }] },
    { name: 'Layer', script: 12, selfSize: 20, edges: [{ to: 3 }] },
    { name: 'handler', type: 'closure', script: 2, selfSize: 40, edges: [{ to: 4, type: 'context' }] },
    { name: 'system / Context', type: 'hidden', selfSize: 8, edges: [{ to: 5 }] },
    { name: 'Map', selfSize: 5000 },
  ]);
  assert.deepEqual(bytes, [40 + 8 + 5000, 0, 0, 30 + 20, 0]);
});

test('what no owner dominates, and objects two owners share, count for nobody below their common dominator', () => {
  const bytes = held([
    { name: '(root)', edges: [{ to: 1 }, { to: 2 }] },
    { name: 'Redis', script: 10, selfSize: 100, edges: [{ to: 3 }] },
    { name: 'Router', script: 12, selfSize: 10, edges: [{ to: 3 }] },
    { name: 'shared', selfSize: 999 },
  ]);
  assert.deepEqual(bytes, [0, 100, 0, 10, 0]);
});
