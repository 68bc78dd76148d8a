import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../analysis/types';
import { assertGolden } from '../../test/helpers/assertGolden';
import { renderCompareMarkdown } from '../render/compareMarkdown';
import { compareReports, matchFindings, normaliseStep } from './compareReports';
import type { LeakReport } from './leakReport';
import { EVIL_IMG, EVIL_MARKDOWN, EVIL_SCRIPT, EVIL_TERMINAL, outsideCode, tableCells } from '../../test/helpers/testData';

// A service before and after a pull request that bounds its summary cache, renames a buffer in
// the same function, moves that function down a few lines, doubles what each window entry keeps
// and starts adding a listener per request.

const SERVER = [
  'Node / TCPServerWrap',
  '(internal) native_to_javascript (TCP)',
  '<symbol owner_symbol> (Server)',
  '_events (Object)',
  'request (closure)',
  '(internal) context (system / Context)',
];

function finding(over: Partial<Finding> & { path: string[]; className: string; bytes: number; objects: number }): Finding {
  const { className, bytes, objects, ...rest } = over;
  return {
    kind: 'unbounded-collection',
    title: `${over.path.at(-1)} grows`,
    confidence: 'high',
    holderPath: [],
    classes: [
      { className: '(array)', countDelta: 1, retainedSizeDelta: bytes * 20 },
      { className, countDelta: objects * 4, retainedSizeDelta: bytes * 4 },
    ],
    growth: {
      cyclesBeforeMid: 3,
      cyclesAfterMid: 2,
      newBeforeMid: objects * 3,
      newAfterMid: objects * 2,
      objectsPerCycle: objects,
      bytesPerCycle: bytes,
      steady: true,
    },
    fix: { id: 'bound-cache', summary: 'Bound it.' },
    explanation: 'It grows.',
    ...rest,
  };
}

function report(findings: Finding[], over: Partial<LeakReport> = {}): LeakReport {
  return {
    schemaVersion: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    verdict: findings.length > 0 ? 'leak' : 'no-leak',
    summary: 'Summary.',
    target: { command: ['node', 'app.js'], endpoint: 'ws://127.0.0.1:9229/x' },
    settings: { warmup: 1, cycles: 5, workloadUrl: 'http://127.0.0.1:4000/orders/{i}', requests: 100, trackAllocations: false },
    findings,
    memory: {
      samples: [],
      breakdown: { rss: 0, heapUsed: 0, heapFree: 0, external: 0, fileBacked: 0, native: 0 },
      verdict:
        findings.length > 0
          ? { kind: 'leak', summary: 'Live objects grow: 4.6 MB to 5.7 MB over 5 cycles.' }
          : { kind: 'no-leak', summary: 'The live heap is flat.' },
    },
    snapshots: { baseline: 'baseline.heapsnapshot', after: 'after.heapsnapshot' },
    diff: {} as LeakReport['diff'],
    ...over,
  };
}

const holderSource = (line: number, functionName = 'handleOrder') => ({
  file: '/ci/base/src/server.js',
  line,
  column: 3,
  functionName,
  role: 'holder' as const,
});

function basePair(): { base: LeakReport; head: LeakReport } {
  const base = report([
    finding({
      path: [...SERVER, 'summaryCache (Map)'],
      className: 'OrderSummary',
      bytes: 170_000,
      objects: 3003,
      source: holderSource(20),
    }),
    finding({
      path: [...SERVER, 'recentRequests (Array)'],
      className: 'Object',
      bytes: 75_600,
      objects: 2201,
      title: 'recentRequests (Array) is pushed to every cycle and never trimmed',
    }),
    finding({
      path: ['(Global handles)', '[118] (Module)', 'exports (Object)', 'buffers (Array)'],
      className: 'Buffer',
      bytes: 40_000,
      objects: 100,
      source: holderSource(60, '(anonymous)'),
    }),
  ]);
  const head = report(
    [
      // The window now keeps twice as much per entry, and the route from the root goes through a timer.
      finding({
        path: [
          '(Strong roots)',
          '[12] (TimersList)',
          '_idleNext (Timeout)',
          '_onTimeout (closure)',
          '(internal) context (system / Context)',
          'recentRequests (Array)',
        ],
        className: 'Object',
        bytes: 151_200,
        objects: 2201,
        title: 'recentRequests (Array) is pushed to every cycle and never trimmed',
      }),
      // Renamed holder, same anonymous function three lines further down, in a different checkout.
      finding({
        path: ['(Global handles)', '[121] (Module)', 'exports (Object)', 'chunks (Array)'],
        className: 'Buffer',
        bytes: 41_000,
        objects: 100,
        source: { ...holderSource(63, '(anonymous)'), file: '/home/runner/work/app/src/server.js' },
      }),
      finding({
        kind: 'listener',
        path: [...SERVER.slice(0, 3), 'configBus (EventEmitter)', '_events (Object)', `${EVIL_MARKDOWN} (Array)`],
        className: '(closure)',
        bytes: 6_400,
        objects: 100,
        title: `'${EVIL_IMG}' listeners on configBus grow by one per request ${EVIL_TERMINAL}`,
        fix: { id: 'listener-remove', summary: `Add the listener once, or remove it when done. ${EVIL_SCRIPT}` },
        source: { file: 'file:///ci/head/src/config.js', line: 12, column: 5, functionName: 'subscribe', role: 'holder' },
      }),
    ],
    { settings: { warmup: 1, cycles: 5, workloadUrl: 'http://127.0.0.1:4711/orders/{i}', requests: 100, trackAllocations: false } },
  );
  return { base, head };
}

describe('compareReports', () => {
  it('sorts findings into new, fixed and still leaking', () => {
    const { base, head } = basePair();
    const c = compareReports(base, head);
    assert.deepEqual(
      c.newFindings.map((f) => f.kind),
      ['listener'],
    );
    assert.deepEqual(
      c.fixedFindings.map((f) => f.path.at(-1)),
      ['summaryCache (Map)'],
    );
    assert.deepEqual(
      c.persisting.map((p) => [p.head.path.at(-1), p.matchedBy, p.change]),
      [
        ['recentRequests (Array)', 'holder', 'worse'],
        ['chunks (Array)', 'source', 'same'],
      ],
    );
    assert.equal(c.persisting[0].bytesPerCycleDelta, 75_600);
    // The port of a launched app differs per run and is not a different workload.
    assert.deepEqual(c.settingsDiffer, []);
  });

  it('reversed, the fixed finding is new and the new one fixed', () => {
    const { base, head } = basePair();
    const c = compareReports(head, base);
    assert.deepEqual(
      c.newFindings.map((f) => f.path.at(-1)),
      ['summaryCache (Map)'],
    );
    assert.deepEqual(
      c.fixedFindings.map((f) => f.kind),
      ['listener'],
    );
    assert.equal(c.persisting.find((p) => p.head.path.at(-1) === 'recentRequests (Array)')?.change, 'better');
  });

  it('normalises what varies from run to run in a path', () => {
    assert.equal(normaliseStep('[118] (Module)'), normaliseStep('[4021] (Module)'));
    assert.equal(normaliseStep('session-8812 (Object)'), normaliseStep('session-17 (Object)'));
    assert.equal(
      normaliseStep('3f2a9c1e-0b7d-4e2f-9a61-0c5d2b7e8f10 (Session)'),
      normaliseStep('a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d (Session)'),
    );
    assert.notEqual(normaliseStep('summaryCache (Map)'), normaliseStep('recentRequests (Map)'));
  });

  it('needs the same kind, and lets the full path win over a looser rule', () => {
    const cache = finding({
      path: ['(Global handles)', 'cache (Map)'],
      className: 'Order',
      bytes: 2000,
      objects: 20,
      source: holderSource(5),
    });
    const other = finding({
      path: ['(Global handles)', 'other (Map)'],
      className: 'Order',
      bytes: 2000,
      objects: 20,
      source: holderSource(5),
    });
    // Both share a source function; `cache` must pair with `cache`, whatever the order.
    const pairs = matchFindings([other, cache], [cache, other]);
    assert.deepEqual(
      pairs.map((p) => [p.base.path.at(-1), p.head.path.at(-1), p.matchedBy]),
      [
        ['cache (Map)', 'cache (Map)', 'path'],
        ['other (Map)', 'other (Map)', 'path'],
      ],
    );
    assert.deepEqual(matchFindings([cache], [{ ...cache, kind: 'metric-cardinality' }]), []);
  });

  it('says when the two checks ran different workloads', () => {
    const { base, head } = basePair();
    head.settings = { ...head.settings, requests: 200, workloadUrl: 'http://127.0.0.1:4711/users/{i}' };
    assert.deepEqual(compareReports(base, head).settingsDiffer, [
      'requests per cycle: 100 → 200',
      'workload URL path: /orders/{i} → /users/{i}',
    ]);
  });
});

describe('renderCompareMarkdown', () => {
  it('matches the golden file', () => {
    const { base, head } = basePair();
    assertGolden('compare.md', renderCompareMarkdown(compareReports(base, head, { base: 'base/report.json', head: 'head/report.json' })));
  });

  it('says so when neither side leaks', () => {
    const md = renderCompareMarkdown(compareReports(report([]), report([])));
    assert.match(md, /^## Leakscope: no leaks in base or head\n/);
    assert.ok(md.includes('Neither check found anything'));
  });

  it('keeps hostile heap strings inside code spans and tables intact', () => {
    const { base, head } = basePair();
    const md = renderCompareMarkdown(compareReports(base, head));
    // Titles are prose with every Markdown-significant character backslash-escaped, which shows it literally.
    const prose = outsideCode(md).replace(/\\[\\`*_[\]<>|~&$#!]/g, '');
    for (const needle of ['<img', '</script', '@octocat', '$x$', '[f](', '\x1b', '\u202e', '\x07']) {
      assert.ok(!prose.includes(needle), `${JSON.stringify(needle)} outside a code span`);
    }
    for (const table of md.split('\n\n').filter((block) => block.startsWith('|'))) {
      const rows = table.split('\n');
      const width = tableCells(rows[0]).length;
      for (const row of rows) assert.equal(tableCells(row).length, width, row);
    }
  });

  it('caps each list', () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      finding({ path: ['(Global handles)', `cache${'x'.repeat(i)} (Map)`], className: 'Order', bytes: 2000, objects: 20 }),
    );
    const md = renderCompareMarkdown(compareReports(report([]), report(many)), { maxFindings: 10 });
    assert.ok(md.includes('…and 4 more.'));
    assert.ok(md.includes('\n10. **'));
  });
});
