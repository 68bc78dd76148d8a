import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collapseRepeatedSteps } from './repeatedSteps';

test('three or more identical steps in a row fold into one with a count; shorter runs and different steps stay', () => {
  const path = ['(GC roots)', 'x (Socket)', ...Array<string>(58).fill('next (Listener)'), 'a (A)', 'a (A)', 'cache (Map)'];
  assert.deepEqual(collapseRepeatedSteps(path), ['(GC roots)', 'x (Socket)', 'next (Listener) ×58', 'a (A)', 'a (A)', 'cache (Map)']);
  assert.deepEqual(collapseRepeatedSteps([]), []);
  assert.deepEqual(collapseRepeatedSteps(['a', 'a', 'a']), ['a ×3']);
});
