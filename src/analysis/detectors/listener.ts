import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';

/**
 * Listeners added per request to a long-lived emitter. Node's EventEmitter (and every subclass:
 * servers, sockets, buses) keeps listeners in its `_events` table, one function or an array of
 * functions per event name; the group hangs off that table and its members are functions.
 */
export const listenerDetector: Detector = {
  id: 'emitter-listener',
  title: 'Listeners added per request and never removed',
  detect({ group }) {
    const steps = group.holderPath;
    // The emitter nearest the holder: a path often passes through others (a server's `request` listener).
    let table = -1;
    for (let i = steps.length - 1; i >= 0 && table < 0; i--) if (steps[i].edge === '_events') table = i;
    if (table < 1 || table < steps.length - 2) return undefined;
    if (!group.classes.some((c) => c.className === '(closure)')) return undefined;
    const emitter = steps[table - 1];
    const event = table + 1 < steps.length ? steps[table + 1].edge : group.edgeFromHolder;
    const perCycle = Math.round(group.growth?.objectsPerCycle ?? 0);
    return {
      kind: 'listener',
      title: `'${event}' listeners on ${emitter.edge || emitter.node.className} (${emitter.node.className}) grow every cycle`,
      confidence: 'high',
      explanation:
        `Each cycle adds listeners for '${event}' to an emitter that lives on (${perCycle} objects, ${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle, ` +
        'with everything their closures capture); they are never removed, so neither is what they hold.',
      fix: {
        id: 'listener-remove',
        summary:
          'Register the listener once at startup, or remove it when the request is done (emitter.off, or once() for one-shot events).',
      },
    };
  },
};
