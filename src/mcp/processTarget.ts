import { z } from 'zod/v4';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { InspectorConnection } from '../inspector/connection';
import { hostOf, isLoopback, parseTarget, resolveTarget, type TargetSpec } from '../inspector/target';

/** How a tool names a running process: as `leakscope attach`, `memory` and `snapshot` do. */
export const processInput = {
  target: z
    .string()
    .optional()
    .describe("host:port or ws:// URL of the inspector of a Node process started with --inspect (a container's forwarded port works)."),
  pid: z.number().int().positive().optional().describe('Or the PID of a local Node process: its inspector is opened with SIGUSR1.'),
  allowRemote: z
    .boolean()
    .optional()
    .describe(
      'Needed to connect to an inspector that is not on this machine (not loopback): the inspector can run any code in that process.',
    ),
};

export type ProcessInput = { target?: string; pid?: number; allowRemote?: boolean };

export function processSpec(input: ProcessInput): TargetSpec {
  if (input.target !== undefined && input.pid !== undefined)
    throw new LeakscopeError(ErrorCode.InvalidArgument, 'Give either target or pid, not both.');
  if (input.pid !== undefined) return { kind: 'pid', pid: input.pid };
  if (input.target === undefined)
    throw new LeakscopeError(ErrorCode.InvalidArgument, 'Name the process: target (host:port of its inspector) or pid.');
  const spec = parseTarget(input.target);
  const host = hostOf(spec);
  // On the command line, typing the address is the user's explicit choice; an agent's choice is not, so it must say so.
  if (!isLoopback(host) && !input.allowRemote) {
    throw new LeakscopeError(
      ErrorCode.InvalidArgument,
      `${host} is not this machine; connecting lets Leakscope run code in that process, so set allowRemote: true only for a process you own.`,
    );
  }
  return spec;
}

export function describeProcess(input: ProcessInput): string {
  return input.pid !== undefined
    ? `the Node process with PID ${input.pid} (its inspector is opened with SIGUSR1)`
    : `the inspector at ${input.target}`;
}

export async function connectProcess(input: ProcessInput): Promise<InspectorConnection> {
  return InspectorConnection.connect(await resolveTarget(processSpec(input)));
}

/** Runs `use` on a connection to the named process, closing it after; the process is left running. */
export async function withProcess<T>(input: ProcessInput, use: (connection: InspectorConnection) => Promise<T>): Promise<T> {
  const connection = await connectProcess(input);
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}
