import type { Finding } from '../analysis/types';
import { formatBinaryBytes } from '../common/bytes';
import type { Headroom } from '../memory/headroom';
import {
  ClosureHolderWalk,
  DEFAULT_WALK_BUDGET,
  type AllocationSite,
  type HolderCandidate,
  type WalkBudget,
} from '../inspector/closureHolders';
import type { InspectorConnection } from '../inspector/connection';
import type { RetainerStep } from '../snapshot/types';

/**
 * `Runtime.queryObjects` collects all garbage and walks the whole heap: measured on Node 20 it
 * raised the target's RSS by 1.4× (51 MB of used heap) to 1.6× (305 MB) its used heap, and took
 * 0.9 s and over 5 s. The walk is left out when that much is not free under the target's limit.
 */
export const WALK_COST_PER_HEAP_BYTE = 2;

/**
 * A sampling check promises to stay light (the bound: the target's peak within 1.2× its
 * RSS), so the walk may add at most a fifth of the target's RSS, or 64 MiB on small services
 * where that is nothing; past that the finding names its allocation site without a holder.
 */
export const WALK_SHARE_OF_RSS = 0.2;
export const WALK_ALWAYS_AFFORDABLE = 64 * 1024 * 1024;

/** Sites walked for a holder: the few whose surviving samples weigh most. */
export const MAX_HOLDER_SITES = 3;

/**
 * Names the holder of sampling findings without a snapshot: before the last cycle, the
 * collections the allocating functions' closures reach are sized (a bounded walk); after it, the
 * one that grew most is the holder. A finding whose site was not walked, or where nothing grew,
 * says so.
 */
export class SamplingHolderProbe {
  private walk?: ClosureHolderWalk;
  private readonly candidates = new Map<string, HolderCandidate[]>();
  private skipped?: string;

  constructor(
    private readonly connection: InspectorConnection,
    private readonly budget: WalkBudget = DEFAULT_WALK_BUDGET,
  ) {}

  /** Before the last cycle: sizes what the heaviest allocation sites so far can reach, when `headroom` leaves room for it. */
  async before(sites: readonly AllocationSite[], headroom: Headroom): Promise<void> {
    const cost = headroom.heapUsed * WALK_COST_PER_HEAP_BYTE;
    if (headroom.available !== undefined && cost > headroom.available) {
      this.skipped = `the walk over the inspector would add about ${formatBinaryBytes(cost)} to the target (it walks the whole heap once), more than the ${formatBinaryBytes(headroom.available)} it has left`;
      return;
    }
    const light = Math.max(headroom.rss * WALK_SHARE_OF_RSS, WALK_ALWAYS_AFFORDABLE);
    if (cost > light) {
      this.skipped = `the walk over the inspector would add about ${formatBinaryBytes(cost)} to the target (it walks the whole heap once), more than a sampling check allows itself (a fifth of its RSS of ${formatBinaryBytes(headroom.rss)}); a snapshot check names the holder`;
      return;
    }
    this.walk = new ClosureHolderWalk(this.connection, this.budget);
    for (const site of sites.slice(0, MAX_HOLDER_SITES)) {
      const found = await this.walk.candidates(site).catch(() => []);
      this.candidates.set(keyOf(site), found);
    }
  }

  /** After the last cycle: fills each finding's holder from what grew, and releases the handles. */
  async after(findings: Finding[]): Promise<Finding[]> {
    try {
      const out: Finding[] = [];
      for (const f of findings) {
        const site = siteOf(f);
        const candidates = this.walk && site ? this.candidates.get(keyOf(site)) : undefined;
        if (this.skipped) {
          out.push(noHolder(f, this.skipped));
          continue;
        }
        if (!candidates) {
          out.push(
            noHolder(
              f,
              'it was not among the sites walked before the last cycle (the walk needs two cycles sampled before it, and a switch to sampling before the after snapshot)',
            ),
          );
          continue;
        }
        const sizes = await this.walk!.sizes(candidates);
        let best: { c: HolderCandidate; grew: number; now: number } | undefined;
        candidates.forEach((c, i) => {
          const now = sizes[i];
          if (now !== undefined && now > c.size && (!best || now - c.size > best.grew)) best = { c, grew: now - c.size, now };
        });
        if (!best) {
          out.push(
            noHolder(
              f,
              candidates.length === 0
                ? "its closures reach no Map, Set, Array or Object within the walk's bounds"
                : `none of the ${candidates.length} collections its closures reach grew over the last cycle`,
            ),
          );
          continue;
        }
        out.push(withHolder(f, best.c, best.grew, best.now));
      }
      return out;
    } finally {
      await this.walk?.release();
    }
  }
}

function siteOf(f: Finding): AllocationSite | undefined {
  if (!f.source || f.source.role !== 'allocated') return undefined;
  // The walk found its candidates at the frame V8 ran, before any source map moved the finding.
  const ran = f.source.generated ?? f.source;
  return { functionName: f.source.functionName ?? '(anonymous)', url: ran.file, line: ran.line, column: ran.column };
}

function keyOf(site: AllocationSite): string {
  return `${site.url}:${site.line}:${site.column}`;
}

function withHolder(f: Finding, c: HolderCandidate, grew: number, now: number): Finding {
  const node = (name: string, className: string, type: string): RetainerStep['node'] => ({
    id: 0,
    type,
    name,
    className,
    selfSize: 0,
    retainedSize: 0,
    distance: 0,
  });
  const holderPath: RetainerStep[] = [
    { edge: c.site.functionName, edgeType: 'function', node: node(c.site.functionName, 'Function', 'closure') },
    { edge: `(${c.scope}).${c.variable}`, edgeType: 'context', node: node(c.variable, c.className, 'object') },
  ];
  return {
    ...f,
    holderPath,
    classes: [{ className: c.className, countDelta: grew, retainedSizeDelta: 0 }],
    confidence: 'high',
    explanation: `${f.explanation} Its holder is \`${c.variable}\` (${c.className}) in the ${c.scope} scope of ${c.site.functionName}: it grew by ${grew} entries over the last cycle, to ${now}.`,
  };
}

function noHolder(f: Finding, why: string): Finding {
  return { ...f, explanation: `${f.explanation} No holder was found without a snapshot: ${why}.` };
}
