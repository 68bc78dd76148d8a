import { formatBytes } from '../common/bytes';
import { isLibraryFile } from './findings';
import type { SamplingNode, SamplingProfile } from '../memory/samplingProfile';
import { mappedSource } from './mapLocations';
import type { Finding, GroupGrowth, LocationMapper } from './types';

export type { SamplingNode, SamplingProfile } from '../memory/samplingProfile';

/** A frame of an allocation stack, one-based, innermost first in stacks. */
export interface StackFrame {
  functionName: string;
  url: string;
  line: number;
  column: number;
}

/**
 * A sampling leak check's evidence: the profile after the last cycle and GC, and the largest
 * sample ordinal seen at each boundary. `boundaries[0]` is the baseline's, `boundaries[i]` the
 * end of cycle i. Ordinals only grow, and a sample dead at a boundary never comes back, so a
 * live sample with an ordinal in (boundaries[i-1], boundaries[i]] was allocated in cycle i.
 */
export interface SamplingRun {
  samplingInterval: number;
  boundaries: number[];
  final: SamplingProfile;
}

/** Surviving memory allocated at one site, per cycle. */
export interface SiteGrowth {
  site: StackFrame;
  /** The heaviest stack into the site, innermost first. */
  stack: StackFrame[];
  /** Per cycle (index 0 is cycle 1): live samples, and the objects and bytes they stand for. */
  samples: number[];
  objects: number[];
  bytes: number[];
  growth: GroupGrowth;
}

export interface SamplingOptions {
  /** Growth below both of these per cycle is noise (defaults: 1 kB and 10 objects, as for snapshots). */
  minBytesPerCycle?: number;
  minObjectsPerCycle?: number;
  /** Fewer live samples than this in either half of the cycles is no evidence (default 2). */
  minSamplesPerHalf?: number;
  /**
   * Growth under this many bytes per cycle is not reported whatever the thresholds (default 0:
   * no floor). A healthy service keeps some memory from every cycle while it settles (a pool,
   * a cache filling, a driver's bookkeeping: tens of kB a cycle in the suite's apps); a snapshot
   * check finds the holder and sees it is bounded, sampling has no holder to look at.
   */
  floorBytesPerCycle?: number;
  /** Moves frames of generated code (tsc, bundlers) to the source it came from; the finding keeps where V8 ran it as `source.generated`. */
  mapLocation?: LocationMapper;
}

/**
 * Allocation sites whose surviving memory grows, each with how much survived from each cycle.
 * A sample stands for the bytes allocated between samples, so its object (of `size` bytes)
 * counts as 1 / (1 − e^(−size/interval)) objects, V8's own scaling.
 */
export function siteGrowth(run: SamplingRun): SiteGrowth[] {
  const cycles = run.boundaries.length - 1;
  if (cycles < 1) return [];
  const parents = new Map<number, { node: SamplingNode; parent?: number }>();
  const walk: Array<{ node: SamplingNode; parent?: number }> = [{ node: run.final.head }];
  while (walk.length > 0) {
    const item = walk.pop()!;
    parents.set(item.node.id, item);
    for (const child of item.node.children) walk.push({ node: child, parent: item.node.id });
  }
  const sites = new Map<string, { site: StackFrame; stacks: Map<number, number>; samples: number[]; objects: number[]; bytes: number[] }>();
  const siteOfNode = new Map<number, { key: string; site: StackFrame } | undefined>();
  for (const sample of run.final.samples) {
    const cycle = cycleOf(sample.ordinal, run.boundaries);
    if (cycle === undefined) continue;
    let located = siteOfNode.get(sample.nodeId);
    if (!siteOfNode.has(sample.nodeId)) {
      located = allocationSite(stackOf(sample.nodeId, parents));
      siteOfNode.set(sample.nodeId, located);
    }
    if (!located) continue;
    let entry = sites.get(located.key);
    if (!entry)
      sites.set(
        located.key,
        (entry = { site: located.site, stacks: new Map(), samples: zeros(cycles), objects: zeros(cycles), bytes: zeros(cycles) }),
      );
    const count = 1 / -Math.expm1(-sample.size / run.samplingInterval);
    entry.samples[cycle - 1] += 1;
    entry.objects[cycle - 1] += count;
    entry.bytes[cycle - 1] += count * sample.size;
    entry.stacks.set(sample.nodeId, (entry.stacks.get(sample.nodeId) ?? 0) + count * sample.size);
  }
  const mid = Math.ceil(cycles / 2);
  return [...sites.values()].map((e) => {
    const heaviest = [...e.stacks.entries()].sort((a, b) => b[1] - a[1])[0][0];
    return {
      site: e.site,
      stack: stackOf(heaviest, parents),
      samples: e.samples,
      objects: e.objects,
      bytes: e.bytes,
      growth: halvesGrowth(e.samples, e.objects, e.bytes, mid),
    };
  });
}

/**
 * The same evidence as the snapshot check's mid snapshot (analysis/diff's group growth): what
 * survives from the cycles before the middle and from those after it, both at a steady rate,
 * the second half at least half as fast as the first. A bounded cache that filled during
 * warm-up keeps nothing from the cycles; one that evicts keeps only the last cycle's entries.
 * Samples are sparse, so each half also needs `minSamples` live samples to count as growth.
 */
export function halvesGrowth(samples: number[], objects: number[], bytes: number[], mid: number, minSamples = 2): GroupGrowth {
  const cycles = samples.length;
  const sum = (a: number[], from: number, to: number) => a.slice(from, to).reduce((x, y) => x + y, 0);
  const cyclesBeforeMid = mid;
  const cyclesAfterMid = cycles - mid;
  const before = sum(objects, 0, mid);
  const after = sum(objects, mid, cycles);
  const rateBefore = sum(bytes, 0, mid) / Math.max(1, cyclesBeforeMid);
  const rateAfter = sum(bytes, mid, cycles) / Math.max(1, cyclesAfterMid);
  // Steady means adding in most cycles of each half, not a few bursts: requests in flight when a
  // reading happens (a server's req and res) leave samples in one cycle and none in the next two.
  const busyCycles = (from: number, to: number) => samples.slice(from, to).filter((n) => n > 0).length;
  const mostly = (from: number, to: number) => 2 * busyCycles(from, to) >= to - from;
  const steady =
    cyclesAfterMid > 0 &&
    sum(samples, 0, mid) >= minSamples &&
    sum(samples, mid, cycles) >= minSamples &&
    mostly(0, mid) &&
    mostly(mid, cycles) &&
    rateAfter >= 0.5 * rateBefore;
  return {
    cyclesBeforeMid,
    cyclesAfterMid,
    newBeforeMid: Math.round(before),
    newAfterMid: Math.round(after),
    objectsPerCycle: after / Math.max(1, cyclesAfterMid),
    bytesPerCycle: rateAfter,
    steady,
  };
}

/** Leaks named by allocation site: every site whose surviving memory grew steadily in both halves of the cycles. */
export function samplingFindings(run: SamplingRun, options: SamplingOptions = {}): Finding[] {
  const minBytes = options.minBytesPerCycle ?? 1024;
  const minObjects = options.minObjectsPerCycle ?? 10;
  const floor = options.floorBytesPerCycle ?? 0;
  const cycles = run.boundaries.length - 1;
  const mid = Math.ceil(cycles / 2);
  // The floor holds in both halves: what the last cycles alone keep (their requests' sockets
  // and buffers, still closing at the last reading) is not a leak's steady rate.
  const perCycle = (bytes: number[], from: number, to: number) => bytes.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, to - from);
  return siteGrowth(run)
    .map((s) => ({ ...s, growth: halvesGrowth(s.samples, s.objects, s.bytes, mid, options.minSamplesPerHalf) }))
    .filter(
      (s) =>
        s.growth.steady &&
        Math.min(perCycle(s.bytes, 0, mid), perCycle(s.bytes, mid, cycles)) >= floor &&
        (s.growth.bytesPerCycle >= minBytes || s.growth.objectsPerCycle >= minObjects),
    )
    .sort((a, b) => b.growth.bytesPerCycle - a.growth.bytesPerCycle)
    .map((s) => toFinding(s, options.mapLocation));
}

function toFinding(generated: SiteGrowth, mapLocation: LocationMapper | undefined): Finding {
  const s = mapLocation
    ? { ...generated, site: mapFrame(generated.site, mapLocation), stack: generated.stack.map((f) => mapFrame(f, mapLocation)) }
    : generated;
  const site = generated.site;
  const source = mappedSource(
    { file: site.url, line: site.line, column: site.column, functionName: site.functionName, role: 'allocated' as const },
    mapLocation,
  );
  const where = `${s.site.functionName} (${fileName(s.site.url)}:${s.site.line})`;
  const perCycle = s.bytes.map((b) => formatBytes(b)).join(', ');
  return {
    kind: 'unbounded-collection',
    title: `Memory allocated in ${where} survives every cycle`,
    confidence: 'medium',
    // No snapshot, so no retainer path: the allocation stack, outermost first, stands in for it
    // (compare matches findings of two runs by it).
    path: [...s.stack].reverse().map((f) => `${f.functionName} (${fileName(f.url)}:${f.line})`),
    holderPath: [],
    classes: [],
    growth: s.growth,
    source,
    stack: s.stack,
    fix: {
      id: 'release-references',
      summary:
        'Find where the objects allocated here are kept (a collection, a listener, a closure) and release them when done, or bound how many are kept.',
    },
    explanation: `Sampled allocations in ${where} that survive cleanup and GC grow in both halves of the run (about ${formatBytes(s.growth.bytesPerCycle)} per cycle; per cycle: ${perCycle}). The heap was sampled, not snapshotted: the function is where the objects are created, and the code that keeps them is usually next to it.`,
  };
}

function mapFrame(frame: StackFrame, mapLocation: LocationMapper): StackFrame {
  if (!frame.url || frame.line < 1) return frame;
  const mapped = mapLocation({ file: frame.url, line: frame.line, column: frame.column });
  return mapped ? { ...frame, url: mapped.file, line: mapped.line, column: mapped.column } : frame;
}

function cycleOf(ordinal: number, boundaries: number[]): number | undefined {
  if (ordinal <= boundaries[0]) return undefined;
  for (let i = 1; i < boundaries.length; i++) if (ordinal <= boundaries[i]) return i;
  return undefined;
}

function stackOf(nodeId: number, parents: Map<number, { node: SamplingNode; parent?: number }>): StackFrame[] {
  const stack: StackFrame[] = [];
  for (let at = parents.get(nodeId); at; at = at.parent !== undefined ? parents.get(at.parent) : undefined) {
    const f = at.node.callFrame;
    if (f.functionName === '(root)' && !f.url) continue;
    stack.push({ functionName: f.functionName || '(anonymous)', url: f.url, line: f.lineNumber + 1, column: f.columnNumber + 1 });
  }
  return stack;
}

/**
 * The frame a fix edits: the innermost in the program's own code; else the innermost in a
 * library; else nothing (Node's internals and V8's own work are not the program's leak).
 */
function allocationSite(stack: StackFrame[]): { key: string; site: StackFrame } | undefined {
  const scripts = stack.filter((f) => f.url && !f.url.startsWith('node:') && !f.url.startsWith('internal/'));
  const site = scripts.find((f) => !isLibraryFile(f.url)) ?? scripts[0];
  return site ? { key: `${site.url}:${site.line}:${site.column}:${site.functionName}`, site } : undefined;
}

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}
