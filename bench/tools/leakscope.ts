import { diffSnapshots } from '../../src/analysis/diff';
import { loadForDiff } from '../../src/analysis/loadForDiff';
import { analyzeSnapshot } from '../../src/snapshot/heapGraph';
import { parseSnapshot } from '../../src/snapshot/parser';
import type { Tool } from './tool';

export const leakscope: Tool = {
  name: 'leakscope',
  label: 'Leakscope',
  nodeFlags: [],
  phases: {
    async parse([file]) {
      const snapshot = await parseSnapshot(file);
      return { nodes: snapshot.nodeCount };
    },
    async full([file]) {
      const graph = analyzeSnapshot(await parseSnapshot(file));
      return { nodes: graph.nodeCount, reachableBytes: graph.retainedSizes[graph.snapshot.rootIndex] };
    },
    /** What `leakscope diff` runs: the baseline loads on a worker thread while this one loads the after snapshot. */
    async diff([beforeFile, afterFile]) {
      const inputs = await loadForDiff({ baseline: beforeFile, after: afterFile });
      const diff = diffSnapshots(inputs.baseline, inputs.after);
      return { newObjects: diff.newObjects.count, newRetainedBytes: diff.newObjects.retainedSize };
    },
  },
};
