import { statSync } from 'node:fs';
import { z } from 'zod/v4';
import { MEMORY_VERDICT_KINDS } from '../report/verdicts';
import { explainMemory } from '../session/explainMemory';
import { formatBytes } from '../common/bytes';
import { describeProcess, processInput, withProcess } from './processTarget';
import { defineTool, resolvePath } from './toolDefinition';

const bytes = z.number().describe('Bytes.');

export const explainMemoryTool = defineTool({
  name: 'leakscope_explain_memory',
  title: 'Explain memory now',
  description:
    "Where a running Node.js process's RSS goes (live V8 heap, free heap pages, Buffers, code and files, native allocations), before and after a forced GC, with a verdict in words: a leak, allocator retention, V8 heap headroom, or a high-water mark.",
  readOnly: false,
  input: processInput,
  output: {
    beforeGc: z.object({ rss: bytes, heapUsed: bytes, heapTotal: bytes, external: bytes, maxRss: bytes }),
    afterGc: z.object({ rss: bytes, heapUsed: bytes, heapTotal: bytes, external: bytes, maxRss: bytes }),
    breakdown: z
      .object({ rss: bytes, heapUsed: bytes, heapFree: bytes, external: bytes, fileBacked: bytes, native: bytes })
      .describe('Where the RSS after GC went; the parts add up to rss.'),
    verdict: z.object({ kind: z.enum(MEMORY_VERDICT_KINDS), summary: z.string(), advice: z.string().optional() }),
  },
  confirmation: (i) => ({
    title: 'Attach to a process?',
    message: `Leakscope will connect to ${describeProcess(i)}, which lets it run code in that process, force a GC and read its memory.`,
  }),
  async run(i) {
    const report = await withProcess(i, explainMemory);
    const pick = ({ rss, heapUsed, heapTotal, external, maxRss }: typeof report.afterGc) => ({
      rss,
      heapUsed,
      heapTotal,
      external,
      maxRss,
    });
    return {
      structured: { beforeGc: pick(report.beforeGc), afterGc: pick(report.afterGc), breakdown: report.breakdown, verdict: report.verdict },
      summary: `RSS ${formatBytes(report.afterGc.rss)} after GC. ${report.verdict.summary}`,
    };
  },
});

export const takeSnapshotTool = defineTool({
  name: 'leakscope_take_snapshot',
  title: 'Take a heap snapshot',
  description:
    'Writes a heap snapshot of a running Node.js process to a file, after a forced GC (unless gc is false). Inspect it with leakscope_inspect_snapshot, or diff it with another.',
  readOnly: false,
  input: {
    ...processInput,
    file: z.string().describe('The .heapsnapshot file to write.'),
    gc: z.boolean().optional().describe('Force a GC first, so only live objects are in it (default true).'),
  },
  output: { file: z.string(), bytes },
  confirmation: (i) => ({
    title: 'Attach to a process?',
    message: `Leakscope will connect to ${describeProcess(i)}, which lets it run code in that process, and write a heap snapshot to ${i.file}.`,
  }),
  async run(i, context) {
    const file = resolvePath(i.file, context);
    await withProcess(i, async (connection) => {
      if (i.gc !== false) await connection.collectGarbage();
      context.progress(`Taking a heap snapshot into ${file}`);
      await connection.takeHeapSnapshot(file, { progress: { report: () => {} }, token: context.token });
    });
    const size = statSync(file).size;
    return { structured: { file, bytes: size }, summary: `Wrote ${file} (${formatBytes(size)}).` };
  },
});
