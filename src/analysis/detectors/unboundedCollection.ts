import { formatBytes } from '../../common/bytes';
import type { Detector, DetectorInput, FindingDraft } from './detector';
import { holderName } from './shape';

const SEQUENCES = new Set(['Array']);
const KEYED = new Set(['Map', 'Set', 'Object']);

/**
 * A collection that gains entries every cycle and is never trimmed: a sliding window that is only
 * pushed to, a cache without eviction. Recognised by what holds the growth: an Array, Map, Set or
 * plain object whose contents (its elements or hash table) take the new objects. Runs last: the
 * specific detectors claim listener tables and timer lists first.
 */
export const unboundedCollectionDetector: Detector = {
  id: 'growing-collection',
  title: 'Collections that grow every cycle',
  detect(input: DetectorInput): FindingDraft | undefined {
    const { group } = input;
    const name = holderName(group.holderPath.map((s) => s.edge));
    const cls = group.holderClassName;
    const perCycle = `${Math.round(group.growth?.objectsPerCycle ?? 0)} objects (${formatBytes(group.growth?.bytesPerCycle ?? 0)})`;
    const contents = group.edgeFromHolder === '[…]';
    if (SEQUENCES.has(cls) && contents) {
      return {
        kind: 'unbounded-collection',
        title: `${name} (${cls}) is pushed to every cycle and never trimmed`,
        confidence: 'high',
        explanation: `The array gains ${perCycle} per cycle and nothing removes old entries, so it grows for as long as the process runs.`,
        fix: {
          id: 'bound-array',
          summary:
            'Bound it on insert: drop the oldest entries beyond the window you need (splice/shift after push), or use a ring buffer.',
        },
      };
    }
    if (KEYED.has(cls)) {
      return {
        kind: 'unbounded-collection',
        title: `${name} (${cls}) gains entries every cycle and nothing evicts them`,
        confidence: contents || cls === 'Object' ? 'high' : 'medium',
        explanation: `The ${cls === 'Object' ? 'object used as a map' : cls} gains ${perCycle} per cycle; entries are added (often keyed by something unique per request) and never deleted.`,
        fix: {
          id: 'bound-cache',
          summary:
            'Bound the cache: an LRU with a maximum size and/or a time to live (lru-cache), or delete entries when they are no longer needed.',
        },
      };
    }
    return undefined;
  },
};
