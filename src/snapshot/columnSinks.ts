import { GrowableUint32Array } from './growable';
import { type NumberSink } from './jsonBytes';
import { countMismatch, notASnapshot } from './snapshotErrors';
import type { EdgeColumns, LocationColumns, NodeColumns } from './heapSnapshot';
import type { SnapshotMeta } from './types';

/** Where each known field sits in a record, from `meta`; -1 when the snapshot lacks it. */
function offsets<K extends string>(fields: string[], known: readonly K[]): Record<K, number> {
  return Object.fromEntries(known.map((k) => [k, fields.indexOf(k)])) as Record<K, number>;
}

/**
 * The largest self size believed (256 TiB): more than any machine holds, so a larger one (or a
 * negative one) is a damaged or forged file, not a heap.
 */
const MAX_SELF_SIZE = 2 ** 48;

/**
 * Nodes go straight into columns; `edge_count` becomes prefix sums (`firstEdges`). Every value is
 * range-checked as it is copied (one predictable branch per record), since a snapshot is input
 * from outside: a type past `node_types`, a negative or absurd size, a value that does not fit
 * its column is rejected with the node's position rather than wrapped into a plausible number.
 */
export class NodeSink implements NumberSink {
  readonly recordSize: number;
  private node = 0;
  private edgeTotal = 0;
  private readonly typeCount: number;
  private readonly at: Record<'type' | 'name' | 'id' | 'self_size' | 'edge_count' | 'trace_node_id' | 'detachedness', number>;

  constructor(
    meta: SnapshotMeta,
    private readonly nodeCount: number,
    readonly columns: NodeColumns,
  ) {
    this.recordSize = meta.nodeFields.length;
    this.typeCount = meta.nodeTypes.length;
    this.at = offsets(meta.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'] as const);
  }

  consume(batch: Float64Array, count: number): void {
    const size = this.recordSize;
    if (count % size !== 0 || this.node + count / size > this.nodeCount) throw countMismatch('nodes');
    const { types, names, ids, selfSizes, firstEdges } = this.columns;
    const { type, name, id, self_size: selfSize, edge_count: edgeCount, trace_node_id: trace, detachedness } = this.at;
    const typeCount = this.typeCount;
    let node = this.node;
    let edgeTotal = this.edgeTotal;
    for (let k = 0; k < count; k += size, node++) {
      const t = batch[k + type];
      const n = batch[k + name];
      const i = batch[k + id];
      const bytes = batch[k + selfSize];
      const edges = batch[k + edgeCount];
      // `x >>> 0 !== x`: negative or past 32 bits (the parser yields whole numbers only).
      if (
        !(t >= 0 && t < typeCount) ||
        n >>> 0 !== n ||
        i >>> 0 !== i ||
        !(bytes >= 0 && bytes <= MAX_SELF_SIZE) ||
        edges >>> 0 !== edges
      ) {
        throw this.invalid(node, batch, k);
      }
      types[node] = t;
      names[node] = n;
      ids[node] = i;
      if (bytes < 0xffffffff) selfSizes[node] = bytes;
      else {
        selfSizes[node] = 0xffffffff;
        this.columns.largeSelfSizes.set(node, bytes);
      }
      edgeTotal += edges;
      firstEdges[node + 1] = edgeTotal;
      // Both columns are all zeros unless allocation tracking or detachedness was recorded.
      if (trace >= 0 && batch[k + trace] !== 0) {
        const v = batch[k + trace];
        if (v >>> 0 !== v) throw this.invalid(node, batch, k);
        (this.columns.traceNodeIds ??= new Uint32Array(this.nodeCount))[node] = v;
      }
      if (detachedness >= 0 && batch[k + detachedness] !== 0) {
        const v = batch[k + detachedness];
        if (!(v > 0 && v < 256)) throw this.invalid(node, batch, k);
        (this.columns.detachedness ??= new Uint8Array(this.nodeCount))[node] = v;
      }
    }
    this.node = node;
    this.edgeTotal = edgeTotal;
  }

  /** Names the node, its place in the flat array and its first field out of range. */
  private invalid(node: number, batch: Float64Array, k: number): Error {
    const at = this.at;
    const v = (field: keyof typeof at) => batch[k + at[field]];
    const why = !(v('type') >= 0 && v('type') < this.typeCount)
      ? `type ${v('type')}, not one of the ${this.typeCount} in "node_types"`
      : !(v('self_size') >= 0 && v('self_size') <= MAX_SELF_SIZE)
        ? `self_size ${v('self_size')}, which no heap object has`
        : ((['name', 'id', 'edge_count', 'trace_node_id'] as const)
            .filter((f) => at[f] >= 0 && v(f) >>> 0 !== v(f))
            .map((f) => `${f} ${v(f)}, outside 0 to 4294967295`)[0] ?? `detachedness ${v('detachedness')}, outside 0 to 255`);
    return notASnapshot(`node ${node} (nodes[${node * this.recordSize}]) has ${why}`);
  }

  end(): void {
    if (this.node !== this.nodeCount) throw countMismatch('nodes');
  }

  get edgeTotalCount(): number {
    return this.edgeTotal;
  }
}

/**
 * Edges into columns, each checked on the way: a type past `edge_types`, a name or index that
 * does not fit 32 bits, a target that is not the start of a node record inside the node list.
 * String indexes are checked later, once `strings` (the last section) is read.
 */
export class EdgeSink implements NumberSink {
  readonly recordSize: number;
  private edge = 0;
  private readonly at: Record<'type' | 'name_or_index' | 'to_node', number>;

  constructor(
    edgeFields: string[],
    private readonly typeCount: number,
    private readonly edgeCount: number,
    private readonly nodeFieldCount: number,
    private readonly nodeCount: number,
    readonly columns: EdgeColumns,
  ) {
    this.recordSize = edgeFields.length;
    this.at = offsets(edgeFields, ['type', 'name_or_index', 'to_node'] as const);
  }

  consume(batch: Float64Array, count: number): void {
    const size = this.recordSize;
    if (count % size !== 0 || this.edge + count / size > this.edgeCount) throw countMismatch('edges');
    const { types, nameOrIndex, targets } = this.columns;
    const { type, name_or_index: name, to_node: to } = this.at;
    const { nodeFieldCount, nodeCount, typeCount } = this;
    let edge = this.edge;
    let bad = -1;
    for (let k = 0; k < count; k += size, edge++) {
      const t = batch[k + type];
      const n = batch[k + name];
      // V8 writes the target's offset in the flat nodes array; keep the ordinal.
      const target = batch[k + to] / nodeFieldCount;
      // The values are not read back from the columns: in the edges thread they are shared memory, slower to load.
      if (!(t >= 0 && t < typeCount) || n >>> 0 !== n || !(target >= 0 && target < nodeCount) || target !== Math.floor(target)) {
        bad = k;
        break;
      }
      types[edge] = t;
      nameOrIndex[edge] = n;
      targets[edge] = target;
    }
    if (bad >= 0) throw this.invalid(edge, batch, bad);
    this.edge = edge;
  }

  private invalid(edge: number, batch: Float64Array, k: number): Error {
    const t = batch[k + this.at.type];
    const n = batch[k + this.at.name_or_index];
    const to = batch[k + this.at.to_node];
    const where = `edge ${edge} (edges[${edge * this.recordSize}])`;
    if (!(t >= 0 && t < this.typeCount)) return notASnapshot(`${where} has type ${t}, not one of the ${this.typeCount} in "edge_types"`);
    if (n >>> 0 !== n) return notASnapshot(`${where} has name_or_index ${n}, outside 0 to 4294967295`);
    if (to % this.nodeFieldCount !== 0 && to >= 0)
      return notASnapshot(
        `${where} points between two node records (to_node ${to} is not a multiple of the ${this.nodeFieldCount} node fields)`,
      );
    return notASnapshot(`${where} points outside the node list (to_node ${to}, ${this.nodeCount} nodes)`);
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

  constructor(
    meta: SnapshotMeta,
    private readonly nodeFieldCount: number,
  ) {
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
    return {
      nodes: permute(nodes),
      scriptIds: permute(this.scriptIds.toArray()),
      lines: permute(this.lines.toArray()),
      columns: permute(this.columns.toArray()),
    };
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
