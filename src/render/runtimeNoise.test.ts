import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetainerGroup } from '../analysis/types';
import { foldRuntimeGroups } from './runtimeNoise';
import { listenerGroup, sessionGroup } from '../../test/helpers/testData';

const info = (id: number, className: string, name = className, type = 'object') => ({
  id,
  type,
  name,
  className,
  selfSize: 0,
  retainedSize: 0,
  distance: 1,
});

test("the runtime's own groups are folded, with why; the program's stay in order", () => {
  const pool: RetainerGroup = {
    ...listenerGroup,
    holderPath: [...listenerGroup.holderPath, { edge: '(context).allocPool', edgeType: 'context', node: info(901, 'ArrayBuffer') }],
    classes: [{ className: 'Uint8Array', count: 40, retainedSize: 4000 }],
  };
  const code: RetainerGroup = {
    ...listenerGroup,
    holderClassName: '(closure)',
    classes: [{ className: '(compiled code)', count: 4, retainedSize: 1984 }],
  };
  const feedback: RetainerGroup = {
    ...listenerGroup,
    holderClassName: '(compiled code)',
    classes: [
      { className: 'Object', count: 9, retainedSize: 632 },
      { className: '(compiled code)', count: 9, retainedSize: 500 },
    ],
  };
  const console: RetainerGroup = {
    ...listenerGroup,
    holderPath: [{ edge: '[13]', edgeType: 'element', node: info(3, '(synthetic)', '(Global handles)', 'synthetic') }],
    edgeFromHolder: '(internal) 10 / DevTools console',
    classes: [{ className: 'Object', count: 143, retainedSize: 10176 }],
  };
  // A closure's context is `(system)` too, and may well be the program's own leak.
  const context: RetainerGroup = {
    ...listenerGroup,
    holderClassName: '(system)',
    classes: [{ className: 'Order', count: 100, retainedSize: 9000 }],
  };
  const { shown, folded } = foldRuntimeGroups([code, sessionGroup, pool, { ...sessionGroup }, feedback, console, context, listenerGroup]);
  assert.deepEqual(shown, [sessionGroup, context, listenerGroup]);
  assert.deepEqual(
    folded.map((f) => f.reason),
    ['v8-internal', 'buffer-pool', 'duplicate', 'v8-internal', 'inspector'],
  );
});
