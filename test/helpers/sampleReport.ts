import type { Finding } from '../../src/analysis/types';
import type { LeakReport } from '../../src/report/leakReport';
import { sampleDiff, sessionCachePath } from './testData';

/** A complete report.json of a check that found one growing Map, every field filled in as `run` writes it. */
export function sampleReport(): LeakReport {
  const diff = sampleDiff();
  const finding: Finding = {
    kind: 'unbounded-collection',
    title: 'sessionCache (Map) grows by 100 entries per cycle',
    confidence: 'high',
    path: sessionCachePath.map((s) => `${s.edge} (${s.node.className})`),
    holderPath: sessionCachePath,
    classes: [{ className: 'Session', countDelta: 500, retainedSizeDelta: 64_000 }],
    growth: {
      cyclesBeforeMid: 3,
      cyclesAfterMid: 2,
      newBeforeMid: 300,
      newAfterMid: 200,
      objectsPerCycle: 100,
      bytesPerCycle: 12_800,
      steady: true,
    },
    source: { file: '/app/src/sessions.js', line: 12, column: 5, functionName: 'login', role: 'inserts' },
    fix: { id: 'bound-cache', summary: 'Bound the Map or delete entries when a session ends.' },
    explanation: 'Every login adds a Session that nothing removes.',
  };
  const sample = {
    at: 1,
    rss: 50e6,
    heapTotal: 20e6,
    heapUsed: 10e6,
    external: 1e6,
    arrayBuffers: 1e5,
    maxRss: 51e6,
    heapPhysical: 20e6,
    heapSizeLimit: 2e9,
    spaces: [{ name: 'old_space', size: 1, used: 1, available: 1, physical: 1 }],
  };
  return {
    schemaVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    verdict: 'leak',
    summary: 'One holder grows steadily across the cycles.',
    target: { command: ['node', 'app.js'], endpoint: 'ws://127.0.0.1:9229/x' },
    settings: { warmup: 1, cycles: 5, workloadUrl: 'http://127.0.0.1:3000/login', requests: 100, trackAllocations: false },
    findings: [finding],
    packages: [{ name: 'express', version: '5.0.0', holders: 1, objects: 10, retainedSize: 100, bytesPerCycle: 10 }],
    memory: {
      samples: [
        { ...sample, label: 'baseline' },
        { ...sample, at: 2, label: 'cycle 1', linux: { rssAnon: 1, rssFile: 1, rssShmem: 0, vmHwm: 2, vmSwap: 0 } },
      ],
      breakdown: { rss: 50e6, heapUsed: 10e6, heapFree: 10e6, external: 1e6, fileBacked: 5e6, native: 24e6 },
      verdict: { kind: 'leak', summary: 'The live heap grows.', advice: 'Look at the findings.' },
    },
    snapshots: { baseline: 'baseline.heapsnapshot', mid: 'mid.heapsnapshot', after: 'after.heapsnapshot' },
    diff,
    capture: { requested: 'auto', mode: 'snapshot', reason: 'A snapshot fits.' },
  };
}
