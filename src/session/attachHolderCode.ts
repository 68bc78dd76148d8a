import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLibraryFile } from '../analysis/findings';
import type { Finding } from '../analysis/types';
import { findHolderCode, lengthBoundAt, SOURCE_EXTENSIONS, timerDropsFrom, type HolderCode } from '../fixes';
import { readTextFile, type TextReader } from './sourceMaps';

/**
 * Points each finding at the code that does it: the statements that insert into the holder
 * (`quoteCache.set(key, fresh)`) in the function the heap named (the closure whose context holds
 * the collection, or the allocating function), else elsewhere in its file, and where the holder
 * is declared. The finding's source then names the first insertion. In place.
 */
export function attachHolderCode(findings: Finding[], readFile: TextReader = readTextFile): Finding[] {
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string): string | undefined => {
    if (!texts.has(file)) texts.set(file, readFile(file));
    return texts.get(file);
  };
  for (const finding of findings) {
    const source = finding.source;
    if (!source || source.role === 'inserts' || isLibraryFile(source.file)) continue;
    const file = localPath(source.file);
    if (!file || !SOURCE_EXTENSIONS.test(file)) continue;
    const text = textOf(file);
    if (text === undefined) continue;
    let code;
    try {
      code = findHolderCode(file, text, holderSideNames(finding), { line: source.line, column: source.column });
    } catch {
      continue; // The compiler API does not throw on bad code, but a file is the user's: never lose the finding over it.
    }
    if (!code || code.insertions.length === 0) continue;
    markLengthBound(finding, file, text, source.file, code);
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
  for (const finding of findings) markTimerExpiry(finding, textOf);
  return findings;
}

/**
 * An array the code trims to a length right where it inserts (`if (recent.length > 20)
 * recent.shift()`) cannot outgrow it: growth seen in a short check is the window filling.
 */
function markLengthBound(finding: Finding, file: string, text: string, url: string, code: HolderCode): void {
  if (finding.kind !== 'unbounded-collection' || finding.holderPath.at(-1)?.node.className !== 'Array' || !finding.growth.steady) return;
  for (const site of code.insertions) {
    let bound;
    try {
      bound = lengthBoundAt(file, text, site.line, site.column, code.name);
    } catch {
      return;
    }
    if (!bound) continue;
    const { limit, ...at } = bound;
    boundedInCode(
      finding,
      `it is trimmed to ${limit !== undefined ? `${limit} entries` : 'a fixed length'} where it is added to (\`${at.text}\`, ${basename(file)}:${at.line}), so it is a window still filling; run more cycles to see it trim`,
      { file: url, ...at },
    );
    return;
  }
}

/**
 * A holder that pending one-shot timers reach (the heap's evidence, `growth.pendingTimers`) is
 * bounded by time when their callback's code takes entries out of it: each entry has its own
 * expiry, and the check was shorter than the delay. The finding's growth then says so and is no
 * longer steady; `setAsideBoundInCode` moves it out of the findings.
 */
function markTimerExpiry(finding: Finding, read: (file: string) => string | undefined): void {
  const pending = finding.growth.pendingTimers;
  if (!pending || !finding.growth.steady) return;
  for (const callback of pending.callbacks) {
    const file = callback.url && localPath(callback.url);
    if (!file || !SOURCE_EXTENSIONS.test(file) || isLibraryFile(file)) continue;
    const text = read(file);
    if (text === undefined) continue;
    let drops;
    try {
      // The timer list's own Timeouts are an expiry if their callback drops an entry of any collection.
      drops = timerDropsFrom(
        file,
        text,
        callback.line + 1,
        callback.column + 1,
        finding.kind === 'timer' ? undefined : holderSideNames(finding),
      );
    } catch {
      continue;
    }
    if (!drops) continue;
    const statement = `\`${drops.text}\`, ${basename(file)}:${drops.line}`;
    boundedInCode(
      finding,
      finding.kind === 'timer'
        ? `they are ${pending.count} one-shot timers set during the check, not fired yet, whose callback takes an entry out of a collection (${statement}): expiries, each gone when it fires; run the check for longer than their delay to see them go`
        : `it drops what it holds on timers: ${pending.count} one-shot timers set during the check reach it and have not fired yet, and their callback takes entries out (${statement}); run the check for longer than their delay to see them fire`,
      { file: callback.url!, ...drops },
    );
    return;
  }
}

/** The growth is bounded by the statement `at`, and `why` says how: inconclusive, not steady. */
function boundedInCode(finding: Finding, why: string, at: NonNullable<Finding['growth']['boundInCode']>): void {
  finding.growth = { ...finding.growth, steady: false, inconclusive: why, boundInCode: at };
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
