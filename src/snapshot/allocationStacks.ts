import type { HeapSnapshot } from './heapSnapshot';
import type { AllocationFrame } from './types';

const NO_PARENT = 0xffffffff;
const MAX_FRAMES = 16;

/**
 * The allocation stacks of a snapshot taken at the end of allocation tracking: each object's
 * trace node is a frame of the trace tree, whose parents are its callers. V8 records the
 * function that allocated (where it is defined), not the statement.
 */
export class AllocationStacks {
  private readonly positionOf = new Map<number, number>();

  private constructor(private readonly snapshot: HeapSnapshot) {
    const ids = snapshot.trace!.ids;
    for (let i = 0; i < ids.length; i++) this.positionOf.set(ids[i], i);
  }

  /** Undefined when the snapshot has no allocation traces (tracking was off). */
  static of(snapshot: HeapSnapshot): AllocationStacks | undefined {
    return snapshot.trace && snapshot.nodes.traceNodeIds ? new AllocationStacks(snapshot) : undefined;
  }

  /** Innermost frame first; empty when the object was allocated before tracking began. */
  framesOf(node: number): AllocationFrame[] {
    return this.framesOfTrace(this.snapshot.nodes.traceNodeIds![node]);
  }

  /** The stack of one trace node (objects allocated at the same place share one). */
  framesOfTrace(traceNode: number): AllocationFrame[] {
    const trace = this.snapshot.trace!;
    const fields = trace.functionInfoFields;
    const at = (name: string) => fields.indexOf(name);
    const [nameAt, scriptAt, scriptIdAt, lineAt, columnAt] = [at('name'), at('script_name'), at('script_id'), at('line'), at('column')];
    const frames: AllocationFrame[] = [];
    let position = traceNode ? this.positionOf.get(traceNode) : undefined;
    while (position !== undefined && position !== NO_PARENT && frames.length < MAX_FRAMES) {
      const base = trace.functionInfos[position] * fields.length;
      const data = trace.functionInfoData;
      const functionName = this.snapshot.strings.get(data[base + nameAt]) ?? '';
      // The tree's root is a synthetic "(root)" frame with no script.
      if (trace.parents[position] !== NO_PARENT || functionName !== '(root)') {
        frames.push({
          functionName,
          url: this.snapshot.strings.get(data[base + scriptAt]) ?? '',
          scriptId: data[base + scriptIdAt],
          line: data[base + lineAt],
          column: data[base + columnAt],
        });
      }
      position = trace.parents[position];
    }
    return frames;
  }
}

/** The innermost frame in the user's own code: not Node's internals (`node:…`), not V8's. */
export function userFrame(frames: AllocationFrame[]): AllocationFrame | undefined {
  return (
    frames.find((f) => f.url !== '' && !f.url.startsWith('node:') && !f.url.includes('/node_modules/')) ??
    frames.find((f) => f.url !== '' && !f.url.startsWith('node:'))
  );
}
