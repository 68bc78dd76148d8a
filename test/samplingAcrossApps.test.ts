import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { REPO_ROOT, runCli, runNode } from './helpers/cli';

/**
 * `--capture sampling` over every app the suite checks with snapshots (findings, wildLeaks,
 * captureModes, sourceLocations, fixLoop): each leak must be named at an allocation site in the
 * app's own source, and no healthy app called a leak. Sampling promises leaks of 100 kB per
 * cycle or more (issue 11), so each leaky app gets enough requests per cycle to leak that much;
 * the comment on each says what one request leaks (measured from the check's own estimate, which
 * `t.diagnostic` prints). Apps run two at a time with one warm-up and four cycles, as few as
 * both halves of the growth evidence need. One healthy app is left out; its place in HEALTHY says why.
 */
const apps = join(REPO_ROOT, 'test', 'fixtures', 'apps');
let dir: string;
let quoteService: string;

interface AppCase {
  name: string;
  /** The program and its arguments, after `node`. */
  program: string[];
  /** The file the leak is allocated in; a healthy app has none. */
  leakIn?: string;
  path?: string;
  requests?: number;
  env?: () => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv;
  /** A workload without HTTP: --workload-expr (and --cleanup-expr). */
  expression?: string;
  cleanup?: string;
}

const node = (file: string): string[] => [file];
const tsx = (file: string): string[] => ['--import', 'tsx', file];
const app = (name: string) => join(apps, name);
const wild = (name: string) => join(apps, 'wild', name);

/**
 * Requests per cycle of the wild apps, from what one request leaks: ~25 kB (undici's Agent and
 * its socket), ~7 kB (winston's logger and its streams), 0.6–2 kB (rxjs, AbortSignal,
 * node-cache, keyv, p-queue, the BehaviorSubject, the config reload: 200), ~0.5 kB (the closure
 * chain, koa, ws, the emitters: 250–300), 0.3–0.4 kB (DataLoader, lru's ttl, lodash.memoize,
 * fastify: 400–600).
 */
const WILD_REQUESTS: Record<string, number> = {
  'undiciAgent.js': 20,
  'winstonPerRequest.js': 30,
  'dataloaderShared.js': 400,
  'lodashMemoize.js': 600,
  'eventemitter3Bus.js': 300,
  'wsSessions.js': 300,
  'koaUsePerRequest.js': 300,
  'closureContext.js': 250,
  'koaEventTarget.js': 300,
  'lruTtl.js': 400,
  'fastifyIdempotency.js': 500,
};
/** The wild apps with a leaky mode; those with a healthy twin too are in WILD_TWINS. */
const WILD_TWINS = [
  'undiciAgent.js',
  'rxjsSubject.js',
  'abortSignal.js',
  'nodeCache.js',
  'keyvTtl.js',
  'dataloaderShared.js',
  'lodashMemoize.js',
  'winstonPerRequest.js',
  'eventemitter3Bus.js',
  'pQueueBacklog.js',
  'wsSessions.js',
  'koaUsePerRequest.js',
  'closureContext.js',
  'koaEventTarget.js',
  'expressBehaviorSubject.js',
];
// expressConfigReload.js has no healthy mode (its healthy form is what `leakscope fix` writes);
// lruTtl.js's and fastifyIdempotency.js's healthy modes are TTL-bounded stores, left out of HEALTHY
// for the reason lruFilling.js is.
const WILD_LEAKY = [...WILD_TWINS, 'expressConfigReload.js', 'lruTtl.js', 'fastifyIdempotency.js'];

const LEAKY: AppCase[] = [
  // ~0.4 kB a request: a listener, its closure and the request's context with a copy of its headers.
  { name: 'listenerPerRequest.js', program: node(app('listenerPerRequest.js')), leakIn: app('listenerPerRequest.js'), requests: 300 },
  // ~0.34 kB: a Timeout, its closure and the session it keeps.
  { name: 'intervalPerRequest.js', program: node(app('intervalPerRequest.js')), leakIn: app('intervalPerRequest.js'), requests: 320 },
  // ~0.5 kB: every other request keeps an Error and the whole IncomingMessage.
  { name: 'failureHistory.js', program: node(app('failureHistory.js')), leakIn: app('failureHistory.js'), requests: 220 },
  // ~0.3 kB: a label set and its counter entry.
  { name: 'metricPerUser.js', program: node(app('metricPerUser.js')), leakIn: app('metricPerUser.js'), requests: 400 },
  // An Agent and its open socket a request: ~3.5 kB.
  { name: 'agentPerRequest.js', program: node(app('agentPerRequest.js')), leakIn: app('agentPerRequest.js'), requests: 60 },
  {
    name: 'genericPoolPerRequest.js',
    program: node(app('genericPoolPerRequest.js')),
    leakIn: app('genericPoolPerRequest.js'),
    requests: 60,
  },
  // ~0.8 kB: a queued command, its arguments and its promise.
  {
    name: 'redisOffline.js',
    program: node(app('redisOffline.js')),
    leakIn: app('redisOffline.js'),
    requests: 200,
    env: async () => ({ REDIS_PORT: String(await freePort()) }),
  },
  // ~0.75 kB: an Order and its entry in the identity map.
  {
    name: 'mikroOrm.js (EM_MODE=global)',
    program: node(app('mikroOrm.js')),
    leakIn: app('mikroOrm.js'),
    requests: 200,
    env: () => ({ EM_MODE: 'global' }),
  },
  // ~0.36 kB: a profile and its key.
  { name: 'expressUsers.js', program: node(app('expressUsers.js')), leakIn: app('expressUsers.js'), path: '/users/{i}', requests: 300 },
  // 50 jobs of ~0.3 kB (list and index) a batch: eight batches a cycle.
  {
    name: 'batchJob.js',
    program: node(app('batchJob.js')),
    leakIn: app('batchJob.js'),
    expression: 'for (let i = 0; i < 8; i++) processBatch()',
  },
  // ~0.5 kB: a session and an audit entry.
  { name: 'sessionStore.js', program: node(app('sessionStore.js')), leakIn: app('sessionStore.js'), requests: 400 },
  // 1500 rows (~125 kB) a request.
  { name: 'bulkImport.js', program: node(app('bulkImport.js')), leakIn: app('bulkImport.js'), requests: 20 },
  // ~0.43 kB: a Timeout, its closure and the job it keeps, allocated in two functions.
  { name: 'pollerPerCall.js', program: node(app('pollerPerCall.js')), leakIn: app('pollerPerCall.js'), requests: 300 },
  // ~0.8 kB: a cached summary and a request record.
  {
    name: 'samples/leakyServer.js',
    program: node(join(REPO_ROOT, 'samples', 'leakyServer.js')),
    leakIn: join(REPO_ROOT, 'samples', 'leakyServer.js'),
    path: '/orders',
    requests: 200,
  },
  // ~0.43 kB: a listener with its context, and an audit entry.
  {
    name: 'ts-tsxService (tsx)',
    program: tsx(app('ts-tsxService/server.ts')),
    leakIn: app('ts-tsxService/server.ts'),
    path: '/work/{i}',
    requests: 300,
  },
  // ~0.44 kB: a session and lru-cache's entry for it.
  {
    name: 'ts-ttlCache (tsx)',
    program: tsx(app('ts-ttlCache/server.ts')),
    leakIn: app('ts-ttlCache/server.ts'),
    path: '/work/{i}',
    requests: 300,
  },
  ...WILD_LEAKY.map((script): AppCase => ({
    name: `wild/${script}`,
    program: node(wild(script)),
    leakIn: wild(script),
    path: '/work/{i}',
    requests: WILD_REQUESTS[script] ?? 200,
    env: () => ({ MODE: 'leak' }),
  })),
];

const HEALTHY: AppCase[] = [
  { name: 'boundedCache.js', program: node(app('boundedCache.js')), requests: 100 },
  { name: 'lruCache.js', program: node(app('lruCache.js')), requests: 100 },
  { name: 'fixedKeyCache.js', program: node(app('fixedKeyCache.js')), requests: 100 },
  { name: 'mikroOrm.js (EM_MODE=fork)', program: node(app('mikroOrm.js')), requests: 100, env: () => ({ EM_MODE: 'fork' }) },
  {
    name: 'batchJob.js with a cleanup that resets it',
    program: node(app('batchJob.js')),
    expression: 'for (let i = 0; i < 8; i++) processBatch()',
    cleanup: 'resetBatchState()',
  },
  // Not here: wild/lruFilling.js, an lru-cache (max 1000) that the suite fills with 200 requests x 5
  // cycles without it evicting yet. Every entry survives, as a leak's would; what shows it bounded
  // is the holder's storage sized ahead, which only a snapshot reads (the snapshot check says so).
  // Nor wild/lruTtl.js (MODE=healthy): entries a timer deletes after a ttl longer than the check
  // survive the check as a leak's would; the timer per entry that bounds them is in a snapshot.
  ...WILD_TWINS.map((script): AppCase => ({
    name: `wild/${script} (MODE=healthy)`,
    program: node(wild(script)),
    path: '/work/{i}',
    requests: Math.max(60, WILD_REQUESTS[script] ?? 200),
    env: () => ({ MODE: 'healthy' }),
  })),
];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leakscope-sampling-apps-'));
  // The compiled TypeScript service is checked from its build output, as sourceLocations does.
  quoteService = join(dir, 'quoteService');
  cpSync(app('ts-quoteService'), quoteService, { recursive: true });
  const tsc = await runNode([
    join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(quoteService, 'tsconfig.json'),
    '--typeRoots',
    join(REPO_ROOT, 'node_modules', '@types'),
    '--types',
    'node',
  ]);
  assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function check(c: AppCase, program: string[] = c.program): Promise<LeakReport> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const out = join(dir, c.name.replace(/[^\w.-]/g, '_'));
  const workload = c.expression
    ? ['--workload-expr', c.expression, ...(c.cleanup ? ['--cleanup-expr', c.cleanup] : [])]
    : ['--workload-url', `${base}${c.path ?? '/work'}`, '--requests', String(c.requests ?? 100), '--ready-url', `${base}/health`];
  const r = await runCli(
    ['run', ...workload, '--capture', 'sampling', '--warmup', '1', '--cycles', '4', '--out', out, '-q', '--', process.execPath, ...program],
    {
      env: { PORT: String(port), ...(await c.env?.()) },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as LeakReport;
  assert.equal(report.capture?.mode, 'sampling', report.capture?.reason);
  return report;
}

const sites = (r: LeakReport) =>
  JSON.stringify(
    r.findings.map((f) => ({
      site: f.source && `${f.source.functionName} ${f.source.file}:${f.source.line}`,
      perCycle: Math.round(f.growth.bytesPerCycle),
    })),
  );
const pathOf = (file: string) => (file.startsWith('file:') ? fileURLToPath(file) : file);

/** Asserts a steady finding allocated in `file`; returns the growth of all such findings, per cycle. */
function assertNamesLeak(report: LeakReport, file: string): number {
  assert.equal(report.verdict, 'leak', `${report.summary} ${sites(report)}`);
  const inFile = report.findings.filter((f) => f.source && pathOf(f.source.file) === file);
  assert.ok(inFile.length > 0, `no finding allocated in ${file}: ${sites(report)}`);
  for (const f of inFile) {
    assert.equal(f.source?.role, 'allocated');
    assert.ok(f.growth.steady, JSON.stringify(f.growth));
  }
  return inFile.reduce((sum, f) => sum + f.growth.bytesPerCycle, 0);
}

describe('--capture sampling names every leak of the suite that grows 100 kB a cycle or more', { concurrency: 2 }, () => {
  for (const c of LEAKY) {
    test(c.name, async (t) => {
      const perCycle = assertNamesLeak(await check(c), c.leakIn!);
      t.diagnostic(`${c.name}: about ${Math.round(perCycle / 1024)} kB a cycle at ${c.requests ?? 'one expression'} a cycle`);
    });
  }
  test('ts-quoteService (compiled by tsc, source maps)', async (t) => {
    // About 0.3 kB a request, over three allocation sites: 600 puts it over the 100 kB a cycle
    // promised (300 would not).
    const c: AppCase = { name: 'ts-quoteService', program: [], path: '/work/{i}', requests: 600 };
    const report = await check(c, [join(quoteService, 'dist', 'server.js')]);
    // Source maps take the site to the .ts it was compiled from.
    const perCycle = assertNamesLeak(report, join(quoteService, 'src', 'quotes.ts'));
    t.diagnostic(`ts-quoteService: about ${Math.round(perCycle / 1024)} kB a cycle`);
  });
});

describe('--capture sampling calls no healthy app of the suite a leak', { concurrency: 2 }, () => {
  for (const c of HEALTHY) {
    test(c.name, async () => {
      const report = await check(c);
      assert.deepEqual(sites(report), '[]');
      assert.notEqual(report.verdict, 'leak', report.summary);
    });
  }
});
