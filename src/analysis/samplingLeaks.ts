import { formatBytes } from '../common/bytes';
import { isLibraryFile } from './findings';
import type { SamplingNode, SamplingProfile } from '../memory/samplingProfile';
import { mappedSource } from './mapLocations';
import { halvesGrowth } from './sampledHalves';
import { sampleWeight } from './sampleWeight';
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

/** A sample alive at the end, allocated during the cycles. */
interface LiveSample {
  /** Zero-based: 0 is cycle 1. */
  cycle: number;
  nodeId: number;
  bytes: number;
  objects: number;
  /** Its site, then every program frame that called it, innermost first, each once. */
  frames: StackFrame[];
}

/** Samples pooled under one frame: those allocated there, or in what it called. */
interface Pool {
  frame: StackFrame;
  /** 0 when the frame is some sample's site; else how many program frames it is above the nearest site. */
  depth: number;
  samples: LiveSample[];
}

/**
 * Allocation sites whose surviving memory grows, each with how much survived from each cycle:
 * the samples whose site it is, without what its callees allocated.
 */
export function siteGrowth(run: SamplingRun): SiteGrowth[] {
  const cycles = run.boundaries.length - 1;
  if (cycles < 1) return [];
  const stacks = stackReader(run.final);
  const sites = new Map<string, Pool>();
  for (const sample of liveSamples(run, stacks)) {
    const key = frameKey(sample.frames[0]);
    let pool = sites.get(key);
    if (!pool) sites.set(key, (pool = { frame: sample.frames[0], depth: 0, samples: [] }));
    pool.samples.push(sample);
  }
  const mid = Math.ceil(cycles / 2);
  return [...sites.values()].map((pool) => {
    const series = seriesOf(pool.samples, cycles);
    return {
      site: pool.frame,
      stack: stacks(heaviestNode(pool.samples)),
      ...series,
      growth: halvesGrowth(series.samples, series.objects, series.bytes, mid),
    };
  });
}

/**
 * Leaks named by allocation site: every site whose surviving memory grew steadily in both halves
 * of the cycles. One leak often allocates in several functions (a handler and the helpers or
 * callbacks it calls), each under the floor alone: what no site claims is pooled under the
 * program frames that called the sites, innermost first, and judged by the same evidence.
 */
export function samplingFindings(run: SamplingRun, options: SamplingOptions = {}): Finding[] {
  const cycles = run.boundaries.length - 1;
  if (cycles < 1) return [];
  const minBytes = options.minBytesPerCycle ?? 1024;
  const minObjects = options.minObjectsPerCycle ?? 10;
  const floor = options.floorBytesPerCycle ?? 0;
  const mid = Math.ceil(cycles / 2);
  const stacks = stackReader(run.final);
  const claimed = new Set<LiveSample>();
  const found: Array<SiteGrowth & { sites: SiteShare[] }> = [];
  // A callee's samples are a subset of its callers' pools: judging smaller pools first names the
  // function nearest the allocations that shows the growth.
  const pools = [...poolsOf(liveSamples(run, stacks))].sort((a, b) => a.depth - b.depth || a.samples.length - b.samples.length);
  for (const pool of pools) {
    const free = pool.samples.filter((s) => !claimed.has(s));
    if (free.length === 0) continue;
    const series = seriesOf(free, cycles);
    const growth = halvesGrowth(series.samples, series.objects, series.bytes, mid, options.minSamplesPerHalf);
    // The floor holds in both halves: what the last cycles alone keep (their requests' sockets
    // and buffers, still closing at the last reading) is not a leak's steady rate.
    const perCycle = (from: number, to: number) => series.bytes.slice(from, to).reduce((a, b) => a + b, 0) / Math.max(1, to - from);
    if (!growth.steady || Math.min(perCycle(0, mid), perCycle(mid, cycles)) < floor) continue;
    if (growth.bytesPerCycle < minBytes && growth.objectsPerCycle < minObjects) continue;
    for (const s of free) claimed.add(s);
    found.push({ site: pool.frame, stack: stacks(heaviestNode(free)), ...series, growth, sites: sitesOf(free) });
  }
  return found.sort((a, b) => b.growth.bytesPerCycle - a.growth.bytesPerCycle).map((s) => toFinding(s, s.sites, options.mapLocation));
}

function liveSamples(run: SamplingRun, stacks: (nodeId: number) => StackFrame[]): LiveSample[] {
  const framesOf = new Map<number, StackFrame[]>();
  const live: LiveSample[] = [];
  for (const sample of run.final.samples) {
    const cycle = cycleOf(sample.ordinal, run.boundaries);
    if (cycle === undefined) continue;
    let frames = framesOf.get(sample.nodeId);
    if (!frames) framesOf.set(sample.nodeId, (frames = allocationFrames(stacks(sample.nodeId))));
    if (frames.length === 0) continue;
    live.push({ cycle: cycle - 1, nodeId: sample.nodeId, ...sampleWeight(sample.size, run.samplingInterval), frames });
  }
  return live;
}

function poolsOf(samples: LiveSample[]): Iterable<Pool> {
  const pools = new Map<string, Pool>();
  for (const sample of samples)
    sample.frames.forEach((frame, depth) => {
      const key = frameKey(frame);
      const pool = pools.get(key);
      if (!pool) pools.set(key, { frame, depth, samples: [sample] });
      else {
        pool.depth = Math.min(pool.depth, depth);
        pool.samples.push(sample);
      }
    });
  return pools.values();
}

function seriesOf(samples: LiveSample[], cycles: number): { samples: number[]; objects: number[]; bytes: number[] } {
  const series = { samples: zeros(cycles), objects: zeros(cycles), bytes: zeros(cycles) };
  for (const s of samples) {
    series.samples[s.cycle] += 1;
    series.objects[s.cycle] += s.objects;
    series.bytes[s.cycle] += s.bytes;
  }
  return series;
}

function heaviestNode(samples: LiveSample[]): number {
  const byNode = new Map<number, number>();
  for (const s of samples) byNode.set(s.nodeId, (byNode.get(s.nodeId) ?? 0) + s.bytes);
  return [...byNode.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** A site's part of a finding's memory. */
interface SiteShare {
  site: StackFrame;
  bytes: number;
}

/** The sites of a finding's samples, heaviest first: one for a site's own finding, the callees' too for a pooled caller. */
function sitesOf(samples: LiveSample[]): SiteShare[] {
  const bySite = new Map<string, SiteShare>();
  for (const s of samples) {
    const key = frameKey(s.frames[0]);
    const entry = bySite.get(key) ?? { site: s.frames[0], bytes: 0 };
    entry.bytes += s.bytes;
    bySite.set(key, entry);
  }
  return [...bySite.values()].sort((a, b) => b.bytes - a.bytes);
}

function toFinding(generated: SiteGrowth, sites: SiteShare[], mapLocation: LocationMapper | undefined): Finding {
  const mapped = (f: StackFrame) => (mapLocation ? mapFrame(f, mapLocation) : f);
  const s = { ...generated, site: mapped(generated.site), stack: generated.stack.map(mapped) };
  const site = generated.site;
  const source = mappedSource(
    { file: site.url, line: site.line, column: site.column, functionName: site.functionName, role: 'allocated' as const },
    mapLocation,
  );
  const where = describe(s.site);
  const perCycle = s.bytes.map((b) => formatBytes(b)).join(', ');
  // A pooled caller: the memory was allocated in the functions it called (and maybe in itself).
  const own = sites.some((share) => frameKey(share.site) === frameKey(site));
  const pooled = sites.length > (own ? 1 : 0);
  const total = sites.reduce((sum, share) => sum + share.bytes, 0);
  const shares = sites
    .slice(0, 3)
    .map((share) => `${describe(mapped(share.site))} ${Math.round((100 * share.bytes) / total)}%`)
    .join(', ');
  const allocatedIn = !pooled ? where : own ? `${where} and what it calls` : `what ${where} calls`;
  return {
    kind: 'unbounded-collection',
    title: `Memory allocated in ${allocatedIn} survives every cycle`,
    confidence: 'medium',
    // No snapshot, so no retainer path: the allocation stack, outermost first, stands in for it
    // (compare matches findings of two runs by it).
    path: [...s.stack].reverse().map(describe),
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
    explanation:
      `Sampled allocations in ${allocatedIn}${pooled ? ` (${shares})` : ''} that survive cleanup and GC grow in both halves of the run ` +
      `(about ${formatBytes(s.growth.bytesPerCycle)} per cycle; per cycle: ${perCycle}). The heap was sampled, not snapshotted: ` +
      `the function is where the objects are created${pooled ? ' (no one function under it kept enough alone to tell a leak from noise)' : ''}, and the code that keeps them is usually next to it.`,
  };
}

function describe(f: StackFrame): string {
  return `${f.functionName} (${fileName(f.url)}:${f.line})`;
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

/** Each node's stack, innermost first, read from the profile's tree once per node. */
function stackReader(profile: SamplingProfile): (nodeId: number) => StackFrame[] {
  const parents = new Map<number, { node: SamplingNode; parent?: number }>();
  const walk: Array<{ node: SamplingNode; parent?: number }> = [{ node: profile.head }];
  while (walk.length > 0) {
    const item = walk.pop()!;
    parents.set(item.node.id, item);
    for (const child of item.node.children) walk.push({ node: child, parent: item.node.id });
  }
  return (nodeId) => {
    const stack: StackFrame[] = [];
    for (let at = parents.get(nodeId); at; at = at.parent !== undefined ? parents.get(at.parent) : undefined) {
      const f = at.node.callFrame;
      if (f.functionName === '(root)' && !f.url) continue;
      stack.push({ functionName: f.functionName || '(anonymous)', url: f.url, line: f.lineNumber + 1, column: f.columnNumber + 1 });
    }
    return stack;
  };
}

/**
 * The frame a fix edits, then the program's frames that called it. The site is the innermost
 * frame in the program's own code; else the innermost in a library; else there is none (Node's
 * internals and V8's own work are not the program's leak). Only the program's frames pool what
 * they call: a library's dispatch calls every handler, leaking or not.
 */
function allocationFrames(stack: StackFrame[]): StackFrame[] {
  const scripts = stack.filter((f) => f.url && !f.url.startsWith('node:') && !f.url.startsWith('internal/'));
  const own = scripts.filter((f) => !isLibraryFile(f.url));
  const site = own[0] ?? scripts[0];
  if (!site) return [];
  const frames = [site];
  const seen = new Set([frameKey(site)]);
  for (const f of own)
    if (!seen.has(frameKey(f))) {
      seen.add(frameKey(f));
      frames.push(f);
    }
  return frames;
}

function frameKey(f: StackFrame): string {
  return `${f.url}:${f.line}:${f.column}:${f.functionName}`;
}

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}
