import { closeSync, openSync, writeSync } from 'node:fs';
import { META } from '../../bench/bigSnapshot';

/**
 * Writes a valid V8-format heap snapshot of any size without holding it in memory, for the
 * tests of the limits real heaps hit (16.7M nodes, sections past 512 MiB). The graph: the root
 * holds a `(GC roots)` node and a `global` object (by shortcut); `global.items` is an array
 * whose elements are `Item` objects, each holding one string node.
 */
export interface SyntheticOptions {
  items: number;
  /** Characters per distinct string (each Item gets its own string); 0 shares one short string. */
  stringLength: number;
}

const T = { array: 1, string: 2, object: 3, synthetic: 9 };
const E = { element: 1, property: 2, shortcut: 5 };
const NF = 7;

export function writeSyntheticSnapshot(path: string, options: SyntheticOptions): { nodeCount: number; edgeCount: number } {
  const { items, stringLength } = options;
  // Fixed nodes: 0 root, 1 (GC roots), 2 global, 3 items array; then per item an Item and a string.
  const nodeCount = 4 + items * 2;
  const edgeCount = 2 + 1 + items + items;
  // Strings: 0 '', 1 '(GC roots)', 2 'global', 3 'items', 4 'Item', 5 'value', 6 'Array', 7 shared; distinct ones from 8.
  const fd = openSync(path, 'w');
  let buffer = '';
  const out = (s: string) => {
    buffer += s;
    if (buffer.length > 1 << 22) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  try {
    out(
      `{"snapshot":{"meta":${JSON.stringify(META)},"node_count":${nodeCount},"edge_count":${edgeCount},"trace_function_count":0},\n"nodes":[`,
    );
    const node = (type: number, name: number, id: number, size: number, edges: number, first = false) =>
      out(`${first ? '' : ','}${type},${name},${id},${size},${edges},0,0\n`);
    node(T.synthetic, 0, 1, 0, 2, true);
    node(T.synthetic, 1, 3, 0, 0);
    node(T.object, 2, 5, 64, 1);
    node(T.array, 6, 7, 32 + items * 8, items);
    for (let i = 0; i < items; i++) {
      node(T.object, 4, 9 + 4 * i, 32, 1);
      node(T.string, stringLength > 0 ? 8 + i : 7, 11 + 4 * i, 16 + stringLength, 0);
    }
    out('],\n"edges":[');
    out(`${E.element},1,${1 * NF},${E.shortcut},2,${2 * NF}\n`);
    out(`,${E.property},3,${3 * NF}\n`);
    for (let i = 0; i < items; i++) out(`,${E.element},${i},${(4 + 2 * i) * NF}\n`);
    for (let i = 0; i < items; i++) out(`,${E.property},5,${(5 + 2 * i) * NF}\n`);
    out(
      '],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":["","(GC roots)","global","items","Item","value","Array","shared"',
    );
    if (stringLength > 0) {
      const body = 'x'.repeat(Math.max(0, stringLength - 12));
      for (let i = 0; i < items; i++) out(`,\n"${String(i).padStart(12, '0')}${body}"`);
    }
    out(']}\n');
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  return { nodeCount, edgeCount };
}
