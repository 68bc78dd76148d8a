import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withConfiguredNode } from './launch';

test('a configured Node replaces a bare `node` only', () => {
  assert.deepEqual(withConfiguredNode(['node', 'server.js'], '/opt/node22/bin/node'), ['/opt/node22/bin/node', 'server.js']);
  assert.deepEqual(withConfiguredNode(['node', 'server.js'], '  '), ['node', 'server.js']);
  assert.deepEqual(withConfiguredNode(['node', 'server.js'], undefined), ['node', 'server.js']);
  assert.deepEqual(withConfiguredNode(['npm', 'start'], '/opt/node22/bin/node'), ['npm', 'start']);
  assert.deepEqual(withConfiguredNode(['/usr/bin/node', 'a.js'], '/opt/node22/bin/node'), ['/usr/bin/node', 'a.js']);
});
