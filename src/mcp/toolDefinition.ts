import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod/v4';
import type { CancellationToken } from '../common/cancellation';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';

/**
 * A Leakscope tool as coding agents see it, defined once for both hosts: the MCP server
 * (`leakscope mcp`) and VS Code's language model tools. Each `run` is a thin layer over the
 * functions the CLI commands call.
 */
export interface LeakscopeTool<I extends ZodShape = ZodShape, O extends ZodShape = ZodShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  /** Only reads files: hosts may run it without asking. */
  readOnly: boolean;
  /** For a tool that launches a command or attaches to a process (and so can run code in it): what to ask the user first. */
  confirmation?(input: z.infer<z.ZodObject<I>>, context: Pick<ToolContext, 'cwd'>): { title: string; message: string };
  run(input: z.infer<z.ZodObject<I>>, context: ToolContext): Promise<ToolAnswer<z.infer<z.ZodObject<O>>>>;
}

export type ZodShape = Record<string, z.ZodType>;

export interface ToolContext {
  token: CancellationToken;
  /** A step of a long run (a cycle, a snapshot), for the client's progress display. */
  progress(message: string): void;
  /** Relative paths in the input resolve against this folder: the server's working folder, or the workspace's. */
  cwd: string;
  /** The Node to run for a launched command that starts with `node` (VS Code's leakscope.launch.nodePath). */
  nodePath?: string;
  /** A line the launched target printed, for the host's log (never the answer: it is the target's text). */
  targetOutput?(line: string): void;
}

export interface ToolAnswer<O> {
  structured: O;
  /** One or two sentences for a reader; `structured` carries the data. */
  summary: string;
}

/** Keeps each tool's input and output types tied to its schemas. */
export function defineTool<I extends ZodShape, O extends ZodShape>(tool: LeakscopeTool<I, O>): LeakscopeTool<I, O> {
  return tool;
}

/** JSON Schema of a tool's input, as package.json declares it for VS Code (the contributions test compares them). */
export function inputJsonSchema(tool: LeakscopeTool): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(z.object(tool.input)) as Record<string, unknown>;
  return schema;
}

/** Parses input the way the MCP SDK does, for hosts (VS Code) that hand it over unchecked. */
export function parseInput<I extends ZodShape>(tool: LeakscopeTool<I>, input: unknown): z.infer<z.ZodObject<I>> {
  const parsed = z.object(tool.input).safeParse(input);
  if (!parsed.success)
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `Invalid input for ${tool.name}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
    );
  return parsed.data;
}

export function resolvePath(file: string, context: Pick<ToolContext, 'cwd'>): string {
  return isAbsolute(file) ? file : resolve(context.cwd, file);
}

/** Most items one page holds: an agent's context is small, so long lists are paged, never cut. */
export const MAX_PAGE = 50;

export const pagingInput = {
  cursor: z.string().optional().describe('Where to go on: the nextCursor of the previous page. Omit for the first page.'),
  limit: z.number().int().min(1).max(MAX_PAGE).optional().describe(`Items per page (default 10, at most ${MAX_PAGE}).`),
};

export const pagingOutput = {
  total: z.number().int().describe('How many items there are in all.'),
  offset: z.number().int().describe('Index of the first item of this page.'),
  nextCursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
};

/** One page of `items`: the cursor is the offset of the page's first item, checked against the list. */
export function page<T>(
  items: readonly T[],
  input: { cursor?: string; limit?: number },
): { items: T[]; total: number; offset: number; nextCursor?: string } {
  const offset = input.cursor === undefined ? 0 : Number(input.cursor);
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) {
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `Cursor "${input.cursor}" is not one this list gave (it has ${items.length} items); start again without a cursor.`,
    );
  }
  const end = Math.min(items.length, offset + (input.limit ?? 10));
  return { items: items.slice(offset, end), total: items.length, offset, ...(end < items.length ? { nextCursor: String(end) } : {}) };
}

/** A user's mistake in its one sentence; anything else says it is a bug, as the CLI does. */
export function errorText(e: unknown): string {
  if (e instanceof LeakscopeError && e.userFacing) return e.code === ErrorCode.Cancelled ? 'Cancelled.' : e.message;
  return `Internal error in Leakscope: ${errorMessage(e)}. This is a bug in Leakscope.`;
}
