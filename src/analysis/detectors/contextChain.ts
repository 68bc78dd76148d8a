import { formatBytes } from '../../common/bytes';
import type { HeapGraph } from '../../snapshot/heapGraph';
import type { Detector } from './detector';

const CONTEXT = 'system / Context';
/** How far from an object to look for the context its closures keep: object → closure → context. */
const NEAR = 3;
/** Nodes looked at around one object: a sample may be a collection with 100k entries. */
const MAX_NEAR = 2000;
/** Links followed when measuring a chain: enough to tell a chain from a pair. */
const MAX_CHAIN = 10_000;

/**
 * A closure context that keeps the previous version of a value, which keeps its own closure's
 * context, which keeps the one before: the shared-context leak. V8 gives all closures of one
 * function call one context, so a variable that any inner function uses (`unused` reading
 * `originalThing`) is kept by every closure that survives (`theThing.someMethod`), and
 * replacing `theThing` each call chains every version through that variable. Recognised by the
 * growth's shape: from a new object, its closure's context holds a variable whose value leads,
 * the same way, to another context holding the same variable.
 */
export const contextChainDetector: Detector = {
  id: 'context-chain',
  title: 'Closure contexts that chain every earlier version of a value',
  detect({ group, graph, sampleNodes }) {
    if (!group.classes.some((c) => c.className === CONTEXT)) return undefined;
    for (const start of sampleNodes) {
      if (start < 0) continue;
      const link = chainLink(graph, start);
      if (!link) continue;
      const length = chainLength(graph, link.context, link.variable);
      if (length < 3) continue;
      const fn = functionOfContext(graph, link.context);
      const scope = fn ? `${fn}'s context` : 'a function context';
      const kept =
        group.holderClassName === CONTEXT && group.edgeFromHolder && !group.edgeFromHolder.startsWith('[')
          ? group.edgeFromHolder
          : undefined;
      const closure = link.closure ? `${link.closure}()` : 'a closure';
      return {
        kind: 'closure-context',
        title: `${kept ? `Every version of ${kept} is kept: ` : ''}${link.variable} in ${scope} links each to the one before`,
        confidence: 'high',
        explanation:
          `${closure} keeps ${scope}, and that context holds ${link.variable}, the previous value, whose own ${closure} keeps the context before it: ` +
          `a chain of at least ${Math.min(length, MAX_CHAIN)} contexts, growing by ${Math.round(group.growth?.objectsPerCycle ?? 0)} objects ` +
          `(${formatBytes(group.growth?.bytesPerCycle ?? 0)}) per cycle. All closures made in one call of ${fn ?? 'the function'} share one context, ` +
          `so a variable any of them uses is kept as long as any of them lives.`,
        fix: {
          id: 'break-context-chain',
          summary: `Set ${link.variable} to null once it is no longer needed (at the end of ${fn ?? 'the function'}), or move the closure that reads it out of the function so the long-lived closures do not share its context.`,
        },
      };
    }
    return undefined;
  },
};

interface Link {
  context: number;
  variable: string;
  closure?: string;
}

/** A context near `start` holding a variable whose value leads to another context holding the same variable. */
function chainLink(graph: HeapGraph, start: number): Link | undefined {
  for (const { context, closure } of contextsNear(graph, start)) {
    for (const [variable, value] of contextVariables(graph, context)) {
      if (value === start) continue;
      const next = contextsNear(graph, value).find((c) => c.context !== context && sameLink(graph, context, c.context, variable));
      if (next) return { context, variable, ...(closure ? { closure } : {}) };
    }
  }
  return undefined;
}

/** Contexts kept by `node` through at most NEAR strong edges, with the closure that keeps each. */
function contextsNear(graph: HeapGraph, node: number): Array<{ context: number; closure?: string }> {
  const s = graph.snapshot;
  const found: Array<{ context: number; closure?: string }> = [];
  const seen = new Set([node]);
  let frontier: Array<{ node: number; closure?: string }> = [{ node }];
  for (let depth = 0; depth < NEAR && frontier.length > 0 && seen.size < MAX_NEAR; depth++) {
    const next: typeof frontier = [];
    for (const item of frontier) {
      if (seen.size >= MAX_NEAR) break;
      for (let e = s.firstEdge(item.node); e < s.edgeEnd(item.node); e++) {
        if (s.isWeakEdge(e)) continue;
        const name = s.edgeName(e);
        if (name === 'map' || name === '__proto__' || name === 'previous') continue;
        const target = s.edgeTarget(e);
        if (seen.has(target)) continue;
        seen.add(target);
        const closure = s.nodeType(target) === 'closure' ? s.nodeName(target) || '(anonymous)' : item.closure;
        if (graph.className(target) === CONTEXT) found.push({ context: target, ...(closure ? { closure } : {}) });
        else next.push({ node: target, ...(closure ? { closure } : {}) });
      }
    }
    frontier = next;
  }
  return found;
}

/** A context's variables (its `context` edges) and their values. */
function contextVariables(graph: HeapGraph, context: number): Array<[string, number]> {
  const s = graph.snapshot;
  const result: Array<[string, number]> = [];
  for (let e = s.firstEdge(context); e < s.edgeEnd(context); e++) {
    if (s.edges.types[e] === s.edgeTypeIds.context) result.push([s.edgeName(e), s.edgeTarget(e)]);
  }
  return result;
}

/**
 * Whether `other` is another call's context of the same function, holding the same variable: two
 * modules that both use `process` are not a chain, two calls of replaceThing are.
 */
function sameLink(graph: HeapGraph, context: number, other: number, variable: string): boolean {
  const info = scopeInfo(graph, context);
  return info !== undefined && info === scopeInfo(graph, other) && contextVariables(graph, other).some(([v]) => v === variable);
}

function scopeInfo(graph: HeapGraph, context: number): number | undefined {
  const s = graph.snapshot;
  for (let e = s.firstEdge(context); e < s.edgeEnd(context); e++) if (s.edgeName(e) === 'scope_info') return s.edgeTarget(e);
  return undefined;
}

/** How many contexts the chain through `variable` links, from `context` on. */
function chainLength(graph: HeapGraph, context: number, variable: string): number {
  const seen = new Set<number>();
  let current: number | undefined = context;
  while (current !== undefined && !seen.has(current) && seen.size < MAX_CHAIN) {
    seen.add(current);
    const value: number | undefined = contextVariables(graph, current).find(([v]) => v === variable)?.[1];
    const from: number = current;
    current =
      value === undefined
        ? undefined
        : contextsNear(graph, value).find((c) => !seen.has(c.context) && sameLink(graph, from, c.context, variable))?.context;
  }
  return seen.size;
}

/**
 * The function a context belongs to: its scope info lists the context's variable names and then
 * the function's own name, so the name that is not a variable is the function's.
 */
function functionOfContext(graph: HeapGraph, context: number): string | undefined {
  const s = graph.snapshot;
  const variables = new Set(contextVariables(graph, context).map(([v]) => v));
  const info = scopeInfo(graph, context);
  if (info !== undefined) {
    for (let f = s.firstEdge(info); f < s.edgeEnd(info); f++) {
      const t = s.edgeTarget(f);
      const name = s.nodeName(t);
      if (s.nodeType(t) === 'string' && name && !variables.has(name) && /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name)) return name;
    }
  }
  return undefined;
}
