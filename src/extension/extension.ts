import * as vscode from 'vscode';
import { CaptureCommands } from './captureCommands';
import { Commands, registerCommand, Views } from './contributions';
import { registerCustomEditors } from './customEditors';
import { ErrorReporter } from './errorReporter';
import { FileCommands } from './fileCommands';
import { FindingDiagnostics } from './findingDiagnostics';
import { registerLeakCheckDebugType } from './leakCheckDebugType';
import { registerLanguageModelTools } from './languageModelTools';
import type { LeakCheckInputs } from './leakCheckInputs';
import { Panels } from './panels';
import { SessionStore } from './sessionStore';
import { SessionsView } from './sessionsView';
import { TargetCommands } from './targetCommands';
import { TargetManager } from './targetManager';
import { WatchCommands } from './watchCommands';

/** The one place the extension is wired together (STYLE 10): every object is built here and handed what it needs. */
export function activate(context: vscode.ExtensionContext): { runLeakCheck(inputs?: LeakCheckInputs): Promise<string | undefined> } {
  const api = vscode;
  const output = api.window.createOutputChannel('Leakscope');
  const errors = new ErrorReporter(api, output);
  const targets = new TargetManager(api);
  const store = new SessionStore(api, context);
  const diagnostics = new FindingDiagnostics(api);
  // Panels need the file commands (Go to source) and the file commands need the panels: the actions are late-bound.
  // eslint-disable-next-line prefer-const -- assigned after the panels that read it are made
  let files: FileCommands | undefined;
  const panels = new Panels(
    api,
    context.extensionUri,
    {
      goToSource: (file, line, column) => files!.goToSource(file, line, column),
      openFile: (file) => files!.openFile(file),
      applyFix: (finding, command) => diagnostics.applyFix(finding, command),
      reportError: (e, action) => errors.report(e, { action }),
    },
    (finding, command) => diagnostics.fixAvailable(finding, command),
  );
  files = new FileCommands(api, panels, store);
  const targetCommands = new TargetCommands(api, context, targets, output);
  const sessionsView = new SessionsView(api, store, targets);
  const watches = new WatchCommands(api, targets, targetCommands, store, errors, output);
  const capture = new CaptureCommands(api, context, targets, targetCommands, store, panels, diagnostics, errors, () => watches.running);

  context.subscriptions.push(
    output,
    targets,
    store,
    diagnostics,
    watches,
    api.languages.registerCodeActionsProvider(
      [{ language: 'javascript' }, { language: 'typescript' }, { language: 'javascriptreact' }, { language: 'typescriptreact' }],
      diagnostics,
      { providedCodeActionKinds: [api.CodeActionKind.QuickFix] },
    ),
    sessionsView,
    api.window.registerTreeDataProvider(Views.Sessions, sessionsView),
    ...registerCustomEditors(api, panels, errors),
    ...registerLeakCheckDebugType(api, panels, diagnostics, errors),
    ...registerLanguageModelTools(api, output),
    registerCommand(api, errors, Commands.ProfileDebugSession, async () => {
      const target = await targetCommands.profileDebugSession();
      if (target) await offerActions(api, capture, watches, target.label);
    }),
    registerCommand(api, errors, Commands.AttachProcess, async () => {
      const target = await targetCommands.attach();
      if (target) await offerActions(api, capture, watches, target.label);
    }),
    registerCommand(api, errors, Commands.LaunchProcess, async () => {
      const target = await targetCommands.launch();
      if (target) await offerActions(api, capture, watches, target.label);
    }),
    registerCommand(api, errors, Commands.Detach, () => targets.detach()),
    registerCommand(api, errors, Commands.TakeSnapshot, () => capture.takeSnapshot()),
    registerCommand(api, errors, Commands.CaptureBeforeAfter, () => capture.captureBeforeAfter()),
    registerCommand(api, errors, Commands.RunLeakCheck, () => capture.runLeakCheck()),
    registerCommand(api, errors, Commands.ShowMemory, () => capture.showMemory()),
    registerCommand(api, errors, Commands.OpenInLeakscope, (uri) => files!.openInLeakscope(uri)),
    registerCommand(api, errors, Commands.CompareSnapshots, (a, b) => files!.compareSnapshots(a, b)),
    registerCommand(api, errors, Commands.OpenSessionItem, (file) => files!.openFile(file)),
    registerCommand(api, errors, Commands.RemoveSession, (item) => files!.removeSession(item)),
    registerCommand(api, errors, Commands.WatchProcess, () => watches.watch()),
    registerCommand(api, errors, Commands.StopWatching, () => watches.stop()),
    registerCommand(api, errors, Commands.ShowWatch, () => watches.showWatch()),
  );
  void store.prune();
  // The API's callers get what a palette user gets: a failure is shown, and the result is undefined.
  return { runLeakCheck: errors.wrap('Run Leak Check', (inputs?: LeakCheckInputs) => capture.runLeakCheck(inputs)) };
}

export function deactivate(): void {}

/** Once connected, the next step is one pick away. */
async function offerActions(api: typeof vscode, capture: CaptureCommands, watches: WatchCommands, label: string): Promise<void> {
  const actions = [
    { label: '$(beaker) Run leak check', run: () => capture.runLeakCheck() },
    { label: '$(diff) Capture before/after cleanup', run: () => capture.captureBeforeAfter() },
    { label: '$(file-binary) Take heap snapshot', run: () => capture.takeSnapshot() },
    { label: '$(pulse) Explain memory now', run: () => capture.showMemory() },
    { label: '$(eye) Watch its memory trend', run: () => watches.watch() },
  ];
  const pick = await api.window.showQuickPick(actions, {
    title: `Leakscope: connected to ${label}`,
    placeHolder: 'What next? (Esc to stay connected; the status bar shows live RSS)',
  });
  await pick?.run();
}
