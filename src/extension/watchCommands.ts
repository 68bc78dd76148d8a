import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { CancellationTokenSource } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { NoProgress } from '../common/progress';
import { watchProcess, type WatchResult } from '../session/watch';
import { SnapshotGuard } from '../session/snapshotGuard';
import { Commands, ContextKeys, readConfig, readSizeConfig, Settings } from './contributions';
import type { ErrorReporter } from './errorReporter';
import type { SessionStore } from './sessionStore';
import type { TargetCommands } from './targetCommands';
import type { Target, TargetManager } from './targetManager';
import { watchReportMarkdown, watchStatusText, watchTooltip, type WatchLimit, type WatchState } from './watchText';

/** A watch has no end of its own in the editor: it ends when the user stops it, the target goes, or a trigger fires. */
const WATCH_FOR_MS = 7 * 24 * 3600_000;

interface ActiveWatch {
  target: Target;
  source: CancellationTokenSource;
  limit: WatchLimit | undefined;
  intervalMs: number;
  /** The last reading: what the report keeps when the process goes before the watch can finish. */
  state?: WatchState;
  stoppedByUser: boolean;
}

/**
 * `leakscope watch` in the editor (session/watch does the work): the watched target's trend and
 * limit live in a status bar item; a trigger's capture, the user's stop or the target's end
 * leaves a report in a session of the sessions view.
 */
export class WatchCommands implements vscode.Disposable {
  private active: ActiveWatch | undefined;
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly api: typeof vscode,
    private readonly targets: TargetManager,
    private readonly targetCommands: TargetCommands,
    private readonly store: SessionStore,
    private readonly errors: ErrorReporter,
    private readonly output: vscode.OutputChannel,
  ) {
    this.item = api.window.createStatusBarItem('leakscope.watch', api.StatusBarAlignment.Left, 49);
    this.item.name = 'Leakscope watch';
    this.item.command = Commands.ShowWatch;
  }

  /** Starts watching the current target (or one picked now); returns once the watch runs. */
  async watch(): Promise<void> {
    if (this.active) {
      const show = 'Show';
      if (
        (await this.api.window.showInformationMessage(
          `Leakscope is already watching ${this.active.target.label}; stop that watch first.`,
          show,
        )) === show
      )
        await this.showWatch();
      return;
    }
    const target = await this.targetCommands.ensureTarget();
    if (!target) return;
    // A leak check's sampling profiler would be stopped by the watch's, and the other way round.
    if (this.targets.capturing)
      throw new LeakscopeError(ErrorCode.InvalidArgument, `A capture from ${target.label} is running; start the watch when it is done.`);
    const rssLimit = readSizeConfig(this.api, Settings.WatchRssLimit);
    const memoryLimit = readSizeConfig(this.api, Settings.MemoryLimit);
    const limit: WatchLimit | undefined =
      rssLimit !== undefined ? { bytes: rssLimit, source: 'setting' } : await this.targetLimit(target, memoryLimit);
    const intervalMs = Math.max(0.5, readConfig(this.api, Settings.WatchInterval)) * 1000;
    const { id, dir } = await this.store.createDir('watch');
    const active: ActiveWatch = { target, source: new CancellationTokenSource(), limit, intervalMs, stoppedByUser: false };
    this.active = active;
    void this.api.commands.executeCommand('setContext', ContextKeys.Watching, true);
    this.show(active, {
      samples: [],
      heapTrend: { slopePerHour: 0, slopeError: Infinity, sustained: false },
      rssTrend: { slopePerHour: 0, slopeError: Infinity, sustained: false },
      findings: [],
    });
    this.output.appendLine(
      `Watching ${target.label}: a reading every ${intervalMs / 1000} s${rssLimit !== undefined ? `, a capture at RSS ${rssLimit} bytes` : ''}.`,
    );
    // The command returns now; the watch's own failures are reported when they happen.
    void this.run(
      active,
      { ...(rssLimit !== undefined ? { rssLimit } : {}), ...(memoryLimit !== undefined ? { memoryLimit } : {}) },
      id,
      dir,
    ).catch((e) => this.errors.report(e, { action: `Watching ${target.label}` }));
  }

  /** `The watch of node api.js` while a watch runs. */
  get running(): string | undefined {
    return this.active ? `The watch of ${this.active.target.label}` : undefined;
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active.stoppedByUser = true;
    this.active.source.cancel();
  }

  /** The status item's click: the live memory panel, or the end of the watch. */
  async showWatch(): Promise<void> {
    const active = this.active;
    if (!active) return;
    const actions = [
      {
        label: '$(graph-line) Show memory',
        description: 'the live chart and where the memory goes',
        run: () => this.api.commands.executeCommand(Commands.ShowMemory),
      },
      { label: '$(eye-closed) Stop watching', description: 'and write the report', run: () => this.stop() },
    ];
    const pick = await this.api.window.showQuickPick(actions, { title: `Leakscope: watching ${active.target.label}` });
    await pick?.run();
  }

  private async run(active: ActiveWatch, limits: { rssLimit?: number; memoryLimit?: number }, id: string, dir: string): Promise<void> {
    const { target, source } = active;
    const changed = this.targets.onDidChange((t) => t !== target && source.cancel());
    let result: WatchResult | undefined;
    let failure: unknown;
    try {
      result = await watchProcess(
        target.connection,
        { durationMs: WATCH_FOR_MS, intervalMs: active.intervalMs, ...limits, outDir: dir, onReading: (r) => this.show(active, r) },
        NoProgress,
        source.token,
      );
    } catch (e) {
      failure = e;
    } finally {
      changed.dispose();
      source.dispose();
      this.active = undefined;
      this.item.hide();
      void this.api.commands.executeCommand('setContext', ContextKeys.Watching, false);
    }
    const gone = this.targets.current !== target || target.connection.isClosed;
    const ended = active.stoppedByUser
      ? 'Stopped by the user.'
      : gone
        ? 'The process ended or Leakscope was detached from it.'
        : 'The watch failed; the Leakscope output says why.';
    const state = result ?? active.state;
    const report = state ? await this.writeReport(id, dir, target, state, active.limit, ended) : undefined;
    this.output.appendLine(`Stopped watching ${target.label}: ${result?.trigger ?? ended}${report ? ` Report: ${report}` : ''}`);
    if (failure && !gone) throw failure;
    if (!report) return;
    if (result?.trigger) {
      const snapshot = result.snapshot?.file
        ? 'A heap snapshot was taken.'
        : `No heap snapshot: ${result.snapshot?.headroom.reason ?? 'none was taken.'}`;
      const open = 'Open Report';
      if ((await this.api.window.showWarningMessage(`Leakscope: ${target.label}: ${result.trigger} ${snapshot}`, open)) === open)
        await this.openReport(report);
    } else if (active.stoppedByUser) {
      const open = 'Open Report';
      if ((await this.api.window.showInformationMessage(`Leakscope: stopped watching ${target.label}.`, open)) === open)
        await this.openReport(report);
    }
  }

  private show(active: ActiveWatch, state: WatchState): void {
    if (this.active !== active) return;
    active.state = state;
    this.item.text = watchStatusText(active.target.label, state, active.limit);
    this.item.tooltip = watchTooltip(active.target.label, state, active.limit, active.intervalMs);
    this.item.backgroundColor =
      state.heapTrend.sustained || state.trigger ? new this.api.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  /** The limit the target lives under (its cgroup's, the machine's, or the memory limit setting), to show beside the trend. */
  private async targetLimit(target: Target, memoryLimit: number | undefined): Promise<WatchLimit | undefined> {
    const headroom = await new SnapshotGuard(target.connection, memoryLimit !== undefined ? { memoryLimit } : {}).headroom();
    if (headroom.limitSource === 'unknown') return undefined;
    if (headroom.limit !== undefined) return { bytes: headroom.limit, source: headroom.limitSource };
    // The machine gives no limit as such: what the process could reach is its RSS and what is free.
    return headroom.available !== undefined ? { bytes: headroom.rss + headroom.available, source: headroom.limitSource } : undefined;
  }

  private async writeReport(
    id: string,
    dir: string,
    target: Target,
    state: WatchState & Partial<Pick<WatchResult, 'snapshot'>>,
    limit: WatchLimit | undefined,
    ended: string,
  ): Promise<string> {
    const file = join(dir, 'watch.md');
    await fs.writeFile(file, watchReportMarkdown(target.label, state, limit, ended));
    await this.store.save({
      id,
      label: `Watch of ${target.label}`,
      kind: 'watch',
      createdAt: new Date().toISOString(),
      dir,
      snapshots: state.snapshot?.file ? [state.snapshot.file] : [],
      report: file,
    });
    return file;
  }

  private async openReport(file: string): Promise<void> {
    await this.api.commands.executeCommand('markdown.showPreview', this.api.Uri.file(file));
  }

  dispose(): void {
    this.active?.source.cancel();
    this.item.dispose();
  }
}
