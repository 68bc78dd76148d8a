import { z } from 'zod/v4';
import { fixPlanJson } from '../session/fixPlanJson';
import { planFixes } from '../session/fixPlan';
import { FIX_IDS } from '../common/fixIds';
import { printable } from '../render/format';
import { findingInput, findingOf, readReportFor, reportInput } from './reportTools';
import { defineTool, resolvePath } from './toolDefinition';

export const fixPlanTool = defineTool({
  name: 'leakscope_fix_plan',
  title: 'The fix for a finding',
  description:
    "The quick-fix for one finding of a report: the rule that recognises the code at the finding's source line and its edit as a unified diff. Nothing is written: apply the diff as your own edit. Findings no rule answers get their location and what to do.",
  readOnly: true,
  input: {
    ...reportInput,
    ...findingInput,
    root: z
      .string()
      .optional()
      .describe(
        "Where the sources are, when the report's paths are from another machine or a container (default: the workspace / server folder).",
      ),
  },
  output: {
    title: z.string(),
    fixId: z.enum(FIX_IDS),
    location: z.object({ file: z.string(), line: z.number(), column: z.number() }).optional(),
    unfixed: z.string().optional().describe('Why there is no automatic fix.'),
    whatToDo: z.string(),
    fixes: z.array(
      z.object({
        file: z.string(),
        line: z.number(),
        column: z.number(),
        ruleId: z.string(),
        message: z.string(),
        title: z.string().optional(),
        diff: z.string().optional().describe('The edit as a unified diff against the file as it is now.'),
        dependencies: z.record(z.string(), z.string()).optional().describe('Packages the fix imports, to add to package.json.'),
        sameAsFinding: z.number().optional(),
        conflict: z.boolean().optional(),
      }),
    ),
  },
  async run(i, context) {
    const report = await readReportFor(i, context);
    const finding = findingOf(report, i.finding);
    const root = resolvePath(i.root ?? '.', context);
    // The plan is made for the whole report, so a fix another finding shares is told apart from this one's.
    const entry = fixPlanJson(planFixes(report, root), root, []).findings[i.finding];
    const fixes = entry.fixes.map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      ruleId: f.ruleId,
      message: f.message,
      ...(f.title !== undefined ? { title: f.title } : {}),
      ...(f.diff !== undefined ? { diff: f.diff } : {}),
      ...(f.dependencies ? { dependencies: f.dependencies } : {}),
      ...(f.sameAsFinding !== undefined ? { sameAsFinding: f.sameAsFinding } : {}),
      ...(f.conflict ? { conflict: true } : {}),
    }));
    const unfixed = fixes.length === 0 ? (entry.unfixed ?? 'No quick-fix.') : undefined;
    return {
      structured: {
        title: printable(finding.title, 200),
        fixId: finding.fix.id,
        ...(entry.location ? { location: entry.location } : {}),
        ...(unfixed ? { unfixed } : {}),
        whatToDo: finding.fix.summary,
        fixes,
      },
      summary: fixes.some((f) => f.diff)
        ? `${fixes.length} fix(es); apply the diff to ${fixes[0].file}.`
        : `No automatic fix: ${unfixed ?? 'see the fixes listed'}`,
    };
  },
});
