import { renderMemoryText } from '../render/memoryText';
import { explainMemory } from '../session/explainMemory';
import { parseCommandArgs, positiveInteger, type CommandContext } from './args';
import { connectTarget, targetFrom } from './connectTarget';
import { usageError } from './help';

/**
 * `leakscope memory <target> [--samples N --interval S]`: where the RSS went, before and after a
 * forced GC, and the verdict. One reading cannot tell growth, so it says so; with --samples it
 * reads again after a GC every interval and judges the series.
 */
export async function runMemory(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    pid: { type: 'string' },
    json: { type: 'boolean' },
    samples: { type: 'string' },
    interval: { type: 'string' },
  });
  const count = positiveInteger(values.samples, '--samples', 1);
  const intervalS = Number(values.interval ?? 10);
  if (!(intervalS > 0)) throw usageError(`--interval needs a number of seconds above 0, not "${values.interval}".`);
  if (values.interval !== undefined && count < 2) throw usageError('--interval needs --samples 2 or more.');
  const connection = await connectTarget(targetFrom(positionals, values.pid, 'memory'), context);
  try {
    const report = await explainMemory(connection, {
      samples: count,
      intervalMs: intervalS * 1000,
      token: context.token,
      onWait: (i, of) => context.progress.phase(`Reading ${i}/${of} in ${intervalS} s`, false),
    });
    context.progress.done();
    context.io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderMemoryText(report));
    return 0;
  } finally {
    await connection.close();
  }
}
