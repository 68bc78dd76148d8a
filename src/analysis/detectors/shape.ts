import type { HeapGraph } from '../../snapshot/heapGraph';

/**
 * The names of a node's own properties and internal fields: the shape detectors recognise
 * libraries by, since three libraries call a class `Pool` but none share all its fields.
 */
export function fieldNames(graph: HeapGraph, node: number): Set<string> {
  const s = graph.snapshot;
  const names = new Set<string>();
  const { property, internal, context, shortcut } = s.edgeTypeIds;
  for (let e = s.firstEdge(node); e < s.edgeEnd(node); e++) {
    const t = s.edges.types[e];
    if (t === property || t === internal || t === context || t === shortcut) names.add(s.edgeName(e));
  }
  return names;
}

export function hasFields(graph: HeapGraph, node: number, wanted: string[]): boolean {
  const fields = fieldNames(graph, node);
  return wanted.every((f) => fields.has(f));
}

/**
 * The readable name of what holds a group: the last named edge on its path (`summaryCache`),
 * looking no further up than the closure scope it lives in. A name above that scope belongs to
 * whatever holds the closure (a router, a test runner's registry), not to the collection, so an
 * unnamed scope slot keeps its own label.
 */
export function holderName(pathEdges: string[]): string {
  for (let i = pathEdges.length - 1; i >= 0; i--) {
    const edge = pathEdges[i];
    if (edge && !edge.startsWith('[') && !edge.startsWith('(')) return edge;
    if (edge === '(internal) context' && i < pathEdges.length - 1) break;
  }
  return pathEdges[pathEdges.length - 1] || '(root)';
}
