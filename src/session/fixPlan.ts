import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { isLibraryFile } from '../analysis/findings';
import type { Finding } from '../analysis/types';
import {
  editsConflict,
  fixesForFinding,
  insideRoot,
  isFile,
  locateSource,
  manifestFor,
  resolveUnder,
  rulesForFinding,
  SOURCE_EXTENSIONS,
  type CodeFix,
  type FixDiagnostic,
  type MatchReason,
  type TextEdit,
} from '../fixes';
import type { LeakReport } from '../report/leakReport';
import { SourceMaps } from './sourceMaps';

/** One diagnostic chosen for a finding, with the fix that `--write` applies. */
export interface PlannedFix {
  file: string;
  diagnostic: FixDiagnostic;
  fix?: CodeFix;
  reason: MatchReason;
  /** Index (in `FixPlan.findings`) of an earlier finding that already applies this same fix. */
  sameAs?: number;
  /** Its edits overlap another fix's in the same file, so only the earlier one is applied. */
  conflict?: boolean;
}

export interface FindingPlan {
  finding: Finding;
  /** Where the finding's source location points, resolved to a local file, when it does. */
  location?: { file: string; line: number; column: number };
  /** Why no fix: no rule for this kind of finding, the file is missing, or no rule matched in it. */
  unfixed?: string;
  fixes: PlannedFix[];
}

export interface FixPlan {
  findings: FindingPlan[];
  /** The merged edits per file, against the file's current text. */
  edits: Map<string, TextEdit[]>;
  texts: Map<string, string>;
  /** Packages the fixes import, per file that imports them. */
  dependencies: Map<string, Record<string, string>>;
  /** The package.json (inside the root) that takes each file's dependencies, when there is one. */
  manifests: Map<string, string>;
}

/**
 * Matches each finding of a report to the code: the file its source location names (resolved
 * under `root` when the report came from another machine or a container), or for findings
 * without a location the scripts the leak check launched and the local modules they require.
 * Every file it reads, and every package.json a fix would add to, must be inside `root` by real
 * path (a report may come from a pull request); one outside is refused with a LeakscopeError.
 * Files are keyed by real path, so a symlink's target is what gets edited.
 */
export function planFixes(report: LeakReport, root: string): FixPlan {
  const texts = new Map<string, string>();
  const read = (file: string) => {
    if (!texts.has(file)) texts.set(file, readFileSync(file, 'utf8'));
    return texts.get(file)!;
  };
  let launched: string[] | undefined;
  const plan: FixPlan = { findings: [], edits: new Map(), texts, dependencies: new Map(), manifests: new Map() };
  const taken = new Map<string, number>();
  report.findings.forEach((finding, index) => {
    const entry: FindingPlan = { finding, fixes: [] };
    plan.findings.push(entry);
    if (rulesForFinding(finding).length === 0) {
      entry.unfixed = `No quick-fix rule answers "${finding.fix.id}".`;
      entry.location = locate(finding, root);
      return;
    }
    const location = locate(finding, root);
    entry.location = location;
    let candidates: Array<{ file: string; atSource: boolean }>;
    // In an installed package the location says where the library holds the objects; the code to
    // change is the program's, so it is looked for in the launched scripts instead.
    const inLibrary = location !== undefined && isLibraryFile(location.file);
    if (inLibrary) {
      launched ??= launchedFiles(report, root);
      candidates = launched.map((file) => ({ file, atSource: false }));
    } else if (location) candidates = [{ file: insideRoot(location.file, root), atSource: true }];
    else if (finding.source && !finding.source.file.startsWith('node:')) {
      entry.unfixed = `The source file ${finding.source.file} is not here${root === process.cwd() ? '; pass --root with the project folder' : ` (looked under ${root})`}.`;
      return;
    } else {
      launched ??= launchedFiles(report, root);
      candidates = launched.map((file) => ({ file, atSource: false }));
    }
    const found: Array<{ file: string; diagnostics: FixDiagnostic[]; reason: MatchReason }> = [];
    // The rules look for the function at the location as resolved here (a source map may have moved it).
    const located: Finding = location && finding.source ? { ...finding, source: { ...finding.source, ...location } } : finding;
    for (const { file, atSource } of candidates) {
      const result = fixesForFinding(located, file, read(file), atSource);
      if (result.diagnostics.length > 0) found.push({ file, diagnostics: result.diagnostics, reason: result.reason! });
    }
    // Without a location, a single match across the launched files is as good as it gets; several are a guess.
    const usable =
      location && !inLibrary
        ? found
        : found.filter((f) => f.reason === 'holder').concat(found.length === 1 && found[0].reason !== 'holder' ? found : []);
    for (const { file, diagnostics, reason } of usable) {
      for (const diagnostic of diagnostics) {
        const key = `${file}\0${diagnostic.ruleId}\0${diagnostic.start}`;
        const fix = diagnostic.fixes[0];
        const planned: PlannedFix = { file, diagnostic, fix, reason };
        if (fix?.dependencies && Object.keys(fix.dependencies).length > 0 && !plan.manifests.has(file)) {
          const manifest = manifestFor(file, root);
          if (manifest) plan.manifests.set(file, manifest);
        }
        if (taken.has(key)) planned.sameAs = taken.get(key);
        else if (fix) {
          taken.set(key, index);
          const edits = plan.edits.get(file) ?? [];
          if (editsConflict([...edits, ...fix.edits])) planned.conflict = true;
          else {
            plan.edits.set(file, [...edits, ...fix.edits]);
            if (fix.dependencies) plan.dependencies.set(file, { ...plan.dependencies.get(file), ...fix.dependencies });
          }
        }
        entry.fixes.push(planned);
      }
    }
    if (entry.fixes.length === 0) {
      entry.unfixed =
        location && !inLibrary
          ? `No quick-fix rule for "${finding.fix.id}" recognises the code there (it may be fixed already).`
          : candidates.length === 0
            ? 'The finding has no source location and the report names no script to look in.'
            : `${inLibrary ? 'The finding points inside an installed package' : 'The finding has no source location'}, and the launched scripts (${candidates.map((c) => c.file).join(', ')}) have no code a rule for "${finding.fix.id}" recognises.`;
    }
  });
  return plan;
}

const sourceMaps = new SourceMaps();

/** The finding's source as a local file, moved through the script's source map: the fix edits the code the user wrote. */
function locate(finding: Finding, root: string): FindingPlan['location'] {
  const local = locateSource(finding, root);
  const source = finding.source;
  if (!local || !source) return local;
  // `inserts` and mapped locations are already in the user's code.
  const mapped = source.role === 'inserts' || source.generated ? undefined : sourceMaps.mapLocation(local);
  return mapped && isFile(mapped.file) ? { file: mapped.file, line: mapped.line, column: mapped.column } : local;
}

const MAX_LAUNCHED_FILES = 200;

/**
 * The scripts on the leak check's command line, and the local modules they require or import,
 * transitively, by real path. A script named outside `root` is refused; a module outside it that
 * a script imports is left out (the report did not name it, the code did).
 */
export function launchedFiles(report: LeakReport, root: string): string[] {
  const start = (report.target.command ?? [])
    .filter((arg) => SOURCE_EXTENSIONS.test(arg))
    .map((arg) => resolveUnder(arg, root))
    .filter((f): f is string => f !== undefined)
    .map((f) => insideRoot(f, root));
  const files: string[] = [];
  const queue = [...start];
  while (queue.length > 0 && files.length < MAX_LAUNCHED_FILES) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const [, spec] of text.matchAll(/(?:require\(\s*|from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const resolved = resolveModule(resolve(dirname(file), spec));
      if (!resolved || resolved.split(sep).includes('node_modules')) continue;
      try {
        queue.push(insideRoot(resolved, root));
      } catch {
        // outside the root: not ours to read
      }
    }
  }
  return files;
}

function resolveModule(path: string): string | undefined {
  if (SOURCE_EXTENSIONS.test(path) && isFile(path)) return path;
  // TypeScript sources import `./x.js` for `./x.ts`.
  const stem = path.replace(/\.(c|m)?js$/, '');
  for (const ext of ['.js', '.ts', '.cjs', '.mjs', '.cts', '.mts', '.tsx', '.jsx', '/index.js', '/index.ts'])
    if (isFile(stem + ext)) return stem + ext;
  return existsSync(path) && isFile(path) ? path : undefined;
}
