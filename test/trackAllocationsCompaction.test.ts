import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { REPO_ROOT, runCli } from './helpers/cli';

const SERVER = join(REPO_ROOT, 'samples', 'leakyServer.js');

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-compaction-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * While tracking, the inspector gives every live object a heap-object id, and V8 moves an
 * object's allocation stack on a GC move only if it has none: a compacting GC would strip the
 * stacks of what it moves. Compacting on every full GC makes that certain instead of a matter of
 * timing (without the fix, the cache group had no allocation sites in every run).
 */
test('allocation stacks survive a target whose every full GC compacts the heap', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const r = await runCli(
    [
      'run',
      '--track-allocations',
      '--workload-url',
      `${base}/orders`,
      '--requests',
      '50',
      '--ready-url',
      `${base}/health`,
      '--cycles',
      '2',
      '--out',
      join(dir, 'out'),
      '--json',
      '-q',
      '--',
      process.execPath,
      '--compact-on-every-full-gc',
      SERVER,
    ],
    { env: { PORT: String(port) } },
  );
  assert.equal(r.code, 0, r.stderr);
  const { diff } = JSON.parse(r.stdout) as LeakReport;
  const cache = diff.groups.find((g) => g.holderPath.at(-1)?.edge === 'summaryCache');
  assert.ok(
    cache?.allocationSites?.some((s) => s.functionName === 'loadOrder'),
    JSON.stringify(cache?.allocationSites ?? null),
  );
});
