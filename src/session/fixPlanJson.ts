import { relative } from 'node:path';
import { applyEdits, unifiedDiff } from '../fixes';
import type { FixPlan } from './fixPlan';

/** The file as a diff names it: relative to the project root when it is inside. */
export function diffName(file: string, root: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Each finding's plan, with every fix's edits and diff: what `leakscope fix --json` prints and the MCP fix plan tool answers. */
export function fixPlanJson(plan: FixPlan, root: string, written: string[]) {
  return {
    findings: plan.findings.map((entry) => ({
      kind: entry.finding.kind,
      title: entry.finding.title,
      fixId: entry.finding.fix.id,
      location: entry.location,
      ...(entry.unfixed && entry.fixes.length === 0
        ? { unfixed: entry.unfixed, explanation: entry.finding.explanation, summary: entry.finding.fix.summary }
        : {}),
      fixes: entry.fixes.map((p) => {
        const before = plan.texts.get(p.file)!;
        return {
          file: p.file,
          ruleId: p.diagnostic.ruleId,
          message: p.diagnostic.message,
          line: p.diagnostic.line,
          column: p.diagnostic.column,
          match: p.reason,
          ...(p.sameAs !== undefined ? { sameAsFinding: p.sameAs } : {}),
          ...(p.conflict ? { conflict: true } : {}),
          ...(p.fix
            ? {
                title: p.fix.title,
                edits: p.fix.edits,
                dependencies: p.fix.dependencies,
                diff: unifiedDiff(before, applyEdits(before, p.fix.edits), diffName(p.file, root)),
              }
            : {}),
        };
      }),
    })),
    written,
  };
}
