import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSnapshot } from '../src/snapshot/parser';
import { scriptUrlsOf } from '../src/snapshot/scriptUrls';
import { REPO_ROOT, runCli } from './helpers/cli';

test('a snapshot names its own scripts: closures lead to the script they were compiled from', async () => {
  const dir = await fs.mkdtemp(join(tmpdir(), 'leakscope-scripts-'));
  try {
    const run = await runCli(['demo', '--out', dir, '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const urls = [...scriptUrlsOf(await parseSnapshot(join(dir, 'after.heapsnapshot'))).values()];
    assert.ok(urls.includes(join(REPO_ROOT, 'samples', 'leakyServer.js')), `the demo's own file among ${urls.length} scripts`);
    assert.ok(
      urls.some((u) => u.startsWith('node:')),
      "and Node's built-in modules",
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
