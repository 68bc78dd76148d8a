import { promises as fs } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type * as vscode from 'vscode';
import { readConfig, Settings } from './contributions';

/** A capture kept in the workspace: its snapshots, and the report when it was a leak check. */
export interface StoredSession {
  id: string;
  label: string;
  kind: 'leak-check' | 'snapshots' | 'before-after' | 'watch';
  createdAt: string;
  dir: string;
  snapshots: string[];
  report?: string;
}

const KEY = 'leakscope.sessions';

/**
 * Sessions persist in the workspace's storage (or the folder the user set), so the view lists
 * them again after a reload; files that were deleted meanwhile drop out.
 */
export class SessionStore {
  private readonly changeEmitter: vscode.EventEmitter<void>;
  readonly onDidChange: vscode.Event<void>;

  constructor(
    private readonly api: typeof vscode,
    private readonly context: vscode.ExtensionContext,
  ) {
    this.changeEmitter = new api.EventEmitter<void>();
    this.onDidChange = this.changeEmitter.event;
  }

  list(): StoredSession[] {
    return this.context.workspaceState.get<StoredSession[]>(KEY, []);
  }

  /** A new folder for a session's files. */
  async createDir(kind: StoredSession['kind']): Promise<{ id: string; dir: string }> {
    const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${kind}`;
    const dir = join(this.root(), id);
    await fs.mkdir(dir, { recursive: true });
    return { id, dir };
  }

  private root(): string {
    const configured = readConfig(this.api, Settings.OutputFolder).trim();
    const workspace = this.api.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (configured) return isAbsolute(configured) || !workspace ? configured : join(workspace, configured);
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    return join(storage.fsPath, 'sessions');
  }

  async save(session: StoredSession): Promise<void> {
    const rest = this.list().filter((s) => s.id !== session.id);
    await this.context.workspaceState.update(KEY, [session, ...rest]);
    this.changeEmitter.fire();
  }

  async remove(id: string, deleteFiles: boolean): Promise<void> {
    const session = this.list().find((s) => s.id === id);
    await this.context.workspaceState.update(
      KEY,
      this.list().filter((s) => s.id !== id),
    );
    if (session && deleteFiles) await fs.rm(session.dir, { recursive: true, force: true });
    this.changeEmitter.fire();
  }

  /** Forgets sessions whose folder is gone. */
  async prune(): Promise<void> {
    const kept: StoredSession[] = [];
    for (const s of this.list())
      if (
        await fs.stat(s.dir).then(
          () => true,
          () => false,
        )
      )
        kept.push(s);
    if (kept.length !== this.list().length) {
      await this.context.workspaceState.update(KEY, kept);
      this.changeEmitter.fire();
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
