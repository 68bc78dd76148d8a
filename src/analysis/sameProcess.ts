import { ErrorCode, LeakscopeError } from '../common/errors';
import type { HeapSnapshot } from '../snapshot/heapSnapshot';
import { IdSet } from '../snapshot/idSet';
import { isHeapId, type ComparableSnapshot } from './comparableSnapshot';

/** Share of sampled ids that must name the same object in both snapshots; one process measured ≥ 99.99%, two runs of one script 45–93%. */
const MIN_AGREEMENT = 0.98;
const PRESENCE_SAMPLE = 50_000;

/**
 * Object ids only mean "the same object" within one process, and a deterministic program hands
 * out the same ids in every run. So check two things: the objects both snapshots should share
 * are in both (ids only grow, so an object of the later snapshot whose id is not above the
 * earlier one's largest was alive then), and the earlier snapshot's sampled objects that are
 * still there carry the same name, type and size. Which snapshot is older is judged only once
 * they are known to be of one process: two processes' ids say nothing about order.
 */
export function checkSameProcess(earlier: ComparableSnapshot, later: { snapshot: HeapSnapshot; file: string }): void {
  const b = later.snapshot;
  const earlierIds = IdSet.fromParts(earlier.ids);
  const earlierMax = earlierIds.maxOddId;
  const laterIds = b.nodes.ids;
  let laterMax = 0;
  for (let j = 0; j < laterIds.length; j++) if (isHeapId(laterIds[j]) && laterIds[j] > laterMax) laterMax = laterIds[j];
  const reversed = laterMax < earlierMax;

  // Given oldest first: the later snapshot's old objects must be in the earlier one.
  let old = 0;
  let missing = 0;
  if (!reversed) {
    const step = Math.max(1, Math.floor(b.nodeCount / PRESENCE_SAMPLE));
    for (let j = 0; j < b.nodeCount; j += step) {
      const id = laterIds[j];
      if (!isHeapId(id) || id > earlierMax) continue;
      old++;
      if (!earlierIds.has(id)) missing++;
    }
  }

  const sample = earlier.sample;
  const wanted = new Map<number, number>();
  sample.ids.forEach((id, k) => wanted.set(id, k));
  // A bitmap of the sampled ids screens every node cheaply before the Map is asked.
  const sampled = IdSet.of(sample.ids);
  let compared = 0;
  let same = 0;
  for (let j = 0; j < b.nodeCount && wanted.size > 0; j++) {
    if (!sampled.has(laterIds[j])) continue;
    const k = wanted.get(laterIds[j]);
    if (k === undefined) continue;
    wanted.delete(laterIds[j]);
    compared++;
    if (sample.names[k] === b.nodeName(j) && sample.types[k] === b.nodes.types[j] && sample.sizes[k] === b.selfSize(j)) same++;
  }
  if (reversed) {
    // Given newest first: the earlier (newer) snapshot's objects old enough to be in the later one must be there.
    for (const id of sample.ids) if (id <= laterMax) old++;
    for (const id of wanted.keys()) if (id <= laterMax) missing++;
  }
  const agreement = compared === 0 ? 0 : same / compared;
  if (old === 0 || missing > old * (1 - MIN_AGREEMENT) || agreement < MIN_AGREEMENT) {
    throw new LeakscopeError(
      ErrorCode.DifferentProcesses,
      `${earlier.file} and ${later.file} are snapshots of different processes (or of one that restarted): their object ids do not name the same objects, so they cannot be compared.`,
    );
  }
  if (reversed)
    throw new LeakscopeError(ErrorCode.InvalidArgument, `${later.file} was taken before ${earlier.file}; give the snapshots oldest first.`);
}
