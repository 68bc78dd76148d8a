import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeSource, applyEdits, fixesForFinding, holderNames, RULES, type FindingLocator } from '../src/fixes';
import { REPO_ROOT } from './helpers/cli';

/**
 * Each rule on its fixtures in test/fixtures/fixes/<rule>/: on every `before.*` the rule reports,
 * and its first fixes turn the file into `after.*` exactly, on which the rule is quiet; `clean*`
 * files hold the healthy forms of the same code and get no diagnostic from any rule; `nofix*`
 * files get the diagnostic with no edit. The `.ts` fixtures are compiled with the project, so
 * the TypeScript a fix writes type-checks.
 */
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'fixes');
const read = (...parts: string[]) => readFileSync(join(FIXTURES, ...parts), 'utf8');

describe('every rule on its before/after fixtures', () => {
  test('every rule has fixtures, and every fixture folder is a rule', () => {
    assert.deepEqual(readdirSync(FIXTURES).sort(), RULES.map((r) => r.id).sort());
  });

  for (const rule of RULES) {
    const files = readdirSync(join(FIXTURES, rule.id));
    for (const before of files.filter((f) => f.startsWith('before.'))) {
      test(`${rule.id}: ${before} → ${before.replace('before', 'after')}`, () => {
        const text = read(rule.id, before);
        const diagnostics = analyzeSource(before, text).filter((d) => d.ruleId === rule.id);
        assert.ok(diagnostics.length > 0, `${rule.id} reports nothing on ${before}`);
        for (const d of diagnostics) {
          assert.ok(d.fixes.length > 0, `no fix for ${d.message}`);
          assert.equal(text.slice(0, d.start).split('\n').length, d.line);
        }
        const fixed = applyEdits(
          text,
          diagnostics.flatMap((d) => d.fixes[0].edits),
        );
        const after = before.replace('before', 'after');
        assert.equal(fixed, read(rule.id, after));
        assert.deepEqual(
          analyzeSource(after, fixed)
            .filter((d) => d.ruleId === rule.id)
            .map((d) => d.message),
          [],
        );
      });
    }
    for (const clean of files.filter((f) => f.startsWith('clean') || f === 'requestContext.js')) {
      test(`${rule.id}: ${clean} gets no diagnostic from any rule`, () => {
        assert.deepEqual(
          analyzeSource(clean, read(rule.id, clean)).map((d) => `${d.line}: ${d.ruleId}: ${d.message}`),
          [],
        );
      });
    }
    for (const nofix of files.filter((f) => f.startsWith('nofix'))) {
      test(`${rule.id}: ${nofix} is reported with no edit`, () => {
        const diagnostics = analyzeSource(nofix, read(rule.id, nofix)).filter((d) => d.ruleId === rule.id);
        assert.equal(diagnostics.length, 1);
        assert.deepEqual(diagnostics[0].fixes, []);
      });
    }
  }
});

describe('rules in detail', () => {
  test('a collection only a reset empties is left alone, until a leak check saw it grow', () => {
    const text =
      'const jobs = [];\nconst byId = new Map();\nfunction run(job) {\n  jobs.push(job);\n  byId.set(job.id, job);\n}\nfunction reset() {\n  jobs.length = 0;\n  byId.clear();\n}\n';
    assert.deepEqual(analyzeSource('jobs.js', text), []);
    const array = fixesForFinding({ fix: { id: 'bound-array' }, path: ['(global)', 'jobs (Array)'] }, 'jobs.js', text);
    assert.equal(array.reason, 'holder');
    assert.deepEqual(
      array.diagnostics.map((d) => d.message),
      [
        'jobs is added to with push() and a leak check saw it grow every cycle: what trims it (line 8) does not keep up, so it grows for as long as the process runs.',
      ],
    );
    assert.match(
      applyEdits(text, array.diagnostics[0].fixes[0].edits),
      /jobs\.push\(job\);\n {2}if \(jobs\.length > MAX_JOBS\) jobs\.splice\(0, jobs\.length - MAX_JOBS\);/,
    );
    const map = fixesForFinding({ fix: { id: 'bound-cache' }, path: ['(global)', 'byId (Map)'] }, 'jobs.js', text);
    assert.deepEqual(
      map.diagnostics.map((d) => d.message),
      [
        'byId gains an entry on every new key and a leak check saw it grow every cycle: what deletes from it or bounds it (line 9) does not keep up.',
      ],
    );
    // The other collection of the file did not grow: it stays quiet.
    assert.deepEqual(fixesForFinding({ fix: { id: 'bound-cache' }, path: ['(global)', 'other (Map)'] }, 'jobs.js', text).diagnostics, []);
  });

  test('a window trims to the size the code names, by its name', () => {
    const text =
      'const RECENT_WINDOW = 100;\nconst MAX_USERS = 5;\nconst recentRequests = [];\nfunction f(r) {\n  recentRequests.push(r);\n}\n';
    const [d] = analyzeSource('a.js', text);
    assert.equal(d.subject, 'recentRequests');
    assert.match(
      applyEdits(text, d.fixes[0].edits),
      /if \(recentRequests\.length > RECENT_WINDOW\) recentRequests\.splice\(0, recentRequests\.length - RECENT_WINDOW\);/,
    );
  });

  test('a push under an if without braces gets braces, so the trim stays under the condition', () => {
    const text = 'const failures = [];\nfunction f(ok, x) {\n  if (!ok) failures.push(x);\n}\n';
    const [d] = analyzeSource('a.js', text);
    assert.equal(
      applyEdits(text, d.fixes[0].edits),
      'const MAX_FAILURES = 100;\nconst failures = [];\nfunction f(ok, x) {\n  if (!ok) {\n    failures.push(x);\n    if (failures.length > MAX_FAILURES) failures.splice(0, failures.length - MAX_FAILURES);\n  }\n}\n',
    );
  });

  test('two caches in one file share one lru-cache import', () => {
    const text = "'use strict';\nconst a = new Map();\nconst b = new Map();\nexports.f = (k) => { a.set(k, 1); b.set(k, 2); };\n";
    const diagnostics = analyzeSource('a.js', text);
    assert.equal(diagnostics.length, 2);
    const fixed = applyEdits(
      text,
      diagnostics.flatMap((d) => d.fixes[0].edits),
    );
    assert.equal(fixed.match(/require\('lru-cache'\)/g)?.length, 1);
    assert.deepEqual(diagnostics[0].fixes[0].dependencies, { 'lru-cache': '^11.0.0' });
  });

  test('a file that already imports LRUCache uses it and needs no dependency', () => {
    const text =
      "import { LRUCache as Lru } from 'lru-cache';\nconst seen = new Map<string, number>();\nexport function f(k: string) { seen.set(k, 1); }\n";
    const [d] = analyzeSource('a.ts', text);
    assert.equal(d.fixes[0].dependencies, undefined);
    assert.match(applyEdits(text, d.fixes[0].edits), /new Lru<string, number>\(\{ max: SEEN_MAX \}\)/);
  });

  test('CRLF files keep CRLF', () => {
    const text = 'const seen = [];\r\nfunction f(x) {\r\n  seen.push(x);\r\n}\r\n';
    const [d] = analyzeSource('a.js', text);
    const fixed = applyEdits(text, d.fixes[0].edits);
    assert.equal(fixed.replace(/\r\n/g, '').includes('\n'), false, JSON.stringify(fixed));
  });

  test('two intervals in one handler get two handle names', () => {
    const text =
      'require("http").createServer((req, res) => {\n  setInterval(() => {}, 10);\n  setInterval(() => {}, 20);\n  res.end();\n});\n';
    const diagnostics = analyzeSource('a.js', text);
    const fixed = applyEdits(
      text,
      diagnostics.flatMap((d) => d.fixes[0].edits),
    );
    assert.match(fixed, /const interval = setInterval/);
    assert.match(fixed, /const interval2 = setInterval/);
  });

  test("a pool created with the request's values stays where it is", () => {
    const [d] = analyzeSource('a.js', read('hoist-pool', 'nofix.js'));
    assert.match(d.message, /pg Pool is created on every request/);
  });
});

describe('a finding from the heap, matched to the code', () => {
  const sample = readFileSync(join(REPO_ROOT, 'samples', 'leakyServer.js'), 'utf8');
  const handlerLine = sample.split('\n').findIndex((l) => l.includes('http.createServer(')) + 1;

  test('by the holder the retainer path names, wherever the code using it is', () => {
    // The leak check names the request handler's scope as the holder; the set() is in a helper.
    const finding: FindingLocator = {
      fix: { id: 'bound-cache' },
      path: ['request (closure)', '(internal) context (system / Context)', 'summaryCache (Map)'],
      source: { line: handlerLine, column: 34 },
    };
    const { diagnostics, reason } = fixesForFinding(finding, 'leakyServer.js', sample);
    assert.equal(reason, 'holder');
    assert.deepEqual(
      diagnostics.map((d) => [d.ruleId, d.subject]),
      [['bound-cache', 'summaryCache']],
    );
  });

  test('by the function at the source location when the path names no variable', () => {
    const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'intervalPerRequest.js'), 'utf8');
    const finding: FindingLocator = {
      fix: { id: 'timer-clear' },
      path: ['(internal) context (system / Context)', 'timerListMap (Object)', '[60000] (TimersList)'],
      source: { line: 5, column: 7 },
    };
    const { diagnostics, reason } = fixesForFinding(finding, 'intervalPerRequest.js', text);
    assert.equal(reason, 'function');
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].line, 7);
  });

  test('records that keep whole errors are also bounded, so the history stops growing', () => {
    const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'failureHistory.js'), 'utf8');
    const finding: FindingLocator = {
      fix: { id: 'keep-needed-fields' },
      path: ['handle (closure)', '(internal) context (system / Context)', 'recentFailures (Array)'],
    };
    const { diagnostics } = fixesForFinding(finding, 'failureHistory.js', text);
    assert.deepEqual(diagnostics.map((d) => d.ruleId).sort(), ['bound-array', 'keep-needed-fields']);
  });

  test('a fix id no rule answers matches nothing', () => {
    const finding: FindingLocator = {
      fix: { id: 'redis-offline-queue' },
      path: ['redis (Redis)', 'offlineQueue (Denque)'],
    };
    assert.deepEqual(fixesForFinding(finding, 'leakyServer.js', sample).diagnostics, []);
  });

  test('holder names are the variable part of each step', () => {
    assert.deepEqual(
      [...holderNames(['configBus (EventEmitter)', '_events (Object)', 'config-changed (Array)'])],
      ['configBus', '_events', 'config-changed'],
    );
  });
});

describe('frameworks whose request objects are not emitters themselves', () => {
  test('Fastify: the listener is removed when reply.raw closes', () => {
    const text =
      "const bus = require('./bus');\nfastify.get('/x', async (request, reply) => {\n  bus.on('tick', () => request.id);\n  return 'ok';\n});\n";
    const [d] = analyzeSource('a.js', text);
    assert.match(applyEdits(text, d.fixes[0].edits), /reply\.raw\.once\('close', \(\) => bus\.off\('tick', onTick\)\);/);
  });

  test('hapi: the interval is cleared when request.raw.res closes', () => {
    const text =
      "server.route({ method: 'GET', path: '/', handler: (request, h) => {\n  setInterval(() => request.info, 1000);\n  return 'ok';\n} });\n";
    const [d] = analyzeSource('a.js', text);
    assert.match(applyEdits(text, d.fixes[0].edits), /request\.raw\.res\.once\('close', \(\) => clearInterval\(interval\)\);/);
  });
});
