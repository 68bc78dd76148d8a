import { ErrorCode, LeakscopeError } from '../common/errors';
import { fileURLToPath } from 'node:url';
import type * as vscode from 'vscode';
import type { Finding } from '../analysis/types';
import { dependencyChange, insideRoot, type CodeFix } from '../fixes';
import { readLeakReport } from '../report/readLeakReport';
import { codeSources, firstFix, matchFinding, type CodeSources, type FindingMatch } from '../session/findingMatch';

/** A finding's source file as a path: the inspector names scripts by path or by file:// URL. */
export function sourcePath(file: string): string | undefined {
  if (file.startsWith('file://')) return fileURLToPath(file);
  return file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? file : undefined;
}

interface Entry {
  finding: Finding;
  /** The report's `target.command`: its scripts are where a finding without a location in the user's code is fixed. */
  command?: readonly string[];
  diagnostic: vscode.Diagnostic;
}

/** A finding matched in one workspace folder, and the texts the match read. */
interface Found {
  match: FindingMatch;
  sources: CodeSources;
}

/**
 * Findings of a leak check as diagnostics on the lines they name, with the quick-fix of the
 * matching rule (src/fixes) offered there. A finding with no rule still gets a diagnostic whose
 * message explains it. Findings are matched to the code as `leakscope fix` matches them
 * (`matchFinding`), so the editor offers the fix the CLI would apply, in the same file.
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
    const command = report.target.command;
    for (const finding of report.findings) {
      let found: Found | undefined;
      let shown: { file: string; range: vscode.Range } | undefined;
      try {
        found = this.find(finding, command);
        shown = found && this.shownAt(found);
      } catch {
        continue; // A file outside the workspace gets no diagnostic and is not read.
      }
      if (!found || !shown) continue;
      const fix = firstFix(found.match);
      const diagnostic = new this.api.Diagnostic(
        shown.range,
        `${finding.title}. ${finding.explanation}${fix ? '' : ` Suggested: ${finding.fix.summary}`}`,
        this.api.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Leakscope';
      diagnostic.code = finding.fix.id;
      const list = this.entries.get(shown.file) ?? [];
      list.push({ finding, command, diagnostic });
      this.entries.set(shown.file, list);
    }
    for (const [file, list] of this.entries)
      this.collection.set(
        this.api.Uri.file(file),
        list.map((e) => e.diagnostic),
      );
  }

  /** Whether a quick-fix exists for the finding in the code as it is now. */
  fixAvailable(finding: Finding, command?: readonly string[]): boolean {
    try {
      const found = this.find(finding, command);
      return found !== undefined && firstFix(found.match) !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * Applies the finding's first fix to its file (saved), adding dependencies to package.json.
   * Both must be inside a workspace folder by real path (the same check as `leakscope fix`), since
   * the report may have come from a pull request.
   */
  async applyFix(finding: Finding, command?: readonly string[]): Promise<string> {
    if ((this.api.workspace.workspaceFolders ?? []).length === 0)
      throw new LeakscopeError(ErrorCode.InvalidArgument, 'open the project folder first; a fix changes only files inside the workspace.');
    const first = this.find(finding, command);
    if (!first) throw new LeakscopeError(ErrorCode.InvalidArgument, 'this finding names no source file in this workspace.');
    const file = firstFix(first.match)?.file;
    const document = file ? await this.api.workspace.openTextDocument(this.api.Uri.file(file)) : undefined;
    // Matched again with the document open: the edits are offsets in its text as the editor holds it.
    const found = document ? this.find(finding, command) : undefined;
    const fix = found && firstFix(found.match);
    if (!document || !found || !fix || fix.file !== file) {
      const where = first.match.location ? ` in ${first.match.location.file}` : '';
      throw new LeakscopeError(ErrorCode.InvalidArgument, `no quick-fix matches this finding${where} any more (was it fixed already?).`);
    }
    const edit = this.workspaceEdit(document, fix.fix, found.sources.root);
    if (!(await this.api.workspace.applyEdit(edit)))
      throw new LeakscopeError(ErrorCode.InvalidArgument, `VS Code refused the edit to ${fix.file}.`);
    await document.save();
    const deps = Object.keys(fix.fix.dependencies ?? {});
    return `Applied "${fix.fix.title}"${deps.length ? ` and added ${deps.join(', ')} to package.json (run npm install)` : ''}. Run the leak check again to confirm.`;
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const entry of this.entries.get(document.uri.fsPath) ?? []) {
      if (!entry.diagnostic.range.intersection(range)) continue;
      let found: Found | undefined;
      try {
        found = this.find(entry.finding, entry.command);
      } catch {
        continue;
      }
      if (!found) continue;
      const preferred = firstFix(found.match)?.fix;
      for (const { file, diagnostic } of found.match.matches) {
        if (file !== document.uri.fsPath) continue;
        for (const fix of diagnostic.fixes) {
          const action = new this.api.CodeAction(`Leakscope: ${fix.title}`, this.api.CodeActionKind.QuickFix);
          action.diagnostics = [entry.diagnostic];
          try {
            action.edit = this.workspaceEdit(document, fix, found.sources.root);
          } catch {
            continue; // its package.json is outside the workspace
          }
          action.isPreferred = fix === preferred;
          actions.push(action);
        }
      }
    }
    return actions;
  }

  /**
   * The finding matched to the code of the first workspace folder its location (or, without one,
   * a launched script) resolves in; a LeakscopeError naming the file when it resolves only
   * outside them. Open documents are read as they are in the editor, unsaved edits included.
   */
  private find(finding: Finding, command: readonly string[] | undefined): Found | undefined {
    const read = (file: string) =>
      this.api.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file)?.getText();
    let refusal: unknown;
    for (const folder of this.api.workspace.workspaceFolders ?? []) {
      const sources = codeSources(folder.uri.fsPath, command, { read });
      try {
        const match = matchFinding(finding, sources);
        if (match.location || match.matches.length > 0) return { match, sources };
      } catch (e) {
        refusal ??= e;
      }
    }
    if (refusal) throw refusal;
    return undefined;
  }

  /** Where a finding's diagnostic goes: on its fix's code, else on the line of its location, which must be inside the folder. */
  private shownAt({ match, sources }: Found): { file: string; range: vscode.Range } | undefined {
    const at = firstFix(match) ?? match.matches[0];
    if (at) return { file: at.file, range: this.rangeOf(sources.read(at.file), at.diagnostic.start, at.diagnostic.end) };
    if (!match.location) return undefined;
    const file = insideRoot(match.location.file, sources.root);
    return { file, range: this.lineRange(sources.read(file), match.location.line) };
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
