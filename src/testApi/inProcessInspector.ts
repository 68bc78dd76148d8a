import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Session } from 'node:inspector';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';

/**
 * The inspector of this very process (or worker thread), through `node:inspector`: GC, heap
 * snapshots and script URLs, as the CDP connection gives them for another process. A test
 * checks its own code, so there is nothing to launch or attach to.
 */
export class InProcessInspector {
  private readonly sourceMaps = new Map<string, string>();

  private constructor(private readonly session: Session) {}

  static open(): InProcessInspector {
    let inspector: typeof import('node:inspector');
    try {
      inspector = require('node:inspector') as typeof import('node:inspector');
    } catch {
      throw new LeakscopeError(ErrorCode.TargetUnreachable, 'checkLeaks needs the inspector, and this Node.js was built without it.');
    }
    const session = new inspector.Session();
    session.connect();
    return new InProcessInspector(session);
  }

  async collectGarbage(): Promise<void> {
    // Twice: the first pass can leave objects whose finalizers or weak callbacks free more.
    await this.post('HeapProfiler.collectGarbage');
    await this.post('HeapProfiler.collectGarbage');
  }

  /**
   * V8 sends the snapshot in chunks while the command runs; each is written as it arrives, so
   * the snapshot never sits in this heap as strings, to a temporary name renamed when complete.
   */
  async takeHeapSnapshot(path: string): Promise<void> {
    const temp = `${path}.partial`;
    const fd = openSync(temp, 'w');
    let failed: unknown;
    const onChunk = (message: { params: { chunk: string } }) => {
      if (failed) return;
      try {
        writeSync(fd, message.params.chunk);
      } catch (e) {
        failed = e;
      }
    };
    this.session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    try {
      await this.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
      if (failed) throw failed;
      closeSync(fd);
      renameSync(temp, path);
    } catch (e) {
      try {
        closeSync(fd);
      } catch {
        // Already closed before the rename failed.
      }
      rmSync(temp, { force: true });
      throw new LeakscopeError(ErrorCode.FileUnreadable, `Could not write the heap snapshot to ${path} (${errorMessage(e)}).`);
    } finally {
      this.session.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
    }
  }

  /**
   * Script id → URL, for turning snapshot locations into files. Enabling the debugger replays
   * `scriptParsed` for every script loaded so far; it is turned off again at once, so the code
   * under test does not run with a debugger attached.
   */
  async scriptUrls(): Promise<Map<string, string>> {
    const scripts = new Map<string, string>();
    const onScript = (message: { params: { scriptId: string; url: string; sourceMapURL?: string } }) => {
      if (message.params.url) scripts.set(message.params.scriptId, message.params.url);
      if (message.params.url && message.params.sourceMapURL) this.sourceMaps.set(message.params.url, message.params.sourceMapURL);
    };
    this.session.on('Debugger.scriptParsed', onScript);
    try {
      await this.post('Debugger.enable');
      await this.post('Debugger.disable');
    } finally {
      this.session.removeListener('Debugger.scriptParsed', onScript);
    }
    return scripts;
  }

  /** The source map URL V8 reported for a script (an inline map for code a runner transformed), once `scriptUrls` ran. */
  sourceMapUrl(scriptUrl: string): string | undefined {
    return this.sourceMaps.get(scriptUrl);
  }

  close(): void {
    this.session.disconnect();
  }

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
}
