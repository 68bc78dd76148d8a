import { formatBytes } from '../../common/bytes';
import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Detector, DetectorInput, FindingDraft } from './detector';
import { fieldNames, holderName } from './shape';

/** What a record should not keep whole, told by shape: the fields these objects always have. */
const WHOLE_OBJECTS: Array<{ what: string; test: (graph: HeapGraph, node: number, fields: Set<string>) => boolean }> = [
  { what: 'errors', test: (g, n, f) => f.has('message') && /Error$/.test(g.className(n)) },
  { what: 'requests', test: (_g, _n, f) => ['socket', 'rawHeaders', 'method', 'url'].every((k) => f.has(k)) },
  { what: 'responses', test: (_g, _n, f) => ['socket', 'req', 'outputData'].every((k) => f.has(k)) },
  {
    what: 'sockets',
    test: (_g, _n, f) => f.has('_readableState') && f.has('_writableState') && (f.has('_handle') || f.has('<symbol kHandle>')),
  },
];

const RECORDS_TO_LOOK_AT = 3;

/**
 * Records kept in a growing collection that hold whole errors, requests, responses or sockets:
 * `history.push({ error, request })`. Each entry then retains far more than the few fields a
 * dashboard or retry logic reads (an error's stack, a request's socket and buffers). Looks one
 * hop into the group's records, through a collection's backing store when that is what the
 * sample is. Runs before the generic collection detector, which would also match.
 */
export const retainedLargeObjectDetector: Detector = {
  id: 'whole-object-history',
  title: 'Records that keep whole errors, requests or responses',
  detect(input: DetectorInput): FindingDraft | undefined {
    const { group, graph } = input;
    const found = new Map<string, Set<string>>();
    for (const record of records(input)) {
      const s = graph.snapshot;
      for (let e = s.firstEdge(record); e < s.edgeEnd(record); e++) {
        if (s.edges.types[e] !== s.edgeTypeIds.property) continue;
        const child = s.edgeTarget(e);
        const fields = fieldNames(graph, child);
        const kind = WHOLE_OBJECTS.find((w) => w.test(graph, child, fields));
        if (!kind) continue;
        if (!found.has(kind.what)) found.set(kind.what, new Set());
        found.get(kind.what)!.add(s.edgeName(e));
      }
    }
    if (found.size === 0) return undefined;
    const name = holderName(group.holderPath.map((s) => s.edge));
    const kept = [...found].map(([what, fields]) => `whole ${what} (${[...fields].map((f) => `.${f}`).join(', ')})`).join(' and ');
    return {
      kind: 'retained-large-object',
      title: `Records in ${name} (${group.holderClassName}) keep ${kept}`,
      confidence: 'high',
      explanation:
        `Each record added to ${name} keeps ${kept}, which hold far more than the record needs (stacks, sockets, buffers); ` +
        `the collection also grows by ${Math.round(group.growth?.objectsPerCycle ?? 0)} objects (${formatBytes(group.growth?.bytesPerCycle ?? 0)}) per cycle.`,
      fix: {
        id: 'keep-needed-fields',
        summary:
          'Keep only the fields the record needs (error type and message cut to a length, status, method and URL), not the whole object; and bound the collection.',
      },
    };
  },
};

/** A few of the group's records: its samples, or the entries of a sample that is a collection's storage. */
function records({ graph, sampleNodes }: DetectorInput): number[] {
  const s = graph.snapshot;
  const result: number[] = [];
  for (const node of sampleNodes) {
    if (node < 0) continue;
    if (s.nodes.types[node] !== s.nodeTypeIds.array) {
      result.push(node);
      continue;
    }
    for (let e = s.firstEdge(node); e < s.edgeEnd(node) && result.length < RECORDS_TO_LOOK_AT; e++) {
      const target = s.edgeTarget(e);
      if (s.nodes.types[target] === s.nodeTypeIds.object) result.push(target);
    }
  }
  return result.slice(0, RECORDS_TO_LOOK_AT * 2);
}
