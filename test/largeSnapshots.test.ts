import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeSnapshot } from '../src/snapshot/heapGraph';
import { parseSnapshot } from '../src/snapshot/parser';
import { writeSyntheticSnapshot } from './helpers/syntheticSnapshot';

/**
 * The limits real heaps reach: more nodes than a JS Map/Set can key (2^24), and files and a
 * `strings` section larger than V8's longest string (~512 MiB), which JSON.parse-based readers
 * cannot load. Each file is streamed to disk and removed afterwards.
 */
const HALF_GIB = 512 * 1024 * 1024;
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-large-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a heap of more than 16.7 million nodes in a file over 512 MiB', async () => {
  const path = join(dir, 'many-nodes.heapsnapshot');
  const items = 8_500_000;
  const { nodeCount } = writeSyntheticSnapshot(path, { items, stringLength: 0 });
  assert.ok(nodeCount > 1 << 24);
  assert.ok(statSync(path).size > HALF_GIB, 'the file itself is past the string limit');
  const snapshot = await parseSnapshot(path);
  assert.equal(snapshot.nodeCount, nodeCount);
  const graph = analyzeSnapshot(snapshot);
  // The items array dominates every Item and its string.
  const itemsArray = 3;
  assert.equal(graph.retainedSize(itemsArray), 32 + items * 8 + items * (32 + 16));
  const lastString = nodeCount - 1;
  assert.equal(graph.idom[lastString], nodeCount - 2);
  assert.deepEqual(
    graph.retainerPath(lastString).map((s) => s.edge),
    ['', 'items', `[${items - 1}]`, 'value'],
  );
  const item = graph.classAggregates().find((c) => c.className === 'Item');
  assert.equal(item?.count, items);
});

test('a strings section larger than 512 MiB is decoded string by string', async () => {
  const path = join(dir, 'big-strings.heapsnapshot');
  const items = 560_000;
  const stringLength = 1000;
  writeSyntheticSnapshot(path, { items, stringLength });
  assert.ok(items * stringLength > HALF_GIB, 'the strings section alone is past the string limit');
  const snapshot = await parseSnapshot(path);
  assert.equal(snapshot.strings.length, 8 + items);
  const last = snapshot.strings.get(snapshot.strings.length - 1)!;
  assert.equal(last.length, stringLength);
  assert.ok(last.startsWith(String(items - 1).padStart(12, '0')));
  assert.equal(snapshot.nodeName(snapshot.nodeCount - 1), last);
});
