import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { CancellationTokenSource, NeverCancelled, type CancellationToken } from '../common/cancellation';
import { errorText, type LeakscopeTool } from './toolDefinition';
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
  const server = new McpServer({ name: 'leakscope', version: require('../../../package.json').version }, { capabilities: { tools: {} } });
  for (const tool of LEAKSCOPE_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, readOnlyHint: tool.readOnly, destructiveHint: false, openWorldHint: !tool.readOnly },
      },
      (input: unknown, extra: Extra) => callTool(tool, input, extra, cwd, shutdown),
    );
  }
  return server;
}

async function callTool(
  tool: LeakscopeTool,
  input: unknown,
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
    const { structured, summary } = await tool.run(input as never, { token: cancel.token, progress, cwd, targetOutput });
    return {
      structuredContent: structured as Record<string, unknown>,
      content: [{ type: 'text', text: `${summary}\n${JSON.stringify(structured)}` }],
    };
  } catch (e) {
    return { isError: true, content: [{ type: 'text', text: errorText(e) }] };
  } finally {
    extra.signal.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
}
