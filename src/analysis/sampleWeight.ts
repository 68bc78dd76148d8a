/**
 * What one live sample of V8's sampling heap profiler stands for. The inspector reports a
 * sample's `size` already scaled: the object's size times the number of such objects it stands
 * for, round(1 / (1 − e^(−size/interval))) (v8-heap-profiler-agent-impl.cc, `sample.size *
 * sample.count`). So the reported size is the bytes the sample stands for, and the object's own
 * size is recovered by inverting that scaling (scaling the reported size again overstated small
 * objects' bytes by half as much again).
 */
export interface SampleWeight {
  bytes: number;
  objects: number;
}

/** Heap objects are at least two words and a multiple of one (x64, Node's builds). */
const MIN_OBJECT_SIZE = 16;
const WORD = 8;

export function sampleWeight(reportedSize: number, interval: number): SampleWeight {
  return { bytes: reportedSize, objects: reportedSize / objectSize(reportedSize, interval) };
}

const sizes = new Map<string, number>();

/**
 * The object size s that V8 scaled to `reported` = s × round(1 / (1 − e^(−s/interval))). The
 * rounding lets a few sizes fit one reported value (64 × 65 = 80 × 52); the smallest is taken,
 * small objects being the common case, so counts of tiny objects are near, not exact. Past eight
 * intervals the count is 1 and the size is what was reported.
 */
export function objectSize(reported: number, interval: number): number {
  if (reported >= 8 * interval) return reported;
  const key = `${reported}/${interval}`;
  let size = sizes.get(key);
  if (size === undefined) {
    size = smallestFit(reported, interval) ?? continuousFit(reported, interval);
    if (sizes.size > 10_000) sizes.clear();
    sizes.set(key, size);
  }
  return size;
}

function smallestFit(reported: number, interval: number): number | undefined {
  for (let s = MIN_OBJECT_SIZE; s <= reported; s += WORD) {
    if (reported % s !== 0) continue;
    if (Math.round(1 / -Math.expm1(-s / interval)) === reported / s) return s;
  }
  return undefined;
}

/** Where no word-sized object fits (another build's alignment): s / (1 − e^(−s/interval)) = reported, by bisection. */
function continuousFit(reported: number, interval: number): number {
  if (!(reported > interval)) return MIN_OBJECT_SIZE;
  const scaled = (s: number) => s / -Math.expm1(-s / interval);
  let low = 0;
  let high = reported;
  for (let i = 0; i < 60 && high - low > 0.5; i++) {
    const mid = (low + high) / 2;
    if (scaled(mid) < reported) low = mid;
    else high = mid;
  }
  return Math.max(MIN_OBJECT_SIZE, (low + high) / 2);
}
