import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SamplingNode, SamplingProfile } from '../memory/samplingProfile';
import { binomialLowerTail, halvesGrowth, slowerThanHalf } from './sampledHalves';
import { objectSize, sampleWeight } from './sampleWeight';
import { samplingFindings } from './samplingLeaks';

const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 4 });

/**
 * root → handler (app.js:10) → [cacheEntry (app.js:20), render (lib in node_modules:5), audit (app.js:30),
 * Array.from (builtin, no url) → label (app.js:40)]; a node: internal frame under root too.
 */
function tree(): SamplingNode {
  return {
    id: 1,
    callFrame: frame('(root)', '', -1),
    children: [
      {
        id: 2,
        callFrame: frame('handler', 'file:///srv/app.js', 9),
        children: [
          { id: 3, callFrame: frame('cacheEntry', 'file:///srv/app.js', 19), children: [] },
          { id: 4, callFrame: frame('render', 'file:///srv/node_modules/tpl/index.js', 4), children: [] },
          { id: 6, callFrame: frame('audit', 'file:///srv/app.js', 29), children: [] },
          {
            id: 7,
            callFrame: frame('from', '', -1),
            children: [{ id: 8, callFrame: frame('label', 'file:///srv/app.js', 39), children: [] }],
          },
        ],
      },
      { id: 5, callFrame: frame('emit', 'node:events', 500), children: [] },
    ],
  };
}

/**
 * Samples of objects of `size` bytes at `node`, `perCycle[i]` of them in cycle i + 1, with
 * ordinals in each cycle's range. The inspector reports each sample's size scaled by the objects
 * it stands for, as V8 rounds them: size × round(1 / (1 − e^(−size/interval))).
 */
function profile(
  groups: Array<{ node: number; size: number; perCycle: number[] }>,
  cycles: number,
  interval = 4096,
): { final: SamplingProfile; boundaries: number[] } {
  const reported = (size: number) => size * Math.round(1 / -Math.expm1(-size / interval));
  const boundaries = [100];
  const samples: SamplingProfile['samples'] = [];
  for (let c = 1; c <= cycles; c++) {
    let ordinal = boundaries[c - 1];
    for (const g of groups)
      for (let k = 0; k < g.perCycle[c - 1]; k++) samples.push({ nodeId: g.node, size: reported(g.size), ordinal: ++ordinal });
    boundaries.push(ordinal + 7); // samples that died before the boundary leave gaps
  }
  // A sample from before the baseline (warm-up) is never growth.
  samples.push({ nodeId: 3, size: reported(64), ordinal: 50 });
  return { final: { head: tree(), samples }, boundaries };
}

test('a site that keeps memory from every cycle is named with its stack; one that keeps only the last cycle is not', () => {
  const { final, boundaries } = profile(
    [
      { node: 3, size: 64, perCycle: [3, 4, 3, 4] },
      { node: 2, size: 200, perCycle: [0, 0, 0, 9] },
    ],
    4,
  );
  const findings = samplingFindings({ samplingInterval: 4096, boundaries, final });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.deepEqual(f.source, { file: 'file:///srv/app.js', line: 20, column: 5, functionName: 'cacheEntry', role: 'allocated' });
  assert.deepEqual(f.path, ['handler (app.js:10)', 'cacheEntry (app.js:20)']);
  assert.equal(f.stack?.[0].functionName, 'cacheEntry');
  assert.equal(f.growth.steady, true);
  assert.equal(f.growth.cyclesBeforeMid, 2);
  // Each 64-byte sample stands for 65 objects, 4160 bytes: 3.5 of them a cycle after the mid.
  assert.equal(f.growth.bytesPerCycle, 3.5 * 4160);
  assert.ok(Math.abs(f.growth.objectsPerCycle - 3.5 * 65) < 1, String(f.growth.objectsPerCycle));
});

test('memory allocated in a library is named at the program frame that called it', () => {
  const { final, boundaries } = profile([{ node: 4, size: 64, perCycle: [3, 3, 3, 3] }], 4);
  const [f] = samplingFindings({ samplingInterval: 4096, boundaries, final });
  assert.equal(f.source?.functionName, 'handler');
});

test('growth that stops in the second half, or only Node internals, is no finding', () => {
  const fills = profile([{ node: 3, size: 64, perCycle: [12, 10, 1, 0] }], 4);
  assert.deepEqual(samplingFindings({ samplingInterval: 4096, ...fills }), []);
  const internal = profile([{ node: 5, size: 64, perCycle: [3, 3, 3, 3] }], 4);
  assert.deepEqual(samplingFindings({ samplingInterval: 4096, ...internal }), []);
});

test('one stray sample per half is not evidence', () => {
  const g = halvesGrowth([1, 0, 0, 1], [64, 0, 0, 64], [4096, 0, 0, 4096], 2);
  assert.equal(g.steady, false);
  assert.equal(halvesGrowth([1, 1, 1, 1], [64, 64, 64, 64], [4096, 4096, 4096, 4096], 2).steady, true);
});

test('bursts in a few cycles of each half are not steady growth, though their sums are', () => {
  // Measured from a watch of a healthy server: requests in flight at a reading, then nothing.
  const samples = [4, 0, 0, 2, 0, 5, 0, 7, 0, 0];
  assert.equal(
    halvesGrowth(
      samples,
      samples.map((n) => n * 2),
      samples.map((n) => n * 4096),
      5,
    ).steady,
    false,
  );
  const mostCycles = [4, 0, 3, 2, 1, 5, 2, 0, 3, 1];
  assert.equal(
    halvesGrowth(
      mostCycles,
      mostCycles.map((n) => n * 2),
      mostCycles.map((n) => n * 4096),
      5,
    ).steady,
    true,
  );
});

test('steady growth under the floor is no finding; at or above it, it is', () => {
  // 3–4 samples of 64 bytes a cycle stand for ~14 kB a cycle.
  const { final, boundaries } = profile([{ node: 3, size: 64, perCycle: [3, 4, 3, 4] }], 4);
  assert.equal(samplingFindings({ samplingInterval: 4096, boundaries, final }, { floorBytesPerCycle: 48 * 1024 }).length, 0);
  assert.equal(samplingFindings({ samplingInterval: 4096, boundaries, final }, { floorBytesPerCycle: 8 * 1024 }).length, 1);
});

test('the floor holds in both halves: a site the last cycles alone push over it is no finding', () => {
  // ~4.2 kB a cycle in the first half, ~15 kB in the second: over an 8 kB floor on average after the mid, not before it.
  const late = profile([{ node: 3, size: 64, perCycle: [1, 1, 2, 5] }], 4);
  assert.equal(samplingFindings({ samplingInterval: 4096, ...late }, { floorBytesPerCycle: 8 * 1024 }).length, 0);
  const both = profile([{ node: 3, size: 64, perCycle: [3, 3, 3, 4] }], 4);
  assert.equal(samplingFindings({ samplingInterval: 4096, ...both }, { floorBytesPerCycle: 8 * 1024 }).length, 1);
});

test('a site in generated code is named at its source, and keeps where V8 ran it', () => {
  const { final, boundaries } = profile([{ node: 3, size: 64, perCycle: [3, 4, 3, 4] }], 4);
  const mapLocation = (l: { file: string; line: number; column: number }) =>
    l.file === 'file:///srv/app.js' ? { file: '/srv/src/app.ts', line: l.line + 100, column: 1 } : undefined;
  const [f] = samplingFindings({ samplingInterval: 4096, boundaries, final }, { mapLocation });
  assert.deepEqual(f.source, {
    file: '/srv/src/app.ts',
    line: 120,
    column: 1,
    functionName: 'cacheEntry',
    role: 'allocated',
    generated: { file: 'file:///srv/app.js', line: 20, column: 5 },
  });
  assert.deepEqual(f.path, ['handler (app.ts:110)', 'cacheEntry (app.ts:120)']);
  assert.match(f.title, /cacheEntry \(app\.ts:120\)/);
});

test('a leak split over functions each under the floor is named at the program frame that calls them', () => {
  // ~8 kB a cycle in each of audit and label (called through a builtin): 16 kB under handler.
  const split = profile(
    [
      { node: 6, size: 64, perCycle: [2, 2, 2, 2] },
      { node: 8, size: 64, perCycle: [2, 2, 2, 2] },
    ],
    4,
  );
  const findings = samplingFindings({ samplingInterval: 4096, ...split }, { floorBytesPerCycle: 12 * 1024 });
  assert.equal(findings.length, 1);
  const [f] = findings;
  assert.equal(f.source?.functionName, 'handler');
  assert.equal(f.growth.bytesPerCycle, 4 * 4160);
  assert.match(f.title, /^Memory allocated in what handler \(app\.js:10\) calls survives every cycle$/);
  assert.match(f.explanation, /\((audit|label) \(app\.js:[34]0\) 50%, (audit|label) \(app\.js:[34]0\) 50%\)/);
  // The stack still reaches the allocating function, innermost first.
  assert.ok(['audit', 'label'].includes(f.stack![0].functionName));
});

test('a caller that allocates too is named with what it calls', () => {
  const split = profile(
    [
      { node: 2, size: 64, perCycle: [2, 2, 2, 2] },
      { node: 6, size: 64, perCycle: [2, 2, 2, 2] },
    ],
    4,
  );
  const [f] = samplingFindings({ samplingInterval: 4096, ...split }, { floorBytesPerCycle: 12 * 1024 });
  assert.equal(f.title, 'Memory allocated in handler (app.js:10) and what it calls survives every cycle');
  assert.match(f.explanation, /\((handler|audit) \(app\.js:[13]0\) 50%, (handler|audit) \(app\.js:[13]0\) 50%\)/);
});

test('a callee that shows the growth alone is named, and its caller not again for the same memory', () => {
  const { final, boundaries } = profile(
    [
      { node: 3, size: 64, perCycle: [5, 5, 5, 5] },
      { node: 6, size: 64, perCycle: [1, 0, 1, 0] },
    ],
    4,
  );
  const findings = samplingFindings({ samplingInterval: 4096, boundaries, final }, { floorBytesPerCycle: 12 * 1024 });
  assert.deepEqual(
    findings.map((f) => f.source?.functionName),
    ['cacheEntry'],
  );
});

test('the second half is slower than half the first only when the counts say so, not by a ratio of sparse estimates', () => {
  // A steady leak of twelve samples a cycle can see 20 then 9 by chance; a filled cache sees 22 then 1.
  assert.equal(slowerThanHalf(20, 9, 2, 2), false);
  assert.equal(slowerThanHalf(24, 24, 2, 2), false);
  assert.equal(slowerThanHalf(22, 1, 2, 2), true);
  assert.equal(slowerThanHalf(60, 8, 2, 2), true);
  // Unequal halves: three cycles before the mid and two after.
  assert.equal(slowerThanHalf(30, 20, 3, 2), false);
  assert.equal(slowerThanHalf(30, 3, 3, 2), true);
});

test('the binomial tail', () => {
  assert.ok(Math.abs(binomialLowerTail(1, 4, 0.5) - 5 / 16) < 1e-12);
  assert.equal(binomialLowerTail(4, 4, 0.3), 1);
  assert.ok(Math.abs(binomialLowerTail(2, 10, 0.25) - 0.5256) < 1e-4);
  // Thousands of samples neither overflow nor underflow: 900 of 3000 at a third is 3.9 sd under the mean.
  const t = binomialLowerTail(900, 3000, 1 / 3);
  assert.ok(t > 1e-5 && t < 1e-4, String(t));
});

test('a sample stands for the bytes the inspector reports, and for as many objects as V8 scaled its size by', () => {
  const small = sampleWeight(64 * 129, 8192);
  assert.equal(small.bytes, 64 * 129);
  assert.ok(Math.abs(small.objects - 129) < 2, String(small.objects));
  // An object far larger than the interval is one object.
  const big = sampleWeight(1_000_000, 8192);
  assert.equal(big.bytes, 1_000_000);
  assert.ok(Math.abs(big.objects - 1) < 0.01, String(big.objects));
  assert.equal(objectSize(20_000 * Math.round(1 / -Math.expm1(-20_000 / 8192)), 8192), 20_000);
  // Two sizes fit 4160 at 4096 (64 × 65 and 80 × 52): the smaller is taken.
  assert.equal(objectSize(4160, 4096), 64);
});
