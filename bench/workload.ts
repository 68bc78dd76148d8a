/**
 * Child process that builds the heap of a plausible Node service (sessions, users, request
 * history, caches, timers, listeners) and writes heap snapshots of it. Run by generate.ts as
 *   node --max-old-space-size=16000 out/bench/workload.js <units> <seed> <out> [<leakRecords> <afterOut>]
 * With the last two arguments it writes `out`, then leaks that many request records into a
 * module-level log and writes `afterOut` from the same process, so object ids match.
 */
import { EventEmitter } from 'node:events';
import { renameSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

let seed = 1;
/** mulberry32: the same arguments give the same heap, so cached files stay comparable. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const word = (): string => Math.floor(random() * 0x7fffffff).toString(36);

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const ROUTES = ['/api/orders', '/api/users', '/api/cart', '/api/search', '/api/products', '/health', '/api/invoices'];
const TAGS = ['beta', 'admin', 'trial', 'eu', 'us', 'mobile', 'desktop', 'vip', 'churn-risk', 'new'];
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Lagos', 'Lima', 'Perth', 'Graz'];

class Address {
  constructor(
    readonly street: string,
    readonly city: string,
    readonly zip: string,
  ) {}
}

class User {
  readonly roles: string[];
  readonly profile: { address: Address; preferences: { theme: string; language: string; digest: boolean } };
  constructor(
    readonly id: number,
    readonly name: string,
    readonly email: string,
  ) {
    this.roles = random() < 0.1 ? ['user', 'admin'] : ['user'];
    this.profile = {
      address: new Address(`${Math.floor(random() * 999)} ${word()} St`, pick(CITIES), String(10000 + Math.floor(random() * 89999))),
      preferences: { theme: random() < 0.5 ? 'dark' : 'light', language: pick(['en', 'de', 'pt', 'ja']), digest: random() < 0.3 },
    };
  }
}

class RequestEvent {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly durationMs: number,
    readonly headers: Record<string, string>,
  ) {}
}

class Session {
  lastSeen = Date.now();
  onMessage?: (message: string) => number;
  token?: Buffer;
  readonly metrics = {
    p50Ms: random() * 40,
    p90Ms: random() * 120,
    p99Ms: random() * 900,
    cpuSeconds: random() * 3,
    errorRate: random() / 10,
    bytesPerSecond: random() * 1e5,
    apdex: random(),
    score: random() * 10,
    queueMs: random() * 15,
    dbMs: random() * 60,
    cacheHitRate: random(),
    retries: random() * 2,
  };
  constructor(
    readonly id: string,
    readonly user: User,
    readonly tags: Set<string>,
    readonly attributes: Map<string, unknown>,
    readonly history: RequestEvent[],
  ) {}
  touch(): void {
    this.lastSeen = Date.now();
  }
}

/** What a leaking request logger keeps per request: four heap objects of its own (record, url, callback and its context). */
class RequestRecord {
  readonly startedAt = Date.now();
  status = 0;
  constructor(
    readonly id: number,
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly user: User,
    readonly respond: (status: number) => number,
  ) {}
}

// Module-level state, reachable through the module's exports like a real service's caches.
export const sessionsById = new Map<string, Session>();
export const usersByEmail = new Map<string, User>();
export const activeTags = new Set<string>();
export const buses: EventEmitter[] = [];
export const timers: NodeJS.Timeout[] = [];
export const requestLog = new Map<number, RequestRecord>();
let handled = 0;

function headersFor(route: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': pick(['Mozilla/5.0', 'curl/8.4.0', 'okhttp/4.12']),
    'x-request-id': `${route.length}-${word()}`,
  };
}

function makeSession(index: number): Session {
  const user = new User(index, `user ${word()}`, `${word()}@example.com`);
  usersByEmail.set(user.email, user);
  const tags = new Set<string>();
  for (let i = 0; i < 3; i++) tags.add(pick(TAGS));
  const attributes = new Map<string, unknown>([
    ['plan', pick(['free', 'pro', 'team'])],
    ['seats', Math.floor(random() * 50)],
    ['limits', { requestsPerMinute: 60 + Math.floor(random() * 600), burst: 10 }],
  ]);
  const history: RequestEvent[] = [];
  for (let i = 0; i < 4; i++) {
    const route = pick(ROUTES);
    history.push(new RequestEvent(pick(METHODS), `${route}/${word()}`, pick([200, 200, 201, 404, 500]), random() * 200, headersFor(route)));
  }
  const session = new Session(`s-${index}-${word()}`, user, tags, attributes, history);
  const request = { method: pick(METHODS), url: `${pick(ROUTES)}?page=${index}`, startedAt: Date.now() };
  session.onMessage = (message) => (handled += message.length + request.url.length + session.history.length);
  if (index % 8 === 0) session.token = Buffer.from(`${word()}${word()}${word()}`, 'utf8');
  if (index % 4 === 0) {
    const bus = buses[index % buses.length];
    bus.on(index % 3 === 0 ? 'message' : 'close', session.onMessage);
  }
  if (index % 50 === 0) timers.push(setInterval(() => session.touch(), 60_000 + index).unref());
  if (index % 100 === 0) timers.push(setTimeout(() => sessionsById.delete(session.id), 3_600_000).unref());
  for (const tag of tags) activeTags.add(`${tag}:${index % 97}`);
  sessionsById.set(session.id, session);
  return session;
}

function leakRequest(id: number, users: readonly User[], sharedHeaders: ReadonlyMap<string, Record<string, string>>): void {
  const route = pick(ROUTES);
  // join() makes a flat string; a template literal would add cons-string nodes per record.
  const url = [route, id, word()].join('/');
  const record: RequestRecord = new RequestRecord(
    id,
    pick(METHODS),
    url,
    sharedHeaders.get(route)!,
    users[id % users.length],
    (status) => (record.status = status),
  );
  requestLog.set(id, record);
}

const started = Date.now();
function progress(message: string): void {
  process.stderr.write(`[workload ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}\n`);
}

function write(path: string): void {
  progress(`writing ${path}`);
  const temp = `${path}.partial-${process.pid}`;
  writeHeapSnapshot(temp);
  renameSync(temp, path);
}

function main(): void {
  const [units, seedArg, out, leakArg, afterOut] = process.argv.slice(2);
  if (!units || !seedArg || !out) throw new Error('usage: workload.js <units> <seed> <out> [<leakRecords> <afterOut>]');
  seed = Number(seedArg);
  for (let i = 0; i < 64; i++) buses.push(new EventEmitter().setMaxListeners(0));
  const count = Number(units);
  for (let i = 0; i < count; i++) makeSession(i);
  progress(`built ${count} sessions`);
  write(out);
  if (leakArg && afterOut) {
    const leaks = Number(leakArg);
    const users = [...usersByEmail.values()];
    const sharedHeaders = new Map(ROUTES.map((route) => [route, headersFor(route)]));
    for (let i = 0; i < leaks; i++) leakRequest(i, users, sharedHeaders);
    progress(`leaked ${leaks} request records`);
    write(afterOut);
  }
  // Timers are unref'd, but exit explicitly so a stray handle cannot keep the child alive.
  process.exit(0);
}

main();
