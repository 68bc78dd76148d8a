import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { formatBytes } from '../common/bytes';
import type { CancellationToken } from '../common/cancellation';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { rssBreakdown } from '../memory/breakdown';
import { memoryVerdict } from '../memory/verdict';
import type { MemorySample } from '../memory/types';
import { memoryMarks } from '../panel/memoryMarks';
import { assertServesWorkload, checkAndWrite, whileTargetLives } from '../session/launchedCheck';
import { SnapshotGuard } from '../session/snapshotGuard';
import { waitUntilReady } from '../session/workload';
import { Editors, readConfig, readSizeConfig, Settings } from './contributions';
import type { ErrorReporter } from './errorReporter';
import type { FindingDiagnostics } from './findingDiagnostics';
import { askLeakCheckInputs, type LeakCheckInputs } from './leakCheckInputs';
import type { Panels } from './panels';
import type { SessionStore } from './sessionStore';
import type { TargetCommands } from './targetCommands';
import type { Target, TargetManager } from './targetManager';
import { fromVscodeToken } from './tokens';

/** Snapshots, before/after captures and leak checks on the current target. */
export class CaptureCommands {
  constructor(
    private readonly api: typeof vscode,
    private readonly context: vscode.ExtensionContext,
    private readonly targets: TargetManager,
    private readonly targetCommands: TargetCommands,
    private readonly store: SessionStore,
    private readonly panels: Panels,
    private readonly diagnostics: FindingDiagnostics,
    private readonly errors: ErrorReporter,
    /** What else is using the target's sampling heap profiler now (a watch), which a leak check would stop. */
    private readonly samplingInUse: () => string | undefined = () => undefined,
  ) {}

  async takeSnapshot(): Promise<void> {
    const target = await this.targetCommands.ensureTarget();
    if (!target) return;
    if (!(await this.snapshotFits(target))) return;
    const { id, dir } = await this.store.createDir('snapshots');
    const file = join(dir, 'snapshot.heapsnapshot');
    const done = await this.capture(target, 'Taking a heap snapshot', async (progress, token) => {
      progress.report({ message: 'forcing GC' });
      await target.connection.collectGarbage();
      await target.connection.takeHeapSnapshot(file, {
        token,
        progress: { report: (s) => progress.report({ increment: s.increment, message: 'writing the snapshot' }) },
      });
    });
    if (!done) return;
    await this.store.save({
      id,
      label: `Snapshot of ${target.label}`,
      kind: 'snapshots',
      createdAt: new Date().toISOString(),
      dir,
      snapshots: [file],
    });
    await this.api.commands.executeCommand('vscode.openWith', this.api.Uri.file(file), Editors.Snapshot);
  }

  /** Guided: snapshot, the user's cleanup (an expression, or something they do), snapshot, and the diff. */
  async captureBeforeAfter(): Promise<void> {
    const api = this.api;
    const target = await this.targetCommands.ensureTarget();
    if (!target) return;
    const { id, dir } = await this.store.createDir('before-after');
    const before = join(dir, 'before.heapsnapshot');
    const after = join(dir, 'after.heapsnapshot');
    const snap = async (file: string, title: string) =>
      (await this.snapshotFits(target)) &&
      this.capture(target, title, async (progress, token) => {
        progress.report({ message: 'forcing GC' });
        await target.connection.collectGarbage();
        await target.connection.takeHeapSnapshot(file, { token });
      });
    if (!(await snap(before, 'Taking the "before" snapshot'))) return;
    type Choice = vscode.QuickPickItem & { choice: 'expression' | 'manual' };
    const choices: Choice[] = [
      {
        label: '$(debug-continue) I will run the cleanup myself',
        description: 'call an endpoint, run a script… then take the after snapshot',
        choice: 'manual',
      },
    ];
    if (api.workspace.isTrusted)
      choices.unshift({
        label: '$(code) Evaluate a cleanup expression in the process',
        description: 'e.g. cache.clear()',
        choice: 'expression',
      });
    const how = await api.window.showQuickPick(choices, {
      title: 'Leakscope: the "before" snapshot is taken. Now the cleanup:',
      ignoreFocusOut: true,
    });
    if (!how) return;
    if (how.choice === 'expression') {
      const expression = await api.window.showInputBox({
        title: 'Leakscope: cleanup expression',
        prompt: 'Evaluated (and awaited) in the target',
        ignoreFocusOut: true,
        value: this.context.workspaceState.get('leakscope.lastCleanup', ''),
      });
      if (!expression?.trim()) return;
      await this.context.workspaceState.update('leakscope.lastCleanup', expression.trim());
      try {
        await target.connection.evaluate(expression.trim());
      } catch (e) {
        throw new LeakscopeError(ErrorCode.InvalidArgument, `The cleanup expression failed in the target: ${errorMessage(e)}`, true, {
          cause: e,
        });
      }
    } else {
      const go = await api.window.showInformationMessage(
        'Leakscope: run your cleanup now, then take the "after" snapshot.',
        'Take the "after" snapshot',
      );
      if (!go) return;
    }
    if (!(await snap(after, 'Taking the "after" snapshot'))) return;
    await this.store.save({
      id,
      label: `Before/after cleanup of ${target.label}`,
      kind: 'before-after',
      createdAt: new Date().toISOString(),
      dir,
      snapshots: [before, after],
    });
    await this.panels.openDiff(before, after);
  }

  /** The leak check, with a live panel: memory per cycle, then the report. `preset` skips the questions. */
  async runLeakCheck(preset?: LeakCheckInputs): Promise<string | undefined> {
    const api = this.api;
    const user = this.samplingInUse();
    if (user)
      throw new LeakscopeError(
        ErrorCode.InvalidArgument,
        `${user} uses the process's sampling heap profiler, which a leak check needs too; stop it first (Leakscope: Stop Watching).`,
      );
    const target = await this.targetCommands.ensureTarget();
    if (!target) return undefined;
    const inputs = preset ?? (await askLeakCheckInputs(api, this.context.workspaceState));
    if (!inputs) return undefined;
    if (!api.workspace.isTrusted && (inputs.workloadExpression || inputs.cleanupExpression)) {
      throw new LeakscopeError(
        ErrorCode.InvalidArgument,
        'Expressions run in the target only in a trusted workspace; use a workload URL, or trust this workspace.',
      );
    }
    const { id, dir } = await this.store.createDir('leak-check');
    const panel = this.panels.create(`leak check of ${target.label}`);
    panel.show({ kind: 'session', title: `Leak check of ${target.label}`, target: target.label });
    const samples: MemorySample[] = [];
    const reportFile = join(dir, 'report.json');
    const ok = await this.capture(target, `Leak check of ${target.label}`, async (progress, token) => {
      const step = (message: string) => {
        progress.report({ message });
        panel.showProgress(message);
      };
      const check = (checkToken: CancellationToken) =>
        checkAndWrite(
          target.connection,
          {
            workload: {
              ...(inputs.workloadUrl ? { url: inputs.workloadUrl, requests: readConfig(api, Settings.Requests) } : {}),
              ...(inputs.workloadExpression ? { expression: inputs.workloadExpression } : {}),
            },
            ...(inputs.cleanupExpression ? { cleanupExpression: inputs.cleanupExpression } : {}),
            warmup: readConfig(api, Settings.Warmup),
            cycles: inputs.cycles,
            trackAllocations: readConfig(api, Settings.TrackAllocations),
            capture: readConfig(api, Settings.Capture),
            ...this.memoryLimit(),
            outDir: dir,
            ...(target.command ? { command: target.command } : {}),
            thresholds: {
              minBytesPerCycle: readConfig(api, Settings.MinBytesPerCycle),
              minObjectsPerCycle: readConfig(api, Settings.MinObjectsPerCycle),
            },
            onSample: (sample) => {
              samples.push(sample);
              panel.showMemory(samples.slice(), memoryMarks(samples, { cleanup: Boolean(inputs.cleanupExpression), ended: false }));
            },
          },
          { report: (s) => s.message && step(s.message) },
          checkToken,
          target.launched?.measured,
        );
      const launched = target.launched;
      if (!launched) return void (await check(token));
      // As the CLI's run does: wait for the server, make sure the measured process is the one the
      // workload reaches, and if it dies during the check, say how, with its last stderr lines.
      await whileTargetLives(launched, token, { outDir: dir, since: Date.now() }, async (alive) => {
        if (inputs.workloadUrl) {
          step('waiting for the server to answer');
          await waitUntilReady(inputs.workloadUrl.replace(/\{i\}/g, '0'), 30_000, alive, () => launched.process.exitCode === null);
          await assertServesWorkload(
            launched,
            inputs.workloadUrl,
            "Give the workload URL of the service the launched command starts, or launch the service's own command.",
          );
        }
        // The launched process's pid, argv and why it was measured go into the report, as the CLI's do.
        await check(alive);
      });
    });
    if (!ok) {
      panel.showProgress('The leak check did not finish.');
      return undefined;
    }
    await this.store.save({
      id,
      label: `Leak check of ${target.label}`,
      kind: 'leak-check',
      createdAt: new Date().toISOString(),
      dir,
      snapshots: ['baseline', 'mid', 'after'].map((n) => join(dir, `${n}.heapsnapshot`)).filter((f) => existsSync(f)),
      report: reportFile,
    });
    await this.panels.openReport(reportFile, panel);
    await this.diagnostics.showReport(reportFile);
    return reportFile;
  }

  /**
   * Whether to go on with a snapshot: yes when it fits in what the target may use; otherwise
   * the user decides, told what it would cost (building a snapshot can take many times the heap).
   */
  private async snapshotFits(target: Target): Promise<boolean> {
    const headroom = await new SnapshotGuard(target.connection, this.memoryLimit()).headroom();
    if (headroom.fits) return true;
    const take = 'Take it anyway';
    return (
      (await this.api.window.showWarningMessage(
        `Leakscope: ${headroom.reason}`,
        {
          modal: true,
          detail:
            'The process may be killed for lack of memory while V8 builds the snapshot. A leak check with capture "auto" samples allocations instead.',
        },
        take,
      )) === take
    );
  }

  /** The leakscope.leakCheck.memoryLimit setting, when set and valid. */
  private memoryLimit(): { memoryLimit?: number } {
    const bytes = readSizeConfig(this.api, Settings.MemoryLimit);
    return bytes !== undefined ? { memoryLimit: bytes } : {};
  }

  /** Where the target's memory goes now: live samples, the breakdown and the verdict. */
  async showMemory(): Promise<void> {
    const target = await this.targetCommands.ensureTarget();
    if (!target) return;
    const panel = this.panels.create(`memory of ${target.label}`);
    panel.show({ kind: 'session', title: `Memory of ${target.label}`, target: target.label });
    const update = () => {
      const samples = this.targets.recent.slice();
      if (samples.length === 0) return;
      const last = samples[samples.length - 1];
      panel.showMemory(samples, []);
      const verdict = memoryVerdict(samples);
      const b = rssBreakdown(last);
      panel.showProgress(
        `${verdict.summary} RSS ${formatBytes(b.rss)}: V8 heap ${formatBytes(b.heapUsed)} live + ${formatBytes(b.heapFree)} free, external ${formatBytes(b.external)}, code and files ${formatBytes(b.fileBacked)}, native ${formatBytes(b.native)}.`,
      );
    };
    update();
    const timer = setInterval(update, 2000);
    const sub = this.targets.onDidChange((t) => t !== target && clearInterval(timer));
    this.context.subscriptions.push({ dispose: () => (clearInterval(timer), sub.dispose()) });
  }

  /** Runs a capture with a cancellable notification; errors become one message. True when it completed. */
  private async capture(
    target: Target,
    title: string,
    work: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: ReturnType<typeof fromVscodeToken>) => Promise<void>,
  ): Promise<boolean> {
    const api = this.api;
    try {
      await this.targets.whileBusy(async () =>
        api.window.withProgress(
          { location: api.ProgressLocation.Notification, title: `Leakscope: ${title}`, cancellable: true },
          (progress, token) => work(progress, fromVscodeToken(token)),
        ),
      );
      return true;
    } catch (e) {
      // Reported here, not by the command's seam: the caller still closes its panel or keeps what was captured.
      this.errors.report(e, { action: title, ...(target.connection.isClosed ? { note: 'the process is gone' } : {}) });
      return false;
    }
  }
}
