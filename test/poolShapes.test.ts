import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolShape } from '../src/analysis/detectors/undisposedPool';
import { loadHeapGraph } from '../src/snapshot/heapGraph';
import { REPO_ROOT, runNode } from './helpers/cli';

test('the pool signatures match the real generic-pool, pg, mysql2 and http.Agent objects', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakscope-pools-'));
  try {
    const file = join(dir, 'pools.heapsnapshot');
    const r = await runNode([join(REPO_ROOT, 'test', 'fixtures', 'apps', 'pools.js'), file]);
    assert.equal(r.code, 0, r.stderr);
    const graph = await loadHeapGraph(file);
    const s = graph.snapshot;
    // globalThis.pools.<name> → the pool object.
    const recognised = new Map<string, string | undefined>();
    for (let n = 0; n < s.nodeCount; n++) {
      for (let e = s.firstEdge(n); e < s.edgeEnd(n); e++) {
        if (s.edgeName(e) !== 'pools' || graph.className(s.edgeTarget(e)) !== 'Object') continue;
        const pools = s.edgeTarget(e);
        for (let p = s.firstEdge(pools); p < s.edgeEnd(pools); p++) recognised.set(s.edgeName(p), poolShape(graph, s.edgeTarget(p))?.what);
      }
    }
    assert.deepEqual(Object.fromEntries([...recognised].filter(([k]) => ['generic', 'pg', 'mysql', 'agent'].includes(k))), {
      generic: 'generic-pool pools',
      pg: 'pg pools',
      mysql: 'mysql2 pools',
      agent: 'HTTP agents',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
