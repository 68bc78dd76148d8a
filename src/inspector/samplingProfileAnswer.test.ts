import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplingProfileOf } from './samplingProfileAnswer';

const frame = (functionName: string) => ({ functionName, url: 'file:///app/server.js', lineNumber: 3, columnNumber: -1, scriptId: '42' });

test('a sampling profile is copied field by field, what the analysis does not read left behind', () => {
  const answer = {
    head: {
      id: 1,
      selfSize: 0,
      callFrame: frame('(root)'),
      children: [{ id: 2, selfSize: 4096, callFrame: frame('handle'), children: [], extra: 'x' }],
    },
    samples: [{ size: 4096, nodeId: 2, ordinal: 7, extra: true }],
  };
  assert.deepEqual(samplingProfileOf(answer), {
    head: {
      id: 1,
      selfSize: 0,
      callFrame: frame('(root)'),
      children: [{ id: 2, selfSize: 4096, callFrame: frame('handle'), children: [] }],
    },
    samples: [{ size: 4096, nodeId: 2, ordinal: 7 }],
  });
});

test('a node or sample of another shape is one sentence, not NaN later', () => {
  const head = (children: unknown[]) => ({ id: 1, callFrame: frame('(root)'), children });
  for (const answer of [
    null,
    { head: head([{ id: 2, callFrame: { functionName: 7, url: '', lineNumber: 0, columnNumber: 0 }, children: [] }]), samples: [] },
    { head: head([{ id: -2, callFrame: frame('f'), children: [] }]), samples: [] },
    { head: head([{ id: 2, callFrame: frame('f') }]), samples: [] },
    { head: head([]), samples: [{ size: '4096', nodeId: 1, ordinal: 0 }] },
    { head: head([]) },
  ])
    assert.throws(() => samplingProfileOf(answer), /sampling heap profile is malformed/, JSON.stringify(answer));
});

test('a profile a hundred thousand frames deep is read without overflowing the stack', () => {
  const head = { id: 0, callFrame: frame('(root)'), children: [] as unknown[] };
  let node = head;
  for (let id = 1; id <= 100_000; id++) {
    const child = { id, callFrame: frame(`f${id}`), children: [] as unknown[] };
    node.children.push(child);
    node = child;
  }
  let depth = 0;
  for (let n = samplingProfileOf({ head, samples: [] }).head; n.children.length > 0; n = n.children[0]) depth++;
  assert.equal(depth, 100_000);
});
