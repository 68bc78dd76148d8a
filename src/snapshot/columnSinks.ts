import { GrowableUint32Array } from './growable';
import { type NumberSink } from './jsonBytes';
import { countMismatch, notASnapshot } from './snapshotErrors';
import type { EdgeColumns, LocationColumns, NodeColumns } from './heapSnapshot';
import type { SnapshotMeta } from './types';

/** Where each known field sits in a record, from `meta`; -1 when the snapshot lacks it. */
function offsets<K extends string>(fields: string[], known: readonly K[]): Record<K, number> {
  return Object.fromEntries(known.map((k) => [k, fields.indexOf(k)])) as Record<K, number>;
}

/** Nodes go straight into columns; `edge_count` becomes prefix sums (`firstEdges`). */
export class NodeSink implements NumberSink {
  readonly recordSize: number;
  private node = 0;
  private edgeTotal = 0;
  private readonly at: Record<'type' | 'name' | 'id' | 'self_size' | 'edge_count' | 'trace_node_id' | 'detachedness', number>;

  constructor(meta: SnapshotMeta, private readonly nodeCount: number, readonly columns: NodeColumns) {
    this.recordSize = meta.nodeFields.length;
    this.at = offsets(meta.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'] as const);
  }

  consume(batch: Float64Array, count: number): void {
    const size = this.recordSize;
    if (count % size !== 0 || this.node + count / size > this.nodeCount) throw countMismatch('nodes');
    const { types, names, ids, selfSizes, firstEdges } = this.columns;
    const { type, name, id, self_size: selfSize, edge_count: edgeCount, trace_node_id: trace, detachedness } = this.at;
    let node = this.node;
    let edgeTotal = this.edgeTotal;
    for (let k = 0; k < count; k += size, node++) {
      types[node] = batch[k + type];
      names[node] = batch[k + name];
      ids[node] = batch[k + id];
      const bytes = batch[k + selfSize];
      if (bytes < 0xffffffff) selfSizes[node] = bytes;
      else {
        selfSizes[node] = 0xffffffff;
        this.columns.largeSelfSizes.set(node, bytes);
      }
      edgeTotal += batch[k + edgeCount];
      firstEdges[node + 1] = edgeTotal;
      // Both columns are all zeros unless allocation tracking or detachedness was recorded.
      if (trace >= 0 && batch[k + trace] !== 0) (this.columns.traceNodeIds ??= new Uint32Array(this.nodeCount))[node] = batch[k + trace];
      if (detachedness >= 0 && batch[k + detachedness] !== 0) (this.columns.detachedness ??= new Uint8Array(this.nodeCount))[node] = batch[k + detachedness];
    }
    this.node = node;
    this.edgeTotal = edgeTotal;
  }

  end(): void {
    if (this.node !== this.nodeCount) throw countMismatch('nodes');
  }

  get edgeTotalCount(): number {
    return this.edgeTotal;
  }
}

export class EdgeSink implements NumberSink {
  readonly recordSize: number;
  private edge = 0;
  private readonly at: Record<'type' | 'name_or_index' | 'to_node', number>;

  constructor(edgeFields: string[], private readonly edgeCount: number, private readonly nodeFieldCount: number, readonly columns: EdgeColumns) {
    this.recordSize = edgeFields.length;
    this.at = offsets(edgeFields, ['type', 'name_or_index', 'to_node'] as const);
  }

  consume(batch: Float64Array, count: number): void {
    const size = this.recordSize;
    if (count % size !== 0 || this.edge + count / size > this.edgeCount) throw countMismatch('edges');
    const { types, nameOrIndex, targets } = this.columns;
    const { type, name_or_index: name, to_node: to } = this.at;
    const nodeFieldCount = this.nodeFieldCount;
    let edge = this.edge;
    let misaligned = false;
    for (let k = 0; k < count; k += size, edge++) {
      types[edge] = batch[k + type];
      nameOrIndex[edge] = batch[k + name];
      // V8 writes the target's offset in the flat nodes array; keep the ordinal.
      const target = batch[k + to] / nodeFieldCount;
      targets[edge] = target;
      // Not read back from the column: in the edges thread it is shared memory, slower to load.
      if (target !== Math.floor(target)) misaligned = true;
    }
    if (misaligned) throw notASnapshot('an edge points between two node records');
    this.edge = edge;
  }

  end(): void {
    if (this.edge !== this.edgeCount) throw countMismatch('edges');
  }
}

export class LocationSink implements NumberSink {
  readonly recordSize: number;
  private field = 0;
  private readonly record: number[];
  private readonly columnOf: number[];
  readonly nodes = new GrowableUint32Array();
  readonly scriptIds = new GrowableUint32Array();
  readonly lines = new GrowableUint32Array();
  readonly columns = new GrowableUint32Array();

  constructor(meta: SnapshotMeta, private readonly nodeFieldCount: number) {
    const known = ['object_index', 'script_id', 'line', 'column'];
    this.columnOf = meta.locationFields.map((f) => known.indexOf(f));
    this.recordSize = this.columnOf.length;
    this.record = [0, 0, 0, 0];
  }

  consume(batch: Float64Array, count: number): void {
    const fieldCount = this.columnOf.length;
    for (let k = 0; k < count; k++) {
      const column = this.columnOf[this.field];
      if (column >= 0) this.record[column] = batch[k];
      if (++this.field === fieldCount) {
        this.field = 0;
        this.nodes.push(this.record[0] / this.nodeFieldCount);
        this.scriptIds.push(this.record[1]);
        this.lines.push(this.record[2]);
        this.columns.push(this.record[3]);
      }
    }
  }

  end(): void {}

  /** The columns sorted by node: V8 writes locations in the order it met the objects, not node order. */
  result(): LocationColumns {
    const nodes = this.nodes.toArray();
    const order = sortedOrder(nodes);
    // A plain loop: Uint32Array.from with a mapper goes through the iterator protocol per element.
    const permute = (column: Uint32Array) => {
      const out = new Uint32Array(order.length);
      for (let k = 0; k < order.length; k++) out[k] = column[order[k]];
      return out;
    };
    return { nodes: permute(nodes), scriptIds: permute(this.scriptIds.toArray()), lines: permute(this.lines.toArray()), columns: permute(this.columns.toArray()) };
  }
}

export class FlatSink implements NumberSink {
  readonly recordSize = 1;
  readonly values = new GrowableUint32Array();
  consume(batch: Float64Array, count: number): void {
    for (let k = 0; k < count; k++) this.values.push(batch[k]);
  }
  end(): void {}
}

/**
 * The positions of `values` in ascending order. Packs value and position into one float and uses
 * the typed array's numeric sort, which is much faster than a comparator on millions of entries.
 */
function sortedOrder(values: Uint32Array): Uint32Array {
  const n = values.length;
  const order = new Uint32Array(n);
  if (n < 1 << 22) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = values[i] * (1 << 22) + i;
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = packed[i] % (1 << 22);
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => values[a] - values[b] || a - b);
}
