import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';
import { GraphState, type GraphReply, type GraphRequest } from './graphState';
import type { FromGraphWorker, ToGraphWorker } from './graphWorker';

/** A loaded snapshot behind a request/reply interface: on a worker thread, or in this thread for tests. */
export interface GraphHost {
  request(request: GraphRequest, progress?: Progress, token?: CancellationToken): Promise<GraphReply>;
  dispose(): void;
}

export function createGraphHost(options: { inProcess?: boolean } = {}): GraphHost {
  return options.inProcess ? new InProcessGraphHost() : new WorkerGraphHost();
}

class InProcessGraphHost implements GraphHost {
  private readonly state = new GraphState();
  request(request: GraphRequest, progress: Progress = NoProgress, token: CancellationToken = NeverCancelled): Promise<GraphReply> {
    return this.state.handle(request, progress, token);
  }
  dispose(): void {}
}

class WorkerGraphHost implements GraphHost {
  private readonly worker = new Worker(join(__dirname, 'graphWorker.js'));
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress: Progress }>();
  private failed: Error | undefined;

  constructor() {
    this.worker.on('message', (message: FromGraphWorker) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      if ('progress' in message) return call.progress.report({ message: message.progress });
      this.pending.delete(message.id);
      if ('ok' in message) call.resolve(message.ok);
      else call.reject(new LeakscopeError(message.err.code as ErrorCode, message.err.message, message.err.userFacing));
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new LeakscopeError(ErrorCode.Internal, `The snapshot worker stopped (exit code ${code}).`, false)));
  }

  request(request: GraphRequest, progress: Progress = NoProgress, token: CancellationToken = NeverCancelled): Promise<GraphReply> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (token.isCancellationRequested) return reject(new CancelledError());
      const cancel = token.onCancellationRequested(() => {
        this.worker.postMessage({ cancel: id } satisfies ToGraphWorker);
        this.pending.delete(id);
        reject(new CancelledError());
      });
      const done = <T>(f: (v: T) => void) => (v: T) => {
        cancel.dispose();
        f(v);
      };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), progress });
      this.worker.postMessage({ id, request } satisfies ToGraphWorker);
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const call of this.pending.values()) call.reject(e);
    this.pending.clear();
  }

  dispose(): void {
    this.failed ??= new CancelledError('The snapshot was closed.');
    void this.worker.terminate();
  }
}
