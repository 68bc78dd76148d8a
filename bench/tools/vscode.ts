import { readFileSync } from 'node:fs';
import { requirePeer } from '../peers';
import type { Tool } from './tool';

interface RetainerNode {
  retained_size: bigint;
}

interface Graph {
  root_index: number;
  get_all_retainers(index: number, maxDistance: number): RetainerNode[];
}

interface V8HeapParser {
  decode_bytes(input: Uint8Array): Graph;
  __wasm: { memory: { buffer: ArrayBuffer } };
}

let wasm: V8HeapParser;

/**
 * A failed allocation aborts the WASM module with a bare "unreachable" trap; name the cause
 * when linear memory is at wasm32's 4 GiB ceiling.
 */
function decode(file: string): Graph {
  try {
    return wasm.decode_bytes(readFileSync(file));
  } catch (e) {
    const mib = wasm.__wasm.memory.buffer.byteLength / 2 ** 20;
    if ((e as Error)?.name === 'RuntimeError' && mib > 3584)
      throw new Error(`out of WASM memory (${mib.toFixed(0)} of 4096 MiB)`, { cause: e });
    throw e;
  }
}

/**
 * VS Code's WASM parser (as used by js-profile-visualizer): decode_bytes() parses the whole
 * file from memory. Dominators and retained sizes are computed lazily on the first query that
 * needs them; get_all_retainers(root, 0) returns just the root with its retained size.
 */
export const vscode: Tool = {
  name: 'vscode',
  label: '@vscode/v8-heap-parser',
  async load() {
    wasm = requirePeer<V8HeapParser>('@vscode/v8-heap-parser');
  },
  phases: {
    async parse([file]) {
      decode(file);
      return {};
    },
    async full([file]) {
      const graph = decode(file);
      const [root] = graph.get_all_retainers(graph.root_index, 0);
      return { reachableBytes: Number(root.retained_size) };
    },
  },
};
