import CDP from 'chrome-remote-interface';
import { promises as fs } from 'node:fs';
import { NeverCancelled, type CancellationToken } from '../common/cancellation';
import { CancelledError, ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress, type Progress } from '../common/progress';

export interface SnapshotOptions {
  progress?: Progress;
  token?: CancellationToken;
}

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

  private constructor(private readonly client: CDP.Client, readonly endpoint: string) {
    client.on('Debugger.scriptParsed', (e) => {
      if (e.url) this.scripts.set(e.scriptId, e.url);
      if (e.url && e.sourceMapURL) this.sourceMaps.set(e.url, e.sourceMapURL);
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
    return this.streamSnapshot(path, () => this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true, captureNumericValue: false }), options);
  }

  /**
   * Records the stack of every allocation from now on (slows the target). The snapshot that
   * ends the recording carries them: each object's trace node says which code allocated it.
   */
  async startTrackingAllocations(): Promise<void> {
    await this.send('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
  }

  /** Stops allocation tracking; V8 answers with a snapshot that holds the allocation stacks, written to `path`. */
  stopTrackingToFile(path: string, options: SnapshotOptions = {}): Promise<void> {
    return this.streamSnapshot(path, () => this.send('HeapProfiler.stopTrackingHeapObjects', { reportProgress: true }), options);
  }

  private async streamSnapshot(path: string, command: () => Promise<unknown>, options: SnapshotOptions): Promise<void> {
    const progress = options.progress ?? NoProgress;
    const token = options.token ?? NeverCancelled;
    const temp = `${path}.partial`;
    const file = await fs.open(temp, 'w');
    let writing = Promise.resolve();
    let failed: unknown;
    const onChunk = (e: { chunk: string }) => {
      writing = writing.then(() => file.write(e.chunk).then(() => undefined)).catch((err) => void (failed ??= err));
    };
    let reported = 0;
    const onProgress = (e: { done: number; total: number }) => {
      const pct = e.total ? (e.done / e.total) * 100 : 0;
      if (pct - reported >= 1) {
        progress.report({ increment: pct - reported });
        reported = pct;
      }
    };
    this.client.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    this.client.on('HeapProfiler.reportHeapSnapshotProgress', onProgress);
    const cancel = token.onCancellationRequested(() => void this.client.close().catch(() => undefined));
    try {
      await command();
      await writing;
      if (failed) throw failed;
      await file.close();
      await fs.rename(temp, path);
    } catch (e) {
      await file.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      if (token.isCancellationRequested) throw new CancelledError('The heap snapshot was cancelled.');
      throw e instanceof LeakscopeError ? e : new LeakscopeError(ErrorCode.FileUnreadable, `Could not write the heap snapshot to ${path} (${(e as Error).message}).`);
    } finally {
      // The client is an EventEmitter at run time; its typings only declare `on`.
      const emitter = this.client as unknown as NodeJS.EventEmitter;
      emitter.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
      emitter.removeListener('HeapProfiler.reportHeapSnapshotProgress', onProgress);
      cancel.dispose();
    }
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
