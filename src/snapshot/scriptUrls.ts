import type { HeapSnapshot } from './heapSnapshot';

/**
 * Script id → script name (file path or URL), read from the snapshot itself: a closure with a
 * location points at its SharedFunctionInfo, whose `script` (`script_or_debug_info` in newer V8)
 * is a node named by the script's URL. This names scripts an inspector connection never saw
 * parsed: one that attached late, or js-debug's CDP proxy, which does not replay
 * `Debugger.scriptParsed`.
 */
export function scriptUrlsOf(snapshot: HeapSnapshot): Map<number, string> {
  const urls = new Map<number, string>();
  const closure = snapshot.nodeTypeIds.closure;
  const types = snapshot.nodes.types;
  for (let node = 0; node < snapshot.nodeCount; node++) {
    if (types[node] !== closure) continue;
    const location = snapshot.location(node);
    if (!location || urls.has(location.scriptId)) continue;
    const shared = edgeNamed(snapshot, node, 'shared');
    const script = shared < 0 ? -1 : edgeNamed(snapshot, shared, 'script_or_debug_info', 'script');
    const name = script < 0 ? '' : snapshot.nodeName(script);
    if (name) urls.set(location.scriptId, name);
  }
  return urls;
}

function edgeNamed(snapshot: HeapSnapshot, node: number, ...names: string[]): number {
  for (let e = snapshot.firstEdge(node), end = snapshot.edgeEnd(node); e < end; e++) {
    if (names.includes(snapshot.edgeName(e))) return snapshot.edgeTarget(e);
  }
  return -1;
}
