import { ErrorCode, LeakscopeError } from '../common/errors';
import type { HeapSnapshot } from '../snapshot/heapSnapshot';
import { IdSet } from '../snapshot/idSet';

const SAMPLE = 50_000;
/** Share of sampled ids that must name the same object in both snapshots; one process measured ≥ 99.99%, two runs of one script 45–93%. */
const MIN_AGREEMENT = 0.98;

/**
 * Object ids only mean "the same object" within one process, and a deterministic program hands
 * out the same ids in every run. So check two things: every heap id of the later snapshot that
 * is not above the earlier one's largest must be in the earlier one (ids only grow), and a
 * sample of shared ids must carry the same name, type and size in both.
 */
export function checkSameProcess(earlier: { snapshot: HeapSnapshot; file: string }, later: { snapshot: HeapSnapshot; file: string }): void {
  const a = earlier.snapshot;
  const b = later.snapshot;
  if (maxHeapId(b) < maxHeapId(a)) {
    throw new LeakscopeError(ErrorCode.InvalidArgument, `${later.file} was taken before ${earlier.file}; give the snapshots oldest first.`);
  }
  const earlierIds = new IdSet(a.nodes.ids);
  const earlierMax = maxHeapId(a);
  const step = Math.max(1, Math.floor(b.nodeCount / SAMPLE));
  const wanted = new Map<number, number>();
  let old = 0;
  let missing = 0;
  for (let j = 0; j < b.nodeCount; j += step) {
    const id = b.nodes.ids[j];
    if (!(id & 1) || id > earlierMax) continue;
    old++;
    if (earlierIds.has(id)) wanted.set(id, j);
    else missing++;
  }
  let same = 0;
  let compared = 0;
  for (let i = 0; i < a.nodeCount && wanted.size > 0; i++) {
    const j = wanted.get(a.nodes.ids[i]);
    if (j === undefined) continue;
    wanted.delete(a.nodes.ids[i]);
    compared++;
    if (a.nodeName(i) === b.nodeName(j) && a.nodes.types[i] === b.nodes.types[j] && a.selfSize(i) === b.selfSize(j)) same++;
  }
  const agreement = compared === 0 ? 0 : same / compared;
  if (old === 0 || missing > old * (1 - MIN_AGREEMENT) || agreement < MIN_AGREEMENT) {
    throw new LeakscopeError(
      ErrorCode.DifferentProcesses,
      `${earlier.file} and ${later.file} are snapshots of different processes (or of one that restarted): their object ids do not name the same objects, so they cannot be compared.`,
    );
  }
}

/** Largest V8 heap-object id. Heap objects get odd ids; embedder nodes get even, address-like ones that are not stable. */
export function maxHeapId(snapshot: HeapSnapshot): number {
  const ids = snapshot.nodes.ids;
  let max = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] & 1 && ids[i] > max) max = ids[i];
  return max;
}
