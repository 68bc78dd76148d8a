import { basename } from 'node:path';
import type * as vscode from 'vscode';
import { Commands } from './contributions';
import type { SessionStore, StoredSession } from './sessionStore';
import type { Target, TargetManager } from './targetManager';

type Node = { target: Target } | { session: StoredSession } | { session: StoredSession; file: string; isReport: boolean };

const TARGET_ICONS: { [K in Target['kind']]: string } = { debug: 'debug', attached: 'plug', launched: 'server-process' };

/**
 * The "Leakscope" view: the process Leakscope is connected to (its context menu watches,
 * captures and detaches), then the captured sessions, each with its report and snapshots.
 */
export class SessionsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changeEmitter: vscode.EventEmitter<void>;
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(
    private readonly api: typeof vscode,
    private readonly store: SessionStore,
    private readonly targets: TargetManager,
  ) {
    this.changeEmitter = new api.EventEmitter<void>();
    this.onDidChangeTreeData = this.changeEmitter.event;
    this.subscriptions = [store.onDidChange(() => this.changeEmitter.fire()), targets.onDidChange(() => this.changeEmitter.fire())];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
  }

  getChildren(node?: Node): Node[] {
    if (!node)
      return [...(this.targets.current ? [{ target: this.targets.current }] : []), ...this.store.list().map((session) => ({ session }))];
    if ('target' in node || 'file' in node) return [];
    const s = node.session;
    return [
      ...(s.report ? [{ session: s, file: s.report, isReport: true }] : []),
      ...s.snapshots.map((file) => ({ session: s, file, isReport: false })),
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const api = this.api;
    if ('target' in node) {
      const item = new api.TreeItem(node.target.label, api.TreeItemCollapsibleState.None);
      item.description = { debug: 'debugged', attached: 'attached', launched: 'launched' }[node.target.kind];
      item.tooltip = `Leakscope is connected to ${node.target.label}. Its context menu watches it, captures from it or detaches.`;
      item.iconPath = new api.ThemeIcon(TARGET_ICONS[node.target.kind]);
      item.contextValue = 'target';
      item.id = 'leakscope.target';
      return item;
    }
    if (!('file' in node)) {
      const item = new api.TreeItem(node.session.label, api.TreeItemCollapsibleState.Collapsed);
      item.description = new Date(node.session.createdAt).toLocaleString();
      item.contextValue = 'session';
      item.iconPath = new api.ThemeIcon(node.session.kind === 'leak-check' ? 'beaker' : node.session.kind === 'watch' ? 'eye' : 'database');
      item.id = node.session.id;
      return item;
    }
    const item = new api.TreeItem(node.isReport ? 'Report' : basename(node.file), api.TreeItemCollapsibleState.None);
    item.iconPath = new api.ThemeIcon(node.isReport ? 'graph' : 'file-binary');
    item.tooltip = node.file;
    item.resourceUri = api.Uri.file(node.file);
    item.command = { command: Commands.OpenSessionItem, title: 'Open', arguments: [node.file] };
    item.contextValue = node.isReport ? 'report' : 'snapshot';
    item.id = `${node.session.id}/${node.file}`;
    return item;
  }
}
