import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';
import { fieldNames, holderName } from './shape';

/**
 * Subscribers of a long-lived observable that are never unsubscribed: an rxjs Subject (or any
 * multicasting source) keeps each subscriber in its `observers` list until it unsubscribes or the
 * source completes, with everything the subscriber's callbacks capture. Recognised by the
 * source's shape: an object with an observer list and the closed/stopped state a Subject keeps,
 * holding the group itself or through that list (and its copies).
 */
export const observableSubscriberDetector: Detector = {
  id: 'observable-subscriber',
  title: 'Subscribers of a long-lived observable that never unsubscribe',
  detect({ group, graph, pathNodes }) {
    const steps = group.holderPath;
    let source = -1;
    for (let i = steps.length - 1; i >= Math.max(0, steps.length - 2) && source < 0; i--) {
      const fields = fieldNames(graph, pathNodes[i]);
      if ((fields.has('observers') || fields.has('_observers')) && (fields.has('isStopped') || fields.has('closed'))) source = i;
    }
    if (source < 0) return undefined;
    const name = holderName(steps.slice(0, source + 1).map((s) => s.edge));
    const cls = steps[source].node.className;
    return {
      kind: 'listener',
      title: `Subscribers of ${name} (${cls}) grow every cycle: they never unsubscribe`,
      confidence: 'high',
      explanation:
        `Each cycle subscribes to ${name}, which lives on, and nothing unsubscribes (${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ` +
        `${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle): the source keeps every subscriber, and each keeps what its callbacks capture, until the source completes.`,
      fix: {
        id: 'unsubscribe',
        summary:
          'Unsubscribe when the work is done (keep the Subscription and call unsubscribe()), or take only what is needed (take(1), first(), takeUntil(done$)) so the subscription completes.',
      },
    };
  },
};
