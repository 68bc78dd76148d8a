import { basename } from 'node:path';
import type * as vscode from 'vscode';
import { CancellationTokenSource } from '../common/cancellation';
import { openDiffBackend, openReportBackend, openSnapshotBackend, type FixAvailable, type PanelBackend } from '../panel/panelBackend';
import { PanelController, type PanelActions } from './panelController';
import { fromVscodeToken } from './tokens';

/** Opens Leakscope's panels: a report, a snapshot, a diff, or a session that is still running. */
export class Panels {
  private readonly open = new Set<PanelController>();

  constructor(
    private readonly api: typeof vscode,
    private readonly extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    private readonly fixAvailable: FixAvailable,
  ) {}

  /** A panel in its own tab. */
  create(title: string): PanelController {
    const panel = this.api.window.createWebviewPanel('leakscope.panel', `Leakscope: ${title}`, this.api.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    panel.iconPath = this.api.Uri.joinPath(this.extensionUri, 'media', 'leakscope.svg');
    return this.adopt(panel, title);
  }

  /** Binds a webview panel made by someone else (a custom editor) to a controller. */
  adopt(panel: vscode.WebviewPanel, title: string): PanelController {
    const controller = new PanelController(this.api, panel.webview, this.extensionUri, title, this.actions);
    this.open.add(controller);
    panel.onDidDispose(() => {
      this.open.delete(controller);
      controller.dispose();
    });
    return controller;
  }

  async openReport(file: string, into?: PanelController): Promise<PanelController> {
    return this.load(`report ${basename(file)}`, into, () => openReportBackend(file, { fixAvailable: this.fixAvailable }));
  }

  async openSnapshot(file: string, into?: PanelController): Promise<PanelController> {
    return this.load(basename(file), into, (token, progress) => openSnapshotBackend(file, { token, progress }));
  }

  async openDiff(baseline: string, after: string, into?: PanelController): Promise<PanelController> {
    return this.load(`${basename(baseline)} → ${basename(after)}`, into, (token, progress) =>
      openDiffBackend(baseline, after, { token, progress }),
    );
  }

  /** Loads with a cancellable notification; the panel shows the progress line meanwhile. */
  private async load(
    title: string,
    into: PanelController | undefined,
    open: (token: CancellationTokenSource['token'], progress: { report(step: { message?: string }): void }) => Promise<PanelBackend>,
  ): Promise<PanelController> {
    const controller = into ?? this.create(title);
    const api = this.api;
    const backend = await api.window.withProgress(
      { location: api.ProgressLocation.Notification, title: `Leakscope: reading ${title}`, cancellable: true },
      (progress, token) => {
        const report = (step: { message?: string }) => {
          if (step.message) {
            progress.report({ message: step.message });
            controller.showProgress(step.message);
          }
        };
        return open(fromVscodeToken(token), { report });
      },
    );
    controller.showProgress(undefined);
    controller.showBackend(backend);
    return controller;
  }
}
