import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { isLibraryFile } from '../analysis/findings';
import type { Finding, LocationMapper } from '../analysis/types';
import {
  fixesForFinding,
  insideRoot,
  isFile,
  locateSource,
  resolveUnder,
  rulesForFinding,
  SOURCE_EXTENSIONS,
  type CodeFix,
  type FixDiagnostic,
  type MatchReason,
  type SourceLocation,
} from '../fixes';
import { SourceMaps } from './sourceMaps';

/**
 * Where a finding's code is looked for: one project folder, the scripts the leak check launched,
 * and how a file's text is read (the CLI from disk, the editor from an open document first).
 */
export interface CodeSources {
  /** Every file read, and every package.json a fix adds to, is inside it by real path. */
  readonly root: string;
  /** A file's text, by real path. */
  read(file: string): string;
  /** The scripts on the leak check's command line and the local modules they import (`launchedFiles`), found once. */
  launched(): string[];
  /** Moves a location in a compiled script to the code the user wrote. */
  readonly mapLocation: LocationMapper;
}

/**
 * `CodeSources` for one root and the report's `target.command`. `texts` keeps what was read, by
 * real path (the CLI diffs and writes against it); `read` is asked first when given.
 */
export function codeSources(
  root: string,
  command: readonly string[] | undefined,
  options: { texts?: Map<string, string>; read?: (file: string) => string | undefined } = {},
): CodeSources {
  const texts = options.texts ?? new Map<string, string>();
  let launched: string[] | undefined;
  // Maps are read afresh for each set of sources: the editor lives on while the user rebuilds.
  const { mapLocation } = new SourceMaps();
  return {
    root,
    mapLocation,
    read(file) {
      if (!texts.has(file)) texts.set(file, options.read?.(file) ?? readFileSync(file, 'utf8'));
      return texts.get(file)!;
    },
    launched: () => (launched ??= launchedFiles(command ?? [], root)),
  };
}

/** One diagnostic of a matching rule in the user's code, with the fix applied for it. */
export interface MatchedFix {
  /** By real path, inside the root. */
  file: string;
  diagnostic: FixDiagnostic;
  /** The diagnostic's first fix; none when no automatic edit is safe there. */
  fix?: CodeFix;
  reason: MatchReason;
}

export interface FindingMatch {
  /** Where the finding's source location points, as a local file (moved through its source map), when it does. */
  location?: SourceLocation;
  /** The diagnostics that explain the finding, in the order their fixes are applied. */
  matches: MatchedFix[];
  /** Why no diagnostic: no rule for this kind of finding, the file is missing, or no rule matched in it. */
  unfixed?: string;
}

/**
 * Matches a finding to the user's code: the file its source location names (resolved under the
 * root when the report came from another machine or a container, and moved through the script's
 * source map to the code the user wrote), or, for a finding without a location or with one in an
 * installed package, the scripts the leak check launched and the local modules they require. A
 * file outside the root (a report may come from a pull request) is refused with a LeakscopeError.
 * `leakscope fix`, the MCP fix plan tool and the editor's diagnostics and Apply fix all match here,
 * so that they pick the same file and the same fix for a finding.
 */
export function matchFinding(finding: Finding, sources: CodeSources): FindingMatch {
  const { root } = sources;
  const location = locate(finding, sources);
  if (rulesForFinding(finding).length === 0) return { location, matches: [], unfixed: `No quick-fix rule answers "${finding.fix.id}".` };
  let candidates: Array<{ file: string; atSource: boolean }>;
  // In an installed package the location says where the library holds the objects; the code to
  // change is the program's, so it is looked for in the launched scripts instead.
  const inLibrary = location !== undefined && isLibraryFile(location.file);
  if (inLibrary) candidates = sources.launched().map((file) => ({ file, atSource: false }));
  else if (location) candidates = [{ file: insideRoot(location.file, root), atSource: true }];
  else if (finding.source && !finding.source.file.startsWith('node:'))
    return {
      location,
      matches: [],
      unfixed: `The source file ${finding.source.file} is not here${root === process.cwd() ? '; pass --root with the project folder' : ` (looked under ${root})`}.`,
    };
  else candidates = sources.launched().map((file) => ({ file, atSource: false }));
  const found: Array<{ file: string; diagnostics: FixDiagnostic[]; reason: MatchReason }> = [];
  // The rules look for the function at the location as resolved here (a source map may have moved it).
  const located: Finding = location && finding.source ? { ...finding, source: { ...finding.source, ...location } } : finding;
  for (const { file, atSource } of candidates) {
    const result = fixesForFinding(located, file, sources.read(file), atSource);
    if (result.diagnostics.length > 0) found.push({ file, diagnostics: result.diagnostics, reason: result.reason! });
  }
  // Without a location, a single match across the launched files is as good as it gets; several are a guess.
  const usable =
    location && !inLibrary
      ? found
      : found.filter((f) => f.reason === 'holder').concat(found.length === 1 && found[0].reason !== 'holder' ? found : []);
  const matches: MatchedFix[] = [];
  for (const { file, diagnostics, reason } of usable) {
    for (const diagnostic of diagnostics) {
      matches.push({ file, diagnostic, fix: diagnostic.fixes[0], reason });
    }
  }
  if (matches.length > 0) return { location, matches };
  return {
    location,
    matches,
    unfixed:
      location && !inLibrary
        ? `No quick-fix rule for "${finding.fix.id}" recognises the code there (it may be fixed already).`
        : candidates.length === 0
          ? 'The finding has no source location and the report names no script to look in.'
          : `${inLibrary ? 'The finding points inside an installed package' : 'The finding has no source location'}, and the launched scripts (${candidates.map((c) => c.file).join(', ')}) have no code a rule for "${finding.fix.id}" recognises.`,
  };
}

/** The fix applied first for a finding: the editor's quick-fix, and the first edit `leakscope fix` plans for it. */
export function firstFix(match: FindingMatch): (MatchedFix & { fix: CodeFix }) | undefined {
  return match.matches.find((m): m is MatchedFix & { fix: CodeFix } => m.fix !== undefined);
}

/** The finding's source as a local file, moved through the script's source map: the fix edits the code the user wrote. */
function locate(finding: Finding, { root, mapLocation }: CodeSources): SourceLocation | undefined {
  const local = locateSource(finding, root);
  const source = finding.source;
  if (!local || !source) return local;
  // `inserts` and mapped locations are already in the user's code.
  const mapped = source.role === 'inserts' || source.generated ? undefined : mapLocation(local);
  return mapped && isFile(mapped.file) ? { file: mapped.file, line: mapped.line, column: mapped.column } : local;
}

const MAX_LAUNCHED_FILES = 200;

/**
 * The scripts on the leak check's command line, and the local modules they require or import,
 * transitively, by real path. A script named outside `root` is refused; a module outside it that
 * a script imports is left out (the report did not name it, the code did).
 */
export function launchedFiles(command: readonly string[], root: string): string[] {
  const start = command
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
