import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePackageInstances } from './packageInstance';
import type { Finding } from './types';

const step = (edge: string, id: number, className: string) => ({
  edge,
  edgeType: 'property',
  node: { id, type: 'object', name: className, className, selfSize: 32, retainedSize: 64, distance: id },
});

/** A finding whose holder is the field `field` of the object `owner` (heap id `ownerId`). */
function finding(owner: string, ownerId: number, field: string, bytesPerCycle: number, pkg?: string): Finding {
  const holderPath = [step('', 1, 'global'), step(owner, ownerId, 'u'), step(field, ownerId * 10 + field.length, 'Map')];
  return {
    kind: 'unbounded-collection',
    title: `${field} (Map) gains entries every cycle`,
    confidence: 'high',
    path: holderPath.map((s) => `${s.edge} (${s.node.className})`),
    holderPath,
    classes: [{ className: 'Object', countDelta: 10, retainedSizeDelta: bytesPerCycle }],
    growth: {
      cyclesBeforeMid: 2,
      cyclesAfterMid: 2,
      newBeforeMid: 20,
      newAfterMid: 20,
      objectsPerCycle: 10,
      bytesPerCycle,
      steady: true,
    },
    fix: { id: 'bound-cache', summary: 'Bound it.' },
    explanation: 'It grows.',
    ...(pkg ? { package: { name: pkg, version: '1.0.0' } } : {}),
  };
}

test("fields of one package object that grow together are one finding about the object, with the package's fix", () => {
  const out = mergePackageInstances([
    finding('sessions', 7, '#s', 3000, 'lru-cache'),
    finding('sessions', 7, '#keys', 1000, 'lru-cache'),
    finding('sessions', 7, '#t', 2000, 'lru-cache'),
  ]);
  assert.equal(out.length, 1);
  assert.equal(out[0].title, 'sessions (lru-cache) grows every cycle in 3 of its fields: #s (Map), #t (Map) and #keys (Map)');
  assert.equal(out[0].fix.id, 'configure-package');
  assert.equal(out[0].growth.bytesPerCycle, 6000);
  assert.equal(out[0].growth.objectsPerCycle, 30);
  assert.deepEqual(out[0].path, [' (global)', 'sessions (u)']);
  assert.equal(out[0].holderPath.at(-1)?.node.id, 7);
  assert.deepEqual(out[0].classes, [{ className: 'Object', countDelta: 30, retainedSizeDelta: 6000 }]);
});

test("the program's own objects, two objects of one package, and a single field are left as they are", () => {
  const own = [finding('jobs', 3, 'list', 100), finding('jobs', 3, 'index', 100)];
  assert.deepEqual(mergePackageInstances(own), own);
  const two = [finding('a', 4, '#s', 100, 'lru-cache'), finding('b', 5, '#s', 100, 'lru-cache')];
  assert.deepEqual(mergePackageInstances(two), two);
  const one = [finding('a', 4, '#s', 100, 'lru-cache')];
  assert.deepEqual(mergePackageInstances(one), one);
  // Listeners of several events on one emitter of a package are each removed where they are added.
  const listeners = [
    { ...finding('_events', 9, 'unpipe', 100, 'winston'), kind: 'listener' as const },
    { ...finding('_events', 9, 'drain', 100, 'winston'), kind: 'listener' as const },
  ];
  assert.deepEqual(mergePackageInstances(listeners), listeners);
});

test('a merged finding keeps its place among the others', () => {
  const out = mergePackageInstances([
    finding('first', 2, 'items', 100),
    finding('cache', 6, '#s', 100, 'quick-lru'),
    finding('last', 8, 'items', 100),
    finding('cache', 6, '#t', 100, 'quick-lru'),
  ]);
  assert.deepEqual(
    out.map((f) => f.holderPath.at(-1)?.edge),
    ['items', 'cache', 'items'],
  );
});
