import { fileURLToPath } from 'node:url';
import { isLibraryFile } from '../analysis/findings';
import type { Finding } from '../analysis/types';
import { findHolderCode, SOURCE_EXTENSIONS } from '../fixes';
import { readTextFile, type TextReader } from './sourceMaps';

/**
 * Points each finding at the code that does it: the statements that insert into the holder
 * (`quoteCache.set(key, fresh)`) in the function the heap named (the closure whose context holds
 * the collection, or the allocating function), else elsewhere in its file, and where the holder
 * is declared. The finding's source then names the first insertion. In place.
 */
export function attachHolderCode(findings: Finding[], readFile: TextReader = readTextFile): Finding[] {
  const texts = new Map<string, string | undefined>();
  for (const finding of findings) {
    const source = finding.source;
    if (!source || source.role === 'inserts' || isLibraryFile(source.file)) continue;
    const file = localPath(source.file);
    if (!file || !SOURCE_EXTENSIONS.test(file)) continue;
    if (!texts.has(file)) texts.set(file, readFile(file));
    const text = texts.get(file);
    if (text === undefined) continue;
    let code;
    try {
      code = findHolderCode(file, text, holderSideNames(finding), { line: source.line, column: source.column });
    } catch {
      continue; // The compiler API does not throw on bad code, but a file is the user's: never lose the finding over it.
    }
    if (!code || code.insertions.length === 0) continue;
    finding.insertions = code.insertions.map((site) => ({ file: source.file, ...site }));
    if (code.declaration) finding.holderDeclaration = { file: source.file, name: code.name, ...code.declaration };
    const first = code.insertions[0];
    finding.source = {
      file: source.file,
      line: first.line,
      column: first.column,
      ...(source.functionName ? { functionName: source.functionName } : {}),
      role: 'inserts',
    };
  }
  return findings;
}

/**
 * The names on the holder's side of its path, nearest the grown objects first: past the last
 * closure context (`request → context → summaryCache`), the steps name the holder and what it
 * hangs off; before it, they name whoever keeps the closure, which is not what grows.
 */
function holderSideNames(finding: Finding): string[] {
  const edges = finding.holderPath.map((s) => s.edge);
  const context = edges.lastIndexOf('(internal) context');
  return edges
    .slice(context + 1)
    .reverse()
    .filter((e) => /^[A-Za-z_$][\w$]*$/.test(e));
}

function localPath(file: string): string | undefined {
  if (!file.startsWith('file:')) return file.startsWith('node:') ? undefined : file;
  try {
    return fileURLToPath(file);
  } catch {
    return undefined;
  }
}
