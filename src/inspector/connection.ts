import CDP from 'chrome-remote-interface';
import { ErrorCode, LeakscopeError } from '../common/errors';
import type { SamplingProfile } from '../memory/samplingProfile';
import { captureHeapSnapshot, type SnapshotOptions } from './heapSnapshotCapture';

export type { SnapshotOptions } from './heapSnapshotCapture';

/**
 * One inspector (CDP) connection to a Node process: forced GC, heap snapshots streamed to disk,
 * and evaluation in the target. Script ids seen in `Debugger.scriptParsed` are kept so source
 * locations in snapshots can be turned into file paths.
 */
export class InspectorConnection {
  private readonly scripts = new Map<string, string>();
  private closed = false;

  private constructor(private readonly client: CDP.Client, readonly endpoint: string) {
    client.on('Debugger.scriptParsed', (e) => {
      if (e.url) this.scripts.set(e.scriptId, e.url);
    });
    client.on('disconnect', () => {
      this.closed = true;
      for (const listener of this.closeListeners) listener();
    });
  }

  private readonly closeListeners: Array<() => void> = [];

  /** Called once when the target goes away (it exited, or its debug session ended). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * `jsDebugProxy`: the endpoint is VS Code's JavaScript debugger's CDP proxy for a debug session.
   * It forwards commands to the target but sends only the events a client subscribes to, and the
   * debugger already owns the Debugger domain, so enabling it again here would be someone else's
   * business (scripts then come from the snapshot itself: see snapshot/scriptUrls).
   */
  static async connect(webSocketUrl: string, options: { jsDebugProxy?: boolean } = {}): Promise<InspectorConnection> {
    let client: CDP.Client;
    try {
      client = await CDP({ target: webSocketUrl, local: true });
    } catch (e) {
      throw new LeakscopeError(ErrorCode.TargetUnreachable, `Cannot connect to the inspector at ${webSocketUrl} (${(e as Error).message}).`);
    }
    const connection = new InspectorConnection(client, webSocketUrl);
    if (options.jsDebugProxy) {
      await (client.send as (m: string, p?: object) => Promise<unknown>)('JsDebug.subscribe', { events: ['HeapProfiler.*'] });
      await client.send('HeapProfiler.enable');
      return connection;
    }
    await client.send('Runtime.enable');
    await client.send('Debugger.enable');
    // Debugger.enable pauses nothing, but a target started with --inspect-brk would wait for this.
    await client.send('Runtime.runIfWaitingForDebugger');
    await client.send('HeapProfiler.enable');
    return connection;
  }

  /** File path (or URL) of a script id from the snapshot's locations. */
  scriptUrl(scriptId: number | string): string | undefined {
    return this.scripts.get(String(scriptId));
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
    return this.streamSnapshot(path, () => this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }), options);
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
    await this.send('HeapProfiler.startSampling', { samplingInterval, includeObjectsCollectedByMajorGC: false, includeObjectsCollectedByMinorGC: false });
  }

  /** The live samples now, with their allocation stacks and ordinals. */
  async samplingProfile(): Promise<SamplingProfile> {
    return (await this.send('HeapProfiler.getSamplingProfile')).profile as SamplingProfile;
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
   */
  async evaluate(expression: string, options: { commandLineApi?: boolean } = {}): Promise<unknown> {
    const result = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, includeCommandLineAPI: options.commandLineApi ?? true });
    if (result.exceptionDetails) {
      const description = result.exceptionDetails.exception?.description?.split('\n')[0] ?? result.exceptionDetails.text;
      throw new LeakscopeError(ErrorCode.TargetUnreachable, `The expression \`${expression}\` threw in the target: ${description}`);
    }
    return result.result.value;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close().catch(() => undefined);
  }

  private async send<M extends Parameters<CDP.Client['send']>[0]>(method: M, params?: Parameters<CDP.Client['send']>[1]): Promise<any> {
    if (this.closed) throw new LeakscopeError(ErrorCode.TargetUnreachable, 'The target process is gone: its inspector connection closed.');
    try {
      return await (this.client.send as (m: string, p?: object) => Promise<unknown>)(method, params as object | undefined);
    } catch (e) {
      if (this.closed) throw new LeakscopeError(ErrorCode.TargetUnreachable, 'The target process is gone: its inspector connection closed.');
      throw e;
    }
  }
}
