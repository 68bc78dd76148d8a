import { statSync } from 'node:fs';
import { formatBytes } from '../common/bytes';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { SnapshotGuard } from '../session/snapshotGuard';
import { connectTarget, targetFrom } from './connectTarget';
import { usageError } from './help';
import { memoryLimitOption, parseCommandArgs, type CommandContext } from './args';

/** `leakscope snapshot <target> -o FILE`: a heap snapshot of a running process, after a forced GC. */
export async function runSnapshot(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    pid: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'no-gc': { type: 'boolean' },
    force: { type: 'boolean' },
    'memory-limit': { type: 'string' },
  });
  const file = values.output;
  if (!file) throw usageError('snapshot needs the file to write: leakscope snapshot 127.0.0.1:9229 -o app.heapsnapshot');
  const memoryLimit = memoryLimitOption(values['memory-limit']);
  const connection = await connectTarget(targetFrom(positionals, values.pid, 'snapshot'), context);
  try {
    if (!values['no-gc']) await connection.collectGarbage();
    // V8 builds the whole graph in the target before writing: refuse what would not fit there.
    const headroom = await new SnapshotGuard(connection, { memoryLimit }).headroom();
    if (!headroom.fits && !values.force)
      throw new LeakscopeError(ErrorCode.NoHeadroom, `${headroom.reason} Pass --force to take it anyway.`);
    const progress = context.progress.phase(`Taking a heap snapshot into ${file}`);
    await connection.takeHeapSnapshot(file, { progress, token: context.token });
    context.progress.done();
    context.io.stderr.write(`Wrote ${file} (${formatBytes(statSync(file).size)})\n`);
    return 0;
  } finally {
    await connection.close();
  }
}
