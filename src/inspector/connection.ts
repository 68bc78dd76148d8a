import CDP from 'chrome-remote-interface';
import { NeverCancelled, throwIfCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { printable } from '../common/printable';
import type { SamplingProfile } from '../memory/samplingProfile';
import { samplingProfileOf } from './samplingProfileAnswer';
import { fieldOf, isAmount } from './targetValues';
import { captureHeapSnapshot, type SnapshotOptions } from './heapSnapshotCapture';

export type { SnapshotOptions } from './heapSnapshotCapture';

/**
 * One inspector (CDP) connection to a Node process: forced GC, heap snapshots streamed to disk,
 * and evaluation in the target. Script ids seen in `Debugger.scriptParsed` are kept so source
 * locations in snapshots can be turned into file paths.
 */
export class InspectorConnection {
  private readonly scripts = new Map<string, string>();
  /** Script URL → the `sourceMapURL` V8 found for it (an inline `data:` map for what tsx or ts-node transform). */
  private readonly sourceMaps = new Map<string, string>();
  private closed = false;
  /** Why every call now fails at once: the target ended, was cancelled, is unreachable. */
  private failure?: LeakscopeError;
  private readonly pending = new Set<PendingCall>();
  private lastMessageAt = Date.now();
  private heartbeatInFlight = false;
  private watchdog?: NodeJS.Timeout;
  private pausedSince?: number;
  /** Paused by Leakscope itself (whilePaused): not another debugger's pause. */
  private ownPause = false;
  private defaultContextId?: number;
  private heapBytes = 0;
  private snapshots = 0;
  private readonly subscriptions: Array<{ dispose(): void }> = [];

  private constructor(
    private readonly client: CDP.Client,
    readonly endpoint: string,
    private readonly options: ConnectOptions = {},
  ) {
    client.on('Debugger.scriptParsed', (e) => {
      if (e.url) this.scripts.set(e.scriptId, e.url);
      if (e.url && e.sourceMapURL) this.sourceMaps.set(e.url, e.sourceMapURL);
    });
    client.on('disconnect', () => {
      this.closed = true;
      this.failAll(gone());
      for (const listener of this.closeListeners) listener();
    });
    // Any message proves the target is there, whatever it is busy with.
    client.on('event', () => (this.lastMessageAt = Date.now()));
    client.on('Debugger.paused', () => (this.pausedSince ??= Date.now()));
    client.on('Debugger.resumed', () => (this.pausedSince = undefined));
    client.on('Runtime.executionContextCreated', (e) => {
      if (fieldOf(e.context.auxData, 'isDefault') === true) this.defaultContextId = e.context.id;
    });
    // A Node process whose JavaScript has ended (its event loop ran dry, or it called
    // process.exit) destroys its main context and then waits for the debugger to disconnect;
    // nothing sent after that is ever answered. Failing now, and letting go, lets it exit.
    client.on('Runtime.executionContextDestroyed', (e) => {
      if (e.executionContextId !== this.defaultContextId) return;
      this.failAll(
        new LeakscopeError(
          ErrorCode.TargetUnreachable,
          'The target process ended: its JavaScript finished (the event loop ran out of work, or it called process.exit).',
        ),
      );
      // Closing it ourselves emits no 'disconnect', so those who wait for the end are told here.
      void this.close().then(() => this.closeListeners.forEach((listener) => listener()));
    });
    if (options.token) {
      this.subscriptions.push(
        options.token.onCancellationRequested(() => this.failAll(new CancelledError('Cancelled while waiting for the target.'))),
      );
    }
  }

  private readonly closeListeners: Array<() => void> = [];

  /** Called once when the target goes away (it exited, or its debug session ended). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Connected through VS Code's JavaScript debugger, which owns the target's other sessions (its workers too). */
  get viaJsDebugProxy(): boolean {
    return Boolean(this.options.jsDebugProxy);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Heap snapshots asked of the target so far: each leaves its cost in the target's RSS. */
  get snapshotsTaken(): number {
    return this.snapshots;
  }

  /**
   * `jsDebugProxy`: the endpoint is VS Code's JavaScript debugger's CDP proxy for a debug session.
   * It forwards commands to the target but sends only the events a client subscribes to, and the
   * debugger already owns the Debugger domain, so enabling it again here would be someone else's
   * business (scripts then come from the snapshot itself: see snapshot/scriptUrls).
   *
   * Every call on the connection is bounded (see `send`), and `token` rejects pending calls.
   * The last step waits for one turn of the target's event loop (bounded).
   */
  static async connect(webSocketUrl: string, options: ConnectOptions = {}): Promise<InspectorConnection> {
    const token = options.token ?? NeverCancelled;
    throwIfCancelled(token);
    let client: CDP.Client;
    const opening = CDP({ target: webSocketUrl, local: true });
    try {
      client = await bounded(opening, CONNECT_MS, token, () => `it did not answer within ${CONNECT_MS / 1000} s`);
    } catch (e) {
      void opening.then((late) => late.close()).catch(() => undefined);
      if (e instanceof CancelledError) throw e;
      throw new LeakscopeError(ErrorCode.TargetUnreachable, `Cannot connect to the inspector at ${webSocketUrl} (${errorMessage(e)}).`);
    }
    return InspectorConnection.start(new InspectorConnection(client, webSocketUrl, options));
  }

  /**
   * A connection over a session that is not a WebSocket of its own: a worker thread's, whose
   * messages travel inside the parent's (`inspector/workerSessions.ts`). The same bounded calls,
   * snapshot streaming and start-up as `connect`.
   */
  static overSession(client: SessionClient, endpoint: string, options: ConnectOptions = {}): Promise<InspectorConnection> {
    throwIfCancelled(options.token ?? NeverCancelled);
    // The connection uses only what SessionClient declares of chrome-remote-interface's client.
    // A worker's event loop may be parked for good between tasks (a pool waiting in Atomics.wait),
    // so its start-up does not wait for a turn of it.
    return InspectorConnection.start(
      new InspectorConnection(client as unknown as CDP.Client, endpoint, { ...options, jsDebugProxy: false }),
      false,
    );
  }

  private static async start(connection: InspectorConnection, eventLoopTurn = true): Promise<InspectorConnection> {
    const options = connection.options;
    try {
      if (options.jsDebugProxy) {
        await connection.send('JsDebug.subscribe' as 'HeapProfiler.enable', { events: ['HeapProfiler.*'] } as object);
        await connection.send('HeapProfiler.enable');
        return connection;
      }
      await connection.send('Runtime.enable');
      await connection.send('Debugger.enable');
      // Debugger.enable pauses nothing, but a target started with --inspect-brk would wait for this.
      await connection.send('Runtime.runIfWaitingForDebugger');
      await connection.send('HeapProfiler.enable');
      if (!eventLoopTurn) return connection;
      // A turn of the event loop: a target paused in another debugger, or blocked by a long
      // synchronous task, is named now rather than by a long wait at the first GC.
      await connection.send(
        'Runtime.evaluate',
        { expression: 'new Promise((resolve) => setTimeout(resolve, 0))', awaitPromise: true, returnByValue: true },
        { timeoutMs: EVENT_LOOP_MS, what: 'a turn of its event loop' },
      );
      return connection;
    } catch (e) {
      await connection.close();
      throw e;
    }
  }

  /** File path (or URL) of a script id from the snapshot's locations. */
  scriptUrl(scriptId: number | string): string | undefined {
    return this.scripts.get(String(scriptId));
  }

  /** The source map URL the inspector reported for a script, when it did. */
  sourceMapUrl(scriptUrl: string): string | undefined {
    return this.sourceMaps.get(scriptUrl);
  }

  get scriptUrls(): ReadonlyMap<string, string> {
    return this.scripts;
  }

  async collectGarbage(): Promise<void> {
    // Twice: the first pass can leave objects whose finalizers or weak callbacks free more.
    await this.send('HeapProfiler.collectGarbage');
    await this.send('HeapProfiler.collectGarbage');
  }

  /**
   * Takes a heap snapshot straight to `path`: chunks are appended to a temporary file as they
   * arrive and it is renamed when complete, so a failed capture never looks like a snapshot.
   */
  takeHeapSnapshot(path: string, options: SnapshotOptions = {}): Promise<void> {
    return this.streamSnapshot(
      path,
      () => this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }),
      options,
    );
  }

  /**
   * Records the stack of every allocation from now on (slows the target). The snapshot that
   * ends the recording carries them: each object's trace node says which code allocated it.
   */
  async startTrackingAllocations(): Promise<void> {
    await this.setCompaction(false);
    await this.send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
  }

  /** Stops allocation tracking; V8 answers with a snapshot that holds the allocation stacks, written to `path`. */
  async stopTrackingToFile(path: string, options: SnapshotOptions = {}): Promise<void> {
    try {
      await this.streamSnapshot(path, () => this.send('HeapProfiler.stopTrackingHeapObjects', { reportProgress: true }), options);
    } finally {
      await this.setCompaction(true);
    }
  }

  /**
   * A GC that moves an object moves its allocation stack only while the heap profiler has given
   * it no id yet (V8's HeapProfiler::ObjectMoveEvent), and while tracking the inspector gives
   * every live object one every 50 ms (and each snapshot does): objects a compacting full GC
   * moves afterwards lose their stacks, more or fewer from run to run. Compaction is off while
   * tracking, unless the program turned it off itself. Best effort: without it, fewer stacks.
   */
  private async setCompaction(on: boolean): Promise<void> {
    const expression = `(() => {
      const load = (m) => process.getBuiltinModule ? process.getBuiltinModule(m) : process.mainModule ? process.mainModule.require(m) : require(m);
      const own = [...process.execArgv, ...(process.env.NODE_OPTIONS || '').split(/\\s+/)].some((a) => /^--no[-_]compact$/.test(a));
      if (!own) load('v8').setFlagsFromString(${JSON.stringify(on ? '--compact' : '--no-compact')});
    })()`;
    await this.evaluate(expression, { commandLineApi: false }).catch(() => undefined);
  }

  /**
   * Starts V8's sampling heap profiler: one allocation in about `samplingInterval` bytes is
   * recorded with its stack and kept while its object lives. Collected objects are left out
   * (both `includeObjectsCollectedBy…` flags false), so a profile is what is still alive.
   */
  async startSampling(samplingInterval: number): Promise<void> {
    await this.send('HeapProfiler.startSampling', {
      samplingInterval,
      includeObjectsCollectedByMajorGC: false,
      includeObjectsCollectedByMinorGC: false,
    });
  }

  /** The live samples now, with their allocation stacks and ordinals. */
  async samplingProfile(): Promise<SamplingProfile> {
    return samplingProfileOf((await this.send('HeapProfiler.getSamplingProfile')).profile);
  }

  async stopSampling(): Promise<void> {
    await this.send('HeapProfiler.stopSampling');
  }

  /**
   * Turns the Debugger domain off. With it on, V8's inspector claims the near-heap-limit
   * callback to pause on out-of-memory, so Node's `--heapsnapshot-near-heap-limit` never fires
   * (the target hangs at the limit instead). Script URLs then come from snapshots and profiles.
   */
  async releaseHeapLimit(): Promise<void> {
    await this.send('Debugger.disable');
  }

  private streamSnapshot(path: string, command: () => Promise<unknown>, options: SnapshotOptions): Promise<void> {
    // The client is an EventEmitter at run time; its typings only declare `on`.
    const events = this.client as unknown as NodeJS.EventEmitter;
    return captureHeapSnapshot(events, path, command, () => void this.client.close().catch(() => undefined), options);
  }

  /**
   * Evaluates an expression in the target, awaiting it if it is a promise; throws its exception
   * as a sentence. `commandLineApi` (the default, for the user's expressions) gives it the
   * console's helpers, `require` among them; V8 installs them on the global object for every
   * call, which leaves a few objects behind each time, so Leakscope's own probes go without.
   * The user's expressions may take up to `timeoutMs` (default 10 minutes); Leakscope's own, a minute.
   */
  async evaluate(expression: string, options: { commandLineApi?: boolean; timeoutMs?: number } = {}): Promise<unknown> {
    const userCode = options.commandLineApi ?? true;
    const what = `the expression \`${clip(expression)}\``;
    // While the user's expression runs synchronously the target answers nothing, so its silence
    // is given longer before it counts as a stopped process. (Awaiting its promise in a second
    // call would tell the two apart, but a promise that rejects before it is awaited is an
    // unhandled rejection, which ends a Node process.)
    const result = await this.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true, includeCommandLineAPI: userCode },
      userCode
        ? { timeoutMs: options.timeoutMs ?? EXPRESSION_MS, what, userCode, quietMs: USER_CODE_SILENCE_MS }
        : { timeoutMs: options.timeoutMs ?? CALL_MS },
    );
    if (result.exceptionDetails) {
      const description = result.exceptionDetails.exception?.description?.split('\n')[0] ?? result.exceptionDetails.text;
      throw new LeakscopeError(
        ErrorCode.TargetUnreachable,
        `The expression \`${expression}\` threw in the target: ${printable(description, 500)}`,
      );
    }
    return result.result.value;
  }

  /**
   * The commands of the bounded walks over the target's objects (closureHolders.ts), through the
   * same path as every call. The answer is `unknown`: it describes the target's objects, so each
   * caller reads the fields it uses with the helpers of targetValues.ts.
   */
  probe(
    method:
      | 'Runtime.evaluate'
      | 'Runtime.queryObjects'
      | 'Runtime.callFunctionOn'
      | 'Runtime.getProperties'
      | 'Runtime.releaseObjectGroup'
      | 'Debugger.getScriptSource',
    params: object,
  ): Promise<unknown> {
    return this.send(method, params);
  }

  /** The live and committed size of this connection's V8 heap (the worker's own, over a worker's session). */
  async heapUsage(): Promise<{ usedSize: number; totalSize: number }> {
    const answer: unknown = await this.send('Runtime.getHeapUsage');
    const usedSize = fieldOf(answer, 'usedSize');
    const totalSize = fieldOf(answer, 'totalSize');
    if (!isAmount(usedSize) || !isAmount(totalSize))
      throw new LeakscopeError(ErrorCode.TargetUnreachable, "The target's inspector answered Runtime.getHeapUsage without its sizes.");
    this.heapBytes = totalSize;
    return { usedSize, totalSize };
  }

  /** The NodeWorker domain's commands, for the sessions of the target's worker threads (workerSessions.ts), through the same bounded path. */
  nodeWorker(method: 'NodeWorker.enable' | 'NodeWorker.sendMessageToWorker' | 'NodeWorker.detach', params: object): Promise<unknown> {
    return this.send(method as 'HeapProfiler.enable', params);
  }

  /** Listens to one event of the target (the NodeWorker domain's, for workerSessions.ts). */
  onEvent(method: string, listener: (params: unknown) => void): { dispose(): void } {
    const events = this.client as unknown as NodeJS.EventEmitter;
    events.on(method, listener);
    return { dispose: () => events.removeListener(method, listener) };
  }

  /**
   * Runs `work` with the target paused by Leakscope (a `debugger` statement evaluated in it).
   * A thread parked in a blocking wait (`Atomics.wait`, as worker pools do between tasks) never
   * turns its event loop, where newer Nodes run a snapshot's work; paused, it serves the
   * inspector's commands in the debugger's own loop instead. Its JavaScript waits meanwhile,
   * as it would during the snapshot anyway. When the pause does not come (breakpoints turned
   * off by another debugger), `work` runs unpaused.
   */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    if (this.failure) throw this.failure;
    const events = this.client as unknown as NodeJS.EventEmitter;
    let onPaused = () => undefined as void;
    const paused = new Promise<boolean>((resolve) => {
      onPaused = () => resolve(true);
      events.once('Debugger.paused', onPaused);
      setTimeout(() => resolve(false), PAUSE_MS).unref();
    });
    this.ownPause = true;
    // Answered only once resumed; its result says nothing.
    (this.client.send as (m: string, p: object) => Promise<unknown>)('Runtime.evaluate', { expression: 'debugger', silent: true }).catch(
      () => undefined,
    );
    const stopped = await paused;
    events.removeListener('Debugger.paused', onPaused);
    // A pause that comes after all (the thread was busy) must not leave it stopped.
    if (!stopped) events.once('Debugger.paused', () => void this.send('Debugger.resume').catch(() => undefined));
    try {
      return await work();
    } finally {
      if (stopped) await this.send('Debugger.resume').catch(() => undefined);
      this.ownPause = false;
    }
  }

  /** Closes the connection; a target that no longer answers (stopped, network cut) does not hold it up. */
  async close(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.stopWatchdog();
    if (this.closed) return;
    this.closed = true;
    this.failAll(gone());
    const closing = this.client.close().catch(() => undefined);
    const timer = setTimeout(() => (this.client as unknown as { _ws?: { terminate(): void } })._ws?.terminate(), CLOSE_MS);
    await closing;
    clearTimeout(timer);
  }

  /**
   * One CDP call, bounded three ways: by the token; by a limit of its own (longer for a GC or a
   * snapshot, in proportion to the heap); and by the target's silence: when nothing at all has
   * come from it for a while, a heartbeat that even a busy or paused target answers tells a
   * stopped process or a cut network from a busy one. A target paused in another debugger fails
   * the calls that need it running, with that sentence.
   */
  private async send<M extends Parameters<CDP.Client['send']>[0]>(
    method: M,
    params?: Parameters<CDP.Client['send']>[1],
    options: { timeoutMs?: number; what?: string; userCode?: boolean; quietMs?: number } = {},
    // chrome-remote-interface types each method's result; this wrapper only bounds the call and hands it through.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<any> {
    if (this.failure) throw this.failure;
    if (this.closed) throw gone();
    throwIfCancelled(this.options.token);
    const heavy = HEAVY_METHODS[method];
    if (heavy && !this.options.jsDebugProxy) await this.refreshHeapSize();
    if (heavy?.snapshot) this.snapshots++;
    const heapMb = this.heapBytes / MB;
    const call: PendingCall = {
      what: options.what ?? heavy?.what ?? `${method}`,
      started: Date.now(),
      limitMs: options.timeoutMs ?? (heavy ? heavy.baseMs + heavy.msPerMb * heapMb : CALL_MS),
      silenceMs: options.quietMs ?? SILENCE_MS + (heavy ? heavy.msPerMb * heapMb * 0.1 : 0),
      lastWaitReport: 0,
      userCode: Boolean(options.userCode),
      fail: () => undefined,
    };
    const failed = new Promise<never>((_, reject) => (call.fail = reject));
    failed.catch(() => undefined);
    this.pending.add(call);
    this.startWatchdog();
    try {
      const answer = await Promise.race([
        (this.client.send as (m: string, p?: object) => Promise<unknown>)(method, params as object | undefined),
        failed,
      ]);
      this.lastMessageAt = Date.now();
      return answer;
    } catch (e) {
      if (this.failure) throw this.failure;
      if (this.closed) throw gone();
      if (e instanceof LeakscopeError) throw e;
      throw new LeakscopeError(ErrorCode.TargetUnreachable, `The target's inspector refused ${call.what} (${errorMessage(e)}).`, true, {
        cause: e,
      });
    } finally {
      this.pending.delete(call);
      if (this.pending.size === 0) this.stopWatchdog();
    }
  }

  /** The heap's size, which scales the bounds of a GC and a snapshot; a paused or busy target answers it too. */
  private async refreshHeapSize(): Promise<void> {
    await this.heapUsage();
  }

  /** Fails every pending call and, unless `onlyPending`, every later one. */
  private failAll(error: LeakscopeError, onlyPending = false): void {
    if (!onlyPending) this.failure ??= error;
    for (const call of this.pending) call.fail(this.failure ?? error);
    this.pending.clear();
    this.stopWatchdog();
  }

  private startWatchdog(): void {
    this.watchdog ??= setInterval(() => this.checkPending(), TICK_MS);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private checkPending(): void {
    const now = Date.now();
    const silent = now - this.lastMessageAt;
    if (this.pausedSince !== undefined && !this.ownPause && now - this.pausedSince >= PAUSED_GRACE_MS) {
      // Only the calls waiting now: once the other debugger resumes, the connection works again.
      this.failAll(
        new LeakscopeError(
          ErrorCode.TargetUnreachable,
          'The target is paused in a debugger (another debugger stopped it at a breakpoint or a pause): resume it or detach that debugger, then try again.',
        ),
        true,
      );
      return;
    }
    for (const call of this.pending) {
      const waited = now - call.started;
      if (silent >= call.silenceMs) {
        const cause = call.userCode
          ? 'does the expression block the event loop that long, or is the process stopped (SIGSTOP, a frozen container) or the network to it cut?'
          : 'is the process stopped (SIGSTOP, a frozen container) or the network to it cut?';
        this.failAll(
          new LeakscopeError(
            ErrorCode.TargetUnreachable,
            `The target stopped answering its inspector: nothing came for ${Math.round(silent / 1000)} s while waiting for ${call.what}; ${cause}`,
          ),
        );
        void this.close();
        return;
      }
      if (waited >= call.limitMs) {
        this.pending.delete(call);
        const hint = call.userCode
          ? '; does its promise ever settle?'
          : silent < UNANSWERED_MS
            ? ': it answers its inspector but does not get to the work, so its event loop looks blocked by a long synchronous task'
            : '';
        call.fail(
          new LeakscopeError(
            ErrorCode.TargetUnreachable,
            `The target did not finish ${call.what} within ${Math.round(call.limitMs / 1000)} s${hint}.`,
          ),
        );
        continue;
      }
      if (waited >= WAIT_REPORT_MS && now - call.lastWaitReport >= WAIT_REPORT_MS) {
        call.lastWaitReport = now;
        this.options.onWait?.({ what: call.what, waitedMs: waited, limitMs: call.limitMs, answering: silent < UNANSWERED_MS });
      }
    }
    if (silent >= HEARTBEAT_AFTER_MS && !this.heartbeatInFlight && !this.closed) {
      this.heartbeatInFlight = true;
      (this.client.send as (m: string) => Promise<{ totalSize?: number }>)('Runtime.getHeapUsage').then(
        (usage) => {
          this.lastMessageAt = Date.now();
          this.heapBytes = usage.totalSize ?? this.heapBytes;
          this.heartbeatInFlight = false;
        },
        () => (this.heartbeatInFlight = false),
      );
    }
  }
}

/**
 * What a connection uses of its CDP client. chrome-remote-interface's client is one; a worker's
 * session is another: an EventEmitter that emits `event` with each message, then the event by
 * its method name, and `disconnect` when the session ends.
 */
export interface SessionClient {
  send(method: string, params?: object): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- each event's own params
  removeListener(event: string, listener: (...args: any[]) => void): unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- each event's own params
  close(): Promise<void>;
}

export interface ConnectOptions {
  jsDebugProxy?: boolean;
  /** Cancelling it rejects every pending and later call at once. */
  token?: CancellationToken;
  /** Told every few seconds while a call waits, so a long wait is never silent. */
  onWait?: (wait: InspectorWait) => void;
}

export interface InspectorWait {
  /** What is awaited, in words: "a heap snapshot", "the expression `…`". */
  what: string;
  waitedMs: number;
  limitMs: number;
  /** Whether the target still answers the inspector (busy) or has gone quiet. */
  answering: boolean;
}

interface PendingCall {
  what: string;
  started: number;
  limitMs: number;
  silenceMs: number;
  lastWaitReport: number;
  /** The user's expression: a timeout is more likely a promise that never settles than a blocked loop. */
  userCode: boolean;
  fail: (error: LeakscopeError) => void;
}

const MB = 1024 * 1024;
/** Silence while the user's expression runs: it may block the target's event loop for a while. */
const USER_CODE_SILENCE_MS = 120_000;
const CONNECT_MS = 10_000;
const CLOSE_MS = 2000;
const TICK_MS = 500;
/** Calls that are not heavy and not the user's code: enabling domains, sampling memory. */
const CALL_MS = 60_000;
/** The user's workload and cleanup expressions. */
const EXPRESSION_MS = 10 * 60_000;
/** With nothing from the target for this long, a heartbeat asks whether it is there. */
const HEARTBEAT_AFTER_MS = 5000;
/** A heartbeat unanswered this long after the last message: the target is not answering. */
const UNANSWERED_MS = HEARTBEAT_AFTER_MS + 2000;
/** With nothing from the target for this long (the heartbeat unanswered too), it is unreachable. */
const SILENCE_MS = 20_000;
const PAUSED_GRACE_MS = 2000;
/** How long Leakscope's own pause may take to come. */
const PAUSE_MS = 10_000;
/** A target whose event loop does not turn within this long is busy with a synchronous task. */
const EVENT_LOOP_MS = 15_000;
const WAIT_REPORT_MS = 5000;

/**
 * A GC and a snapshot take time in proportion to the heap: a minute or two plus so much per MB
 * (V8 writes a snapshot at tens of MB/s on a slow machine), and the target may be silent for a
 * tenth of that while it collects before a snapshot.
 */
const HEAVY_METHODS: Partial<Record<string, { what: string; baseMs: number; msPerMb: number; snapshot?: boolean }>> = {
  'HeapProfiler.collectGarbage': { what: 'a garbage collection', baseMs: 60_000, msPerMb: 50 },
  'HeapProfiler.takeHeapSnapshot': { what: 'a heap snapshot', baseMs: 120_000, msPerMb: 500, snapshot: true },
  'HeapProfiler.stopTrackingHeapObjects': {
    what: 'the heap snapshot with allocation stacks',
    baseMs: 120_000,
    msPerMb: 1000,
    snapshot: true,
  },
};

function gone(): LeakscopeError {
  return new LeakscopeError(ErrorCode.TargetUnreachable, 'The target process is gone: its inspector connection closed.');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** `promise`, or a rejection when `ms` pass (with `why`) or the token is cancelled. */
function bounded<T>(promise: Promise<T>, ms: number, token: CancellationToken, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let subscription: { dispose(): void } | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why())), ms);
    subscription = token.onCancellationRequested(() => reject(new CancelledError('Cancelled while connecting to the target.')));
  });
  return Promise.race([promise, limit]).finally(() => {
    clearTimeout(timer);
    subscription?.dispose();
  });
}
