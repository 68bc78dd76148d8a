import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../analysis/types';
import { memoryTrend } from '../memory/memoryTrend';
import type { MemorySample } from '../memory/types';
import { trendArrow, watchReportMarkdown, watchStatusText, watchTooltip, type WatchState } from './watchText';

const MB = 1e6;
const GiB = 1024 ** 3;

/** Readings every 10 s whose heap grows by `perReading` bytes, with a small wobble. */
function state(readings: number, perReading: number, findings: Finding[] = []): WatchState {
  const samples: MemorySample[] = Array.from({ length: readings }, (_, i) => {
    const heapUsed = 100 * MB + i * perReading + (i % 2 ? 50_000 : -50_000);
    return {
      at: 1_700_000_000_000 + i * 10_000,
      rss: heapUsed + 300 * MB,
      heapTotal: heapUsed * 1.2,
      heapUsed,
      external: 0,
      arrayBuffers: 0,
      maxRss: heapUsed + 300 * MB,
      heapPhysical: heapUsed,
      heapSizeLimit: 4 * GiB,
      spaces: [],
    };
  });
  return {
    samples,
    heapTrend: memoryTrend(samples.map((s) => ({ at: s.at, value: s.heapUsed }))),
    rssTrend: memoryTrend(samples.map((s) => ({ at: s.at, value: s.rss }))),
    findings,
  };
}

const finding: Finding = {
  kind: 'unbounded-collection',
  title: 'Arrays allocated in remember\u001b[31m keep growing',
  confidence: 'medium',
  path: ['remember'],
  holderPath: [],
  classes: [{ className: 'Array', countDelta: 100, retainedSizeDelta: 120_000 }],
  growth: {
    cyclesBeforeMid: 4,
    cyclesAfterMid: 4,
    newBeforeMid: 400,
    newAfterMid: 400,
    objectsPerCycle: 100,
    bytesPerCycle: 120_000,
    steady: true,
  },
  source: { file: '/app/leak.js', line: 3, column: 5, functionName: 'remember', role: 'allocated' },
  fix: { id: 'bound-cache', summary: 'Bound it.' },
  explanation: 'Arrays allocated in remember survive every reading.',
};

test("the status text: RSS now, the heap trend's direction and rate, and the limit", () => {
  const growing = state(12, 100_000);
  assert.equal(trendArrow(growing.heapTrend), '↑');
  // 100 kB per 10 s reading is 36 MB/h; the wobble moves the fitted line a little.
  assert.match(
    watchStatusText('node api.js (pid 42)', growing, { bytes: 1.5 * GiB, source: 'setting' }),
    /^\$\(pulse\) node api\.js 401 MB ↑ 3\d\.\d MB\/h · limit 1\.5 GiB$/,
  );
  assert.equal(watchStatusText('api', state(2, 100_000), undefined), '$(pulse) api 400 MB …');
  assert.equal(trendArrow(state(12, 0).heapTrend), '→');
  assert.equal(trendArrow(state(12, -100_000).heapTrend), '↓');
  assert.match(
    watchStatusText('api', { ...growing, trigger: 'The heap grew steadily.' }, { bytes: GiB, source: 'cgroup' }),
    /^\$\(loading~spin\) api 401 MB ↑ 3\d\.\d MB\/h · capturing$/,
  );
  assert.match(watchStatusText('x'.repeat(80), growing, undefined), /^\$\(pulse\) x{31}… /);
});

test('the tooltip says how sure the trend is, where the limit comes from, and which sites grow', () => {
  const tip = watchTooltip('node api.js (pid 42)', state(12, 100_000, [finding]), { bytes: GiB, source: 'cgroup' }, 10_000);
  assert.match(tip, /a reading every 10 s, 12 so far/);
  assert.match(tip, /Heap trend: 3\d\.\d MB\/h ± [\d.]+ MB\/h, steady growth/);
  assert.match(tip, /Limit: 1\.0 GiB, from the container's cgroup limit; shown only/);
  assert.match(
    tip,
    /• Arrays allocated in remember\\x1b\[31m keep growing, allocated in remember at \/app\/leak\.js:3:5: 120 kB per reading/,
  );
  const flat = watchTooltip('api', state(12, 0), { bytes: GiB, source: 'setting' }, 500);
  assert.match(flat, /nothing that stands out from the noise/);
  assert.match(flat, /from the leakscope\.watch\.rssLimit setting; crossing it takes a heap snapshot/);
  assert.match(flat, /none yet/);
  assert.match(watchTooltip('api', state(1, 0), undefined, 500), /too few readings for a trend yet[\s\S]*Limit: none known/);
});

test('the report keeps the trend, why the watch ended, the snapshot and the findings, with target text kept inert', () => {
  const md = watchReportMarkdown(
    'node `api`.js',
    {
      ...state(12, 100_000, [finding]),
      trigger: 'The heap grew steadily by 36.0 MB per hour.',
      snapshot: { file: '/s/watch.heapsnapshot', headroom: { reason: 'fits' } },
    },
    undefined,
    'unused',
  );
  assert.match(md, /^# Leakscope watch of node \\`api\\`\.js\n/);
  assert.match(md, /12 readings over 110 s; RSS 400 MB → 401 MB/);
  assert.match(md, /- Ended: The heap grew steadily/);
  assert.match(md, /- Heap snapshot: \/s\/watch\.heapsnapshot/);
  // Every findings line is indented: code, so a name from the heap cannot open Markdown.
  const findings = md.split('## Allocation sites whose surviving memory keeps growing\n\n')[1];
  for (const line of findings.trimEnd().split('\n')) assert.match(line, /^ {4}|^$/);
  assert.match(findings, /remember\\x1b\[31m/);
  const none = watchReportMarkdown(
    'api',
    { ...state(3, 0), snapshot: { headroom: { reason: 'A snapshot would need 2 GiB; not taken.' } } },
    undefined,
    'Stopped by the user.',
  );
  assert.match(none, /- Ended: Stopped by the user\./);
  assert.match(none, /- No heap snapshot: A snapshot would need 2 GiB; not taken\./);
  assert.match(none, /\n\nNone\.\n$/);
});
