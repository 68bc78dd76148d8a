/**
 * Writes a V8-format heap snapshot of a service-shaped heap of any size (4 GB and more) straight
 * to disk, without asking V8 to build one: V8 needs several times the heap in memory to write a
 * snapshot, and no machine here could hold a heap whose snapshot is 4 GB. The file is written in
 * three passes over a graph defined by formulas (nodes, then edges, then strings), so nothing but
 * the output buffer is held in memory, and every pass agrees on counts, names and sizes.
 *
 * The heap: the root holds `(GC roots)` → `(Global handles)` → the global object (and the global
 * by shortcut, as V8 does). `global.sessions` is a Map whose table holds every session. Each
 * session is a `Session` with a `User` (which points back at it: a cycle), a `history` Array of
 * `RequestEvent`s (each with a shared route string and its own body), a token string, and an
 * `onMessage` closure whose context captures the session. Every 4096th session carries a body of
 * tens of kB, as real request logs do.
 *
 * The "after" file of a pair is the same heap, same ids, plus `global.leakLog`: an Array holding
 * `leakRecords` `LeakRecord` objects, each with its own payload string: the growth a diff finds.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface BigSnapshotSpec {
  /** Sessions in the heap; each is 15 nodes, 26 edges and ~1.4 KB of file. */
  sessions: number;
  seed: number;
  /** Leaked records added for the "after" file; 0 or absent writes the "before" heap. */
  leakRecords?: number;
}

/** What the file holds, computed while writing it; a parser must find the same. */
export interface BigSnapshotStats {
  bytes: number;
  nodeCount: number;
  edgeCount: number;
  stringCount: number;
  /** Sum of all self sizes; every node is reachable, so also the root's retained size. */
  totalSize: number;
  /** Nodes present only in the "after" file (the leak and its holders). */
  leakedNodes: number;
  /** Retained size of `global.leakLog` (its Array, elements and records with their payloads). */
  leakedSize: number;
}

export const META = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
  node_types: [
    [
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
    ],
    'string',
    'number',
    'number',
    'number',
    'number',
    'number',
  ],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'], 'string_or_number', 'node'],
  trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
  trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
  sample_fields: ['timestamp_us', 'last_assigned_id'],
  location_fields: ['object_index', 'script_id', 'line', 'column'],
};
const NODE_FIELDS = META.node_fields.length;

const T = { hidden: 0, array: 1, string: 2, object: 3, code: 4, closure: 5, synthetic: 9 } as const;
const E = { context: 0, element: 1, property: 2, internal: 3, hidden: 4, shortcut: 5 } as const;

const ROUTES = ['/api/orders', '/api/users', '/api/cart', '/api/search', '/api/products', '/health', '/api/invoices'];
/** The fixed strings, by index; per-session strings follow them. */
const NAMES = [
  '',
  '(GC roots)',
  '(Global handles)',
  'Object',
  'sessions',
  'Map',
  'table',
  'system / OrderedHashMap',
  'system / Map',
  'system / SharedFunctionInfo',
  'onMessage',
  'Session',
  'User',
  'Array',
  '(object elements)',
  'RequestEvent',
  'user',
  'history',
  'token',
  'map',
  'name',
  'email',
  'session',
  'elements',
  'url',
  'body',
  'system / Context',
  'context',
  'shared',
  'leakLog',
  'LeakRecord',
  'payload',
  'global',
  ...ROUTES,
] as const;
const S = Object.fromEntries(NAMES.map((name, i) => [name, i])) as Record<(typeof NAMES)[number], number>;

/** Requests in each session's history. */
const HISTORY = 3;
/** Per session: Session, User, history Array, its elements, HISTORY events and bodies, token, closure, context, name, email. */
const SESSION_NODES = 4 + 2 * HISTORY + 5;
const SESSION_EDGES = 5 + 4 + 2 + HISTORY + 3 * HISTORY + 2 + 1;
const SESSION_STRINGS = HISTORY + 3;
/** Prelude: root, (GC roots), (Global handles), global, Map, its table, maps of Session/Array/RequestEvent/User, SharedFunctionInfo, routes. */
const PRELUDE = 11 + ROUTES.length;
const ORD = {
  root: 0,
  gcRoots: 1,
  handles: 2,
  global: 3,
  map: 4,
  table: 5,
  sessionMap: 6,
  arrayMap: 7,
  eventMap: 8,
  userMap: 9,
  sfi: 10,
  routes: 11,
} as const;
/** The leak adds its Array, the Array's elements and LeakRecord's map, then a record and its payload per leaked record. */
const leakedNodeCount = (leaks: number) => (leaks > 0 ? 3 + 2 * leaks : 0);

/** A stateless hash, so each pass computes the same per-session values without keeping them. */
function hash(seed: number, a: number, b: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(a + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(b + 0x27d4eb2f, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Length of session `s`'s string `k` (0..HISTORY-1 bodies, then token, name, email). */
function stringLength(seed: number, s: number, k: number): number {
  const h = hash(seed, s, k);
  if (k < HISTORY) return (s & 4095) === 7 && k === 0 ? 20_000 + (h % 60_000) : 60 + (h % 180);
  if (k === HISTORY) return 32;
  // The user's name, then an email (at least 20, for its "@example.com").
  return k === HISTORY + 1 ? 8 + (h % 16) : 20 + (h % 16);
}

const LEAK_PAYLOAD = 120;
/** V8's self size of a sequential one-byte string: header plus characters, 8-aligned. */
const stringSize = (length: number) => (16 + length + 7) & ~7;

/** Writes text in 4 MiB strings: one write call per block keeps the generator at disk speed. */
class Output {
  private text = '';
  bytes = 0;
  constructor(private readonly fd: number) {}
  put(s: string): void {
    this.text += s;
    if (this.text.length >= 1 << 22) this.flush();
  }
  flush(): void {
    if (this.text.length) this.bytes += writeSync(this.fd, this.text);
    this.text = '';
  }
}

/** Node ordinal of session `s`'s first node; its nodes follow in the order of SESSION_NODES. */
const sessionBase = (s: number) => PRELUDE + s * SESSION_NODES;

export function bigSnapshotCounts(spec: BigSnapshotSpec): { nodeCount: number; edgeCount: number; stringCount: number } {
  const n = spec.sessions;
  const leaks = spec.leakRecords ?? 0;
  // root 2, (GC roots) 1, handles 1, global 1 (+ leakLog), Map 1, table one per session.
  const preludeEdges = 6 + n + (leaks > 0 ? 1 : 0);
  const leakedEdges = leaks > 0 ? 1 + leaks + 2 * leaks : 0;
  return {
    nodeCount: PRELUDE + n * SESSION_NODES + leakedNodeCount(leaks),
    edgeCount: preludeEdges + n * SESSION_EDGES + leakedEdges,
    stringCount: NAMES.length + n * SESSION_STRINGS + leaks,
  };
}

/** Writes `path` (through a temporary file, renamed when complete) and returns what it holds. */
export function writeBigSnapshot(path: string, spec: BigSnapshotSpec): BigSnapshotStats {
  const { sessions, seed } = spec;
  const leaks = spec.leakRecords ?? 0;
  const counts = bigSnapshotCounts(spec);
  const partial = `${path}.partial-${process.pid}`;
  const fd = openSync(partial, 'w');
  const out = new Output(fd);
  let totalSize = 0;
  let leakedSize = 0;
  try {
    out.put(
      `{"snapshot":{"meta":${JSON.stringify(META)},"node_count":${counts.nodeCount},"edge_count":${counts.edgeCount},"trace_function_count":0,"extra_native_bytes":0},\n"nodes":[`,
    );
    let ordinal = 0;
    const node = (type: number, name: number, size: number, edges: number): void => {
      // Heap objects get odd ids from a counter, as V8 numbers them; the same ordinal keeps its id in both files.
      out.put(`${ordinal === 0 ? '' : ','}${type},${name},${ordinal * 2 + 1},${size},${edges},0,0\n`);
      ordinal++;
      totalSize += size;
    };
    const firstSessionString = NAMES.length;
    node(T.synthetic, S[''], 0, 2);
    node(T.synthetic, S['(GC roots)'], 0, 1);
    node(T.synthetic, S['(Global handles)'], 0, 1);
    node(T.object, S.Object, 48, leaks > 0 ? 2 : 1);
    node(T.object, S.Map, 32, 1);
    node(T.array, S['system / OrderedHashMap'], 16 + sessions * 8, sessions);
    for (let m = 0; m < 4; m++) node(T.hidden, S['system / Map'], 80, 0);
    node(T.code, S['system / SharedFunctionInfo'], 56, 0);
    for (const route of ROUTES) node(T.string, S[route as (typeof NAMES)[number]], stringSize(route.length), 0);
    for (let s = 0; s < sessions; s++) {
      const str = firstSessionString + s * SESSION_STRINGS;
      node(T.object, S.Session, 56, 5);
      node(T.object, S.User, 40, 4);
      node(T.object, S.Array, 32, 2);
      node(T.array, S['(object elements)'], 16 + HISTORY * 8, HISTORY);
      for (let k = 0; k < HISTORY; k++) node(T.object, S.RequestEvent, 40, 3);
      for (let k = 0; k < HISTORY; k++) node(T.string, str + k, stringSize(stringLength(seed, s, k)), 0);
      node(T.string, str + HISTORY, stringSize(stringLength(seed, s, HISTORY)), 0);
      node(T.closure, S.onMessage, 64, 2);
      node(T.hidden, S['system / Context'], 40, 1);
      node(T.string, str + HISTORY + 1, stringSize(stringLength(seed, s, HISTORY + 1)), 0);
      node(T.string, str + HISTORY + 2, stringSize(stringLength(seed, s, HISTORY + 2)), 0);
    }
    if (leaks > 0) {
      const before = totalSize;
      const firstLeakString = firstSessionString + sessions * SESSION_STRINGS;
      node(T.object, S.Array, 32, 1);
      node(T.array, S['(object elements)'], 16 + leaks * 8, leaks);
      node(T.hidden, S['system / Map'], 80, 0);
      for (let r = 0; r < leaks; r++) {
        node(T.object, S.LeakRecord, 32, 2);
        node(T.string, firstLeakString + r, stringSize(LEAK_PAYLOAD), 0);
      }
      leakedSize = totalSize - before;
    }
    if (ordinal !== counts.nodeCount) throw new Error(`wrote ${ordinal} nodes, announced ${counts.nodeCount}`);

    out.put('],\n"edges":[');
    let edges = 0;
    const edge = (type: number, nameOrIndex: number, to: number): void => {
      out.put(`${edges === 0 ? '' : ','}${type},${nameOrIndex},${to * NODE_FIELDS}\n`);
      edges++;
    };
    const leakHolder = PRELUDE + sessions * SESSION_NODES;
    edge(E.element, 1, ORD.gcRoots);
    edge(E.shortcut, S.global, ORD.global);
    edge(E.element, 1, ORD.handles);
    edge(E.element, 1, ORD.global);
    edge(E.property, S.sessions, ORD.map);
    if (leaks > 0) edge(E.property, S.leakLog, leakHolder);
    edge(E.internal, S.table, ORD.table);
    for (let s = 0; s < sessions; s++) edge(E.element, s, sessionBase(s));
    for (let s = 0; s < sessions; s++) {
      const b = sessionBase(s);
      const events = b + 4;
      const bodies = events + HISTORY;
      const token = bodies + HISTORY;
      const closure = token + 1;
      const context = closure + 1;
      // Session
      edge(E.property, S.user, b + 1);
      edge(E.property, S.history, b + 2);
      edge(E.property, S.token, token);
      edge(E.property, S.onMessage, closure);
      edge(E.hidden, S.map, ORD.sessionMap);
      // User: its name, email, and the session it belongs to
      edge(E.property, S.name, context + 1);
      edge(E.property, S.email, context + 2);
      edge(E.property, S.session, b);
      edge(E.hidden, S.map, ORD.userMap);
      // history Array and its elements
      edge(E.internal, S.elements, b + 3);
      edge(E.hidden, S.map, ORD.arrayMap);
      for (let k = 0; k < HISTORY; k++) edge(E.element, k, events + k);
      for (let k = 0; k < HISTORY; k++) {
        edge(E.property, S.url, ORD.routes + (hash(seed, s, 100 + k) % ROUTES.length));
        edge(E.property, S.body, bodies + k);
        edge(E.hidden, S.map, ORD.eventMap);
      }
      // the closure and the context it captures the session in
      edge(E.internal, S.context, context);
      edge(E.internal, S.shared, ORD.sfi);
      edge(E.context, S.session, b);
    }
    if (leaks > 0) {
      const elements = leakHolder + 1;
      const recordMap = elements + 1;
      edge(E.internal, S.elements, elements);
      for (let r = 0; r < leaks; r++) edge(E.element, r, recordMap + 1 + 2 * r);
      for (let r = 0; r < leaks; r++) {
        edge(E.property, S.payload, recordMap + 2 + 2 * r);
        edge(E.hidden, S.map, recordMap);
      }
    }
    if (edges !== counts.edgeCount) throw new Error(`wrote ${edges} edges, announced ${counts.edgeCount}`);

    out.put('],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[],\n"strings":[');
    out.put(NAMES.map((name) => JSON.stringify(name)).join(',\n'));
    let strings = NAMES.length;
    const text = (length: number, h: number): string => {
      // Printable ASCII from the hash: distinct per string, no escapes, cheap to make.
      const head = h.toString(36).padStart(7, '0');
      return length <= head.length ? head.slice(0, length) : head + FILLER.slice(h % 64, (h % 64) + length - head.length);
    };
    for (let s = 0; s < sessions; s++) {
      for (let k = 0; k < SESSION_STRINGS; k++) {
        const length = stringLength(seed, s, k);
        const body = k === HISTORY + 2 ? `${text(length - 12, hash(seed, s, k))}@example.com` : text(length, hash(seed, s, k));
        out.put(`,\n"${body}"`);
        strings++;
      }
    }
    for (let r = 0; r < leaks; r++) {
      out.put(`,\n"${text(LEAK_PAYLOAD, hash(seed ^ 0x5bd1e995, r, 0))}"`);
      strings++;
    }
    if (strings !== counts.stringCount) throw new Error(`wrote ${strings} strings, announced ${counts.stringCount}`);
    out.put(']}\n');
    out.flush();
  } catch (e) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(partial, path);
  return { bytes: out.bytes, ...counts, totalSize, leakedNodes: leakedNodeCount(leaks), leakedSize };
}

/** Wide enough for the longest string (80 kB) to be a slice of it from any of 64 starts. */
const FILLER = 'GET /api/orders?page=2&sort=desc HTTP/1.1 accept: application/json user-agent: node '.repeat(1000);
