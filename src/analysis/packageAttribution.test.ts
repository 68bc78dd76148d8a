import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageOfFile } from './packageAttribution';

test('the package of a file is the innermost node_modules folder, scopes included', () => {
  assert.deepEqual(packageOfFile('/app/node_modules/ioredis/built/Redis.js'), { name: 'ioredis', dir: '/app/node_modules/ioredis' });
  assert.deepEqual(packageOfFile('file:///app/node_modules/ioredis/node_modules/denque/index.js'), {
    name: 'denque',
    dir: '/app/node_modules/ioredis/node_modules/denque',
  });
  assert.deepEqual(packageOfFile('C:\\app\\node_modules\\@scope\\pkg\\lib\\x.js')?.name, '@scope/pkg');
  assert.equal(packageOfFile('/app/src/server.ts'), undefined);
  assert.equal(packageOfFile('/app/node_modules/.pnpm'), undefined);
});
