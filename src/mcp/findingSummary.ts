import { z } from 'zod/v4';
import type { Finding } from '../analysis/types';
import { FIX_IDS } from '../common/fixIds';
import { formatRetainerPath, printable } from '../render/format';

/** Strings from the target's heap are untrusted: they reach the agent visible, single-line and short. */
export const findingSummaryOutput = z.object({
  index: z.number().int().describe('Pass as `finding` to the holder path, samples and fix plan tools.'),
  kind: z.string(),
  title: z.string(),
  confidence: z.enum(['high', 'medium', 'low']),
  holder: z.string().describe('What holds the growing objects, as a retainer path from a GC root.'),
  bytesPerCycle: z.number(),
  objectsPerCycle: z.number(),
  source: z
    .object({
      file: z.string(),
      line: z.number(),
      column: z.number(),
      functionName: z.string().optional(),
      role: z.enum(['inserts', 'allocated', 'holder']),
    })
    .optional()
    .describe('allocated: the code that allocated the objects; holder: the function whose scope holds the collection.'),
  thread: z
    .object({ id: z.number().int(), title: z.string(), url: z.string().optional() })
    .optional()
    .describe('The worker thread whose heap holds the growth (its threadId, inspector title and script); absent for the main thread.'),
  fixId: z.enum(FIX_IDS),
  fixSummary: z.string(),
  explanation: z.string(),
});

export type FindingSummary = z.infer<typeof findingSummaryOutput>;

export function summarizeFinding(finding: Finding, index: number): FindingSummary {
  const source = finding.source;
  return {
    index,
    kind: finding.kind,
    title: printable(finding.title, 200),
    confidence: finding.confidence,
    holder: formatRetainerPath(finding.holderPath, { maxSteps: 8 }),
    bytesPerCycle: Math.round(finding.growth.bytesPerCycle),
    objectsPerCycle: Math.round(finding.growth.objectsPerCycle * 10) / 10,
    ...(source
      ? {
          source: {
            file: printable(source.file, 300),
            line: source.line,
            column: source.column,
            ...(source.functionName ? { functionName: printable(source.functionName, 80) } : {}),
            role: source.role,
          },
        }
      : {}),
    ...(finding.thread && Number.isSafeInteger(finding.thread.id)
      ? {
          thread: {
            id: finding.thread.id,
            title: printable(String(finding.thread.title), 100),
            ...(typeof finding.thread.url === 'string' ? { url: printable(finding.thread.url, 300) } : {}),
          },
        }
      : {}),
    fixId: finding.fix.id,
    fixSummary: finding.fix.summary,
    explanation: printable(finding.explanation, 600),
  };
}
