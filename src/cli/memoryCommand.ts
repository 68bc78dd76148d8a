import { CancelledError } from '../common/errors';
import type { CancellationToken } from '../common/cancellation';
import type { InspectorConnection } from '../inspector/connection';
import { sampleMemory } from '../inspector/memorySampler';
import { rssBreakdown } from '../memory/breakdown';
import type { MemorySample } from '../memory/types';
import { memoryVerdict } from '../memory/verdict';
import { renderMemoryText, type MemoryReport } from '../report/memoryText';
import { parseCommandArgs, positiveInteger, type CommandContext } from './args';
import { connectTarget, targetFrom } from './connectTarget';
import { usageError } from './help';

/**
 * `leakscope memory <target> [--samples N --interval S]`: where the RSS went, before and after a
 * forced GC, and the verdict. One reading cannot tell growth, so it says so; with --samples it
 * reads again after a GC every interval and judges the series.
 */
export async function runMemory(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { pid: { type: 'string' }, json: { type: 'boolean' }, samples: { type: 'string' }, interval: { type: 'string' } });
  const count = positiveInteger(values.samples as string | undefined, '--samples', 1);
  const intervalS = Number(values.interval ?? 10);
  if (!(intervalS > 0)) throw usageError(`--interval needs a number of seconds above 0, not "${values.interval}".`);
  if (values.interval !== undefined && count < 2) throw usageError('--interval needs --samples 2 or more.');
  const connection = await connectTarget(targetFrom(positionals, values.pid as string | undefined, 'memory'), context);
  try {
    const beforeGc = await sampleMemory(connection, 'before GC');
    const afterGc: MemorySample[] = [await collectAndSample(connection, count > 1 ? 'reading 1' : 'after GC')];
    for (let i = 2; i <= count; i++) {
      context.progress.phase(`Reading ${i}/${count} in ${intervalS} s`, false);
      await sleep(intervalS * 1000, context.token);
      afterGc.push(await collectAndSample(connection, `reading ${i}`));
    }
    context.progress.done();
    const last = afterGc[afterGc.length - 1];
    // The live heap is what survives a GC; the peak is the highest any sample saw.
    const maxRss = Math.max(beforeGc.maxRss, ...afterGc.map((s) => s.maxRss));
    const series = afterGc.map((s, i) => (i === afterGc.length - 1 ? { ...s, maxRss } : s));
    const report: MemoryReport = {
      schemaVersion: 1,
      beforeGc,
      afterGc: afterGc[0],
      ...(count > 1 ? { samples: afterGc } : {}),
      breakdown: rssBreakdown(last),
      verdict: memoryVerdict(series),
    };
    context.io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderMemoryText(report));
    return 0;
  } finally {
    await connection.close();
  }
}

async function collectAndSample(connection: InspectorConnection, label: string): Promise<MemorySample> {
  await connection.collectGarbage();
  return sampleMemory(connection, label);
}

function sleep(ms: number, token: CancellationToken): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      reject(new CancelledError());
    });
  });
}
