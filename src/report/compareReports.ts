import type { Finding } from '../analysis/types';
import type { MemoryVerdictKind } from '../memory/types';
import type { LeakReport, LeakVerdict } from './leakReport';

/** How a head finding was recognised as a base finding. */
export type MatchBasis = 'path' | 'holder' | 'source';

/** Whether a finding present on both sides grows faster or slower per cycle in head. */
export type GrowthChange = 'worse' | 'better' | 'same';

export interface PersistingFinding {
  base: Finding;
  head: Finding;
  matchedBy: MatchBasis;
  change: GrowthChange;
  /** Head minus base. */
  bytesPerCycleDelta: number;
  objectsPerCycleDelta: number;
}

/** One side of the comparison, as its report states it. */
export interface ReportSide {
  /** The file or label the report came from, as given. */
  name: string;
  createdAt: string;
  verdict: LeakVerdict;
  summary: string;
  memoryVerdict: MemoryVerdictKind;
  memorySummary: string;
  findingCount: number;
}

/** `leakscope compare --json`: what a change did to the leaks of a leak check. */
export interface ReportComparison {
  schemaVersion: 1;
  base: ReportSide;
  head: ReportSide;
  /** In head, not in base: what the change makes leak. */
  newFindings: Finding[];
  /** In base, gone from head: what the change fixed. */
  fixedFindings: Finding[];
  /** On both sides, head's finding with the base it matched. */
  persisting: PersistingFinding[];
  /**
   * Workload settings that differ between the two checks, e.g. `requests per cycle: 100 → 200`:
   * per-cycle growth is then not like for like.
   */
  settingsDiffer: string[];
}

/**
 * Growth per cycle of a deterministic workload barely moves between runs; a quarter more is a
 * change, provided it is also above what the findings themselves count as noise.
 */
const CHANGE_RATIO = 1.25;
const MIN_BYTES_CHANGE = 1024;
const MIN_OBJECTS_CHANGE = 10;
/** A function anonymous on both sides is told by its line; a pull request moves lines a little. */
const LINE_SLACK = 40;

export function compareReports(
  base: LeakReport,
  head: LeakReport,
  names: { base: string; head: string } = { base: 'base', head: 'head' },
): ReportComparison {
  const pairs = matchFindings(base.findings, head.findings);
  const matchedBase = new Set(pairs.map((p) => p.base));
  const matchedHead = new Set(pairs.map((p) => p.head));
  return {
    schemaVersion: 1,
    base: side(base, names.base),
    head: side(head, names.head),
    newFindings: head.findings.filter((f) => !matchedHead.has(f)),
    fixedFindings: base.findings.filter((f) => !matchedBase.has(f)),
    persisting: pairs
      .sort((a, b) => head.findings.indexOf(a.head) - head.findings.indexOf(b.head))
      .map(({ base: b, head: h, matchedBy }) => ({
        base: b,
        head: h,
        matchedBy,
        change: growthChange(b, h),
        bytesPerCycleDelta: h.growth.bytesPerCycle - b.growth.bytesPerCycle,
        objectsPerCycleDelta: h.growth.objectsPerCycle - b.growth.objectsPerCycle,
      })),
    settingsDiffer: settingsDiffer(base, head),
  };
}

function side(r: LeakReport, name: string): ReportSide {
  return {
    name,
    createdAt: r.createdAt,
    verdict: r.verdict,
    summary: r.summary,
    memoryVerdict: r.memory.verdict.kind,
    memorySummary: r.memory.verdict.summary,
    findingCount: r.findings.length,
  };
}

function growthChange(base: Finding, head: Finding): GrowthChange {
  const b = base.growth;
  const h = head.growth;
  const up = (from: number, to: number, min: number) => to > from * CHANGE_RATIO && to - from >= min;
  if (up(b.bytesPerCycle, h.bytesPerCycle, MIN_BYTES_CHANGE) || up(b.objectsPerCycle, h.objectsPerCycle, MIN_OBJECTS_CHANGE))
    return 'worse';
  if (up(h.bytesPerCycle, b.bytesPerCycle, MIN_BYTES_CHANGE) || up(h.objectsPerCycle, b.objectsPerCycle, MIN_OBJECTS_CHANGE))
    return 'better';
  return 'same';
}

// ---- Matching ---------------------------------------------------------------------------------

interface Keyed {
  finding: Finding;
  kind: string;
  path: string;
  /** The holder and the step that leads to it: stable when the route from the GC root is not. */
  holder: string;
  mainClass: string;
  file?: string;
  functionName?: string;
  line?: number;
}

/**
 * Tiers from the strongest evidence to the weakest; each pairs what it can among the findings
 * still unpaired, so a finding matched by its full path is never taken by a looser rule.
 * Kind is always required: the same holder leaking in a different way is a different leak.
 */
const TIERS: Array<{ basis: MatchBasis; same: (b: Keyed, h: Keyed) => boolean }> = [
  { basis: 'path', same: (b, h) => b.path === h.path && b.mainClass === h.mainClass },
  // The holder is where it was, and what it keeps changed (a record got a new class).
  { basis: 'path', same: (b, h) => b.path === h.path },
  // The route from the root changed (a socket instead of a timer), the holder did not.
  { basis: 'holder', same: (b, h) => b.holder !== '' && b.holder === h.holder && b.mainClass === h.mainClass },
  // The holder was renamed or moved, in the same function of the same file.
  { basis: 'source', same: sameSource },
];

interface Pair {
  base: Finding;
  head: Finding;
  matchedBy: MatchBasis;
}

export function matchFindings(baseFindings: Finding[], headFindings: Finding[]): Pair[] {
  const base = baseFindings.map(keyed);
  const head = headFindings.map(keyed);
  const freeBase = new Set(base);
  const pairs: Pair[] = [];
  for (const tier of TIERS) {
    for (const h of head) {
      if (pairs.some((p) => p.head === h.finding)) continue;
      const candidates = [...freeBase].filter((b) => b.kind === h.kind && tier.same(b, h));
      if (candidates.length === 0) continue;
      const best = candidates.reduce((x, y) => (closeness(y, h) < closeness(x, h) ? y : x));
      freeBase.delete(best);
      pairs.push({ base: best.finding, head: h.finding, matchedBy: tier.basis });
    }
  }
  return pairs;
}

/** Among equally good candidates: same class first, then the nearest line, then the most similar growth. */
function closeness(b: Keyed, h: Keyed): number {
  const classPenalty = b.mainClass === h.mainClass ? 0 : 1e6;
  const linePenalty = b.line !== undefined && h.line !== undefined ? Math.abs(b.line - h.line) * 100 : 5000;
  const growthPenalty = Math.abs(Math.log((b.finding.growth.bytesPerCycle + 1) / (h.finding.growth.bytesPerCycle + 1)));
  return classPenalty + linePenalty + growthPenalty;
}

function sameSource(b: Keyed, h: Keyed): boolean {
  if (!b.file || !h.file || b.file !== h.file) return false;
  const named = (name?: string) => Boolean(name) && name !== '(anonymous)';
  if (named(b.functionName) || named(h.functionName)) return b.functionName === h.functionName;
  return b.line !== undefined && h.line !== undefined && Math.abs(b.line - h.line) <= LINE_SLACK;
}

function keyed(f: Finding): Keyed {
  const steps = f.path.map(normaliseStep);
  const last = steps.length - 1;
  // An index or a bare internal link says nothing about which holder it is; a name does.
  const namedHolder = last >= 0 && !/^[[(]/.test(steps[last]);
  return {
    finding: f,
    kind: f.kind,
    path: steps.join(' → '),
    holder: namedHolder ? steps.slice(Math.max(0, last - 1)).join(' → ') : '',
    mainClass: mainClass(f),
    ...(f.source ? { file: sourceFileKey(f.source.file), functionName: f.source.functionName, line: f.source.line } : {}),
  };
}

/**
 * What varies from run to run in a readable path is data, not code: array indices, ids in map
 * keys, numbered names. They are normalised away so that `[118] (Module)` in one run is
 * `[121] (Module)` in the next.
 */
export function normaliseStep(step: string): string {
  return step
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/gi, '<id>')
    .replace(/\d+(\.\d+)?/g, '#');
}

/** The grown class a reader would name: V8's pseudo-classes (`(array)`, `(string)`) are storage, not what leaks. */
function mainClass(f: Finding): string {
  return (f.classes.find((c) => !c.className.startsWith('(')) ?? f.classes[0])?.className ?? '';
}

/**
 * Base and head are often checked out in different folders (CI), so a source file is known by
 * the end of its path; the file name and its folder are enough within one project.
 */
function sourceFileKey(file: string): string {
  const path = file.replace(/^file:\/\//, '').replace(/[?#].*$/, '');
  return path.split(/[\\/]/).filter(Boolean).slice(-2).join('/');
}

// ---- Settings ---------------------------------------------------------------------------------

function settingsDiffer(base: LeakReport, head: LeakReport): string[] {
  const b = base.settings;
  const h = head.settings;
  const out: string[] = [];
  const note = (what: string, x: unknown, y: unknown) => {
    if (x !== y) out.push(`${what}: ${x ?? 'none'} → ${y ?? 'none'}`);
  };
  note('requests per cycle', b.requests, h.requests);
  // The port of a launched app is picked per run; the route is what the workload is.
  note('workload URL path', urlPath(b.workloadUrl), urlPath(h.workloadUrl));
  note('workload expression', b.workloadExpression, h.workloadExpression);
  note('cleanup expression', b.cleanupExpression, h.cleanupExpression);
  return out;
}

function urlPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url.replace(/\{i\}/g, '0'));
    return url.slice(url.indexOf(u.host) + u.host.length) || '/';
  } catch {
    return url;
  }
}
