import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAcceptedStatuses } from './workload';

test('--accept-status reads statuses, ranges and classes, and nothing else', () => {
  assert.deepEqual(parseAcceptedStatuses('404,410'), [
    [404, 404],
    [410, 410],
  ]);
  assert.deepEqual(parseAcceptedStatuses('400-499, 5xx'), [
    [400, 499],
    [500, 599],
  ]);
  for (const bad of ['', 'sometimes', '499-400', '42', '404,', '600']) assert.equal(parseAcceptedStatuses(bad), undefined, bad);
});
