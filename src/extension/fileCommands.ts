import { ErrorCode, LeakscopeError } from '../common/errors';
import type * as vscode from 'vscode';
import { Editors } from './contributions';
import { sourcePath } from './findingDiagnostics';
import type { Panels } from './panels';
import type { SessionStore } from './sessionStore';

/** Opening files in Leakscope: snapshots, reports, two snapshots to compare, and sources from findings. */
export class FileCommands {
  constructor(
    private readonly api: typeof vscode,
    private readonly panels: Panels,
    private readonly store: SessionStore,
  ) {}

  /** From the explorer or an editor title: a snapshot opens in the snapshot editor, a report in the report editor. */
  async openInLeakscope(uri?: vscode.Uri): Promise<void> {
    const target =
      uri ??
      this.activeTabUri() ??
      (await this.pickFile('Open in Leakscope', { 'Heap snapshots and reports': ['heapsnapshot', 'json'] }))?.[0];
    if (!target) return;
    await this.openFile(target.fsPath);
  }

  /** The file in the active tab, whatever shows it: a text editor, VS Code's own snapshot table, a custom editor. */
  private activeTabUri(): vscode.Uri | undefined {
    const input = this.api.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
    const uri = input?.uri ?? this.api.window.activeTextEditor?.document.uri;
    return uri && /\.(heapsnapshot|json)$/.test(uri.path) ? uri : undefined;
  }

  async openFile(file: string): Promise<void> {
    const editor = file.endsWith('.heapsnapshot') ? Editors.Snapshot : file.endsWith('.json') ? Editors.Report : undefined;
    if (file.endsWith('.md')) {
      await this.api.commands.executeCommand('markdown.showPreview', this.api.Uri.file(file));
      return;
    }
    if (!editor) {
      await this.api.window.showTextDocument(this.api.Uri.file(file));
      return;
    }
    await this.api.commands.executeCommand('vscode.openWith', this.api.Uri.file(file), editor);
  }

  async compareSnapshots(baseline?: vscode.Uri, after?: vscode.Uri): Promise<void> {
    // From the explorer with two files selected, VS Code passes the clicked one and the selection.
    const selection = Array.isArray(after) ? (after as unknown as vscode.Uri[]) : undefined;
    let files =
      selection && selection.length === 2 ? selection : baseline && after && !Array.isArray(after) ? [baseline, after] : undefined;
    if (!files) {
      const first = await this.pickFile('Baseline snapshot (before)', { 'Heap snapshots': ['heapsnapshot'] });
      if (!first?.[0]) return;
      const second = await this.pickFile('After snapshot (of the same process)', { 'Heap snapshots': ['heapsnapshot'] });
      if (!second?.[0]) return;
      files = [first[0], second[0]];
    }
    await this.panels.openDiff(files[0].fsPath, files[1].fsPath);
  }

  async goToSource(file: string, line: number, column: number): Promise<void> {
    const api = this.api;
    const path = sourcePath(file);
    if (!path)
      throw new LeakscopeError(ErrorCode.InvalidArgument, `${file} is not a file on this machine (a built-in module, or code from eval).`);
    const document = await api.workspace.openTextDocument(api.Uri.file(path));
    const position = new api.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await api.window.showTextDocument(document, {
      selection: new api.Range(position, position),
      preview: false,
      viewColumn: api.ViewColumn.One,
    });
  }

  async removeSession(item?: { session: { id: string } }): Promise<void> {
    if (!item) return;
    const answer = await this.api.window.showWarningMessage(
      'Remove this session and delete its snapshots and report?',
      { modal: true },
      'Delete Files',
      'Keep Files',
    );
    if (!answer) return;
    await this.store.remove(item.session.id, answer === 'Delete Files');
  }

  private pickFile(title: string, filters: Record<string, string[]>): Thenable<vscode.Uri[] | undefined> {
    return this.api.window.showOpenDialog({
      title,
      canSelectMany: false,
      filters,
      defaultUri: this.api.workspace.workspaceFolders?.[0]?.uri,
    });
  }
}
