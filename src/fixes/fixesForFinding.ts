import ts from 'typescript';
import { analyzeSource } from './analyzeSource';
import { RULES } from './rules/index';
import { functionAtPosition } from './syntax';
import type { FindingLocator, FixDiagnostic, FixRule } from './types';

/**
 * The rules that answer a finding, by the fix id its detector chose. Not by kind alone: an
 * ioredis offline queue is an `unbounded-collection` too, and bounding a Map is not its fix.
 */
export function rulesForFinding(finding: FindingLocator): FixRule[] {
  return RULES.filter((r) => r.fixIds.includes(finding.fix.id));
}

export type MatchReason = 'holder' | 'function' | 'only';

/**
 * The diagnostics in one file that explain a finding, best evidence first:
 * - `holder`: the variable the diagnostic is about is named on the finding's retainer path
 *   (`summaryCache (Map)`), wherever in the file it is used;
 * - `function`: the diagnostic is inside the function at the finding's source location, which
 *   is the function that allocated the objects or whose scope holds them, not a statement;
 * - `only`: the file has exactly one diagnostic of a matching rule.
 * `source` is honoured only when the finding's location is in this file (`atSource`).
 */
export function fixesForFinding(
  finding: FindingLocator,
  fileName: string,
  text: string,
  atSource = true,
): { diagnostics: FixDiagnostic[]; reason?: MatchReason } {
  const rules = rulesForFinding(finding);
  if (rules.length === 0) return { diagnostics: [] };
  // What the finding's path names grew in the heap, whatever the code does to bound it.
  const names = holderNames(finding.path ?? []);
  const all = analyzeSource(fileName, text, rules, names);
  if (all.length === 0) return { diagnostics: [] };
  const byHolder = all.filter((d) => d.subject !== undefined && names.has(d.subject));
  if (byHolder.length > 0) return { diagnostics: byHolder, reason: 'holder' };
  if (atSource && finding.source) {
    const range = functionAt(fileName, text, finding.source.line, finding.source.column);
    if (range) {
      const inside = all.filter((d) => d.start >= range.start && d.end <= range.end);
      if (inside.length > 0) return { diagnostics: inside, reason: 'function' };
    }
  }
  return all.length === 1 ? { diagnostics: all, reason: 'only' } : { diagnostics: [] };
}

/** `summaryCache (Map)` ↦ `summaryCache`; `(internal) context (system / Context)` ↦ nothing useful, and harmless. */
export function holderNames(path: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const step of path) {
    const m = step.match(/^(.*?) \([^()]*\)$/);
    const name = (m ? m[1] : step).trim();
    if (name) names.add(name);
  }
  return names;
}

/** The innermost function containing a one-based position, as offsets. */
function functionAt(fileName: string, text: string, line: number, column: number): { start: number; end: number } | undefined {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found = functionAtPosition(sf, line, column);
  return found ? { start: found.getStart(sf), end: found.end } : undefined;
}
