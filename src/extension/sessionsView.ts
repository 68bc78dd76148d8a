import { basename } from 'node:path';
import type * as vscode from 'vscode';
import { Commands } from './contributions';
import type { SessionStore, StoredSession } from './sessionStore';

type Node = { session: StoredSession } | { session: StoredSession; file: string; isReport: boolean };

/** The "Leakscope" view: captured sessions, each with its report and snapshots. */
export class SessionsView implements vscode.TreeDataProvider<Node> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(
    private readonly api: typeof vscode,
    private readonly store: SessionStore,
  ) {
    this.onDidChangeTreeData = store.onDidChange;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.store.list().map((session) => ({ session }));
    if ('file' in node) return [];
    const s = node.session;
    return [...(s.report ? [{ session: s, file: s.report, isReport: true }] : []), ...s.snapshots.map((file) => ({ session: s, file, isReport: false }))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const api = this.api;
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
