import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loopbackInspectFlags } from './loopbackInspectFlags';

test('inspector flags on every interface move to loopback, keeping their port; loopback and port-only flags stay', () => {
  const { args, nodeOptions, changes } = loopbackInspectFlags(
    [
      '--inspect=0.0.0.0:9229',
      '--inspect-brk=[::]:9230',
      '--inspect-wait=example.org',
      '--inspect=9231',
      '--inspect=127.0.0.1:9232',
      '--inspect=localhost:9233',
      'app.js',
      '--inspector=0.0.0.0:1',
    ],
    '--max-old-space-size=512 --inspect-port=0.0.0.0:9240 --inspect=[::1]:9241',
  );
  assert.deepEqual(args, [
    '--inspect=127.0.0.1:9229',
    '--inspect-brk=127.0.0.1:9230',
    '--inspect-wait=127.0.0.1',
    '--inspect=9231',
    '--inspect=127.0.0.1:9232',
    '--inspect=localhost:9233',
    'app.js',
    '--inspector=0.0.0.0:1',
  ]);
  assert.equal(nodeOptions, '--max-old-space-size=512 --inspect-port=127.0.0.1:9240 --inspect=[::1]:9241');
  assert.deepEqual(
    changes.map((c) => `${c.where}: ${c.from} -> ${c.to}`),
    [
      'args: --inspect=0.0.0.0:9229 -> --inspect=127.0.0.1:9229',
      'args: --inspect-brk=[::]:9230 -> --inspect-brk=127.0.0.1:9230',
      'args: --inspect-wait=example.org -> --inspect-wait=127.0.0.1',
      'NODE_OPTIONS: --inspect-port=0.0.0.0:9240 -> --inspect-port=127.0.0.1:9240',
    ],
  );
});
