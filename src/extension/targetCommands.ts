import type * as vscode from 'vscode';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';
import { InspectorConnection } from '../inspector/connection';
import { describeExit, formatTail, launchUnderInspector, withConfiguredNode } from '../inspector/launch';
import { isLoopback, parseTarget, resolveTarget } from '../inspector/target';
import { splitCommandLine } from './commandLine';
import { DebugSessions } from './debugSessions';
import { readConfig, Settings } from './contributions';
import { listNodeProcesses } from './processList';
import type { Target, TargetManager } from './targetManager';

const LAST_LAUNCH = 'leakscope.lastLaunchCommand';
const LAST_ADDRESS = 'leakscope.lastAttachAddress';

/** Getting a target: the debugged process, a local or remote process by address or PID, or a launched command. */
export class TargetCommands {
  private readonly debugSessions: DebugSessions;

  constructor(
    private readonly api: typeof vscode,
    private readonly context: vscode.ExtensionContext,
    private readonly targets: TargetManager,
    private readonly output: vscode.OutputChannel,
  ) {
    this.debugSessions = new DebugSessions(
      api,
      (line) => output.appendLine(line),
      (s) => {
        if (targets.current?.debugSessionId === s.id) void targets.detach();
      },
    );
    context.subscriptions.push(this.debugSessions);
  }

  /** The current target, or one the user picks now; undefined if they cancel. */
  async ensureTarget(): Promise<Target | undefined> {
    if (this.targets.current) return this.targets.current;
    const api = this.api;
    type Choice = vscode.QuickPickItem & { run: () => Promise<Target | undefined> };
    const choices: Choice[] = [];
    if (api.debug.activeDebugSession)
      choices.push({
        label: '$(debug) The debugged process',
        description: api.debug.activeDebugSession.name,
        run: () => this.profileDebugSession(),
      });
    choices.push({ label: '$(play) Launch a command under Leakscope…', run: () => this.launch() });
    choices.push({ label: '$(plug) Attach to a process…', description: 'local PID, host:port or ws:// URL', run: () => this.attach() });
    const pick = await api.window.showQuickPick(choices, {
      title: 'Leakscope: which process?',
      placeHolder: 'Leakscope is not connected to a process yet',
    });
    return pick?.run();
  }

  async profileDebugSession(): Promise<Target | undefined> {
    const api = this.api;
    const session = api.debug.activeDebugSession;
    if (!session)
      throw new LeakscopeError(ErrorCode.InvalidArgument, 'Start debugging a Node.js program first (no debug session is active).');
    const { session: debugged, connection } = await api.window.withProgress(
      { location: api.ProgressLocation.Notification, title: `Leakscope: connecting to the process "${session.name}" debugs` },
      () => this.debugSessions.connect(session),
    );
    const target: Target = { kind: 'debug', label: `debug: ${debugged.name}`, connection, debugSessionId: debugged.id };
    await this.targets.set(target);
    this.output.appendLine(`Connected to the process of "${debugged.name}"`);
    return target;
  }

  async attach(): Promise<Target | undefined> {
    const api = this.api;
    type Item = vscode.QuickPickItem & { pid?: number; address?: boolean };
    const quickPick = api.window.createQuickPick<Item>();
    quickPick.title = 'Leakscope: attach to a Node.js process';
    quickPick.placeholder = 'Pick a local process (its inspector is opened with SIGUSR1), or type host:port or ws://…';
    quickPick.busy = true;
    const addressItem: Item = {
      label: '$(globe) Enter host:port or ws:// URL…',
      description: "a container's forwarded inspector port, a remote machine",
      address: true,
    };
    quickPick.items = [addressItem];
    quickPick.show();
    void listNodeProcesses().then((processes) => {
      quickPick.items = [
        addressItem,
        ...processes.map((p) => ({ label: `$(server-process) ${p.pid}`, description: p.command, pid: p.pid })),
      ];
      quickPick.busy = false;
    });
    const picked = await new Promise<Item | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    quickPick.dispose();
    if (!picked) return undefined;
    if (picked.pid !== undefined) return this.connect(`pid ${picked.pid}`, () => resolveTarget({ kind: 'pid', pid: picked.pid! }));
    const text = await api.window.showInputBox({
      title: 'Leakscope: inspector address',
      prompt: 'host:port of a process started with --inspect, or its ws:// URL',
      value: this.context.workspaceState.get<string>(LAST_ADDRESS, '127.0.0.1:9229'),
      validateInput: (value) => {
        try {
          parseTarget(value.trim());
          return undefined;
        } catch (e) {
          return errorMessage(e);
        }
      },
    });
    if (!text) return undefined;
    const spec = parseTarget(text.trim());
    const host =
      spec.kind === 'address' ? spec.host : spec.kind === 'url' ? new URL(spec.url).hostname.replace(/^\[|\]$/g, '') : '127.0.0.1';
    if (!isLoopback(host)) {
      const go = await api.window.showWarningMessage(
        `Connect to the inspector at ${host}? The inspector lets Leakscope run code in that process; only connect to a process you own.`,
        { modal: true },
        'Connect',
      );
      if (go !== 'Connect') return undefined;
    }
    await this.context.workspaceState.update(LAST_ADDRESS, text.trim());
    return this.connect(text.trim(), () => resolveTarget(spec));
  }

  private async connect(label: string, resolve: () => Promise<string>): Promise<Target | undefined> {
    const connection = await this.api.window.withProgress(
      { location: this.api.ProgressLocation.Notification, title: `Leakscope: connecting to ${label}` },
      async () => InspectorConnection.connect(await resolve()),
    );
    const target: Target = { kind: 'attached', label, connection };
    await this.targets.set(target);
    return target;
  }

  /** Starts a command under the inspector in the workspace folder; it is stopped on detach. */
  async launch(commandLine?: string): Promise<Target | undefined> {
    const api = this.api;
    const cwd = api.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const activeFile =
      api.window.activeTextEditor?.document.uri.scheme === 'file' ? api.window.activeTextEditor.document.uri.fsPath : undefined;
    const line =
      commandLine ??
      (await api.window.showInputBox({
        title: 'Leakscope: launch a Node.js program under the inspector',
        prompt:
          'The command, run in the workspace folder (`NAME=value` before it sets the environment); `node` gets --inspect, anything else gets it through NODE_OPTIONS',
        value:
          this.context.workspaceState.get<string>(LAST_LAUNCH) ?? (activeFile ? `node ${JSON.stringify(activeFile)}` : 'node server.js'),
      }));
    if (!line?.trim()) return undefined;
    const words = splitCommandLine(line.trim());
    await this.context.workspaceState.update(LAST_LAUNCH, line.trim());
    // `PORT=3001 node server.js`: leading assignments set the environment, as in a shell.
    const env: Record<string, string> = {};
    while (words.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
      const [assignment] = words.splice(0, 1);
      const eq = assignment.indexOf('=');
      env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
    const [command, ...args] = withConfiguredNode(words, readConfig(api, Settings.NodePath));
    this.output.appendLine(`$ ${words.join(' ')}`);
    const launched = await launchUnderInspector(command, args, {
      cwd,
      env,
      onOutput: (text) => this.output.appendLine(text),
      onNote: (text) => this.output.appendLine(text),
    });
    launched.process.once('exit', (code, signal) => this.output.appendLine(`[${command} exited with ${signal ?? code}]`));
    this.output.appendLine(`Measuring pid ${launched.measured.pid} (${launched.measured.argv.join(' ')}): ${launched.measured.reason}.`);
    let connection: InspectorConnection;
    try {
      connection = await InspectorConnection.connect(launched.webSocketUrl);
    } catch (e) {
      // The process was started for this target: it must not outlive the failure.
      await launched.stop();
      throw e;
    }
    const target: Target = {
      kind: 'launched',
      label: `${words.join(' ')} (pid ${launched.measured.pid})`,
      connection,
      launched,
      command: words,
      ...(cwd ? { cwd } : {}),
    };
    await this.targets.set(target);
    // A program that dies while nobody checks it would only vanish from the status bar: say how
    // it ended (`exited` settles only for a death of its own, not for Detach, and the target is
    // already detached by then: its inspector closed first). During a capture the capture's own
    // error says it, once.
    void launched.exited.then((exit) => {
      if (this.targets.capturing) return;
      this.output.appendLine(`The launched program, ${describeExit(exit)}.${formatTail(exit.stderrTail)}`);
      void this.api.window
        .showWarningMessage(`Leakscope: the launched program, ${describeExit(exit)}.`, 'Show Output')
        .then((choice) => choice && this.output.show());
    });
    return target;
  }
}
