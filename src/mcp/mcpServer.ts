import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { CancellationTokenSource, NeverCancelled, type CancellationToken } from '../common/cancellation';
import { leakscopeVersion } from '../session/packageVersion';
import { errorText, parseInput, type LeakscopeTool, type ZodShape } from './toolDefinition';
import { LEAKSCOPE_TOOLS } from './tools';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The Leakscope tools for coding agents, as a Model Context Protocol server on stdin/stdout, until
 * the client goes away or `token` is cancelled. `leakscope mcp` (cli/mcpCommand.ts) starts it; the
 * arguments are the CLI's to check, so this layer does not import the CLI.
 */
export async function serveMcp(cwd: string, token: CancellationToken): Promise<void> {
  // Cancelled when the client goes away (or on SIGINT/SIGTERM): runs in flight stop their targets.
  const shutdown = new CancellationTokenSource(token);
  const server = createMcpServer(cwd, shutdown.token);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.once('end', resolve);
    shutdown.token.onCancellationRequested(resolve);
  });
  await server.connect(transport);
  await closed;
  shutdown.cancel();
  await server.close();
  shutdown.dispose();
}

export function createMcpServer(cwd: string, shutdown: CancellationToken = NeverCancelled): McpServer {
  const server = new McpServer({ name: 'leakscope', version: leakscopeVersion() }, { capabilities: { tools: {} } });
  // Each as any tool: from the list's union of tool types, TypeScript would infer no one I and O.
  const tools: readonly LeakscopeTool[] = LEAKSCOPE_TOOLS;
  for (const tool of tools) registerLeakscopeTool(server, tool, cwd, shutdown);
  return server;
}

function registerLeakscopeTool<I extends ZodShape, O extends ZodShape>(
  server: McpServer,
  tool: LeakscopeTool<I, O>,
  cwd: string,
  shutdown: CancellationToken,
): void {
  // The SDK types the callback's arguments by a conditional type over the input schema, which
  // TypeScript cannot resolve while the schema is a type parameter. Registered as any tool's shape,
  // the arguments arrive as a record, and callTool parses them with this tool's schema (the SDK
  // parsed them too), so the tool's input type comes from a check, not a cast.
  server.registerTool<ZodShape, ZodShape>(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { title: tool.title, readOnlyHint: tool.readOnly, destructiveHint: false, openWorldHint: !tool.readOnly },
    },
    (args, extra) => callTool(tool, args, extra, cwd, shutdown),
  );
}

async function callTool<I extends ZodShape, O extends ZodShape>(
  tool: LeakscopeTool<I, O>,
  args: Record<string, unknown>,
  extra: Extra,
  cwd: string,
  shutdown: CancellationToken,
): Promise<CallToolResult> {
  const cancel = new CancellationTokenSource(shutdown);
  const onAbort = () => cancel.cancel();
  extra.signal.addEventListener('abort', onAbort);
  if (extra.signal.aborted) cancel.cancel();
  const progressToken = extra._meta?.progressToken;
  let step = 0;
  const progress = (message: string) => {
    if (progressToken === undefined) return;
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++step, message } }).catch(() => {});
  };
  try {
    // stdout is the protocol; what the target prints goes to stderr, which clients keep as the server's log.
    const targetOutput = (line: string) => void process.stderr.write(`[target] ${line}\n`);
    const { structured, summary } = await tool.run(parseInput(tool, args), { token: cancel.token, progress, cwd, targetOutput });
    return {
      structuredContent: structured,
      content: [{ type: 'text', text: `${summary}\n${JSON.stringify(structured)}` }],
    };
  } catch (e) {
    return { isError: true, content: [{ type: 'text', text: errorText(e) }] };
  } finally {
    extra.signal.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
}
