import { diffWithHolders } from '../analysis/diff';
import { loadForDiff } from '../analysis/loadForDiff';
import type { CancellationToken } from '../common/cancellation';
import type { Progress } from '../common/progress';
import { loadHeapGraph, type HeapGraph } from '../snapshot/heapGraph';
import { buildRetainerIndex, type RetainerIndex } from '../snapshot/retainerIndex';
import { answerQuery, classPaths, classRowsOfDiff, classRowsOfGraph, pageClassRows, retainerGraph } from './panelQueries';
import type { AnyQueryResult, ClassRow, DiffView, QueryCall, SnapshotView } from './protocol';

/** What a graph host is asked to do: open one snapshot (or a pair), then answer the panel's queries on it. */
export type GraphRequest =
  | { op: 'openSnapshot'; file: string }
  | { op: 'openDiff'; baseline: string; after: string }
  /** A report's after snapshot, for object queries; `newerThan` is the baseline's largest heap-object id (absent in older reports: every instance then). */
  | { op: 'openAfter'; file: string; newerThan?: number }
  | { op: 'query'; call: QueryCall };

/** The answer to each request: a view of what was opened, or a query's result. */
export type GraphReply = { snapshot: SnapshotView } | { diff: DiffView } | { opened: true } | AnyQueryResult;

/**
 * One loaded snapshot and what the panel asks of it. Lives in a worker thread in the extension
 * (parsing a big snapshot must not stall the extension host) and in-process in tests.
 */
export class GraphState {
  private graph: HeapGraph | undefined;
  private rows: ClassRow[] = [];
  private newerThan: number | undefined;
  private retainers: RetainerIndex | undefined;

  async handle(request: GraphRequest, progress: Progress, token: CancellationToken): Promise<GraphReply> {
    switch (request.op) {
      case 'openSnapshot': {
        const graph = (this.graph = await loadHeapGraph(request.file, { progress, token }));
        this.rows = classRowsOfGraph(graph);
        return {
          snapshot: { file: request.file, totals: graph.totals(), classCount: this.rows.length, dominators: graph.topDominators(25) },
        };
      }
      case 'openDiff': {
        progress.report({ message: 'Reading both snapshots' });
        const inputs = await loadForDiff({ baseline: request.baseline, after: request.after }, { token });
        const { diff, graph } = diffWithHolders(inputs.baseline, inputs.after, undefined, { maxClasses: Number.MAX_SAFE_INTEGER });
        this.graph = graph;
        this.rows = classRowsOfDiff(diff);
        this.newerThan = diff.baseline.totals.maxObjectId;
        const view: DiffView = {
          baselineTotals: diff.baseline.totals,
          afterTotals: diff.after.totals,
          newObjects: diff.newObjects,
          classCount: this.rows.length,
          groups: diff.groups,
        };
        return { diff: view };
      }
      case 'openAfter':
        this.graph = await loadHeapGraph(request.file, { progress, token });
        this.newerThan = request.newerThan;
        return { opened: true };
      case 'query':
        return this.query(request.call);
      default: {
        const never: never = request;
        throw new Error(`Unknown graph request ${JSON.stringify(never)}`);
      }
    }
  }

  private query(call: QueryCall): Promise<AnyQueryResult> {
    const graph = this.graph;
    if (!graph) throw new Error('No snapshot is loaded.');
    return answerQuery(
      {
        classRows: (params) => pageClassRows(this.rows, params),
        classPaths: (params) => ({ objects: classPaths(graph, params.className, params.limit, this.newerThan) }),
        retainerGraph: (params) => {
          this.retainers ??= buildRetainerIndex(graph.snapshot);
          return retainerGraph(graph, this.retainers, params.id, params.depth, params.maxRetainersPerNode);
        },
        // Attribution needs the script of each location, which a bare snapshot cannot name reliably.
        packages: () => ({ packages: [] }),
      },
      call,
    );
  }
}
