import { GrowableUint32Array } from './growable';
import { type NumberSink } from './jsonBytes';
import { countMismatch } from './snapshotErrors';
import type { EdgeColumns, LocationColumns, NodeColumns } from './heapSnapshot';
import type { SnapshotMeta } from './types';

/** Nodes go straight into columns; `edge_count` becomes prefix sums (`firstEdges`). */
export class NodeSink implements NumberSink {
  private field = 0;
  private node = 0;
  private edgeTotal = 0;
  private readonly fieldCount: number;
  /** Column each field goes to: 0 type, 1 name, 2 id, 3 self size, 4 edge count, 5 trace node, 6 detachedness, 7 none. */
  private readonly columnOf: Uint8Array;

  constructor(meta: SnapshotMeta, private readonly nodeCount: number, readonly columns: NodeColumns) {
    this.fieldCount = meta.nodeFields.length;
    const known = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
    this.columnOf = new Uint8Array(meta.nodeFields.map((f) => (known.includes(f) ? known.indexOf(f) : 7)));
  }

  consume(batch: Float64Array, count: number): void {
    const c = this.columns;
    const columnOf = this.columnOf;
    const fieldCount = this.fieldCount;
    let field = this.field;
    let node = this.node;
    let edgeTotal = this.edgeTotal;
    for (let k = 0; k < count; k++) {
      const v = batch[k];
      if (node >= this.nodeCount) throw countMismatch('nodes');
      switch (columnOf[field]) {
        case 0: c.types[node] = v; break;
        case 1: c.names[node] = v; break;
        case 2: c.ids[node] = v; break;
        case 3:
          if (v >= 0xffffffff) {
            c.selfSizes[node] = 0xffffffff;
            c.largeSelfSizes.set(node, v);
          } else c.selfSizes[node] = v;
          break;
        case 4:
          edgeTotal += v;
          c.firstEdges[node + 1] = edgeTotal;
          break;
        case 5:
          if (v !== 0) {
            c.traceNodeIds ??= new Uint32Array(this.nodeCount);
            c.traceNodeIds[node] = v;
          }
          break;
        case 6:
          if (v !== 0) {
            c.detachedness ??= new Uint8Array(this.nodeCount);
            c.detachedness[node] = v;
          }
          break;
      }
      if (++field === fieldCount) {
        field = 0;
        node++;
      }
    }
    this.field = field;
    this.node = node;
    this.edgeTotal = edgeTotal;
  }

  end(): void {
    if (this.node !== this.nodeCount || this.field !== 0) throw countMismatch('nodes');
  }

  get edgeTotalCount(): number {
    return this.edgeTotal;
  }
}

export class EdgeSink implements NumberSink {
  private field = 0;
  private edge = 0;
  private readonly fieldCount: number;
  private readonly columnOf: Uint8Array;

  constructor(meta: SnapshotMeta, private readonly edgeCount: number, private readonly nodeFieldCount: number, readonly columns: EdgeColumns) {
    this.fieldCount = meta.edgeFields.length;
    const known = ['type', 'name_or_index', 'to_node'];
    this.columnOf = new Uint8Array(meta.edgeFields.map((f) => (known.includes(f) ? known.indexOf(f) : 3)));
  }

  consume(batch: Float64Array, count: number): void {
    const c = this.columns;
    const columnOf = this.columnOf;
    const fieldCount = this.fieldCount;
    const nodeFieldCount = this.nodeFieldCount;
    let field = this.field;
    let edge = this.edge;
    for (let k = 0; k < count; k++) {
      const v = batch[k];
      if (edge >= this.edgeCount) throw countMismatch('edges');
      switch (columnOf[field]) {
        case 0: c.types[edge] = v; break;
        case 1: c.nameOrIndex[edge] = v; break;
        case 2: c.targets[edge] = v / nodeFieldCount; break;
      }
      if (++field === fieldCount) {
        field = 0;
        edge++;
      }
    }
    this.field = field;
    this.edge = edge;
  }

  end(): void {
    if (this.edge !== this.edgeCount || this.field !== 0) throw countMismatch('edges');
  }
}

export class LocationSink implements NumberSink {
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

  result(): LocationColumns {
    return { nodes: this.nodes.toArray(), scriptIds: this.scriptIds.toArray(), lines: this.lines.toArray(), columns: this.columns.toArray() };
  }
}

export class FlatSink implements NumberSink {
  readonly values = new GrowableUint32Array();
  consume(batch: Float64Array, count: number): void {
    for (let k = 0; k < count; k++) this.values.push(batch[k]);
  }
  end(): void {}
}
