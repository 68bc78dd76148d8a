import { formatBytes } from '../common/bytes';
import type { HeapGraph } from '../snapshot/heapGraph';
import type { RetainerPath } from '../snapshot/types';
import type { FindingDraft } from './detectors/detector';
import { DETECTORS } from './detectors/index';
import { holderName } from './detectors/shape';
import { mappedSource } from './mapLocations';
import type { Finding, LocationMapper, RetainerGroup, SnapshotDiff } from './types';

export interface FindingOptions {
  /** File or URL of a script id (from the inspector's Debugger.scriptParsed), for source locations. */
  scriptUrl?: (scriptId: number) => string | undefined;
  /**
   * Where a location in the code V8 ran comes from (TypeScript, a bundle), through source maps.
   * Allocation sites are expected to be mapped already (see mapDiffLocations); closures found on
   * the holder's path are mapped here.
   */
  mapLocation?: LocationMapper;
  /** Growth below both of these per cycle is noise (an interned string, a lazily built cache line). */
  minBytesPerCycle?: number;
  minObjectsPerCycle?: number;
}

/** V8's own bookkeeping (compiled code, hidden classes, feedback): it settles after warm-up and is not the program's. */
const ENGINE_CLASSES = new Set(['(compiled code)', '(object shape)', '(system)']);

/**
 * Names the leaks in a diff: each group that grew steadily across both halves of the cycles,
 * by the first detector that recognises its holder's shape. A group that grows steadily but that
 * no detector recognises is still reported, as a growing collection with low confidence, because
 * the growth itself is the evidence.
 */
export function detectFindings(diff: SnapshotDiff, graph: HeapGraph, holders: number[], options: FindingOptions = {}): Finding[] {
  const minBytes = options.minBytesPerCycle ?? 1024;
  const minObjects = options.minObjectsPerCycle ?? 10;
  const candidates = diff.groups
    .map((group, i) => ({ group, holder: holders[i] }))
    .filter(({ group }) => {
      const growth = group.growth;
      if (!growth?.steady) return false;
      if (growth.bytesPerCycle < minBytes && growth.objectsPerCycle < minObjects) return false;
      return !group.classes.every((c) => ENGINE_CLASSES.has(c.className));
    });
  const ordinals = ordinalsOf(
    graph,
    candidates.flatMap(({ group }) => group.samples.map((s) => s.id)),
  );
  // Holders that share objects are named as the code names them: `jobsById (Map)`.
  const labels = new Map(diff.groups.map((g) => [g.holderId, `${holderName(g.holderPath.map((s) => s.edge))} (${g.holderClassName})`]));
  const findings: Finding[] = [];
  candidates.forEach(({ group, holder }) => {
    const sampleNodes = group.samples.map((s) => ordinals.get(s.id) ?? -1);
    const input = { group, graph, holder, pathNodes: graph.retainerOrdinals(holder), sampleNodes };
    let draft: FindingDraft | undefined;
    for (const detector of DETECTORS) {
      draft = detector.detect(input);
      if (draft) break;
    }
    const finding = complete(
      draft ?? fallback(group),
      group,
      holdingFunction(graph, input.pathNodes, options.scriptUrl, options.mapLocation),
    );
    const others = (group.sharedWith ?? []).map((s) => labels.get(s.holderId)).filter((l): l is string => l !== undefined);
    if (others.length > 0)
      finding.explanation += ` The same objects are also held by ${others.join(' and ')}: each must let go of them before they can be freed.`;
    findings.push(finding);
  });
  return findings.sort((a, b) => b.growth.bytesPerCycle - a.growth.bytesPerCycle);
}

/** Ordinals of the nodes with these ids, in one pass over the graph. */
function ordinalsOf(graph: HeapGraph, wanted: number[]): Map<number, number> {
  const pending = new Set(wanted);
  const found = new Map<number, number>();
  const ids = graph.snapshot.nodes.ids;
  for (let i = 0; i < ids.length && pending.size > 0; i++) {
    if (pending.delete(ids[i])) found.set(ids[i], i);
  }
  return found;
}

function fallback(group: RetainerGroup): FindingDraft {
  const name = holderName(group.holderPath.map((s) => s.edge));
  return {
    kind: 'unbounded-collection',
    title: `${name} (${group.holderClassName}) holds more objects every cycle`,
    confidence: 'low',
    explanation: `Objects under ${name} grow by ${Math.round(group.growth!.objectsPerCycle)} (${formatBytes(group.growth!.bytesPerCycle)}) per cycle in both halves of the run and survive cleanup and GC.`,
    fix: {
      id: 'release-references',
      summary:
        'Find where these objects are added under the holder and remove them when they are no longer needed, or bound how many it keeps.',
    },
  };
}

type Source = NonNullable<Finding['source']>;

/**
 * Where the allocating code is when allocation tracking ran; otherwise the function whose scope
 * holds the collection: the nearest closure on the holder's path (`request (closure) → context →
 * summaryCache`), whose definition V8 records in the snapshot.
 */
function complete(draft: FindingDraft, group: RetainerGroup, holding: Source | undefined): Finding {
  const site = group.allocationSites?.[0];
  const source: Source | undefined = site
    ? { file: site.url, line: site.line, column: site.column, functionName: site.functionName, role: 'allocated' }
    : holding;
  return {
    ...draft,
    path: readablePath(group.holderPath),
    holderPath: group.holderPath,
    classes: group.classes.map((c) => ({ className: c.className, countDelta: c.count, retainedSizeDelta: c.retainedSize })),
    growth: group.growth!,
    ...(source ? { source } : {}),
  };
}

function holdingFunction(
  graph: HeapGraph,
  pathNodes: number[],
  scriptUrl: FindingOptions['scriptUrl'],
  mapLocation: LocationMapper | undefined,
): Source | undefined {
  if (!scriptUrl) return undefined;
  const s = graph.snapshot;
  // The program's own code first: a library's closure (ioredis's reconnect timer) holds the
  // collection too, but the line to change is in the code that uses the library.
  let inLibrary: Source | undefined;
  const sourceOf = (node: number): Source | undefined => {
    const location = s.location(node);
    const file = location && scriptUrl(location.scriptId);
    if (!location || !file || file.startsWith('node:')) return undefined;
    return mappedSource(
      {
        file,
        line: location.line + 1,
        column: location.column + 1,
        functionName: s.nodeName(node) || '(anonymous)',
        role: 'holder' as const,
      },
      mapLocation,
    );
  };
  for (let i = pathNodes.length - 1; i >= 0; i--) {
    const node = pathNodes[i];
    if (s.nodes.types[node] !== s.nodeTypeIds.closure) continue;
    const source = sourceOf(node);
    if (!source) continue;
    if (!isLibraryFile(source.file)) return source;
    inLibrary ??= source;
  }
  return inLibrary ?? scopeSource(graph, pathNodes, sourceOf);
}

/**
 * With no closure on the path (an ES module's scope is reached from its module record, not from a
 * function), the scope that holds the collection is known by the functions defined in it: a
 * closure whose context is the nearest context on the path. Its file is the holder's.
 */
function scopeSource(graph: HeapGraph, pathNodes: number[], sourceOf: (node: number) => Source | undefined): Source | undefined {
  const s = graph.snapshot;
  let context = -1;
  for (let i = pathNodes.length - 1; i >= 0 && context < 0; i--)
    if (graph.className(pathNodes[i]) === 'system / Context') context = pathNodes[i];
  if (context < 0) return undefined;
  for (const node of s.locations.nodes) {
    if (s.nodes.types[node] !== s.nodeTypeIds.closure) continue;
    let inScope = false;
    for (let e = s.firstEdge(node); e < s.edgeEnd(node) && !inScope; e++)
      inScope = s.edgeTarget(e) === context && s.edgeName(e) === 'context';
    const source = inScope ? sourceOf(node) : undefined;
    if (source && !isLibraryFile(source.file)) return source;
  }
  return undefined;
}

/** Installed packages, not the program: their code is not what a fix edits. */
export function isLibraryFile(file: string): boolean {
  return /[\\/]node_modules[\\/]/.test(file);
}

/** `summaryCache (Map)` per step; the root's own step reads as the object it reaches. */
function readablePath(path: RetainerPath): string[] {
  return path.map((step) => {
    const cls = step.node.className.startsWith('(') ? step.node.className : `(${step.node.className})`;
    return step.edge ? `${step.edge} ${cls}` : step.node.className;
  });
}
