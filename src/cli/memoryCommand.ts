import { renderMemoryText } from '../report/memoryText';
import { explainMemory } from '../session/explainMemory';
import { connectTarget, targetFrom } from './connectTarget';
import { parseCommandArgs, type CommandContext } from './main';

/** `leakscope memory <target>`: where the RSS went, before and after a forced GC, and the verdict. */
export async function runMemory(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { pid: { type: 'string' }, json: { type: 'boolean' } });
  const connection = await connectTarget(targetFrom(positionals, values.pid as string | undefined, 'memory'), context);
  try {
    const report = await explainMemory(connection);
    context.io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderMemoryText(report));
    return 0;
  } finally {
    await connection.close();
  }
}
