import type * as vscode from 'vscode';
import { Editors } from './contributions';
import type { ErrorReporter } from './errorReporter';
import type { Panels } from './panels';

/**
 * Leakscope as an editor for `.heapsnapshot` files (beside VS Code's own table, via Open With /
 * Open in Leakscope) and for reports (`report.json` from a pull request or a CI artifact).
 */
export function registerCustomEditors(api: typeof vscode, panels: Panels, errors: ErrorReporter): vscode.Disposable[] {
  const provider = (open: (file: string, panel: vscode.WebviewPanel) => Promise<unknown>): vscode.CustomReadonlyEditorProvider => ({
    openCustomDocument: (uri) => ({ uri, dispose() {} }),
    resolveCustomEditor: async (document, panel) => {
      try {
        await open(document.uri.fsPath, panel);
      } catch (e) {
        errors.report(e, { action: `Open ${document.uri.fsPath}` });
      }
    },
  });
  const options = { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true };
  return [
    api.window.registerCustomEditorProvider(
      Editors.Snapshot,
      provider((file, panel) => panels.openSnapshot(file, panels.adopt(panel, file))),
      options,
    ),
    api.window.registerCustomEditorProvider(
      Editors.Report,
      provider((file, panel) => panels.openReport(file, panels.adopt(panel, file))),
      options,
    ),
  ];
}
