import { parentPort, Worker, workerData, type TransferListItem } from 'node:worker_threads';
import { CancellationTokenSource, NeverCancelled, type CancellationToken } from './cancellation';
import type { Progress } from './progress';
import { CancelledError, ErrorCode, errorMessage, LeakscopeError } from './errors';

// The one way Leakscope runs work on a worker_threads thread (the edges parser, the diff's baseline,
// the panel's graph): a worker is given a file path, never bytes; its messages are typed at both
// ends; an error keeps its code and `userFacing` across the thread; and a thread that dies without
// answering (killed, out of memory) fails what waits on it instead of leaving it waiting.

/** A `LeakscopeError` as it crosses a thread (structured clone keeps neither its class nor its fields). */
export interface WireError {
  code: ErrorCode;
  message: string;
  userFacing: boolean;
}

export function toWireError(e: unknown): WireError {
  if (e instanceof LeakscopeError) return { code: e.code, message: e.message, userFacing: e.userFacing };
  return { code: ErrorCode.Internal, message: errorMessage(e), userFacing: false };
}

export function fromWireError(e: WireError): LeakscopeError {
  return e.code === ErrorCode.Cancelled ? new CancelledError(e.message) : new LeakscopeError(e.code, e.message, e.userFacing);
}

/** What a thread that failed or ended without answering is said to have done; `what` names the work ("Loading x.heapsnapshot"). */
function threadFailed(what: string, e: Error): LeakscopeError {
  return new LeakscopeError(ErrorCode.Internal, `${what} failed: ${e.message}`, false);
}
function threadExited(what: string, code: number): LeakscopeError {
  return new LeakscopeError(ErrorCode.Internal, `${what} stopped unexpectedly (exit code ${code}).`, false);
}

// ---- One job, one answer -----------------------------------------------------------------------

/** The one message a job's worker sends. */
export type JobReply<R> = { ok: R } | { err: WireError };

export interface WorkerJob<R> {
  /** The job's answer; rejects with the worker's error, a `CancelledError`, or the thread's failure. */
  readonly result: Promise<R>;
  terminate(): Promise<void>;
}

/**
 * Starts `script` (a compiled worker beside the caller) on `job` (its `workerData`). Cancelling
 * `token` ends the thread. Call `terminate` when done, answered or not.
 */
export function startWorkerJob<J, R>(script: string, job: J, what: string, token: CancellationToken = NeverCancelled): WorkerJob<R> {
  const worker = new Worker(script, { workerData: job });
  const result = new Promise<R>((resolve, reject) => {
    const settle = (f: () => void) => () => {
      cancel.dispose();
      f();
    };
    const cancel = token.onCancellationRequested(() => {
      void worker.terminate();
      reject(new CancelledError(`${what} was cancelled.`));
    });
    worker.once('message', (m: JobReply<R>) => settle(() => ('ok' in m ? resolve(m.ok) : reject(fromWireError(m.err))))());
    worker.once('error', (e) => settle(() => reject(threadFailed(what, e)))());
    worker.once('exit', (code) => settle(() => reject(threadExited(what, code)))());
  });
  // Settled later; keep an early failure from counting as unhandled meanwhile.
  result.catch(() => undefined);
  return { result, terminate: () => worker.terminate().then(() => undefined) };
}

/**
 * In a job's worker script: runs `work` on the `workerData` and sends its answer (or its error)
 * back; `transfer` lists buffers to move rather than copy. Does nothing outside a worker.
 */
export function answerWorkerJob<J, R>(work: (job: J) => Promise<R>, transfer: (result: R) => readonly TransferListItem[] = () => []): void {
  const port = parentPort;
  if (!port || workerData === undefined) return;
  work(workerData as J).then(
    (ok) => port.postMessage({ ok } satisfies JobReply<R>, [...transfer(ok)]),
    (e: unknown) => port.postMessage({ err: toWireError(e) } satisfies JobReply<R>),
  );
}

// ---- A long-lived worker answering requests ----------------------------------------------------

/** Messages to a request worker. Cancellation is a message, not a shared flag. */
export type ToRequestWorker<Q> = { id: number; request: Q } | { cancel: number };
/** Messages from it: progress, then one answer per request. */
export type FromRequestWorker<A> = { id: number; ok: A } | { id: number; err: WireError } | { id: number; progress: string };

/** A worker that answers requests of type `Q` with `A`, one at a time or several at once. */
export class RequestWorker<Q, A> {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (answer: A) => void; reject: (e: Error) => void; progress?: Progress }>();
  private failed: Error | undefined;

  constructor(
    script: string,
    private readonly what: string,
  ) {
    this.worker = new Worker(script);
    this.worker.on('message', (message: FromRequestWorker<A>) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      if ('progress' in message) return call.progress?.report({ message: message.progress });
      this.pending.delete(message.id);
      if ('ok' in message) call.resolve(message.ok);
      else call.reject(fromWireError(message.err));
    });
    this.worker.on('error', (e) => this.fail(threadFailed(this.what, e)));
    this.worker.on('exit', (code) => this.fail(threadExited(this.what, code)));
  }

  request(request: Q, progress?: Progress, token: CancellationToken = NeverCancelled): Promise<A> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<A>((resolve, reject) => {
      if (token.isCancellationRequested) return reject(new CancelledError());
      const cancel = token.onCancellationRequested(() => {
        this.worker.postMessage({ cancel: id } satisfies ToRequestWorker<Q>);
        this.pending.delete(id);
        reject(new CancelledError());
      });
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          cancel.dispose();
          f(v);
        };
      this.pending.set(id, { resolve: done(resolve), reject: done(reject), progress });
      this.worker.postMessage({ id, request } satisfies ToRequestWorker<Q>);
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const call of this.pending.values()) call.reject(e);
    this.pending.clear();
  }

  /** Ends the thread; later requests fail with `closed`. */
  dispose(closed = new CancelledError(`${this.what} was closed.`)): void {
    this.failed ??= closed;
    void this.worker.terminate();
  }
}

/**
 * In a request worker's script: answers each request with `handle`, passing on its progress and
 * cancelling it when the host says so. Does nothing outside a worker.
 */
export function answerRequests<Q, A>(handle: (request: Q, progress: Progress, token: CancellationToken) => Promise<A>): void {
  const port = parentPort;
  if (!port) return;
  const running = new Map<number, CancellationTokenSource>();
  port.on('message', (message: ToRequestWorker<Q>) => {
    if ('cancel' in message) {
      running.get(message.cancel)?.cancel();
      return;
    }
    const { id, request } = message;
    const source = new CancellationTokenSource();
    running.set(id, source);
    const progress: Progress = {
      report: (step) => void (step.message && port.postMessage({ id, progress: step.message } satisfies FromRequestWorker<A>)),
    };
    handle(request, progress, source.token)
      .then(
        (ok) => port.postMessage({ id, ok } satisfies FromRequestWorker<A>),
        (e: unknown) => port.postMessage({ id, err: toWireError(e) } satisfies FromRequestWorker<A>),
      )
      .finally(() => running.delete(id));
  });
}
