import type { RetainerGroup } from '../analysis/types';

/** V8's own bookkeeping, by its pseudo-class names: compiled functions, hidden classes, internal arrays. */
const V8_INTERNAL = new Set(['(compiled code)', '(object shape)', '(system)', '(code)', '(bytecode)', '(feedback vector)']);

/** Roots that hold V8's and the inspector's own objects, never the program's. */
const RUNTIME_ROOTS = ['(Startup object cache)', '(Handle scope)', '(Builtins)', '(Code flusher)', '(Compilation cache)'];

export type FoldReason = 'v8-internal' | 'inspector' | 'buffer-pool' | 'duplicate';

export const FOLD_REASONS: Record<FoldReason, string> = {
  'v8-internal': 'V8 code and object shapes',
  inspector: "the inspector's console",
  'buffer-pool': "Buffer's shared pool",
  duplicate: 'the same objects as a group above',
};

/**
 * Splits a diff's groups into those a reviewer should read and the runtime's own: groups made
 * (by retained size) of V8 internals, held from V8's bookkeeping roots or by the inspector's
 * console handles (the check's own footprint), held by Buffer's shared allocation pool (bounded,
 * reused), and groups that repeat an earlier one's count, size and classes (V8 reaches one set of
 * code objects from both a function and its shared info). Order is kept within each part.
 */
export function foldRuntimeGroups<G extends RetainerGroup>(groups: G[]): { shown: G[]; folded: Array<{ group: G; reason: FoldReason }> } {
  const shown: G[] = [];
  const folded: Array<{ group: G; reason: FoldReason }> = [];
  const seen = new Set<string>();
  for (const group of groups) {
    const signature = `${group.count}\0${group.retainedSize}\0${group.classes.map((c) => `${c.className}:${c.count}`).join('\0')}`;
    const reason = runtimeReason(group) ?? (seen.has(signature) ? 'duplicate' : undefined);
    seen.add(signature);
    if (reason) folded.push({ group, reason });
    else shown.push(group);
  }
  return { shown, folded };
}

function runtimeReason(group: RetainerGroup): FoldReason | undefined {
  const path = group.holderPath;
  // Node cuts small Buffers (Buffer.from, Buffer.allocUnsafe under half of Buffer.poolSize) out of
  // one shared ArrayBuffer, held in its buffer module's scope variable `allocPool`: Node's memory, not the program's.
  if (path.some((step) => /(^|\.)allocPool$/.test(step.edge))) return 'buffer-pool';
  if (
    path.some((step) => step.node.name === '(Global handles)') &&
    /DevTools console/.test(group.edgeFromHolder + path.map((s) => s.edge).join(' '))
  )
    return 'inspector';
  const internal = group.classes.reduce((sum, c) => sum + (V8_INTERNAL.has(c.className) ? c.retainedSize : 0), 0);
  const total = group.classes.reduce((sum, c) => sum + c.retainedSize, 0);
  if (total > 0 && internal / total >= 0.9) return 'v8-internal';
  // Held by compiled code or a hidden class (feedback, boilerplate caches); not `(system)`, which
  // is also what a closure's context is, and a context can hold the program's own leak.
  if (group.holderClassName !== '(system)' && V8_INTERNAL.has(group.holderClassName)) return 'v8-internal';
  if (path.some((step) => RUNTIME_ROOTS.includes(step.node.name))) return 'v8-internal';
  return undefined;
}
