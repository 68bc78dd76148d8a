import { waitUntilReady } from '../session/workload';
import { connectTarget, measuredPid, targetFrom } from './connectTarget';
import { parseCommandArgs, type CommandContext } from './args';
import { RUN_OPTIONS, checkAndReport, leakCheckOptions } from './runCommand';

/** `leakscope attach <host:port|ws-url|--pid N> [options]`: the leak check on a process that is already running; it is left running. */
export async function runAttach(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...RUN_OPTIONS, pid: { type: 'string' } });
  const options = leakCheckOptions(values, 'attach');
  const spec = targetFrom(positionals, values.pid, 'attach');
  const connection = await connectTarget(spec, context);
  try {
    if (values['ready-url']) await waitUntilReady(values['ready-url'], 30_000, context.token);
    return await checkAndReport(connection, options, values, context, measuredPid(spec));
  } finally {
    await connection.close();
  }
}
