import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { NeverCancelled } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, PhaseProgress } from '../common/progress';
import { startWorkerJob, type WorkerJob } from '../common/workerThread';
import { roomForReaderThreads } from './addressSpace';
import { EdgeSink, FlatSink, LocationSink, NodeSink } from './columnSinks';
import { CLOSE_BRACE, COLON, COMMA, OPEN_BRACE, QUOTE, isSpace, type ValueReader } from './jsonBytes';
import { NumberArrayReader } from './numberArrayReader';
import { RawValueReader, SkipArrayReader } from './rawValueReader';
import { countMismatch, notASnapshot } from './snapshotErrors';
import { StringArrayReader } from './stringArrayReader';
import { TraceTreeReader } from './traceTreeReader';
import { HeapSnapshot, type AllocationTrace, type EdgeColumns, type LocationColumns, type NodeColumns } from './heapSnapshot';
import type { EdgesJob, EdgesResult } from './edgesWorker';
import type { ParseOptions, SnapshotHeader } from './types';

/**
 * Streaming .heapsnapshot reader. The file is never held as one string: numeric sections are
 * parsed byte by byte straight into typed columns, and `strings` is decoded one string at a time,
 * so files (and string sections) beyond V8's 512 MiB string limit parse in bounded memory.
 */

const CHUNK_SIZE = 8 << 20;
/** From this size on the edges section is parsed on a second thread; below it a worker's start-up costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 << 20;

interface EdgesWorkerRun {
  worker: WorkerJob<EdgesResult>;
  columns: EdgeColumns;
  done: Promise<EdgesResult>;
}

/** Starts parsing `edges` on a worker thread into shared columns the snapshot will own. */
function startEdgesWorker(path: string, header: SnapshotHeader, headerEnd: number, chunkSize: number): EdgesWorkerRun {
  const e = header.edgeCount;
  const shared = { types: new SharedArrayBuffer(e), nameOrIndex: new SharedArrayBuffer(e * 4), targets: new SharedArrayBuffer(e * 4) };
  const job: EdgesJob = {
    path,
    from: headerEnd,
    edgeCount: e,
    nodeFieldCount: header.meta.nodeFields.length,
    edgeFields: header.meta.edgeFields,
    edgeTypeCount: header.meta.edgeTypes.length,
    nodeCount: header.nodeCount,
    chunkSize,
    columns: shared,
  };
  const worker = startWorkerJob<EdgesJob, EdgesResult>(join(__dirname, 'edgesWorker.js'), job, 'The edge parser thread');
  // A thread that fails or ends without answering is a failed parse, as one the worker reports is.
  const done = worker.result.catch((e: LeakscopeError): EdgesResult => ({ ok: false, arrayStart: -1, code: e.code, message: e.message }));
  const columns: EdgeColumns = {
    types: new Uint8Array(shared.types),
    nameOrIndex: new Uint32Array(shared.nameOrIndex),
    targets: new Uint32Array(shared.targets),
  };
  return { worker, columns, done };
}

function readMeta(raw: unknown): SnapshotHeader {
  const snapshot = raw as Record<string, unknown> | null;
  const meta = snapshot?.meta as Record<string, unknown> | undefined;
  const strings = (v: unknown) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);
  const nodeFields = strings(meta?.node_fields);
  const edgeFields = strings(meta?.edge_fields);
  // `node_types[i]` describes `node_fields[i]`: the type names are the entry at the "type" field.
  const typeNames = (types: unknown, fields: string[] | undefined) =>
    Array.isArray(types) && fields ? strings(types[fields.indexOf('type')]) : undefined;
  const nodeTypes = typeNames(meta?.node_types, nodeFields);
  const edgeTypes = typeNames(meta?.edge_types, edgeFields);
  if (!snapshot || !meta || !nodeFields || !edgeFields || !nodeTypes || !edgeTypes) {
    throw notASnapshot('its "snapshot.meta" header is missing or incomplete');
  }
  // Types are kept in one byte per node and edge.
  if (nodeTypes.length > 256 || edgeTypes.length > 256) throw notASnapshot('its header lists more than 256 node or edge types');
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
    throw new LeakscopeError(
      ErrorCode.UnsupportedSnapshot,
      'This snapshot has more than 4 billion nodes or edges, which Leakscope does not support.',
    );
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
  /** File offset of the chunk being fed. */
  private chunkBase = 0;
  /** When set (from `onHeader`), the `edges` section is parsed elsewhere into these columns and only skipped here. */
  offloadedEdges: EdgeColumns | undefined;
  skippedEdges: SkipArrayReader | undefined;

  constructor(private readonly onHeader: (header: SnapshotHeader, headerEnd: number) => void = () => undefined) {}

  get edgeColumns(): EdgeColumns | undefined {
    return this.offloadedEdges ?? this.edgeSink?.columns;
  }

  feed(buf: Buffer, base = 0): void {
    this.chunkBase = base;
    let i = 0;
    const end = buf.length;
    while (i < end) {
      switch (this.state) {
        case 'start': {
          const c = buf[i];
          if (isSpace(c)) {
            i++;
            break;
          }
          if (c !== OPEN_BRACE) throw notASnapshot('it does not start with a JSON object');
          this.state = 'key';
          i++;
          break;
        }
        case 'key': {
          const c = buf[i];
          if (isSpace(c) || c === COMMA) {
            i++;
            break;
          }
          if (c === CLOSE_BRACE && this.keyBytes.length === 0) {
            this.state = 'end';
            i++;
            break;
          }
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
          if (isSpace(c)) {
            i++;
            break;
          }
          if (c !== COLON) throw notASnapshot('its top level is not a JSON object');
          this.reader = this.readerFor(this.key);
          this.state = 'value';
          i++;
          break;
        }
        case 'value': {
          const next = this.reader!.feed(buf, i, end);
          if (next < 0) {
            i = end;
            break;
          }
          this.finishValue(base + next);
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
        if (this.offloadedEdges) return (this.skippedEdges = new SkipArrayReader(() => this.chunkBase));
        const e = h.edgeCount;
        const columns: EdgeColumns = { types: new Uint8Array(e), nameOrIndex: new Uint32Array(e), targets: new Uint32Array(e) };
        this.edgeSink = new EdgeSink(h.meta.edgeFields, h.meta.edgeTypes.length, e, h.meta.nodeFields.length, h.nodeCount, columns);
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
        this.traceReader = new TraceTreeReader(
          fields.length,
          Math.max(0, fields.indexOf('id')),
          Math.max(0, fields.indexOf('function_info_index')),
        );
        return this.traceReader;
      }
      case 'strings':
        return (this.stringReader = new StringArrayReader());
      default:
        return new RawValueReader(false);
    }
  }

  private finishValue(valueEnd: number): void {
    if (this.key === 'snapshot' && this.headerReader) {
      let raw: unknown;
      try {
        raw = JSON.parse(this.headerReader.text());
      } catch {
        throw notASnapshot('its "snapshot" header is not valid JSON');
      }
      this.header = readMeta(raw);
      this.headerReader = undefined;
      this.onHeader(this.header, valueEnd);
    }
  }
}

/** Reads a .heapsnapshot file into a HeapSnapshot, streaming it chunk by chunk. */
export async function parseSnapshot(path: string, options: ParseOptions = {}): Promise<HeapSnapshot> {
  const token = options.token ?? NeverCancelled;
  const progress = options.progress ?? NoProgress;
  let handle: fs.FileHandle;
  try {
    // Opening a FIFO or a device blocks a thread until a writer comes, beyond the reach of cancellation.
    const kind = await fs.stat(path);
    if (!kind.isFile() && !kind.isDirectory())
      throw new LeakscopeError(
        ErrorCode.FileUnreadable,
        `${path} is not a regular file (a pipe, socket or device); give a .heapsnapshot file.`,
      );
    handle = await fs.open(path, 'r');
  } catch (e) {
    if (e instanceof LeakscopeError) throw e;
    throw openError(path, e);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LeakscopeError(ErrorCode.FileUnreadable, `${path} is a folder, not a heap snapshot file.`);
    const size = stat.size;
    if (size === 0) throw new LeakscopeError(ErrorCode.NotASnapshot, `${path} is empty, not a heap snapshot.`);
    const chunkSize = Math.max(1, options.chunkSize ?? CHUNK_SIZE);
    let edgesJob: EdgesWorkerRun | undefined;
    const parallel = options.parallel ?? (size >= PARALLEL_MIN_BYTES && roomForReaderThreads());
    const parser = new SnapshotStreamParser((header, headerEnd) => {
      if (!parallel || header.edgeCount === 0) return;
      edgesJob = startEdgesWorker(path, header, headerEnd, chunkSize);
      parser.offloadedEdges = edgesJob.columns;
    });
    const phase = new PhaseProgress(progress, size, 100, 'Reading snapshot');
    try {
      // Two buffers: the next chunk is read from disk while this one is parsed.
      const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
      let offset = 0;
      let which = 0;
      let pending = handle.read(buffers[0], 0, chunkSize, 0);
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const chunk = buffers[which].subarray(0, bytesRead);
        const base = offset;
        offset += bytesRead;
        which ^= 1;
        pending = handle.read(buffers[which], 0, chunkSize, offset);
        try {
          parser.feed(chunk, base);
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
      if (edgesJob) {
        const result = await edgesJob.done;
        // The worker found the section by searching; if that was not the one this parser walked
        // past (a file with its sections in another order), read the file again on one thread.
        if (parser.skippedEdges && result.arrayStart !== parser.skippedEdges.start) {
          await edgesJob.worker.terminate();
          return await parseSnapshot(path, { ...options, parallel: false });
        }
        if (!result.ok) throw withFile(path, new LeakscopeError(result.code as ErrorCode, result.message));
      }
    } finally {
      await edgesJob?.worker.terminate();
    }
    const header = parser.header;
    if (!header) throw withFile(path, notASnapshot('it has no "snapshot" header'));
    if (!parser.nodeSink || !parser.edgeColumns || !parser.stringReader || (parser.offloadedEdges && !parser.skippedEdges)) {
      throw withFile(path, notASnapshot('it lacks one of the "nodes", "edges" or "strings" sections'));
    }
    if (parser.nodeSink.edgeTotalCount !== header.edgeCount) throw withFile(path, countMismatch('edges'));
    const nodes = parser.nodeSink.columns;
    const edges = parser.edgeColumns;
    validateReferences(path, header, nodes, edges, parser.stringReader.table.length);
    const locations = parser.locationSink?.result() ?? emptyLocations();
    const trace = allocationTrace(parser, header);
    parser.stringReader.table.trim();
    phase.finish();
    return new HeapSnapshot(header, nodes, edges, parser.stringReader.table, locations, trace);
  } finally {
    await handle.close();
  }
}

/**
 * The string indexes, checked once `strings` is read (it comes last): each node's name, and the
 * name of each edge that has one (element and hidden edges hold an index instead). Edge targets
 * and every other range are checked as the columns are filled (columnSinks.ts).
 */
function validateReferences(path: string, header: SnapshotHeader, nodes: NodeColumns, edges: EdgeColumns, stringCount: number): void {
  const names = nodes.names;
  for (let i = 0; i < names.length; i++) {
    if (names[i] >= stringCount)
      throw withFile(
        path,
        notASnapshot(
          `node ${i} (nodes[${i * header.meta.nodeFields.length}]) names string ${names[i]}, beyond the ${stringCount} in "strings"`,
        ),
      );
  }
  const element = header.meta.edgeTypes.indexOf('element');
  const hidden = header.meta.edgeTypes.indexOf('hidden');
  const { types, nameOrIndex } = edges;
  for (let i = 0; i < nameOrIndex.length; i++) {
    if (nameOrIndex[i] >= stringCount && types[i] !== element && types[i] !== hidden) {
      throw withFile(
        path,
        notASnapshot(
          `edge ${i} (edges[${i * header.meta.edgeFields.length}]) is named by string ${nameOrIndex[i]}, beyond the ${stringCount} in "strings"`,
        ),
      );
    }
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
  if (code === 'EACCES' || code === 'EPERM')
    return new LeakscopeError(ErrorCode.FileUnreadable, `${path} cannot be read: permission denied.`);
  if (code === 'EISDIR') return new LeakscopeError(ErrorCode.FileUnreadable, `${path} is a folder, not a heap snapshot file.`);
  return new LeakscopeError(ErrorCode.FileUnreadable, `${path} cannot be opened (${code ?? String(e)}).`, true, { cause: e });
}

function withFile(path: string, e: unknown): unknown {
  if (e instanceof LeakscopeError && e.code === ErrorCode.NotASnapshot && !e.message.startsWith(path)) {
    return new LeakscopeError(e.code, `${path} is not a V8 heap snapshot: ${e.message.replace(/^This is not a V8 heap snapshot: /, '')}`);
  }
  return e;
}
