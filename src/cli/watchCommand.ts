import { formatBytes, requiredByteSize } from '../common/bytes';
import { parseDuration } from '../memory/memoryTrend';
import { renderFindingsText } from '../render/findingsText';
import { watchProcess } from '../session/watch';
import { connectTarget, targetFrom } from './connectTarget';
import { usageError } from './help';
import { memoryLimitOption, parseCommandArgs, type CommandContext } from './args';

/** `leakscope watch TARGET [--for DURATION] [--rss-limit SIZE]`: memory trend and growing allocation sites under real traffic. */
export async function runWatch(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    pid: { type: 'string' },
    for: { type: 'string' },
    interval: { type: 'string' },
    'rss-limit': { type: 'string' },
    'memory-limit': { type: 'string' },
    'sampling-interval': { type: 'string' },
    gc: { type: 'boolean' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const duration = (flag: 'for' | 'interval', fallback: number) => {
    const text = values[flag];
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    if (ms === undefined) throw usageError(`--${flag} needs a duration such as 30s, 10m or 2h, not "${text}".`);
    return ms;
  };
  const rssText = values['rss-limit'];
  const rssLimit = rssText === undefined ? undefined : requiredByteSize('--rss-limit', rssText);
  const samplingText = values['sampling-interval'];
  const samplingInterval = samplingText === undefined ? undefined : Number(samplingText);
  if (samplingInterval !== undefined && !(Number.isInteger(samplingInterval) && samplingInterval > 0))
    throw usageError(`--sampling-interval needs a whole number of bytes, not "${samplingText}".`);
  const memoryLimit = memoryLimitOption(values['memory-limit']);
  const connection = await connectTarget(targetFrom(positionals, values.pid, 'watch'), context);
  try {
    const result = await watchProcess(
      connection,
      {
        durationMs: duration('for', 600_000),
        intervalMs: duration('interval', 10_000),
        ...(rssLimit !== undefined ? { rssLimit } : {}),
        ...(memoryLimit !== undefined ? { memoryLimit } : {}),
        ...(samplingInterval !== undefined ? { samplingInterval } : {}),
        gc: Boolean(values.gc),
        outDir: values.out ?? 'leakscope-out',
      },
      { report: (s) => s.message && context.progress.phase(s.message) },
      context.token,
    );
    context.progress.done();
    if (values.json) {
      context.io.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return 0;
    }
    const out = context.io.stdout;
    const h = result.heapTrend;
    const last = result.samples[result.samples.length - 1];
    out.write(`Watched ${result.samples.length} readings. RSS ${formatBytes(last.rss)}, heap ${formatBytes(last.heapUsed)}.\n`);
    out.write(
      Number.isFinite(h.slopeError)
        ? `Heap trend: ${formatBytes(h.slopePerHour)} per hour (± ${formatBytes(h.slopeError)}): ${h.sustained ? 'steady growth' : 'no growth that stands out from the noise'}.\n`
        : 'Heap trend: too few readings for a trend.\n',
    );
    if (result.trigger) out.write(`Stopped early: ${result.trigger}\n`);
    if (result.snapshot)
      out.write(result.snapshot.file ? `Snapshot: ${result.snapshot.file}\n` : `No snapshot: ${result.snapshot.headroom.reason}\n`);
    out.write(
      `\nAllocation sites whose surviving memory keeps growing\n${result.findings.length > 0 ? renderFindingsText(result.findings) : 'None.\n'}`,
    );
    return 0;
  } finally {
    await connection.close();
  }
}
