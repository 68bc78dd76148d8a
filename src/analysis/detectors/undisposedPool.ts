import { formatBytes } from '../../common/bytes';
import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Detector } from './detector';
import { fieldNames } from './shape';

/** Pools and agents, by the fields each library's class always has (three libraries call it `Pool`). */
const POOL_SHAPES: Array<{ what: string; fields: string[] }> = [
  { what: 'generic-pool pools', fields: ['_factory', '_allObjects', '_availableObjects'] },
  { what: 'pg pools', fields: ['_clients', '_idle', '_pendingQueue'] },
  { what: 'mysql2 pools', fields: ['_allConnections', '_freeConnections', '_connectionQueue'] },
  { what: 'HTTP agents', fields: ['sockets', 'freeSockets', 'requests', 'options'] },
];

/**
 * Pools, clients and keep-alive agents created per request and never ended: each keeps its open
 * connections, and the connections' listeners keep it. Recognised when the growing objects
 * include instances with a pool's or an agent's fields.
 */
export const undisposedPoolDetector: Detector = {
  id: 'pool-per-request',
  title: 'Pools and agents created per request and never ended',
  detect({ group, graph }) {
    for (const c of group.classes.slice(0, 12)) {
      const instance = instanceOf(graph, c.className);
      if (instance === undefined) continue;
      const shape = poolShape(graph, instance);
      if (!shape) continue;
      return {
        kind: 'undisposed-pool',
        title: `${shape.what[0].toUpperCase()}${shape.what.slice(1)} (${c.className}) are created every cycle and never ended`,
        confidence: 'high',
        explanation:
          `${c.count} ${c.className} objects appeared during the check and survive it, with their connections ` +
          `(${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle): one is made per request and never closed.`,
        fix: {
          id: 'hoist-pool',
          summary:
            'Create the pool, client or agent once at module scope and reuse it; end it (pool.end(), agent.destroy(), pool.drain()) on shutdown.',
        },
      };
    }
    return undefined;
  },
};

/** Which pool or agent a node is, by its fields; undefined when it is none. */
export function poolShape(graph: HeapGraph, node: number): { what: string; fields: string[] } | undefined {
  const fields = fieldNames(graph, node);
  return POOL_SHAPES.find((p) => p.fields.every((f) => fields.has(f)));
}

/** An instance (not a prototype, which has a `constructor` of its own) of each class, found in one pass per graph. */
const instances = new WeakMap<HeapGraph, Int32Array>();

function instanceOf(graph: HeapGraph, className: string): number | undefined {
  const { ofNode, names } = graph.classIndex();
  let first = instances.get(graph);
  if (!first) {
    first = new Int32Array(names.length).fill(-1);
    const s = graph.snapshot;
    for (let i = 0; i < ofNode.length; i++) {
      const c = ofNode[i];
      if (first[c] >= 0 || s.nodes.types[i] !== s.nodeTypeIds.object) continue;
      if (!fieldNames(graph, i).has('constructor')) first[c] = i;
    }
    instances.set(graph, first);
  }
  const wanted = names.indexOf(className);
  return wanted >= 0 && first[wanted] >= 0 ? first[wanted] : undefined;
}
