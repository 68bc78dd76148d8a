import { HeapSnapshot } from '../../src/snapshot/heapSnapshot';
import { StringTable } from '../../src/snapshot/stringTable';
import type { SnapshotHeader } from '../../src/snapshot/types';

/** Test support: a HeapSnapshot built in memory from a small node/edge list. */
export interface TestNode {
  name: string;
  type?: string;
  id?: number;
  selfSize?: number;
  /** The script the node's function or constructor lives in (a snapshot location at line 0). */
  script?: number;
  edges?: Array<{ to: number; name?: string | number; type?: string }>;
}

const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
  'symbol',
  'bigint',
  'object shape',
];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

export function buildTestSnapshot(spec: TestNode[]): HeapSnapshot {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string) => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const n = spec.length;
  const edgeCount = spec.reduce((sum, node) => sum + (node.edges?.length ?? 0), 0);
  const header: SnapshotHeader = {
    meta: {
      nodeFields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
      nodeTypes: NODE_TYPES,
      edgeFields: ['type', 'name_or_index', 'to_node'],
      edgeTypes: EDGE_TYPES,
      locationFields: ['object_index', 'script_id', 'line', 'column'],
      traceFunctionInfoFields: [],
      traceNodeFields: [],
    },
    nodeCount: n,
    edgeCount,
    traceFunctionCount: 0,
    extraNativeBytes: 0,
  };
  const nodes = {
    types: new Uint8Array(n),
    names: new Uint32Array(n),
    ids: new Uint32Array(n),
    selfSizes: new Uint32Array(n),
    largeSelfSizes: new Map<number, number>(),
    firstEdges: new Uint32Array(n + 1),
  };
  const edges = { types: new Uint8Array(edgeCount), nameOrIndex: new Uint32Array(edgeCount), targets: new Uint32Array(edgeCount) };
  let e = 0;
  spec.forEach((node, i) => {
    nodes.types[i] = NODE_TYPES.indexOf(node.type ?? (i === 0 ? 'synthetic' : 'object'));
    nodes.names[i] = intern(node.name);
    nodes.ids[i] = node.id ?? 2 * i + 1;
    nodes.selfSizes[i] = node.selfSize ?? 10;
    nodes.firstEdges[i] = e;
    for (const edge of node.edges ?? []) {
      const type = edge.type ?? 'property';
      edges.types[e] = EDGE_TYPES.indexOf(type);
      const name = edge.name ?? e;
      edges.nameOrIndex[e] = type === 'element' || type === 'hidden' ? Number(name) : intern(String(name));
      edges.targets[e] = edge.to;
      e++;
    }
  });
  nodes.firstEdges[n] = e;
  const located = spec.flatMap((node, i) => (node.script === undefined ? [] : [i]));
  const locations = {
    nodes: Uint32Array.from(located),
    scriptIds: Uint32Array.from(located, (i) => spec[i].script ?? 0),
    lines: new Uint32Array(located.length),
    columns: new Uint32Array(located.length),
  };
  return new HeapSnapshot(header, nodes, edges, StringTable.from(strings), locations, undefined);
}
