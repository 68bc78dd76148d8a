import type * as vscode from 'vscode';
import { byteSizeProblem, parseByteSize } from '../common/bytes';
import { LEAK_CHECK_DEFAULTS } from '../session/checkDefaults';
import type { ErrorReporter } from './errorReporter';

/**
 * Every command, setting, view and context key the extension contributes, declared once. The
 * `{ [K in …]: … }` maps below make a forgotten id a compile error, and
 * test/contributions.test.ts keeps package.json in step with them.
 */
export const enum Commands {
  ProfileDebugSession = 'leakscope.profileDebugSession',
  AttachProcess = 'leakscope.attachProcess',
  LaunchProcess = 'leakscope.launchProcess',
  Detach = 'leakscope.detach',
  TakeSnapshot = 'leakscope.takeSnapshot',
  CaptureBeforeAfter = 'leakscope.captureBeforeAfter',
  RunLeakCheck = 'leakscope.runLeakCheck',
  ShowMemory = 'leakscope.showMemory',
  OpenInLeakscope = 'leakscope.openInLeakscope',
  CompareSnapshots = 'leakscope.compareSnapshots',
  OpenSessionItem = 'leakscope.openSessionItem',
  RemoveSession = 'leakscope.removeSession',
  WatchProcess = 'leakscope.watchProcess',
  StopWatching = 'leakscope.stopWatching',
  ShowWatch = 'leakscope.showWatch',
}

export const enum Settings {
  Cycles = 'leakscope.leakCheck.cycles',
  Warmup = 'leakscope.leakCheck.warmup',
  Requests = 'leakscope.leakCheck.requests',
  TrackAllocations = 'leakscope.leakCheck.trackAllocations',
  Capture = 'leakscope.leakCheck.capture',
  MemoryLimit = 'leakscope.leakCheck.memoryLimit',
  OutputFolder = 'leakscope.output.folder',
  MinBytesPerCycle = 'leakscope.findings.minBytesPerCycle',
  MinObjectsPerCycle = 'leakscope.findings.minObjectsPerCycle',
  NodePath = 'leakscope.launch.nodePath',
  StatusBarInterval = 'leakscope.statusBar.intervalSeconds',
  WatchInterval = 'leakscope.watch.intervalSeconds',
  WatchRssLimit = 'leakscope.watch.rssLimit',
}

export const enum ContextKeys {
  Attached = 'leakscope.attached',
  Watching = 'leakscope.watching',
}

export const enum Views {
  Sessions = 'leakscope.sessions',
}

export const enum Editors {
  Snapshot = 'leakscope.snapshotEditor',
  Report = 'leakscope.reportEditor',
}

/** Language model tools for agent mode: src/mcp/tools.ts defines them (shared with `leakscope mcp`); the test keeps the three lists equal. */
export const enum LanguageModelTools {
  RunLeakCheck = 'leakscope_run_leak_check',
  ReportFindings = 'leakscope_report_findings',
  FindingHolderPath = 'leakscope_finding_holder_path',
  ReportSamples = 'leakscope_report_samples',
  ReportClasses = 'leakscope_report_classes',
  FixPlan = 'leakscope_fix_plan',
  CompareReports = 'leakscope_compare_reports',
  ExplainMemory = 'leakscope_explain_memory',
  TakeSnapshot = 'leakscope_take_snapshot',
  InspectSnapshot = 'leakscope_inspect_snapshot',
  DiffSnapshots = 'leakscope_diff_snapshots',
}

export const LANGUAGE_MODEL_TOOL_IDS: { [K in LanguageModelTools]: null } = {
  [LanguageModelTools.RunLeakCheck]: null,
  [LanguageModelTools.ReportFindings]: null,
  [LanguageModelTools.FindingHolderPath]: null,
  [LanguageModelTools.ReportSamples]: null,
  [LanguageModelTools.ReportClasses]: null,
  [LanguageModelTools.FixPlan]: null,
  [LanguageModelTools.CompareReports]: null,
  [LanguageModelTools.ExplainMemory]: null,
  [LanguageModelTools.TakeSnapshot]: null,
  [LanguageModelTools.InspectSnapshot]: null,
  [LanguageModelTools.DiffSnapshots]: null,
};

/** What each command is called with (from menus, the tree view or other commands). */
export interface CommandArgs {
  [Commands.ProfileDebugSession]: [];
  [Commands.AttachProcess]: [];
  [Commands.LaunchProcess]: [];
  [Commands.Detach]: [];
  [Commands.TakeSnapshot]: [];
  [Commands.CaptureBeforeAfter]: [];
  [Commands.RunLeakCheck]: [];
  [Commands.ShowMemory]: [];
  [Commands.OpenInLeakscope]: [uri?: vscode.Uri];
  [Commands.CompareSnapshots]: [baseline?: vscode.Uri, after?: vscode.Uri];
  [Commands.OpenSessionItem]: [file: string];
  [Commands.RemoveSession]: [item?: { session: { id: string } }];
  [Commands.WatchProcess]: [];
  [Commands.StopWatching]: [];
  [Commands.ShowWatch]: [];
}

export interface SettingTypes {
  [Settings.Cycles]: number;
  [Settings.Warmup]: number;
  [Settings.Requests]: number;
  [Settings.TrackAllocations]: boolean;
  [Settings.Capture]: 'auto' | 'snapshot' | 'sampling';
  /** `1.5G`, `512M`; empty: the target's cgroup limit, else the machine's available memory. */
  [Settings.MemoryLimit]: string;
  [Settings.OutputFolder]: string;
  [Settings.MinBytesPerCycle]: number;
  [Settings.MinObjectsPerCycle]: number;
  [Settings.NodePath]: string;
  [Settings.StatusBarInterval]: number;
  [Settings.WatchInterval]: number;
  /** `1.5G`, `512M`; empty: only a sustained trend triggers a capture. */
  [Settings.WatchRssLimit]: string;
}

/** Defaults, mirrored in package.json's configuration (the test checks they agree); the leak check's are every host's (LEAK_CHECK_DEFAULTS). */
export const SETTING_DEFAULTS: { [K in Settings]: SettingTypes[K] } = {
  [Settings.Cycles]: LEAK_CHECK_DEFAULTS.cycles,
  [Settings.Warmup]: LEAK_CHECK_DEFAULTS.warmup,
  [Settings.Requests]: LEAK_CHECK_DEFAULTS.requests,
  [Settings.TrackAllocations]: false,
  [Settings.Capture]: LEAK_CHECK_DEFAULTS.capture,
  [Settings.MemoryLimit]: '',
  [Settings.OutputFolder]: '',
  [Settings.MinBytesPerCycle]: 1024,
  [Settings.MinObjectsPerCycle]: 10,
  [Settings.NodePath]: '',
  [Settings.StatusBarInterval]: 2,
  [Settings.WatchInterval]: 10,
  [Settings.WatchRssLimit]: '',
};

/** Palette titles, mirrored in package.json (the test checks they agree). */
export const COMMAND_TITLES: { [K in Commands]: string } = {
  [Commands.ProfileDebugSession]: 'Profile the Debugged Process',
  [Commands.AttachProcess]: 'Attach to Process…',
  [Commands.LaunchProcess]: 'Launch a Process under Leakscope…',
  [Commands.Detach]: 'Detach',
  [Commands.TakeSnapshot]: 'Take Heap Snapshot',
  [Commands.CaptureBeforeAfter]: 'Capture Before/After Cleanup',
  [Commands.RunLeakCheck]: 'Run Leak Check',
  [Commands.ShowMemory]: 'Explain Memory Now',
  [Commands.OpenInLeakscope]: 'Open in Leakscope',
  [Commands.CompareSnapshots]: 'Compare Two Heap Snapshots…',
  [Commands.OpenSessionItem]: 'Open',
  [Commands.RemoveSession]: 'Remove Session',
  [Commands.WatchProcess]: 'Watch a Process…',
  [Commands.StopWatching]: 'Stop Watching',
  [Commands.ShowWatch]: 'Show the Watched Process',
};

/** Registers a command behind the error seam: what the handler throws is shown as `errors` decides, under the command's title. */
export function registerCommand<K extends Commands>(
  api: typeof vscode,
  errors: Pick<ErrorReporter, 'wrap'>,
  id: K,
  handler: (...args: CommandArgs[K]) => unknown,
): vscode.Disposable {
  return api.commands.registerCommand(id, errors.wrap(COMMAND_TITLES[id], handler));
}

/** A size setting (`1.5G`, `512M`) in bytes; undefined when empty, and when invalid after telling the user it is ignored. */
export function readSizeConfig(api: typeof vscode, key: Settings.MemoryLimit | Settings.WatchRssLimit): number | undefined {
  const text = readConfig(api, key).trim();
  const bytes = text ? parseByteSize(text) : undefined;
  if (text && bytes === undefined)
    void api.window.showWarningMessage(`Leakscope: ${byteSizeProblem(`the setting ${key}`, text)} It is ignored.`);
  return bytes;
}

export function readConfig<K extends Settings>(api: typeof vscode, key: K, scope?: vscode.ConfigurationScope): SettingTypes[K] {
  const dot = key.indexOf('.');
  return api.workspace.getConfiguration(key.slice(0, dot), scope).get<SettingTypes[K]>(key.slice(dot + 1), SETTING_DEFAULTS[key]);
}
