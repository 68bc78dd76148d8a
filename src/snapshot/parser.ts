import { promises as fs } from 'node:fs';
import { NeverCancelled } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, PhaseProgress } from '../common/progress';
import { GrowableUint32Array } from './growable';
import { HeapSnapshot, type AllocationTrace, type EdgeColumns, type LocationColumns, type NodeColumns } from './heapSnapshot';
import type { ParseOptions, SnapshotHeader, SnapshotMeta } from './types';

/**
 * Streaming .heapsnapshot reader. The file is never held as one string: numeric sections are
 * parsed byte by byte straight into typed columns, and `strings` is decoded one string at a time,
 * so files (and string sections) beyond V8's 512 MiB string limit parse in bounded memory.
 */

const CHUNK_SIZE = 8 << 20;
const BATCH_SIZE = 1 << 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Consumes bytes of one top-level value; returns the index after the value, or -1 to ask for more. */
interface ValueReader {
  feed(buf: Buffer, pos: number, end: number): number;
}

/** Receives the numbers of a flat numeric array in batches. */
interface NumberSink {
  consume(batch: Float64Array, count: number): void;
  end(): void;
}

class NumberArrayReader implements ValueReader {
  private started = false;
  private value = 0;
  private digits = false;
  private negative = false;
  private count = 0;
  private readonly batch = new Float64Array(BATCH_SIZE);

  constructor(private readonly section: string, private readonly sink: NumberSink) {}

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      if (buf[i] !== OPEN_BRACKET) throw notASnapshot(`"${this.section}" is not an array`);
      this.started = true;
      i++;
    }
    // Locals, not fields, in the hot loop: V8 keeps them in registers.
    let value = this.value;
    let digits = this.digits;
    let negative = this.negative;
    let count = this.count;
    const batch = this.batch;
    for (; i < end; i++) {
      const c = buf[i];
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        value = value * 10 + d;
        digits = true;
        continue;
      }
      if (digits) {
        batch[count++] = negative ? -value : value;
        value = 0;
        digits = false;
        negative = false;
        if (count === BATCH_SIZE) {
          this.sink.consume(batch, count);
          count = 0;
        }
      }
      if (c === CLOSE_BRACKET) {
        if (count > 0) this.sink.consume(batch, count);
        this.count = 0;
        this.sink.end();
        return i + 1;
      }
      if (c === MINUS) negative = true;
      else if (c !== COMMA && !isSpace(c)) {
        throw new LeakscopeError(
          ErrorCode.UnsupportedSnapshot,
          `The "${this.section}" section holds a value that is not a whole number ('${String.fromCharCode(c)}'); this is not a V8 heap snapshot Leakscope can read.`,
        );
      }
    }
    this.value = value;
    this.digits = digits;
    this.negative = negative;
    this.count = count;
    return -1;
  }
}

/** Skips (and optionally collects) any JSON value, tracking nesting and strings. */
class RawValueReader implements ValueReader {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private scalar = false;
  private readonly parts: Buffer[] = [];
  private collected = 0;

  constructor(private readonly collect: boolean, private readonly limit = 64 << 20) {}

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      this.started = true;
      const c = buf[i];
      this.scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
    }
    const from = i;
    for (; i < end; i++) {
      const c = buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return this.done(buf, from, i + 1);
        }
        continue;
      }
      if (this.scalar) {
        if (c === COMMA || c === CLOSE_BRACE || isSpace(c)) return this.done(buf, from, i);
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) return this.done(buf, from, i + 1);
      }
    }
    this.keep(buf, from, end);
    return -1;
  }

  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (!this.collect || to <= from) return;
    this.collected += to - from;
    if (this.collected > this.limit) throw notASnapshot('its header is implausibly large');
    this.parts.push(Buffer.from(buf.subarray(from, to)));
  }

  private done(buf: Buffer, from: number, to: number): number {
    this.keep(buf, from, to);
    return to;
  }
}

/** Decodes the `strings` array one string at a time. */
class StringArrayReader implements ValueReader {
  private started = false;
  private inString = false;
  /** Bytes of a string that began in an earlier chunk. */
  private carry: Buffer[] = [];
  /** How many backslashes the carried bytes end with: they escape a quote at the chunk start when odd. */
  private carryBackslashes = 0;
  readonly strings: string[] = [];

  feed(buf: Buffer, pos: number, end: number): number {
    let i = pos;
    if (!this.started) {
      while (i < end && isSpace(buf[i])) i++;
      if (i === end) return -1;
      if (buf[i] !== OPEN_BRACKET) throw notASnapshot('"strings" is not an array');
      this.started = true;
      i++;
    }
    while (i < end) {
      if (!this.inString) {
        const c = buf[i];
        if (c === QUOTE) this.inString = true;
        else if (c === CLOSE_BRACKET) return i + 1;
        else if (c !== COMMA && !isSpace(c)) throw notASnapshot('"strings" holds something that is not a string');
        i++;
        continue;
      }
      const close = this.findClosingQuote(buf, i, end);
      if (close < 0) {
        let run = 0;
        for (let j = end - 1; j >= i && buf[j] === BACKSLASH; j--) run++;
        this.carryBackslashes = run === end - i ? this.carryBackslashes + run : run;
        this.carry.push(Buffer.from(buf.subarray(i, end)));
        return -1;
      }
      this.strings.push(this.decode(buf, i, close));
      this.inString = false;
      i = close + 1;
    }
    return -1;
  }

  private findClosingQuote(buf: Buffer, from: number, end: number): number {
    let i = from;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0 || q >= end) return -1;
      let run = 0;
      let j = q - 1;
      while (j >= from && buf[j] === BACKSLASH) {
        run++;
        j--;
      }
      if (j < from) run += this.carryBackslashes;
      if ((run & 1) === 0) return q;
      i = q + 1;
    }
  }

  private decode(buf: Buffer, start: number, close: number): string {
    let bytes = buf.subarray(start, close);
    if (this.carry.length > 0) {
      bytes = Buffer.concat([...this.carry, bytes]);
      this.carry = [];
      this.carryBackslashes = 0;
    }
    if (bytes.indexOf(BACKSLASH) < 0) return bytes.toString('utf8');
    try {
      return JSON.parse('"' + bytes.toString('utf8') + '"') as string;
    } catch {
      throw notASnapshot('a string in "strings" is not valid JSON');
    }
  }
}

/** Nodes go straight into columns; `edge_count` becomes prefix sums (`firstEdges`). */
class NodeSink implements NumberSink {
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

class EdgeSink implements NumberSink {
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

class LocationSink implements NumberSink {
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

class FlatSink implements NumberSink {
  readonly values = new GrowableUint32Array();
  consume(batch: Float64Array, count: number): void {
    for (let k = 0; k < count; k++) this.values.push(batch[k]);
  }
  end(): void {}
}

/**
 * `trace_tree` is nested: each trace node is `id, function_info_index, count, size, [children]`.
 * Streams it into parallel columns with a stack of parent positions.
 */
class TraceTreeReader implements ValueReader {
  private depth = 0;
  private value = 0;
  private digits = false;
  private readonly record = [0, 0, 0, 0];
  private filled = 0;
  private readonly parentStack: number[] = [];
  readonly ids = new GrowableUint32Array();
  readonly functionInfos = new GrowableUint32Array();
  readonly parents = new GrowableUint32Array();

  constructor(private readonly fieldCount: number, private readonly idField: number, private readonly functionField: number) {}

  feed(buf: Buffer, pos: number, end: number): number {
    for (let i = pos; i < end; i++) {
      const c = buf[i];
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        this.value = this.value * 10 + d;
        this.digits = true;
        continue;
      }
      if (this.digits) this.number();
      if (c === OPEN_BRACKET) {
        // A children array opens after a complete record: its records hang under the last one.
        if (this.depth > 0) this.parentStack.push(this.ids.length - 1);
        this.depth++;
      } else if (c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) return i + 1;
        this.parentStack.pop();
        this.filled = 0;
      }
    }
    return -1;
  }

  private number(): void {
    if (this.filled < this.record.length) this.record[this.filled] = this.value;
    this.filled++;
    this.value = 0;
    this.digits = false;
    if (this.filled === this.fieldCount - 1) {
      const parent = this.parentStack.length > 0 ? this.parentStack[this.parentStack.length - 1] : 0xffffffff;
      this.ids.push(this.record[this.idField]);
      this.functionInfos.push(this.record[this.functionField]);
      this.parents.push(parent);
      this.filled = 0;
    }
  }
}

function notASnapshot(why: string): LeakscopeError {
  return new LeakscopeError(ErrorCode.NotASnapshot, `This is not a V8 heap snapshot: ${why}.`);
}

function countMismatch(section: string): LeakscopeError {
  return new LeakscopeError(
    ErrorCode.TruncatedSnapshot,
    `The snapshot's "${section}" section does not hold the number of entries its header announces; the file is damaged.`,
  );
}

function readMeta(raw: unknown): SnapshotHeader {
  const snapshot = raw as Record<string, unknown> | null;
  const meta = snapshot?.meta as Record<string, unknown> | undefined;
  const strings = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);
  const nodeFields = strings(meta?.node_fields);
  const edgeFields = strings(meta?.edge_fields);
  const nodeTypes = Array.isArray(meta?.node_types) ? strings(meta.node_types[0]) : undefined;
  const edgeTypes = Array.isArray(meta?.edge_types) ? strings(meta.edge_types[0]) : undefined;
  if (!snapshot || !meta || !nodeFields || !edgeFields || !nodeTypes || !edgeTypes) {
    throw notASnapshot('its "snapshot.meta" header is missing or incomplete');
  }
  for (const required of ['type', 'name', 'id', 'self_size', 'edge_count']) {
    if (!nodeFields.includes(required)) throw notASnapshot(`its nodes have no "${required}" field`);
  }
  for (const required of ['type', 'name_or_index', 'to_node']) {
    if (!edgeFields.includes(required)) throw notASnapshot(`its edges have no "${required}" field`);
  }
  const nodeCount = Number(snapshot.node_count);
  const edgeCount = Number(snapshot.edge_count);
  if (!Number.isSafeInteger(nodeCount) || nodeCount < 1 || !Number.isSafeInteger(edgeCount) || edgeCount < 0) {
    throw notASnapshot('its header has no valid node and edge counts');
  }
  if (edgeCount >= 0xffffffff || nodeCount >= 0xffffffff) {
    throw new LeakscopeError(ErrorCode.UnsupportedSnapshot, 'This snapshot has more than 4 billion nodes or edges, which Leakscope does not support.');
  }
  return {
    meta: {
      nodeFields,
      nodeTypes,
      edgeFields,
      edgeTypes,
      locationFields: strings(meta.location_fields) ?? ['object_index', 'script_id', 'line', 'column'],
      traceFunctionInfoFields: strings(meta.trace_function_info_fields) ?? [],
      traceNodeFields: strings(meta.trace_node_fields) ?? [],
    },
    nodeCount,
    edgeCount,
    traceFunctionCount: Number(snapshot.trace_function_count) || 0,
    extraNativeBytes: Number(snapshot.extra_native_bytes) || 0,
  };
}

/** Reads the top-level object key by key and hands each value to the reader for its section. */
class SnapshotStreamParser {
  private state: 'start' | 'key' | 'colon' | 'value' | 'end' = 'start';
  private keyBytes: Buffer[] = [];
  private key = '';
  private reader: ValueReader | undefined;
  private headerReader: RawValueReader | undefined;

  header: SnapshotHeader | undefined;
  nodeSink: NodeSink | undefined;
  edgeSink: EdgeSink | undefined;
  locationSink: LocationSink | undefined;
  functionInfoSink: FlatSink | undefined;
  traceReader: TraceTreeReader | undefined;
  stringReader: StringArrayReader | undefined;
  private readonly seen = new Set<string>();

  feed(buf: Buffer): void {
    let i = 0;
    const end = buf.length;
    while (i < end) {
      switch (this.state) {
        case 'start': {
          const c = buf[i];
          if (isSpace(c)) { i++; break; }
          if (c !== OPEN_BRACE) throw notASnapshot('it does not start with a JSON object');
          this.state = 'key';
          i++;
          break;
        }
        case 'key': {
          const c = buf[i];
          if (isSpace(c) || c === COMMA) { i++; break; }
          if (c === CLOSE_BRACE && this.keyBytes.length === 0) { this.state = 'end'; i++; break; }
          if (this.keyBytes.length === 0 && c !== QUOTE) throw notASnapshot('its top level is not a JSON object');
          const from = this.keyBytes.length === 0 ? i + 1 : i;
          if (this.keyBytes.length === 0) this.keyBytes.push(Buffer.alloc(0));
          const close = buf.indexOf(QUOTE, from);
          if (close < 0) {
            this.keyBytes.push(Buffer.from(buf.subarray(from, end)));
            i = end;
            break;
          }
          this.keyBytes.push(buf.subarray(from, close));
          this.key = Buffer.concat(this.keyBytes).toString('utf8');
          this.keyBytes = [];
          this.state = 'colon';
          i = close + 1;
          break;
        }
        case 'colon': {
          const c = buf[i];
          if (isSpace(c)) { i++; break; }
          if (c !== COLON) throw notASnapshot('its top level is not a JSON object');
          this.reader = this.readerFor(this.key);
          this.state = 'value';
          i++;
          break;
        }
        case 'value': {
          const next = this.reader!.feed(buf, i, end);
          if (next < 0) { i = end; break; }
          this.finishValue();
          this.state = 'key';
          i = next;
          break;
        }
        case 'end': {
          if (!isSpace(buf[i])) throw notASnapshot('there is data after its closing brace');
          i++;
          break;
        }
      }
    }
  }

  get complete(): boolean {
    return this.state === 'end';
  }

  get inSection(): string | undefined {
    return this.state === 'value' ? this.key : undefined;
  }

  private readerFor(key: string): ValueReader {
    if (this.seen.has(key)) throw notASnapshot(`its "${key}" section appears twice`);
    this.seen.add(key);
    if (key === 'snapshot') return (this.headerReader = new RawValueReader(true));
    const header = this.header;
    const needHeader = () => {
      if (!header) throw notASnapshot(`its "${key}" section comes before the "snapshot" header`);
      return header;
    };
    switch (key) {
      case 'nodes': {
        const h = needHeader();
        const n = h.nodeCount;
        const columns: NodeColumns = {
          types: new Uint8Array(n),
          names: new Uint32Array(n),
          ids: new Uint32Array(n),
          selfSizes: new Uint32Array(n),
          largeSelfSizes: new Map(),
          firstEdges: new Uint32Array(n + 1),
        };
        this.nodeSink = new NodeSink(h.meta, n, columns);
        return new NumberArrayReader(key, this.nodeSink);
      }
      case 'edges': {
        const h = needHeader();
        const e = h.edgeCount;
        const columns: EdgeColumns = { types: new Uint8Array(e), nameOrIndex: new Uint32Array(e), targets: new Uint32Array(e) };
        this.edgeSink = new EdgeSink(h.meta, e, h.meta.nodeFields.length, columns);
        return new NumberArrayReader(key, this.edgeSink);
      }
      case 'locations': {
        const h = needHeader();
        this.locationSink = new LocationSink(h.meta, h.meta.nodeFields.length);
        return new NumberArrayReader(key, this.locationSink);
      }
      case 'trace_function_infos':
        this.functionInfoSink = new FlatSink();
        return new NumberArrayReader(key, this.functionInfoSink);
      case 'trace_tree': {
        const fields = needHeader().meta.traceNodeFields;
        if (fields.length === 0) return new RawValueReader(false);
        this.traceReader = new TraceTreeReader(fields.length, Math.max(0, fields.indexOf('id')), Math.max(0, fields.indexOf('function_info_index')));
        return this.traceReader;
      }
      case 'strings':
        return (this.stringReader = new StringArrayReader());
      default:
        return new RawValueReader(false);
    }
  }

  private finishValue(): void {
    if (this.key === 'snapshot' && this.headerReader) {
      let raw: unknown;
      try {
        raw = JSON.parse(this.headerReader.text());
      } catch {
        throw notASnapshot('its "snapshot" header is not valid JSON');
      }
      this.header = readMeta(raw);
      this.headerReader = undefined;
    }
  }
}

/** Reads a .heapsnapshot file into a HeapSnapshot, streaming it chunk by chunk. */
export async function parseSnapshot(path: string, options: ParseOptions = {}): Promise<HeapSnapshot> {
  const token = options.token ?? NeverCancelled;
  const progress = options.progress ?? NoProgress;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LeakscopeError(ErrorCode.FileUnreadable, `${path} is a folder, not a heap snapshot file.`);
    const size = stat.size;
    if (size === 0) throw new LeakscopeError(ErrorCode.NotASnapshot, `${path} is empty, not a heap snapshot.`);
    const parser = new SnapshotStreamParser();
    const phase = new PhaseProgress(progress, size, 100, 'Reading snapshot');
    // Two buffers: the next chunk is read from disk while this one is parsed.
    const chunkSize = Math.max(1, options.chunkSize ?? CHUNK_SIZE);
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let offset = 0;
    let which = 0;
    let pending = handle.read(buffers[0], 0, chunkSize, 0);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const chunk = buffers[which].subarray(0, bytesRead);
      offset += bytesRead;
      which ^= 1;
      pending = handle.read(buffers[which], 0, chunkSize, offset);
      try {
        parser.feed(chunk);
      } catch (e) {
        await pending.catch(() => undefined);
        throw withFile(path, e);
      }
      phase.update(offset);
      if (token.isCancellationRequested) {
        await pending.catch(() => undefined);
        throw new CancelledError('Reading the snapshot was cancelled.');
      }
    }
    if (!parser.complete) {
      if (!parser.header && !parser.inSection) throw withFile(path, notASnapshot('it ends before its header'));
      throw new LeakscopeError(
        ErrorCode.TruncatedSnapshot,
        `${path} is truncated: it ends inside ${parser.inSection ? `the "${parser.inSection}" section` : 'the snapshot'} (${size} bytes read); the capture did not finish.`,
      );
    }
    const header = parser.header;
    if (!header) throw withFile(path, notASnapshot('it has no "snapshot" header'));
    if (!parser.nodeSink || !parser.edgeSink || !parser.stringReader) {
      throw withFile(path, notASnapshot('it lacks one of the "nodes", "edges" or "strings" sections'));
    }
    if (parser.nodeSink.edgeTotalCount !== header.edgeCount) throw withFile(path, countMismatch('edges'));
    const nodes = parser.nodeSink.columns;
    const edges = parser.edgeSink.columns;
    validateReferences(path, nodes, edges, parser.stringReader.strings.length, header.nodeCount);
    const locations = parser.locationSink?.result() ?? emptyLocations();
    const trace = allocationTrace(parser, header);
    phase.finish();
    return new HeapSnapshot(header, nodes, edges, parser.stringReader.strings, locations, trace);
  } finally {
    await handle.close();
  }
}

function validateReferences(path: string, nodes: NodeColumns, edges: EdgeColumns, stringCount: number, nodeCount: number): void {
  const names = nodes.names;
  for (let i = 0; i < names.length; i++) {
    if (names[i] >= stringCount) throw withFile(path, notASnapshot(`node ${i} names string ${names[i]}, beyond the ${stringCount} in "strings"`));
  }
  const targets = edges.targets;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t >= nodeCount || t !== Math.floor(t)) throw withFile(path, notASnapshot(`edge ${i} points outside the node list`));
  }
}

function allocationTrace(parser: SnapshotStreamParser, header: SnapshotHeader): AllocationTrace | undefined {
  const tree = parser.traceReader;
  if (!tree || tree.ids.length === 0 || !parser.nodeSink?.columns.traceNodeIds) return undefined;
  return {
    ids: tree.ids.toArray(),
    functionInfos: tree.functionInfos.toArray(),
    parents: tree.parents.toArray(),
    functionInfoData: parser.functionInfoSink?.values.toArray() ?? new Uint32Array(0),
    functionInfoFields: header.meta.traceFunctionInfoFields,
  };
}

function emptyLocations(): LocationColumns {
  return { nodes: new Uint32Array(0), scriptIds: new Uint32Array(0), lines: new Uint32Array(0), columns: new Uint32Array(0) };
}

function openError(path: string, e: unknown): LeakscopeError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new LeakscopeError(ErrorCode.FileNotFound, `${path} does not exist.`);
  if (code === 'EACCES' || code === 'EPERM') return new LeakscopeError(ErrorCode.FileUnreadable, `${path} cannot be read: permission denied.`);
  if (code === 'EISDIR') return new LeakscopeError(ErrorCode.FileUnreadable, `${path} is a folder, not a heap snapshot file.`);
  return new LeakscopeError(ErrorCode.FileUnreadable, `${path} cannot be opened (${code ?? String(e)}).`, true, { cause: e });
}

function withFile(path: string, e: unknown): unknown {
  if (e instanceof LeakscopeError && e.code === ErrorCode.NotASnapshot && !e.message.startsWith(path)) {
    return new LeakscopeError(e.code, `${path} is not a V8 heap snapshot: ${e.message.replace(/^This is not a V8 heap snapshot: /, '')}`);
  }
  return e;
}
