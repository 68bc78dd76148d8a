import { ErrorCode, LeakscopeError } from '../common/errors';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as vscode from 'vscode';
import type { Finding } from '../analysis/types';
import { dependencyChange, fixesForFinding, insideRoot, locateSource, type CodeFix, type FixDiagnostic } from '../fixes';
import { readLeakReport } from '../report/readLeakReport';
import { toUserSources } from '../session/userSources';

/** A finding's source file as a path: the inspector names scripts by path or by file:// URL. */
export function sourcePath(file: string): string | undefined {
  if (file.startsWith('file://')) return fileURLToPath(file);
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? file : undefined;
}

interface Entry {
  finding: Finding;
  diagnostic: vscode.Diagnostic;
}

/**
 * Findings of a leak check as diagnostics on the lines they name, with the quick-fix of the
 * matching rule (src/fixes) offered there. A finding with no rule still gets a diagnostic whose
 * message explains it.
 */
export class FindingDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  private readonly collection: vscode.DiagnosticCollection;
  private readonly entries = new Map<string, Entry[]>();

  constructor(private readonly api: typeof vscode) {
    this.collection = api.languages.createDiagnosticCollection('leakscope');
  }

  async showReport(reportFile: string): Promise<void> {
    const report = await readLeakReport(reportFile);
    this.collection.clear();
    this.entries.clear();
    // A location in a compiled script becomes the line of the .ts it came from.
    for (const finding of toUserSources(report.findings)) {
      const file = this.sourceFileOrNone(finding)?.file;
      if (!file) continue;
      const text = readFileSync(file, 'utf8');
      const fix = this.firstFix(finding, file, text);
      const range = fix ? this.rangeOf(text, fix.diagnostic.start, fix.diagnostic.end) : this.lineRange(text, finding.source!.line);
      const diagnostic = new this.api.Diagnostic(
        range,
        `${finding.title}. ${finding.explanation}${fix ? '' : ` Suggested: ${finding.fix.summary}`}`,
        this.api.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Leakscope';
      diagnostic.code = finding.fix.id;
      const list = this.entries.get(file) ?? [];
      list.push({ finding, diagnostic });
      this.entries.set(file, list);
    }
    for (const [file, list] of this.entries)
      this.collection.set(
        this.api.Uri.file(file),
        list.map((e) => e.diagnostic),
      );
  }

  /** Whether a quick-fix exists for the finding in its file as it is now. */
  fixAvailable(finding: Finding): boolean {
    const file = this.sourceFileOrNone(finding)?.file;
    if (!file) return false;
    return this.firstFix(finding, file, readFileSync(file, 'utf8')) !== undefined;
  }

  /**
   * Applies the finding's first fix to its file (saved), adding dependencies to package.json.
   * Both must be inside a workspace folder by real path (the same check as `leakscope fix`), since
   * the report may have come from a pull request.
   */
  async applyFix(finding: Finding): Promise<string> {
    const folders = this.api.workspace.workspaceFolders ?? [];
    if (folders.length === 0)
      throw new LeakscopeError(ErrorCode.InvalidArgument, 'open the project folder first; a fix changes only files inside the workspace.');
    const found = this.sourceFile(
      finding,
      folders.map((f) => f.uri.fsPath),
    );
    if (!found) throw new LeakscopeError(ErrorCode.InvalidArgument, 'this finding names no source file in this workspace.');
    const { file, root } = found;
    const document = await this.api.workspace.openTextDocument(this.api.Uri.file(file));
    const fix = this.firstFix(finding, file, document.getText());
    if (!fix)
      throw new LeakscopeError(ErrorCode.InvalidArgument, `no quick-fix matches this finding in ${file} any more (was it fixed already?).`);
    const edit = this.workspaceEdit(document, fix.fix, root);
    if (!(await this.api.workspace.applyEdit(edit)))
      throw new LeakscopeError(ErrorCode.InvalidArgument, `VS Code refused the edit to ${file}.`);
    await document.save();
    const deps = Object.keys(fix.fix.dependencies ?? {});
    return `Applied "${fix.fix.title}"${deps.length ? ` and added ${deps.join(', ')} to package.json (run npm install)` : ''}. Run the leak check again to confirm.`;
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const root = this.api.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath;
    if (!root) return actions;
    for (const entry of this.entries.get(document.uri.fsPath) ?? []) {
      if (!entry.diagnostic.range.intersection(range)) continue;
      const result = fixesForFinding(entry.finding, document.fileName, document.getText(), true);
      for (const d of result.diagnostics) {
        for (const fix of d.fixes) {
          const action = new this.api.CodeAction(`Leakscope: ${fix.title}`, this.api.CodeActionKind.QuickFix);
          action.diagnostics = [entry.diagnostic];
          try {
            action.edit = this.workspaceEdit(document, fix, root);
          } catch {
            continue; // its package.json is outside the workspace
          }
          action.isPreferred = fix === d.fixes[0];
          actions.push(action);
        }
      }
    }
    return actions;
  }

  /**
   * The finding's source file by real path, inside the first of `roots` it resolves in; a
   * LeakscopeError naming it when it resolves only outside them.
   */
  private sourceFile(finding: Finding, roots: string[]): { file: string; root: string } | undefined {
    let refusal: unknown;
    for (const root of roots) {
      const location = locateSource(finding, root);
      if (!location) continue;
      try {
        return { file: insideRoot(location.file, root), root };
      } catch (e) {
        refusal ??= e;
      }
    }
    if (refusal) throw refusal;
    return undefined;
  }

  /** As sourceFile, for showing: a file outside the workspace gets no diagnostic and is not read. */
  private sourceFileOrNone(finding: Finding): { file: string; root: string } | undefined {
    try {
      return this.sourceFile(
        finding,
        (this.api.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      );
    } catch {
      return undefined;
    }
  }

  private firstFix(finding: Finding, file: string, text: string): { diagnostic: FixDiagnostic; fix: CodeFix } | undefined {
    try {
      const d = fixesForFinding(finding, file, text, true).diagnostics.find((x) => x.fixes.length > 0);
      return d ? { diagnostic: d, fix: d.fixes[0] } : undefined;
    } catch {
      // A file the parser cannot read (not JS/TS) has no quick-fix, only its diagnostic.
      return undefined;
    }
  }

  /** The fix's edits, and its packages added to the nearest package.json, which must be inside `root`. */
  private workspaceEdit(document: vscode.TextDocument, fix: CodeFix, root: string): vscode.WorkspaceEdit {
    const edit = new this.api.WorkspaceEdit();
    for (const e of fix.edits)
      edit.replace(document.uri, new this.api.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
    const change = dependencyChange(document.uri.fsPath, fix.dependencies ?? {}, root);
    if (change)
      edit.replace(this.api.Uri.file(change.manifestPath), new this.api.Range(0, 0, change.before.split('\n').length + 1, 0), change.after);
    return edit;
  }

  private rangeOf(text: string, start: number, end: number): vscode.Range {
    const pos = (offset: number) => {
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      return new this.api.Position(line, offset - (before.lastIndexOf('\n') + 1));
    };
    return new this.api.Range(pos(start), pos(end));
  }

  private lineRange(text: string, line: number): vscode.Range {
    const lines = text.split('\n');
    const l = Math.min(Math.max(0, line - 1), lines.length - 1);
    return new this.api.Range(l, 0, l, lines[l].length);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
