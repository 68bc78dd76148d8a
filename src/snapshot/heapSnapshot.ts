import { indexOfSorted } from './bisect';
import type { StringTable } from './stringTable';
import type { SnapshotHeader, SourceLocation } from './types';

/** Per-node columns, indexed by node ordinal (0 = the synthetic root). */
export interface NodeColumns {
  types: Uint8Array;
  names: Uint32Array;
  ids: Uint32Array;
  selfSizes: Uint32Array;
  /** Self sizes that do not fit 32 bits, by node ordinal; almost always empty. */
  largeSelfSizes: Map<number, number>;
  /** firstEdges[n]..firstEdges[n + 1] are node n's outgoing edges. Length nodeCount + 1. */
  firstEdges: Uint32Array;
  /** Allocation trace node per object, present only when the snapshot has any. */
  traceNodeIds?: Uint32Array;
  detachedness?: Uint8Array;
}

/** Per-edge columns, indexed by edge ordinal. */
export interface EdgeColumns {
  types: Uint8Array;
  /** A string index for named edges, the element index for `element` and `hidden` edges. */
  nameOrIndex: Uint32Array;
  /** Target node ordinal (not V8's field offset). */
  targets: Uint32Array;
}

export interface LocationColumns {
  /** Sorted by node ordinal, as V8 writes them. */
  nodes: Uint32Array;
  scriptIds: Uint32Array;
  lines: Uint32Array;
  columns: Uint32Array;
}

/** The allocation-tracking tree (`--track-allocations`): trace node → function and parent. */
export interface AllocationTrace {
  /** Trace node ids and, at the same position, their function info index and parent position (or 0xffffffff). */
  ids: Uint32Array;
  functionInfos: Uint32Array;
  parents: Uint32Array;
  /** Flat `trace_function_infos`, `functionInfoFields.length` numbers per function. */
  functionInfoData: Uint32Array;
  functionInfoFields: string[];
}

/**
 * A parsed heap snapshot: V8's flat node and edge records split into typed columns (smaller
 * than V8's all-numbers layout and friendlier to the graph passes), plus the string table.
 * Nodes and edges are addressed by ordinal; there are no per-node objects.
 */
export class HeapSnapshot {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeTypeNames: readonly string[];
  readonly edgeTypeNames: readonly string[];
  readonly rootIndex = 0;
  readonly maxNodeId: number;
  /** The largest heap-object (odd) id: V8 counts these up, so a later object has a larger one. */
  readonly maxObjectId: number;

  /** Type ids looked up once, so hot loops compare numbers rather than strings. */
  readonly edgeTypeIds: Readonly<Record<'context' | 'element' | 'property' | 'internal' | 'hidden' | 'shortcut' | 'weak', number>>;
  readonly nodeTypeIds: Readonly<
    Record<
      | 'hidden'
      | 'array'
      | 'string'
      | 'object'
      | 'code'
      | 'closure'
      | 'regexp'
      | 'number'
      | 'native'
      | 'synthetic'
      | 'concatenatedString'
      | 'slicedString'
      | 'symbol'
      | 'bigint'
      | 'objectShape',
      number
    >
  >;

  constructor(
    readonly header: SnapshotHeader,
    readonly nodes: NodeColumns,
    readonly edges: EdgeColumns,
    readonly strings: StringTable,
    readonly locations: LocationColumns,
    readonly trace: AllocationTrace | undefined,
  ) {
    this.nodeCount = nodes.ids.length;
    this.edgeCount = edges.targets.length;
    this.nodeTypeNames = header.meta.nodeTypes;
    this.edgeTypeNames = header.meta.edgeTypes;
    const e = (name: string) => header.meta.edgeTypes.indexOf(name);
    this.edgeTypeIds = {
      context: e('context'),
      element: e('element'),
      property: e('property'),
      internal: e('internal'),
      hidden: e('hidden'),
      shortcut: e('shortcut'),
      weak: e('weak'),
    };
    const n = (name: string) => header.meta.nodeTypes.indexOf(name);
    this.nodeTypeIds = {
      hidden: n('hidden'),
      array: n('array'),
      string: n('string'),
      object: n('object'),
      code: n('code'),
      closure: n('closure'),
      regexp: n('regexp'),
      number: n('number'),
      native: n('native'),
      synthetic: n('synthetic'),
      concatenatedString: n('concatenated string'),
      slicedString: n('sliced string'),
      symbol: n('symbol'),
      bigint: n('bigint'),
      objectShape: n('object shape'),
    };
    let max = 0;
    let maxOdd = 0;
    const ids = nodes.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id > max) max = id;
      if (id & 1 && id > maxOdd) maxOdd = id;
    }
    this.maxNodeId = max;
    this.maxObjectId = maxOdd;
  }

  nodeType(node: number): string {
    return this.nodeTypeNames[this.nodes.types[node]] ?? 'unknown';
  }

  nodeName(node: number): string {
    return this.strings.get(this.nodes.names[node]) ?? '';
  }

  nodeId(node: number): number {
    return this.nodes.ids[node];
  }

  selfSize(node: number): number {
    const size = this.nodes.selfSizes[node];
    return size === 0xffffffff ? (this.nodes.largeSelfSizes.get(node) ?? size) : size;
  }

  firstEdge(node: number): number {
    return this.nodes.firstEdges[node];
  }

  edgeEnd(node: number): number {
    return this.nodes.firstEdges[node + 1];
  }

  edgeType(edge: number): string {
    return this.edgeTypeNames[this.edges.types[edge]] ?? 'unknown';
  }

  edgeTarget(edge: number): number {
    return this.edges.targets[edge];
  }

  /** The edge's name as written in the snapshot: a property name, or an index as a string. */
  edgeName(edge: number): string {
    const type = this.edges.types[edge];
    const value = this.edges.nameOrIndex[edge];
    if (type === this.edgeTypeIds.element || type === this.edgeTypeIds.hidden) return String(value);
    return this.strings.get(value) ?? String(value);
  }

  isWeakEdge(edge: number): boolean {
    return this.edges.types[edge] === this.edgeTypeIds.weak;
  }

  /**
   * The name DevTools groups a node under: constructor name for objects and native objects,
   * `(closure)`, `(string)`, `(array)` … for the rest, `(system)` for hidden V8 internals.
   */
  className(node: number): string {
    const type = this.nodes.types[node];
    const t = this.nodeTypeIds;
    if (type === t.object || type === t.native) return this.nodeName(node);
    if (type === t.hidden) return '(system)';
    // Synthetic nodes are the roots and their groups; their names already read `(GC roots)`.
    if (type === t.synthetic) return this.nodeName(node);
    if (type === t.code) return '(compiled code)';
    if (type === t.concatenatedString || type === t.slicedString) return '(string)';
    return `(${this.nodeTypeNames[type] ?? 'unknown'})`;
  }

  /** Script location of a closure or object, when the snapshot recorded one. */
  location(node: number): SourceLocation | undefined {
    const i = this.locationIndex(node);
    if (i < 0) return undefined;
    const l = this.locations;
    return { scriptId: l.scriptIds[i], line: l.lines[i], column: l.columns[i] };
  }

  private locationIndex(node: number): number {
    return indexOfSorted(this.locations.nodes, node);
  }
}
