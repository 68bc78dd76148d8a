import { sampleMemory } from '../inspector/memorySampler';
import { rssBreakdown } from '../memory/breakdown';
import { memoryVerdict } from '../memory/verdict';
import { renderMemoryText, type MemoryReport } from '../report/memoryText';
import { connectTarget, targetFrom } from './connectTarget';
import { parseCommandArgs, type CommandContext } from './args';

/** `leakscope memory <target>`: where the RSS went, before and after a forced GC, and the verdict. */
export async function runMemory(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { pid: { type: 'string' }, json: { type: 'boolean' } });
  const connection = await connectTarget(targetFrom(positionals, values.pid as string | undefined, 'memory'), context);
  try {
    const beforeGc = await sampleMemory(connection, 'before GC');
    await connection.collectGarbage();
    const afterGc = await sampleMemory(connection, 'after GC');
    // The live heap is what survives a GC; the peak is the highest either sample saw.
    const verdictSample = { ...afterGc, maxRss: Math.max(afterGc.maxRss, beforeGc.maxRss) };
    const report: MemoryReport = { schemaVersion: 1, beforeGc, afterGc, breakdown: rssBreakdown(afterGc), verdict: memoryVerdict([verdictSample]) };
    context.io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderMemoryText(report));
    return 0;
  } finally {
    await connection.close();
  }
}
