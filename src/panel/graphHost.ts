import { join } from 'node:path';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';
import { RequestWorker } from '../common/workerThread';
import { GraphState, type GraphReply, type GraphRequest } from './graphState';
import type { DiffView, QueryCall, QueryCallOf, QueryMethod, QueryResult, SnapshotView } from './protocol';

/** A loaded snapshot behind typed calls: on a worker thread, or in this thread for tests. */
export interface GraphHost {
  openSnapshot(file: string, progress?: Progress, token?: CancellationToken): Promise<SnapshotView>;
  openDiff(baseline: string, after: string, progress?: Progress, token?: CancellationToken): Promise<DiffView>;
  /** A report's after snapshot, for object queries; `newerThan` is the baseline's largest heap-object id. */
  openAfter(file: string, newerThan: number | undefined, progress?: Progress, token?: CancellationToken): Promise<void>;
  query<M extends QueryMethod>(call: QueryCallOf<M>, token?: CancellationToken): Promise<QueryResult<M>>;
  dispose(): void;
}

interface GraphTransport {
  request(request: GraphRequest, progress?: Progress, token?: CancellationToken): Promise<GraphReply>;
  dispose(): void;
}

export function createGraphHost(options: { inProcess?: boolean } = {}): GraphHost {
  if (options.inProcess) {
    const state = new GraphState();
    return typedHost({
      request: (request, progress = NoProgress, token = NeverCancelled) => state.handle(request, progress, token),
      dispose() {},
    });
  }
  const worker = new RequestWorker<GraphRequest, GraphReply>(join(__dirname, 'graphWorker.js'), 'The snapshot worker');
  return typedHost({
    request: (request, progress, token) => worker.request(request, progress, token),
    dispose: () => worker.dispose(new CancelledError('The snapshot was closed.')),
  });
}

function typedHost(transport: GraphTransport): GraphHost {
  const mismatch = (op: string) => new LeakscopeError(ErrorCode.Internal, `The snapshot worker answered ${op} with something else.`, false);
  return {
    async openSnapshot(file, progress, token) {
      const reply = await transport.request({ op: 'openSnapshot', file }, progress, token);
      if (!('snapshot' in reply)) throw mismatch('openSnapshot');
      return reply.snapshot;
    },
    async openDiff(baseline, after, progress, token) {
      const reply = await transport.request({ op: 'openDiff', baseline, after }, progress, token);
      if (!('diff' in reply)) throw mismatch('openDiff');
      return reply.diff;
    },
    async openAfter(file, newerThan, progress, token) {
      await transport.request({ op: 'openAfter', file, ...(newerThan === undefined ? {} : { newerThan }) }, progress, token);
    },
    async query<M extends QueryMethod>(call: QueryCallOf<M>, token?: CancellationToken) {
      // GraphState answers with answerQuery on this same call, so the reply is this method's result;
      // the generic call only widens to the QueryCall union by a cast, method and params matching by construction.
      return (await transport.request({ op: 'query', call: call as QueryCall }, NoProgress, token)) as QueryResult<M>;
    },
    dispose: () => transport.dispose(),
  };
}
