import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LaunchDirectory } from './processTree';

test('the launch directory takes only well-formed reports of the PID they are named after, and their fields only', async () => {
  const dir = LaunchDirectory.create();
  try {
    const report = { pid: 101, ppid: 1, argv: ['node', 'server.js'], execArgv: [], webSocketUrl: 'ws://127.0.0.1:9229/abc-1' };
    const files: Record<string, unknown> = {
      '101.json': { ...report, extra: 'kept out' },
      '102.json': { ...report, pid: 103 },
      '104.json': { ...report, pid: 104, webSocketUrl: ['ws://127.0.0.1:9229/abc-1'] },
      '105.json': { ...report, pid: 105, webSocketUrl: 'ws://10.0.0.1:9229/abc' },
      '106.json': { ...report, pid: 106, argv: 'node server.js' },
      '107.json': { ...report, pid: 107, ppid: '1' },
      '108.json': { ...report, pid: 108, movedFrom: 9229 },
      '109.json': null,
      '101.exit': { code: 3 },
      '104.exit': { code: '3' },
      '105.exit': [3],
    };
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir.path, name), JSON.stringify(value));
    writeFileSync(join(dir.path, '110.json'), '{"pid": 110,');
    const found = dir.processes();
    assert.deepEqual(
      found.map(({ started: _, ...p }) => p),
      [report],
    );
    assert.deepEqual(dir.exitOf(101), { code: 3 });
    assert.equal(dir.exitOf(104), undefined);
    assert.equal(dir.exitOf(105), undefined);
    assert.equal(dir.exitOf(999), undefined);
  } finally {
    await dir.dispose();
  }
});
