import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LeakReport } from '../src/report/leakReport';
import { freePort } from '../src/inspector/freePort';
import { REPO_ROOT, runCli } from './helpers/cli';

/**
 * The whole loop, end to end, on leaky apps: the real leak check finds the leak, `leakscope fix
 * --write` edits the app from the report, and the next leak check finds no leak. The apps are
 * copied into a folder inside the repo, so their require()s still resolve from its node_modules.
 */
let dir: string;
before(() => (dir = mkdtempSync(join(REPO_ROOT, 'out', 'tmp-fix-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  app: string;
  /** The workload path; `{i}` and a query make ids unique across the check. */
  path?: string;
  requests?: number;
  /** Instead of HTTP requests: an expression the check evaluates in the app each cycle. */
  workloadExpr?: string;
  /** Kinds the first check must report (it may report more, e.g. a low-confidence echo of the same leak). */
  kinds: string[];
  env?: NodeJS.ProcessEnv;
}

async function leakCheck(folder: string, script: string, c: Case, out: string): Promise<LeakReport> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const workload = c.workloadExpr
    ? ['--workload-expr', c.workloadExpr]
    : ['--workload-url', `${base}${c.path}`, '--requests', String(c.requests), '--ready-url', `${base}/health`];
  const r = await runCli(
    ['run', ...workload, '--cycles', '4', '--warmup', '1', '--out', join(folder, out), '-q', '--', process.execPath, script],
    {
      env: { PORT: String(port), REDIS_PORT: String(await freePort()), ...c.env },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(readFileSync(join(folder, out, 'report.json'), 'utf8')) as LeakReport;
}

const CASES: Case[] = [
  {
    name: 'a listener per request on a long-lived emitter',
    app: 'test/fixtures/apps/listenerPerRequest.js',
    path: '/work',
    requests: 60,
    kinds: ['listener'],
  },
  {
    name: 'an interval per request (a finding with no source line)',
    app: 'test/fixtures/apps/intervalPerRequest.js',
    path: '/work',
    requests: 60,
    kinds: ['timer'],
  },
  // The interval is started by a plain function the handler calls: the fix returns its handle to the caller, which clears it (unref() would not stop it).
  {
    name: 'an interval started per call by a plain function',
    app: 'test/fixtures/apps/pollerPerCall.js',
    path: '/work',
    requests: 60,
    kinds: ['timer'],
  },
  {
    name: 'a keep-alive agent per request',
    app: 'test/fixtures/apps/agentPerRequest.js',
    path: '/work',
    requests: 60,
    kinds: ['undisposed-pool'],
  },
  // Fewer requests than the bound the fix picks (lru-cache max 1000): the second check sees the
  // cache fill without evicting, and must not call lru-cache's internals leaks (issue 14, point 5).
  {
    name: 'an unbounded cache and an untrimmed window (the sample service)',
    app: 'samples/leakyServer.js',
    path: '/orders',
    requests: 200,
    kinds: ['unbounded-collection', 'unbounded-collection'],
  },
  {
    name: 'a history of whole errors and requests',
    app: 'test/fixtures/apps/failureHistory.js',
    path: '/work',
    requests: 300,
    kinds: ['retained-large-object'],
  },
  {
    name: 'a metric labelled by user',
    app: 'test/fixtures/apps/metricPerUser.js',
    path: '/work',
    requests: 60,
    kinds: ['metric-cardinality'],
  },
  {
    name: 'a global MikroORM EntityManager',
    app: 'test/fixtures/apps/mikroOrm.js',
    path: '/work',
    requests: 60,
    kinds: ['identity-map'],
    env: { EM_MODE: 'global' },
  },
  {
    name: 'a generic-pool pool per request',
    app: 'test/fixtures/apps/genericPoolPerRequest.js',
    path: '/work',
    requests: 60,
    kinds: ['undisposed-pool'],
  },
  // Redis is down for the whole check (nothing listens on REDIS_PORT): the fix fails commands fast.
  {
    name: 'ioredis commands queued while Redis is unreachable',
    app: 'test/fixtures/apps/redisOffline.js',
    path: '/work',
    requests: 60,
    kinds: ['unbounded-collection'],
  },
  // The leak is in how a package is configured: three of lru-cache's own structures grow, one
  // finding names the cache, and the fix is in its options.
  {
    name: 'an lru-cache bounded only by a ttl it never purges',
    app: 'test/fixtures/apps/wild/lruTtl.js',
    path: '/work/{i}',
    requests: 200,
    kinds: ['unbounded-collection'],
    env: { MODE: 'leak' },
  },
  {
    name: 'an Express service caching profiles by id',
    app: 'test/fixtures/apps/expressUsers.js',
    path: '/users/{i}',
    requests: 600,
    kinds: ['unbounded-collection'],
  },
  // Its reset function is never called: what bounds the list and the index does not run. Both
  // hold the same jobs, so both are findings and both get a fix. Ten batches a cycle outrun the
  // bounds the fixes pick (100 jobs, an lru-cache of 1000), so the second check sees them evict.
  {
    name: 'a batch job whose list and index only a reset empties',
    app: 'test/fixtures/apps/batchJob.js',
    workloadExpr: 'Promise.all(Array.from({ length: 10 }, () => processBatch()))',
    kinds: ['unbounded-collection', 'unbounded-collection'],
  },
  // Listeners on an EventTarget, subscribers of observables and closure-context chains, each on
  // the wild fixture and on another library and code shape, so no rule is tuned to one fixture.
  {
    name: "an 'abort' listener per request on a shared AbortSignal",
    app: 'test/fixtures/apps/wild/abortSignal.js',
    path: '/work',
    requests: 60,
    kinds: ['listener'],
  },
  {
    name: 'an inline listener per Koa request on a module EventTarget',
    app: 'test/fixtures/apps/wild/koaEventTarget.js',
    path: '/work',
    requests: 60,
    kinds: ['listener'],
  },
  {
    name: 'a subscriber per request on an rxjs Subject',
    app: 'test/fixtures/apps/wild/rxjsSubject.js',
    path: '/work',
    requests: 60,
    kinds: ['listener'],
  },
  {
    name: "an Express request subscribing to a service's BehaviorSubject through pipe(map)",
    app: 'test/fixtures/apps/wild/expressBehaviorSubject.js',
    path: '/work',
    requests: 60,
    kinds: ['listener'],
  },
  {
    name: 'the shared-context chain of every version of a value',
    app: 'test/fixtures/apps/wild/closureContext.js',
    path: '/work',
    requests: 60,
    kinds: ['closure-context'],
  },
  {
    name: 'an Express config reload whose previous version a filter callback reads',
    app: 'test/fixtures/apps/wild/expressConfigReload.js',
    path: '/work',
    requests: 60,
    kinds: ['closure-context'],
  },
];

describe('leak check → leakscope fix --write → leak check', { concurrency: 3 }, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const folder = mkdtempSync(join(dir, `${basename(c.app, '.js')}-`));
      // The wild apps require('../serve'): they keep their folder under the copy's.
      const appDir = dirname(c.app).endsWith('/wild') ? join(folder, 'wild') : folder;
      mkdirSync(appDir, { recursive: true });
      const script = join(appDir, basename(c.app));
      copyFileSync(join(REPO_ROOT, c.app), script);
      copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'serve.js'), join(folder, 'serve.js'));
      // The app's own package.json, without lru-cache: the fix must add it where the app declares its dependencies.
      writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'fix-loop-app', private: true }, null, 2) + '\n');

      const leaky = await leakCheck(folder, script, c, 'before');
      assert.equal(leaky.verdict, 'leak', leaky.summary);
      const found: string[] = leaky.findings.map((f) => f.kind);
      for (const kind of c.kinds) {
        const at = found.indexOf(kind);
        assert.ok(at >= 0, `no ${kind} finding: ${JSON.stringify(leaky.findings.map((f) => f.title))}`);
        found.splice(at, 1);
      }

      const fix = await runCli(['fix', '--report', join(folder, 'before', 'report.json'), '--write'], { cwd: folder });
      assert.equal(fix.code, 0, fix.stderr);
      // Every finding the check was asked about gets a fix (a low-confidence extra may not).
      const fixedKinds = fix.stdout
        .split('\n\n')
        .filter((block) => /\n {2}Fix: /.test(block))
        .map((block) => block.match(/^Finding \d+: .* \[([a-z-]+), fix /)?.[1]);
      for (const kind of new Set(c.kinds)) assert.ok(fixedKinds.includes(kind), fix.stdout);
      assert.match(fix.stdout, new RegExp(`Wrote .*${basename(c.app)}`), fix.stdout);
      assert.notEqual(readFileSync(script, 'utf8'), readFileSync(join(REPO_ROOT, c.app), 'utf8'));
      if (/lru-cache/.test(readFileSync(script, 'utf8')) && !/lru-cache/.test(readFileSync(join(REPO_ROOT, c.app), 'utf8'))) {
        assert.equal(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).dependencies['lru-cache'], '^11.0.0');
      }

      const fixed = await leakCheck(folder, script, c, 'after');
      assert.deepEqual(
        fixed.findings.map((f) => `${f.kind}: ${f.title}`),
        [],
      );
      assert.equal(fixed.verdict, 'no-leak', fixed.summary);
    });
  }
});
