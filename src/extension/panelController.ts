import type * as vscode from 'vscode';
import type { Finding } from '../analysis/types';
import { CancellationTokenSource } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import type { MemorySample } from '../memory/types';
import type { FromWebview, MemoryMark, PanelModel, QueryMethod, ToWebview } from '../panel/protocol';
import type { PanelBackend } from '../panel/panelBackend';
import { errorNotice } from './errorNotice';
import { panelHtml } from './panelHtml';

/** What a failed query was doing, as the output channel and a notification name it. */
const QUERY_ACTIONS: Readonly<Record<QueryMethod, string>> = {
  classRows: 'Load the classes',
  classPaths: 'Load the retainer paths',
  retainerGraph: 'Load the retainers',
  packages: 'Load the packages',
};

/** What the panel's buttons do in the editor. */
export interface PanelActions {
  goToSource(file: string, line: number, column: number): Promise<void>;
  /** Applies the quick-fix for a finding; resolves to a sentence for the card. */
  applyFix(finding: Finding, command?: readonly string[]): Promise<string>;
  openFile(file: string): Promise<void>;
  /** The error seam: a button's failure is shown like a command's. */
  reportError(e: unknown, action: string): void;
}

/**
 * One webview showing one thing (a report, a snapshot, a diff, a session in progress): replays
 * the current state whenever the page (re)loads, and answers its queries from the backend.
 */
export class PanelController implements vscode.Disposable {
  private model: PanelModel | undefined;
  private backend: PanelBackend | undefined;
  private memory: { samples: MemorySample[]; marks: MemoryMark[] } | undefined;
  private progress: string | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly queries = new Map<number, CancellationTokenSource>();
  /** Internal query failures already reported, by message: a dead graph worker fails every later query alike. */
  private readonly reportedFailures = new Set<string>();
  private disposed = false;

  constructor(
    api: typeof vscode,
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    title: string,
    private readonly actions: PanelActions,
  ) {
    webview.options = {
      enableScripts: true,
      localResourceRoots: [api.Uri.joinPath(extensionUri, 'dist'), api.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = panelHtml(webview, extensionUri, api, title);
    this.disposables.push(webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)));
  }

  /** The panel shows what a backend holds; the controller owns it from now on. */
  showBackend(backend: PanelBackend): void {
    this.backend?.dispose();
    this.backend = backend;
    this.show(backend.model);
  }

  show(model: PanelModel): void {
    this.model = model;
    if (this.ready) this.post({ type: 'model', model });
  }

  showMemory(samples: MemorySample[], marks: MemoryMark[]): void {
    this.memory = { samples, marks };
    if (this.ready) this.post({ type: 'memory', ...this.memory });
  }

  showProgress(message: string | undefined): void {
    this.progress = message;
    if (this.ready) this.post({ type: 'progress', message });
  }

  private post(message: ToWebview): void {
    void this.webview.postMessage(message);
  }

  private async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.model) this.post({ type: 'model', model: this.model });
        if (this.memory) this.post({ type: 'memory', ...this.memory });
        if (this.progress) this.post({ type: 'progress', message: this.progress });
        return;
      case 'query': {
        const source = new CancellationTokenSource();
        this.queries.set(message.id, source);
        try {
          if (!this.backend) throw new LeakscopeError(ErrorCode.InvalidArgument, 'Nothing to query yet: the session is still running.');
          const ok = await this.backend.query(message.call, source.token);
          this.post({ type: 'queryResult', id: message.id, ok });
        } catch (e) {
          this.queryFailed(message.id, message.call.method, e);
        } finally {
          this.queries.delete(message.id);
        }
        return;
      }
      case 'goToSource':
        return this.report(this.actions.goToSource(message.file, message.line, message.column), 'Go to source');
      case 'openFile':
        return this.report(this.actions.openFile(message.file), 'Open file');
      case 'applyFix': {
        const report = this.model?.kind === 'report' ? this.model.report : undefined;
        const finding = report?.findings[message.findingIndex]?.finding;
        if (!finding) return;
        try {
          const result = await this.actions.applyFix(finding, report?.command);
          this.post({ type: 'fixApplied', findingIndex: message.findingIndex, message: result });
        } catch (e) {
          this.actions.reportError(e, 'Apply fix');
        }
        return;
      }
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  /**
   * The panel shows the failure where the query's answer would be, worded by the error seam; an
   * internal one is also reported like a command's (once), so its stack reaches the output channel
   * the sentence points at. A cancellation is no failure: the call is only settled, if anyone is left to hear.
   */
  private queryFailed(id: number, method: QueryMethod, e: unknown): void {
    const action = QUERY_ACTIONS[method];
    const notice = errorNotice(e, { action });
    const failure = notice.log.split('\n')[0];
    if (notice.offerOutput && !this.reportedFailures.has(failure)) {
      this.reportedFailures.add(failure);
      this.actions.reportError(e, action);
    }
    if (!this.disposed) this.post({ type: 'queryResult', id, err: notice.inline });
  }

  private async report(action: Promise<void>, title: string): Promise<void> {
    try {
      await action;
    } catch (e) {
      this.actions.reportError(e, title);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const q of this.queries.values()) q.cancel();
    this.backend?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
