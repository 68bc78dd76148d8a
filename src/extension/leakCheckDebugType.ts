import type * as vscode from 'vscode';
import { InlineDebugAdapter } from '../debug-adapter/inlineAdapter';
import { LeakCheckSession } from '../debug-adapter/leakCheckSession';
import { isReportEventBody, REPORT_EVENT } from '../debug-adapter/types';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { readConfig, Settings } from './contributions';
import type { ErrorReporter } from './errorReporter';
import type { FindingDiagnostics } from './findingDiagnostics';
import type { Panels } from './panels';

export const DEBUG_TYPE = 'leakscope';

/**
 * The `leakscope` launch type: an inline debug adapter (F5 runs the leak check), a configuration
 * provider for "Add Configuration", and the report opened when the adapter says it is written.
 */
export function registerLeakCheckDebugType(
  api: typeof vscode,
  panels: Panels,
  diagnostics: FindingDiagnostics,
  errors: ErrorReporter,
): vscode.Disposable[] {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor: (session) =>
      new api.DebugAdapterInlineImplementation(
        new InlineDebugAdapter(
          new LeakCheckSession({
            nodePath: readConfig(api, Settings.NodePath).trim() || undefined,
            cwd: session.workspaceFolder?.uri.fsPath,
          }),
        ),
      ),
  };
  const provider: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: (folder) => [initialConfiguration(api, folder)],
    resolveDebugConfiguration: (folder, configuration) => {
      // F5 with no launch.json: offer the leak check of the file in the editor.
      if (!configuration.type && !configuration.request) {
        const file = api.window.activeTextEditor?.document;
        if (!file || !/javascript|typescript/.test(file.languageId)) return configuration;
        return { ...initialConfiguration(api, folder), program: file.uri.fsPath };
      }
      if (!api.workspace.isTrusted && (configuration.workload?.expression || configuration.cleanup)) {
        errors.report(
          new LeakscopeError(
            ErrorCode.InvalidArgument,
            'Expressions run in the target only in a trusted workspace; this configuration has a workload or cleanup expression.',
          ),
          { action: 'Start the leak check' },
        );
        return undefined;
      }
      return { cwd: folder?.uri.fsPath, ...configuration };
    },
  };
  return [
    api.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    api.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    api.debug.onDidReceiveDebugSessionCustomEvent(async (event) => {
      if (event.session.type !== DEBUG_TYPE || event.event !== REPORT_EVENT) return;
      try {
        const body: unknown = event.body;
        // The adapter is ours, so a body of another shape is a bug, reported as one rather than opened.
        if (!isReportEventBody(body))
          throw new LeakscopeError(
            ErrorCode.Internal,
            "The leak check's report event does not carry a report file, a verdict and whether the check failed.",
            false,
          );
        await panels.openReport(body.reportFile);
        await diagnostics.showReport(body.reportFile);
      } catch (e) {
        errors.report(e, { action: "Open the leak check's report" });
      }
    }),
  ];
}

function initialConfiguration(api: typeof vscode, folder: vscode.WorkspaceFolder | undefined): vscode.DebugConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: 'Leak check',
    program: '${workspaceFolder}/server.js',
    env: { PORT: '3000' },
    workload: { url: 'http://127.0.0.1:3000/', requests: readConfig(api, Settings.Requests, folder) },
    cycles: readConfig(api, Settings.Cycles, folder),
    failOn: 'leak',
  };
}
