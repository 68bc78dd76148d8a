import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, GroupGrowth } from '../analysis/types';
import type { HeapGraph } from '../snapshot/heapGraph';
import { setAsideGrowth } from './setAsideGrowth';

const noGraph = { snapshot: { nodes: { ids: new Uint32Array(0) } } } as unknown as HeapGraph;

function finding(growth: Partial<GroupGrowth>): Finding {
  return {
    kind: 'unbounded-collection',
    title: 'cache (Map) gains entries every cycle',
    confidence: 'high',
    path: [],
    holderPath: [],
    classes: [],
    growth: {
      cyclesBeforeMid: 10,
      cyclesAfterMid: 10,
      newBeforeMid: 40,
      newAfterMid: 40,
      objectsPerCycle: 4,
      bytesPerCycle: 200,
      steady: true,
      ...growth,
    },
    fix: { id: 'bound-cache', summary: '' },
    explanation: '',
  };
}

describe('setAsideGrowth', () => {
  it('keeps a leak, whose first half of the calls left as much as the second', () => {
    assert.equal(setAsideGrowth([finding({})], noGraph).kept.length, 1);
    // A timer list counts older timers' parts under newer ones: half is still a leak.
    assert.equal(setAsideGrowth([finding({ newBeforeMid: 20 })], noGraph).kept.length, 1);
  });

  it('sets aside a bounded cache that replaced most of the first half', () => {
    const { kept, setAside } = setAsideGrowth([finding({ newBeforeMid: 8 })], noGraph);
    assert.deepEqual(kept, []);
    assert.match(setAside[0].reason, /bounded cache or buffer that replaces its entries/);
  });
});
