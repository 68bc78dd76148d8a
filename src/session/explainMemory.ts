import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { rssBreakdown } from '../memory/breakdown';
import { memoryVerdict } from '../memory/verdict';
import type { MemoryReport } from '../report/memoryText';

/** RSS before and after a forced GC, where it goes, and the verdict. */
export async function explainMemory(connection: InspectorConnection): Promise<MemoryReport> {
  const beforeGc = await sampleMemory(connection, 'before GC');
  await connection.collectGarbage();
  const afterGc = await sampleMemory(connection, 'after GC');
  // The live heap is what survives a GC; the peak is the highest either sample saw.
  const verdictSample = { ...afterGc, maxRss: Math.max(afterGc.maxRss, beforeGc.maxRss) };
  return { schemaVersion: 1, beforeGc, afterGc, breakdown: rssBreakdown(afterGc), verdict: memoryVerdict([verdictSample]) };
}
