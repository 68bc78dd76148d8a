import { requirePeer } from '../peers';
import type { Tool } from './tool';

interface MemlabNode {
  id: number;
  retainedSize: number;
  dominatorNode: MemlabNode | null;
}

interface MemlabSnapshot {
  nodes: { length: number; get(index: number): MemlabNode; forEachTraceable(cb: (node: MemlabNode) => void): void };
}

interface MemlabCore {
  config: { muteConsole: boolean; verbose: boolean; errorHandling: number };
  ErrorHandling: { Throw: number };
  utils: {
    getSnapshotFromFile(file: string, options: Record<string, unknown>): Promise<MemlabSnapshot>;
    getSnapshotNodeIdsFromFile(file: string, options: Record<string, unknown>): Promise<{ has(id: number): boolean; size: number }>;
  };
  analysis: { preparePathFinder(snapshot: MemlabSnapshot): unknown };
  TraceFinder: new () => { calculateAllNodesRetainedSizes(snapshot: MemlabSnapshot): void };
}

let core: MemlabCore;

/**
 * MemLab's own entry points: utils.getSnapshotFromFile parses (numeric sections streamed into
 * typed arrays, the rest JSON.parse'd) and builds its indexes; TraceFinder's
 * calculateAllNodesRetainedSizes is its dominator + retained size pass.
 */
export const memlab: Tool = {
  name: 'memlab',
  label: 'MemLab (@memlab/core)',
  async load() {
    core = requirePeer<MemlabCore>('@memlab/core');
    core.config.muteConsole = true;
    core.config.verbose = false;
    // By default a parse error calls process.exit(1); throwing lets runOne report the reason.
    core.config.errorHandling = core.ErrorHandling.Throw;
  },
  phases: {
    async parse([file]) {
      const snapshot = await core.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
      return { nodes: snapshot.nodes.length };
    },
    async full([file]) {
      const snapshot = await core.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
      new core.TraceFinder().calculateAllNodesRetainedSizes(snapshot);
      return { nodes: snapshot.nodes.length, reachableBytes: snapshot.nodes.get(0).retainedSize };
    },
    /**
     * What `memlab find-leaks` does with a baseline and a target: ids only from the baseline
     * (its light parse), the target fully parsed and prepared (shortest paths, dominators,
     * retained sizes), then the objects whose id the baseline lacks.
     */
    async diff([beforeFile, afterFile]) {
      const baselineIds = await core.utils.getSnapshotNodeIdsFromFile(beforeFile, {});
      const after = await core.utils.getSnapshotFromFile(afterFile, { buildNodeIdIndex: true });
      core.analysis.preparePathFinder(after);
      let newObjects = 0;
      let newRetainedBytes = 0;
      // Reachable new objects; retained bytes summed over those not dominated by another new one.
      after.nodes.forEachTraceable((node) => {
        if (baselineIds.has(node.id)) return;
        newObjects++;
        const dominator = node.dominatorNode;
        if (!dominator || baselineIds.has(dominator.id)) newRetainedBytes += node.retainedSize;
      });
      return { newObjects, newRetainedBytes };
    },
  },
};
