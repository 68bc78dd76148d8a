import { serveMcp } from '../mcp/mcpServer';
import type { CommandContext } from './args';
import { usageError } from './help';

/** `leakscope mcp`: the Leakscope tools for coding agents, as a Model Context Protocol server on stdin/stdout. */
export async function runMcp(args: string[], context: CommandContext): Promise<number> {
  if (args.some((a) => a !== '--quiet' && a !== '-q'))
    throw usageError('mcp takes no arguments: leakscope mcp (a client starts it and talks to it over stdin/stdout).');
  await serveMcp(process.cwd(), context.token);
  return 0;
}
