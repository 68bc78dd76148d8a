import { formatBytes } from '../../common/bytes';
import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Detector } from './detector';

/** The symbol Node's EventTarget keys its listener table by (`kEvents`, a Map of event type to a list). */
const LISTENER_TABLE = '<symbol kEvents>';

/**
 * Listeners added per request to a long-lived EventTarget (an AbortSignal shared by every request,
 * a MessagePort, a BroadcastChannel). Node's EventTarget keeps them in a `kEvents` Map, one linked
 * list of Listener records per event type; a group that hangs off that table, or off a record of
 * its list, is listeners nobody removed. The emitter-style table (`_events`) is listener.ts's.
 */
export const eventTargetListenerDetector: Detector = {
  id: 'event-target-listener',
  title: 'EventTarget listeners added per request and never removed',
  detect({ group, graph, pathNodes }) {
    const steps = group.holderPath;
    let table = -1;
    for (let i = steps.length - 1; i >= 1 && table < 0; i--) if (steps[i].edge === LISTENER_TABLE) table = i;
    if (table < 1) return undefined;
    // Only the table, its entries and the listener list may follow: a path that runs on through a
    // listener's closure to something else is that something's growth.
    if (!steps.slice(table + 1).every((step) => step.edge.startsWith('(internal)') || step.edge === 'next' || step.edge === 'previous'))
      return undefined;
    if (!group.classes.some((c) => c.className === '(closure)' || c.className === 'Listener')) return undefined;
    const target = steps[table - 1];
    const type = eventType(graph, pathNodes[table + 1], pathNodes[table + 2]);
    const name = target.edge && !target.edge.startsWith('(') ? target.edge : target.node.className;
    const event = type ? `'${type}' listeners` : 'Listeners';
    return {
      kind: 'listener',
      title: `${event} on ${name} (${target.node.className}) grow every cycle`,
      confidence: 'high',
      explanation:
        `Each cycle adds ${type ? `'${type}' ` : ''}listeners to an EventTarget that lives on (${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ` +
        `${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle, with everything their closures capture); they are never removed, and a signal that never ` +
        'aborts never runs, and so never drops, a { once: true } listener either.',
      fix: {
        id: 'remove-event-listener',
        summary:
          'Remove the listener when the work is done (removeEventListener, or the disposer of events.addAbortListener), or give each request its own signal (AbortSignal.any([shared, own])) and abort it at the end.',
      },
    };
  },
};

/** The event type of a listener list: the key stored just before it in the Map's table. */
function eventType(graph: HeapGraph, table: number | undefined, entry: number | undefined): string | undefined {
  if (table === undefined || entry === undefined) return undefined;
  const s = graph.snapshot;
  let index = -1;
  for (let e = s.firstEdge(table); e < s.edgeEnd(table) && index < 0; e++) if (s.edgeTarget(e) === entry) index = Number(s.edgeName(e));
  if (!(index > 0)) return undefined;
  for (let e = s.firstEdge(table); e < s.edgeEnd(table); e++) {
    if (s.edgeName(e) !== String(index - 1)) continue;
    const key = s.edgeTarget(e);
    return s.nodeType(key) === 'string' || s.nodeType(key) === 'concatenated string' ? s.nodeName(key).slice(0, 80) : undefined;
  }
  return undefined;
}
