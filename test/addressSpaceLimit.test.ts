import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, runProcess, type CliResult } from './helpers/cli';
import { writeSyntheticSnapshot } from './helpers/syntheticSnapshot';

/**
 * V8 reserves ~10 GiB of address space per WebAssembly memory, so under `ulimit -v` (containers,
 * shared CI hosts) a reader that made one per section, per thread, failed on every snapshot.
 */
let dir: string;
let small: string;
let big: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-ulimit-'));
  small = join(dir, 'small.heapsnapshot');
  writeSyntheticSnapshot(small, { items: 100, stringLength: 0 });
  // Past the 32 MiB from which the edges and the diff's baseline would get threads of their own.
  big = join(dir, 'big.heapsnapshot');
  writeSyntheticSnapshot(big, { items: 500_000, stringLength: 0 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function limited(kib: number, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runProcess('/bin/sh', ['-c', `ulimit -v ${kib} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
    env: { ...process.env, ...env },
  });
}

test('under ulimit -v 16 GiB, inspect and diff read snapshots (on one thread)', { skip: process.platform !== 'linux' }, async () => {
  const inspect = await limited(16 * 1024 * 1024, ['inspect', small]);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stdout, /204 nodes/);
  const diff = await limited(16 * 1024 * 1024, ['diff', big, big]);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /No new objects still alive/);
});

test(
  'when not even one WebAssembly memory fits, one sentence says so and how to get room',
  { skip: process.platform !== 'linux' },
  async () => {
    const r = await limited(6 * 1024 * 1024, ['inspect', small]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /^leakscope: Cannot reserve the virtual address space the snapshot reader needs: .*ulimit -v.*\(the limit is 6\.0 GiB\); raise that limit, or run Leakscope with NODE_OPTIONS=--disable-wasm-trap-handler\.$/m,
    );
    const advised = await limited(6 * 1024 * 1024, ['inspect', small], { NODE_OPTIONS: '--disable-wasm-trap-handler' });
    assert.equal(advised.code, 0, advised.stderr);
  },
);
