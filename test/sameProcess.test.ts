import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from './helpers/cli';
import { writeSyntheticSnapshot } from './helpers/syntheticSnapshot';

/**
 * `diff` tells two processes apart before it judges the order: ids of two processes say nothing
 * about which snapshot is older. Synthetic snapshots stand for the cases: the same program with
 * more items (a later snapshot of one process: same ids, same objects) and with other strings
 * (another process: same ids, other objects behind half of them).
 */
let dir: string;
const file = (name: string) => join(dir, `${name}.heapsnapshot`);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-same-'));
  writeSyntheticSnapshot(file('small'), { items: 100, stringLength: 0 });
  writeSyntheticSnapshot(file('large'), { items: 1000, stringLength: 0 });
  writeSyntheticSnapshot(file('otherSmall'), { items: 100, stringLength: 30 });
  writeSyntheticSnapshot(file('otherLarge'), { items: 1000, stringLength: 30 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('one process, oldest first, diffs; newest first is told to swap them', async () => {
  const ok = await runCli(['diff', file('small'), file('large')]);
  assert.equal(ok.code, 0, ok.stderr);
  const swapped = await runCli(['diff', file('large'), file('small')]);
  assert.equal(swapped.code, 2);
  assert.match(swapped.stderr, /small\.heapsnapshot was taken before .*large\.heapsnapshot; give the snapshots oldest first\.\n$/);
});

test('two processes are called two processes in either order', async () => {
  for (const [a, b] of [
    ['large', 'otherSmall'],
    ['otherSmall', 'large'],
    ['otherLarge', 'small'],
    ['small', 'otherLarge'],
  ]) {
    const r = await runCli(['diff', file(a), file(b)]);
    assert.equal(r.code, 1, `${a} ${b}: ${r.stdout}`);
    assert.match(r.stderr, /are snapshots of different processes/, `${a} ${b}`);
    assert.doesNotMatch(r.stderr, /oldest first/, `${a} ${b}`);
  }
});
