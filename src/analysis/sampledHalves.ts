import type { GroupGrowth } from './types';

/**
 * Below this chance of seeing so few samples in the second half if it kept at least half the
 * first half's rate, the second half is called slower. Samples are Poisson counts: a steady
 * leak of twelve samples a cycle sees its second half under half the first about one check in
 * seventy by chance alone, which the point comparison called a stop.
 */
const SLOWER_SIGNIFICANCE = 0.05;

/**
 * The same evidence as the snapshot check's mid snapshot (analysis/diff's group growth): what
 * survives from the cycles before the middle and from those after it, both at a steady rate,
 * the second half at least half as fast as the first. A bounded cache that filled during
 * warm-up keeps nothing from the cycles; one that evicts keeps only the last cycle's entries.
 * Samples are sparse, so each half also needs `minSamples` live samples to count as growth, and
 * "at least half as fast" is judged on the sample counts as a test, not a ratio of estimates.
 */
export function halvesGrowth(samples: number[], objects: number[], bytes: number[], mid: number, minSamples = 2): GroupGrowth {
  const cycles = samples.length;
  const sum = (a: number[], from: number, to: number) => a.slice(from, to).reduce((x, y) => x + y, 0);
  const cyclesBeforeMid = mid;
  const cyclesAfterMid = cycles - mid;
  const samplesBefore = sum(samples, 0, mid);
  const samplesAfter = sum(samples, mid, cycles);
  const rateAfter = sum(bytes, mid, cycles) / Math.max(1, cyclesAfterMid);
  // Steady means adding in most cycles of each half, not a few bursts: requests in flight when a
  // reading happens (a server's req and res) leave samples in one cycle and none in the next two.
  const busyCycles = (from: number, to: number) => samples.slice(from, to).filter((n) => n > 0).length;
  const mostly = (from: number, to: number) => 2 * busyCycles(from, to) >= to - from;
  const steady =
    cyclesAfterMid > 0 &&
    samplesBefore >= minSamples &&
    samplesAfter >= minSamples &&
    mostly(0, mid) &&
    mostly(mid, cycles) &&
    !slowerThanHalf(samplesBefore, samplesAfter, cyclesBeforeMid, cyclesAfterMid);
  return {
    cyclesBeforeMid,
    cyclesAfterMid,
    newBeforeMid: Math.round(sum(objects, 0, mid)),
    newAfterMid: Math.round(sum(objects, mid, cycles)),
    objectsPerCycle: sum(objects, mid, cycles) / Math.max(1, cyclesAfterMid),
    bytesPerCycle: rateAfter,
    steady,
  };
}

/**
 * Whether the second half's samples are significantly fewer than half the first half's rate
 * would give. Given n samples in all, a second half at exactly half the rate holds each with
 * probability p = (after / 2) / (before + after / 2), cycles counted; seeing `inAfter` or fewer
 * has the binomial tail's chance.
 */
export function slowerThanHalf(inBefore: number, inAfter: number, cyclesBefore: number, cyclesAfter: number): boolean {
  const n = inBefore + inAfter;
  if (n === 0 || cyclesBefore === 0 || cyclesAfter === 0) return false;
  const p = cyclesAfter / 2 / (cyclesBefore + cyclesAfter / 2);
  return binomialLowerTail(inAfter, n, p) < SLOWER_SIGNIFICANCE;
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed in logs so that thousands of samples do not underflow. */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, i) built up term by term from log C(n, 0) = 0.
  let logChoose = 0;
  let total = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logChoose + i * logP + (n - i) * logQ);
  }
  return Math.min(1, total);
}
