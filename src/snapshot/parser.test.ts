import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { parseSnapshot } from './parser';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'leakscope-parser-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const META = {
  // Field order differs from V8's usual one on purpose: offsets must come from meta, and so must
  // the list of type names, which `node_types`/`edge_types` give at the position of the "type" field.
  node_fields: ['name', 'type', 'id', 'edge_count', 'self_size', 'trace_node_id', 'detachedness'],
  node_types: [
    'string',
    ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'],
    'number',
    'number',
    'number',
    'number',
    'number',
  ],
  edge_fields: ['to_node', 'type', 'name_or_index'],
  edge_types: ['node', ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number'],
  location_fields: ['object_index', 'script_id', 'line', 'column'],
};
const STRINGS = ['', 'root', 'Thing', 'a "quoted" name', 'back\\slash\\\\', 'line\nbreak', 'ünïcødé ✓ 😀', '\u2028\u0000', 'value'];

/** 3 nodes: root -(property "value")-> Thing -(element 0)-> string node; Thing has a location. */
function tinySnapshot(): string {
  const nodes = [/* root */ 1, 9, 1, 1, 0, 0, 0, /* Thing */ 2, 3, 3, 1, 48, 0, 0, /* string */ 6, 2, 5, 0, 4294967296 + 5, 0, 0];
  const edges = [7, 2, 8, /* Thing -> string */ 14, 1, 0];
  return JSON.stringify(
    {
      snapshot: { meta: META, node_count: 3, edge_count: 2, extra_native_bytes: 77 },
      nodes,
      edges,
      locations: [7, 12, 34, 5],
      strings: STRINGS,
    },
    null,
    1,
  );
}

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function rejectsWith(path: string, code: ErrorCode, pattern: RegExp) {
  await assert.rejects(parseSnapshot(path), (e: unknown) => {
    assert.ok(e instanceof LeakscopeError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

test('reads fields by the offsets meta declares, in any order, at every chunk size, with and without the edges thread', async () => {
  const path = write('tiny.heapsnapshot', tinySnapshot());
  for (const [chunkSize, parallel] of [1, 2, 3, 5, 7, 16, 1 << 20].flatMap(
    (c) =>
      [
        [c, false],
        [c, true],
      ] as const,
  )) {
    const s = await parseSnapshot(path, { chunkSize, parallel });
    assert.equal(s.nodeCount, 3);
    assert.equal(s.edgeCount, 2);
    assert.deepEqual(s.strings.toArray(), STRINGS, `strings at chunk size ${chunkSize}`);
    assert.equal(s.nodeName(1), 'Thing');
    assert.equal(s.nodeType(1), 'object');
    assert.equal(s.nodeId(2), 5);
    assert.equal(s.selfSize(1), 48);
    assert.equal(s.selfSize(2), 4294967296 + 5, 'self sizes past 32 bits survive');
    assert.equal(s.edgeTarget(0), 1);
    assert.equal(s.edgeName(0), 'value');
    assert.equal(s.edgeType(1), 'element');
    assert.equal(s.edgeName(1), '0');
    assert.equal(s.firstEdge(1), 1);
    assert.equal(s.edgeEnd(1), 2);
    assert.deepEqual(s.location(1), { scriptId: 12, line: 34, column: 5 });
    assert.equal(s.location(2), undefined);
    assert.equal(s.header.extraNativeBytes, 77);
  }
});

test('a missing file, a folder, an empty file and a non-snapshot each get one clear sentence', async () => {
  await rejectsWith(join(dir, 'nope.heapsnapshot'), ErrorCode.FileNotFound, /does not exist/);
  await rejectsWith(dir, ErrorCode.FileUnreadable, /is a folder/);
  await rejectsWith(write('empty.heapsnapshot', ''), ErrorCode.NotASnapshot, /empty/);
  await rejectsWith(write('text.heapsnapshot', 'hello world'), ErrorCode.NotASnapshot, /not a V8 heap snapshot/);
  await rejectsWith(write('json.heapsnapshot', '{"name":"package","version":"1.0.0"}'), ErrorCode.NotASnapshot, /no "snapshot" header/);
  await rejectsWith(write('array.heapsnapshot', '[1,2,3]'), ErrorCode.NotASnapshot, /not a V8 heap snapshot/);
});

test('a string with a broken escape is refused with the file named', async () => {
  const text = tinySnapshot().replace('"a \\"quoted\\" name"', '"a \\x name"');
  assert.notEqual(text, tinySnapshot());
  const path = write('escape.heapsnapshot', text);
  await rejectsWith(path, ErrorCode.NotASnapshot, /a string in "strings" is not valid JSON/);
  await assert.rejects(parseSnapshot(path), (e: unknown) => e instanceof LeakscopeError && e.message.startsWith(path));
});

test('a snapshot cut short is reported as truncated, wherever the cut falls', async () => {
  const full = Buffer.from(tinySnapshot());
  const cuts = [40, full.indexOf('"nodes"') + 12, full.indexOf('"edges"') + 10, full.indexOf('"strings"') + 30, full.length - 3];
  for (const [cut, parallel] of cuts.flatMap(
    (c) =>
      [
        [c, false],
        [c, true],
      ] as const,
  )) {
    const path = write(`cut-${cut}.heapsnapshot`, full.subarray(0, cut));
    await assert.rejects(parseSnapshot(path, { chunkSize: 7, parallel }), (e: unknown) => {
      assert.ok(e instanceof LeakscopeError);
      assert.ok(e.code === ErrorCode.TruncatedSnapshot || e.code === ErrorCode.NotASnapshot, e.message);
      assert.match(e.message, /truncated|ends before/);
      return true;
    });
  }
});

test('counts that disagree with the header and references out of range are caught', async () => {
  const short = tinySnapshot().replace('"node_count": 3', '"node_count": 4');
  await rejectsWith(write('count.heapsnapshot', short), ErrorCode.TruncatedSnapshot, /does not hold the number of entries/);
  const badTarget = JSON.parse(tinySnapshot());
  badTarget.edges[3] = 700;
  await rejectsWith(write('target.heapsnapshot', JSON.stringify(badTarget)), ErrorCode.NotASnapshot, /outside the node list/);
  const between = JSON.parse(tinySnapshot());
  between.edges[3] = 8;
  const floats = JSON.parse(tinySnapshot());
  floats.nodes[4] = 1.5;
  const floatEdge = JSON.parse(tinySnapshot());
  floatEdge.edges[1] = 2.5;
  for (const parallel of [false, true]) {
    await assert.rejects(
      parseSnapshot(write('between.heapsnapshot', JSON.stringify(between)), { parallel }),
      /points between two node records/,
    );
    await assert.rejects(parseSnapshot(write('float.heapsnapshot', JSON.stringify(floats)), { parallel }), /not a whole number/);
    await assert.rejects(
      parseSnapshot(write('float-edge.heapsnapshot', JSON.stringify(floatEdge)), { parallel }),
      /"edges" section holds a value that is not a whole number/,
    );
  }
});

test('sections in an unusual order still parse, falling back from the edges thread', async () => {
  // An extra section before `edges` holding a decoy "edges" key: the thread's search lands on it.
  const o = JSON.parse(tinySnapshot());
  const text = `{"snapshot":${JSON.stringify(o.snapshot)},"extra":{"edges":[9,9,9]},"strings":${JSON.stringify(o.strings)},"nodes":${JSON.stringify(o.nodes)},"edges":${JSON.stringify(o.edges)},"locations":${JSON.stringify(o.locations)}}`;
  const s = await parseSnapshot(write('reordered.heapsnapshot', text), { parallel: true, chunkSize: 64 });
  assert.equal(s.edgeTarget(1), 2);
  assert.equal(s.edgeName(0), 'value');
});

test('a real truncated file on disk is reported with its size', async () => {
  const path = write('real.heapsnapshot', tinySnapshot());
  truncateSync(path, statSync(path).size - 20);
  await rejectsWith(path, ErrorCode.TruncatedSnapshot, /truncated.*bytes read/);
});

test('locations are found by node whatever order V8 wrote them in', async () => {
  const o = JSON.parse(tinySnapshot());
  // Thing (node 1) and the string (node 2), written in reverse node order.
  o.locations = [14, 3, 7, 8, 7, 12, 34, 5];
  const s = await parseSnapshot(write('locations.heapsnapshot', JSON.stringify(o)));
  assert.deepEqual(s.location(1), { scriptId: 12, line: 34, column: 5 });
  assert.deepEqual(s.location(2), { scriptId: 3, line: 7, column: 8 });
  assert.equal(s.location(0), undefined);
});

test('values out of range are rejected with the position, on either thread', async () => {
  // Field offsets in tinySnapshot: nodes are [name, type, id, edge_count, self_size, …] × 7, edges [to_node, type, name_or_index].
  const cases: Array<[string, (o: { nodes: number[]; edges: number[]; snapshot: { meta: typeof META } }) => void, RegExp]> = [
    ['negative size', (o) => (o.nodes[7 + 4] = -5), /node 1 \(nodes\[7\]\) has self_size -5, which no heap object has/],
    ['absurd size', (o) => (o.nodes[7 + 4] = 5.7e18), /node 1 \(nodes\[7\]\) has self_size 5700000000000000000/],
    ['node type', (o) => (o.nodes[14 + 1] = 10), /node 2 \(nodes\[14\]\) has type 10, not one of the 10 in "node_types"/],
    ['negative node type', (o) => (o.nodes[1] = -1), /node 0 \(nodes\[0\]\) has type -1/],
    ['negative name', (o) => (o.nodes[7] = -3), /node 1 \(nodes\[7\]\) has name -3, outside 0 to 4294967295/],
    ['wide id', (o) => (o.nodes[14 + 2] = 2 ** 33), /node 2 \(nodes\[14\]\) has id 8589934592/],
    ['negative edge count', (o) => (o.nodes[3] = -1), /node 0 \(nodes\[0\]\) has edge_count -1/],
    ['node string', (o) => (o.nodes[7] = 99), /node 1 \(nodes\[7\]\) names string 99, beyond the 9 in "strings"/],
    ['edge type', (o) => (o.edges[3 + 1] = 7), /edge 1 \(edges\[3\]\) has type 7, not one of the 7 in "edge_types"/],
    ['edge string', (o) => (o.edges[2] = 50), /edge 0 \(edges\[0\]\) is named by string 50, beyond the 9 in "strings"/],
    ['negative edge name', (o) => (o.edges[2] = -1), /edge 0 \(edges\[0\]\) has name_or_index -1/],
    ['negative target', (o) => (o.edges[0] = -7), /edge 0 \(edges\[0\]\) points outside the node list/],
    [
      'misaligned target',
      (o) => (o.edges[0] = 8),
      /edge 0 \(edges\[0\]\) points between two node records \(to_node 8 is not a multiple of the 7 node fields\)/,
    ],
  ];
  for (const [name, damage, pattern] of cases) {
    const o = JSON.parse(tinySnapshot());
    damage(o);
    const path = write(`${name.replace(/ /g, '-')}.heapsnapshot`, JSON.stringify(o));
    for (const parallel of [false, true]) {
      await assert.rejects(parseSnapshot(path, { parallel }), (e: unknown) => {
        assert.ok(e instanceof LeakscopeError, `${name}: ${String(e)}`);
        assert.equal(e.code, ErrorCode.NotASnapshot, name);
        assert.match(e.message, pattern, name);
        assert.ok(e.message.startsWith(path), name);
        return true;
      });
    }
  }
  // An element edge's name is an index, not a string: any whole number is fine.
  const element = JSON.parse(tinySnapshot());
  element.edges[3 + 2] = 1000;
  assert.equal((await parseSnapshot(write('element.heapsnapshot', JSON.stringify(element)))).edgeName(1), '1000');
});
