import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FindingKind } from '../types';
import { DETECTORS } from './index';

/** Every finding kind, checked by the compiler against the union: a new kind must be listed here. */
const KINDS: Record<FindingKind, true> = {
  'unbounded-collection': true,
  'identity-map': true,
  'undisposed-pool': true,
  timer: true,
  listener: true,
  'metric-cardinality': true,
  'retained-large-object': true,
  'closure-context': true,
};

test("a detector's id names the detector, not the kind of finding it reports (several detectors report one kind)", () => {
  const ids = DETECTORS.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length, `two detectors share an id: ${ids.join(', ')}`);
  assert.deepEqual(
    ids.filter((id) => id in KINDS),
    [],
  );
});
