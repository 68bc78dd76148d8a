import type * as vscode from 'vscode';
import { formatBytes } from '../common/bytes';
import type { InspectorConnection } from '../inspector/connection';
import type { LaunchedTarget } from '../inspector/launch';
import { sampleMemory } from '../inspector/memorySampler';
import type { MemorySample } from '../memory/types';
import { Commands, ContextKeys, readConfig, Settings } from './contributions';

/** A process Leakscope is connected to: the debugged one, one it attached to, or one it launched. */
export interface Target {
  kind: 'debug' | 'attached' | 'launched';
  /** For the status bar and session names: `node server.js (pid 123)`, `127.0.0.1:9229`. */
  label: string;
  connection: InspectorConnection;
  launched?: LaunchedTarget;
  debugSessionId?: string;
  /** The launched command, for reports. */
  command?: string[];
  cwd?: string;
}

/**
 * The current target, one at a time, and its live RSS in the status bar. Sampling pauses while a
 * capture runs (a snapshot would only be slowed by it) and stops when the target goes away.
 */
export class TargetManager implements vscode.Disposable {
  private target: Target | undefined;
  private readonly statusItem: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private busy = 0;
  private readonly changeEmitter: vscode.EventEmitter<Target | undefined>;
  readonly onDidChange: vscode.Event<Target | undefined>;
  /** The most recent samples, for the memory panel. */
  readonly recent: MemorySample[] = [];

  constructor(private readonly api: typeof vscode) {
    this.statusItem = api.window.createStatusBarItem('leakscope.memory', api.StatusBarAlignment.Left, 50);
    this.statusItem.name = 'Leakscope memory';
    this.statusItem.command = Commands.ShowMemory;
    this.changeEmitter = new api.EventEmitter<Target | undefined>();
    this.onDidChange = this.changeEmitter.event;
  }

  get current(): Target | undefined {
    return this.target;
  }

  async set(target: Target): Promise<void> {
    await this.detach();
    this.target = target;
    this.recent.length = 0;
    target.connection.onClose(() => {
      if (this.target === target) void this.detach();
    });
    void this.api.commands.executeCommand('setContext', ContextKeys.Attached, true);
    this.statusItem.text = `$(pulse) ${target.label}`;
    this.statusItem.tooltip = `Leakscope is connected to ${target.label}. Click to explain its memory.`;
    this.statusItem.show();
    this.changeEmitter.fire(target);
    this.schedule();
  }

  /** A capture (snapshot, leak check) is running on the target. */
  get capturing(): boolean {
    return this.busy > 0;
  }

  /** Runs `work` with live sampling paused. */
  async whileBusy<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.busy--;
    }
  }

  private schedule(): void {
    const seconds = Math.max(0.5, readConfig(this.api, Settings.StatusBarInterval));
    this.timer = setTimeout(() => void this.tick(), seconds * 1000);
  }

  private async tick(): Promise<void> {
    const target = this.target;
    if (!target) return;
    if (!this.busy) {
      try {
        const sample = await sampleMemory(target.connection);
        if (this.target !== target) return;
        this.recent.push(sample);
        if (this.recent.length > 600) this.recent.splice(0, this.recent.length - 600);
        this.statusItem.text = `$(pulse) RSS ${formatBytes(sample.rss)} · heap ${formatBytes(sample.heapUsed)}`;
      } catch {
        if (target.connection.isClosed) return void this.detach();
      }
    }
    if (this.target === target) this.schedule();
  }

  /** Disconnects; a process Leakscope launched is stopped, one it attached to is left running. */
  async detach(): Promise<void> {
    const target = this.target;
    if (!target) return;
    this.target = undefined;
    clearTimeout(this.timer);
    this.statusItem.hide();
    void this.api.commands.executeCommand('setContext', ContextKeys.Attached, false);
    this.changeEmitter.fire(undefined);
    await target.connection.close();
    await target.launched?.stop();
  }

  dispose(): void {
    void this.detach();
    this.statusItem.dispose();
    this.changeEmitter.dispose();
  }
}
