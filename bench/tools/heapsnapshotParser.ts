import { readFileSync } from 'node:fs';
import { requirePeer } from '../peers';
import type { Tool } from './tool';

interface HeapsnapshotParser {
  parse(text: string): { nodes: unknown[]; edges: unknown[] };
}

let parser: HeapsnapshotParser | undefined;

/** Its documented use: read the whole file as one string, then parse(). No dominators or retained sizes. */
export const heapsnapshotParser: Tool = {
  name: 'heapsnapshot-parser',
  label: 'heapsnapshot-parser',
  async load() {
    parser = requirePeer<HeapsnapshotParser>('heapsnapshot-parser');
  },
  phases: {
    async parse([file]) {
      const snapshot = parser!.parse(readFileSync(file, 'utf8'));
      return { nodes: snapshot.nodes.length };
    },
  },
};
