import { EventEmitter } from 'node:events';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { InspectorConnection, type ConnectOptions, type SessionClient } from './connection';
import { fieldOf, parseTargetJson } from './targetValues';

/** A worker thread of the target, with an inspector connection of its own. */
export interface WorkerThread {
  /** Node's `threadId` of the worker (from its inspector title): 1 for the first worker the process made. */
  id: number;
  /** What the inspector calls it: `[worker 1] name`. */
  title: string;
  /** The worker's script (a `file://` URL); empty for a worker made from `eval` code. */
  url: string;
  connection: InspectorConnection;
}

/**
 * The target's worker threads, each attached through the NodeWorker domain of its parent's
 * connection: `NodeWorker.enable` reports every worker there is and every one made later
 * (`attachedToWorker`), and a worker's own CDP messages travel inside the parent's
 * (`sendMessageToWorker` / `receivedMessageFromWorker`). A worker's own workers are attached the
 * same way through its session, so a pool inside a worker is checked too. Workers are not paused
 * at start (`waitForDebuggerOnStart: false`): the check observes, it does not hold the program up.
 * Each worker's session becomes an `InspectorConnection`, so its calls have the same bounds and
 * cancellation, and its snapshots stream to disk in the same constant memory.
 */
export class WorkerSessions {
  /** By session key: the parents' keys and the session id, `3/1` for worker session 1 of session 3. */
  private readonly clients = new Map<string, WorkerClient>();
  private readonly threads = new Map<string, WorkerThread>();
  private readonly connecting = new Set<Promise<void>>();
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  private closed = false;

  private constructor(private readonly options: ConnectOptions) {}

  /**
   * Attaches to every worker of the target and waits until those there now are connected (each
   * bounded like any call). A target whose inspector has no NodeWorker domain (VS Code's
   * debugger proxy, a runtime other than Node) has no workers to attach.
   */
  static async attach(main: InspectorConnection, options: ConnectOptions = {}): Promise<WorkerSessions> {
    const sessions = new WorkerSessions(options);
    if (main.viaJsDebugProxy) return sessions;
    try {
      await sessions.listen(main, '');
    } catch {
      await sessions.close();
      return sessions;
    }
    await sessions.settled();
    return sessions;
  }

  /** The workers attached and alive now, in the order they were made. */
  get alive(): WorkerThread[] {
    return [...this.threads.values()].filter((t) => !t.connection.isClosed).sort((a, b) => a.id - b.id);
  }

  /** A full GC in every live worker (see collectWorkerGarbage); a worker that ends meanwhile is skipped. */
  async collectGarbage(): Promise<void> {
    await Promise.all(this.alive.map((t) => collectWorkerGarbage(t.connection).catch(() => undefined)));
  }

  /** Waits until the workers reported so far are connected (or have failed to be), their own workers too. */
  async settled(): Promise<void> {
    while (this.connecting.size > 0) await Promise.all(this.connecting);
  }

  /** Detaches from every worker; the workers go on running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    await Promise.all([...this.threads.values()].map((t) => t.connection.close()));
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
    this.threads.clear();
  }

  /** Follows the workers of one thread (the main thread's, `prefix` ''; a worker's, its key and '/'). */
  private async listen(parent: InspectorConnection, prefix: string): Promise<void> {
    this.subscriptions.push(
      parent.onEvent('NodeWorker.attachedToWorker', (e) => {
        const attached = attachedToWorker(e);
        if (attached) this.attached(parent, prefix, attached);
      }),
      parent.onEvent('NodeWorker.receivedMessageFromWorker', (e) => {
        const sessionId = fieldOf(e, 'sessionId');
        const message = fieldOf(e, 'message');
        if (typeof sessionId === 'string' && typeof message === 'string') this.clients.get(prefix + sessionId)?.receive(message);
      }),
      parent.onEvent('NodeWorker.detachedFromWorker', (e) => {
        const sessionId = fieldOf(e, 'sessionId');
        if (typeof sessionId === 'string') this.detached(prefix + sessionId);
      }),
    );
    // A thread that ends takes its workers with it.
    parent.onClose(() => [...this.clients.keys()].filter((key) => key.startsWith(prefix)).forEach((key) => this.detached(key)));
    // The workers that exist are reported before this call returns.
    await parent.nodeWorker('NodeWorker.enable', { waitForDebuggerOnStart: false });
  }

  private attached(parent: InspectorConnection, prefix: string, e: AttachedToWorker): void {
    const key = prefix + e.sessionId;
    if (this.closed || this.clients.has(key)) return;
    const client = new WorkerClient(parent, e.sessionId);
    this.clients.set(key, client);
    // The title names the worker's threadId (`[worker 2] name`), what the program's own logs and
    // `worker.threadId` call it; workerId is only the inspector's count.
    const id = Number(/^\[worker (\d+)\]/.exec(e.workerInfo.title)?.[1] ?? e.workerInfo.workerId);
    const endpoint = `${parent.endpoint.replace(/ \(worker \d+\)$/, '')} (worker ${id})`;
    const connecting = InspectorConnection.overSession(client, endpoint, this.options).then(
      async (connection) => {
        if (this.closed || client.isClosed) return void connection.close();
        this.threads.set(key, { id, title: e.workerInfo.title, url: e.workerInfo.url, connection });
        // Its own workers; a runtime whose workers cannot have any answers with an error, and that is all.
        await this.listen(connection, `${key}/`).catch(() => undefined);
      },
      // A worker that ended while it was being attached has nothing to check.
      () => this.detached(key),
    );
    const tracked = connecting.finally(() => this.connecting.delete(tracked));
    this.connecting.add(tracked);
  }

  private detached(key: string): void {
    this.clients.get(key)?.ended();
    this.clients.delete(key);
    this.threads.delete(key);
  }
}

interface AttachedToWorker {
  sessionId: string;
  workerInfo: { workerId: string; title: string; url: string };
}

/** `NodeWorker.attachedToWorker`'s params, read field by field; undefined when they are of another shape (the event is then ignored). */
function attachedToWorker(params: unknown): AttachedToWorker | undefined {
  const sessionId = fieldOf(params, 'sessionId');
  const info = fieldOf(params, 'workerInfo');
  const workerId = fieldOf(info, 'workerId');
  const title = fieldOf(info, 'title');
  const url = fieldOf(info, 'url');
  if (typeof sessionId !== 'string' || typeof workerId !== 'string' || typeof title !== 'string' || typeof url !== 'string')
    return undefined;
  return { sessionId, workerInfo: { workerId, title, url } };
}

/** What a worker's session sends: an answer to a call (by its id), or an event. */
type WorkerMessage = { id: number; result: unknown } | { id: number; error: string } | { method: string; params: unknown };

/**
 * A worker's CDP message, from the text the target's inspector sent; undefined when it is neither
 * an answer nor an event. An answer's error is read as its message only when that is text.
 */
function parseWorkerMessage(text: string): WorkerMessage | undefined {
  const value = parseTargetJson(text);
  const id = fieldOf(value, 'id');
  const method = fieldOf(value, 'method');
  if (typeof id === 'number') {
    const error: unknown = fieldOf(value, 'error');
    if (!error) return { id, result: fieldOf(value, 'result') ?? {} };
    const message = fieldOf(error, 'message');
    return { id, error: typeof message === 'string' ? message : 'the worker refused the call' };
  }
  return typeof method === 'string' ? { method, params: fieldOf(value, 'params') ?? {} } : undefined;
}

/**
 * One worker's CDP session, shaped like chrome-remote-interface's client for
 * `InspectorConnection`: commands go out as `NodeWorker.sendMessageToWorker` on the parent,
 * answers and events come back in `receivedMessageFromWorker`. The parent's call is answered at
 * once; the worker's answer is bounded by the worker's own connection (its watchdog and token).
 */
class WorkerClient extends EventEmitter implements SessionClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private closed = false;

  constructor(
    /** The connection of the thread that made the worker. */
    private readonly main: InspectorConnection,
    private readonly sessionId: string,
  ) {
    super();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(method: string, params: object = {}): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the worker has ended'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.main
        .nodeWorker('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((e: Error) => {
          this.pending.delete(id);
          reject(e);
        });
    });
  }

  /** A message from the worker: an answer to a call, or an event. Text from the target: anything malformed is dropped. */
  receive(text: string): void {
    const message = parseWorkerMessage(text);
    if (!message) return;
    if ('id' in message) {
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if ('error' in message) call?.reject(new Error(message.error));
      else call?.resolve(message.result);
    } else {
      this.emit('event', message);
      this.emit(message.method, message.params);
    }
  }

  /** The worker ended or was detached: every call waiting fails, and the connection over it closes. */
  ended(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.pending.values()) call.reject(new Error('the worker has ended'));
    this.pending.clear();
    this.emit('disconnect');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ended();
    await this.main.nodeWorker('NodeWorker.detach', { sessionId: this.sessionId }).catch(() => undefined);
  }
}

/**
 * A full GC in a worker, run synchronously by the call itself: the inspector's
 * `HeapProfiler.collectGarbage` is done as a task on the thread's event loop, which a worker
 * parked in `Atomics.wait` between tasks (a Piscina pool's, by default) never turns, paused or not.
 * V8's `gc` function is taken once per worker, from a context made while `--expose-gc` is
 * briefly on (as Jest does for `--logHeapUsage`; the flag is turned off again at once), and kept
 * in an object group of the session: one context made before the baseline, not one per GC.
 */
const GC_FUNCTION_EXPRESSION = `(() => {
  const load = (m) => process.getBuiltinModule ? process.getBuiltinModule(m) : require(m);
  const v8 = load('v8');
  try {
    v8.setFlagsFromString('--expose-gc');
    return load('vm').runInNewContext('gc');
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
})()`;

const gcFunctions = new WeakMap<InspectorConnection, string>();

export async function collectWorkerGarbage(connection: InspectorConnection): Promise<void> {
  let gc = gcFunctions.get(connection);
  if (!gc) {
    // Not awaited as a promise: settling one takes a turn of the event loop too.
    const made: unknown = await connection.probe('Runtime.evaluate', { expression: GC_FUNCTION_EXPRESSION, objectGroup: 'leakscope-gc' });
    const result = fieldOf(made, 'result');
    const objectId = fieldOf(result, 'objectId');
    if (fieldOf(made, 'exceptionDetails') || fieldOf(result, 'type') !== 'function' || typeof objectId !== 'string' || !objectId)
      throw new LeakscopeError(ErrorCode.TargetUnreachable, 'V8 did not give the worker a gc function.');
    gc = objectId;
    gcFunctions.set(connection, gc);
  }
  const collected: unknown = await connection.probe('Runtime.callFunctionOn', {
    objectId: gc,
    functionDeclaration: 'function () { this(); this(); }',
    returnByValue: true,
  });
  if (fieldOf(collected, 'exceptionDetails'))
    throw new LeakscopeError(ErrorCode.TargetUnreachable, 'V8 did not let the worker collect its garbage.');
}
