import { parseArgs } from 'node:util';
import { CancellationTokenSource } from '../common/cancellation';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { HELP, usageError } from './help';
import { StderrProgress } from './progressReporter';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface CommandContext {
  io: CliIo;
  progress: StderrProgress;
  token: CancellationTokenSource['token'];
  color: boolean;
}

/** Exit codes: 0 ok, 1 a failure the user can act on, 2 bad usage, 3 `--fail-on` met, 130 interrupted. */
export const enum ExitCode {
  Ok = 0,
  Failure = 1,
  Usage = 2,
  FailOn = 3,
  Interrupted = 130,
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(HELP);
    return command ? ExitCode.Ok : ExitCode.Usage;
  }
  if (command === '--version' || command === 'version') {
    io.stdout.write(`${require('../../../package.json').version}\n`);
    return ExitCode.Ok;
  }
  const cancel = new CancellationTokenSource();
  const onSigint = () => {
    if (cancel.token.isCancellationRequested) process.exit(ExitCode.Interrupted);
    cancel.cancel();
  };
  process.on('SIGINT', onSigint);
  // SIGTERM/SIGHUP and a closed stdout (`leakscope … | head`) end the run the same way as Ctrl-C:
  // cancel, so a launched target is stopped and partial files are removed.
  const onTerminate = () => cancel.cancel();
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onTerminate);
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') cancel.cancel();
  };
  io.stdout.on('error', onStdoutError);
  const quiet = rest.includes('--quiet') || rest.includes('-q');
  const progress = new StderrProgress(io.stderr, !quiet);
  const context: CommandContext = { io, progress, token: cancel.token, color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR };
  try {
    // Each command loads its own modules: `inspect` need not load the fix rules' TypeScript
    // compiler, which alone took a second of every run.
    switch (command) {
      case 'inspect':
        return await (require('./inspectCommand') as typeof import('./inspectCommand')).runInspect(rest, context);
      case 'diff':
        return await (require('./diffCommand') as typeof import('./diffCommand')).runDiff(rest, context);
      case 'run':
        return await (require('./runCommand') as typeof import('./runCommand')).runRun(rest, context);
      case 'attach':
        return await (require('./attachCommand') as typeof import('./attachCommand')).runAttach(rest, context);
      case 'demo':
        return await (require('./demoCommand') as typeof import('./demoCommand')).runDemo(rest, context);
      case 'memory':
        return await (require('./memoryCommand') as typeof import('./memoryCommand')).runMemory(rest, context);
      case 'snapshot':
        return await (require('./snapshotCommand') as typeof import('./snapshotCommand')).runSnapshot(rest, context);
      case 'fix':
        return await (require('./fixCommand') as typeof import('./fixCommand')).runFix(rest, context);
      case 'compare':
        return await (require('./compareCommand') as typeof import('./compareCommand')).runCompare(rest, context);
      case 'watch':
        return await (require('./watchCommand') as typeof import('./watchCommand')).runWatch(rest, context);
      case 'mcp': // the MCP SDK is loaded only here
        return await (require('../mcp/mcpServer') as typeof import('../mcp/mcpServer')).runMcp(rest, context);
      default:
        throw usageError(`Unknown command "${command}". Run \`leakscope help\` for the list of commands.`);
    }
  } catch (e) {
    progress.done();
    return reportError(e, io);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
    io.stdout.off('error', onStdoutError);
    cancel.dispose();
  }
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof LeakscopeError && e.userFacing) {
    io.stderr.write(`leakscope: ${e.message}\n`);
    if (e.code === ErrorCode.Cancelled) return ExitCode.Interrupted;
    return e.code === ErrorCode.InvalidArgument ? ExitCode.Usage : ExitCode.Failure;
  }
  const code = (e as { code?: string })?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    io.stderr.write(`leakscope: ${(e as Error).message.split('\n')[0]} Run \`leakscope help\` for usage.\n`);
    return ExitCode.Usage;
  }
  if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(e.message)) {
    io.stderr.write('leakscope: Not enough memory to load this snapshot; close other programs or use a machine with more memory.\n');
    return ExitCode.Failure;
  }
  io.stderr.write(`leakscope: internal error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.LEAKSCOPE_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  else io.stderr.write('This is a bug in Leakscope. Rerun with LEAKSCOPE_DEBUG=1 for the stack trace.\n');
  return ExitCode.Failure;
}

/** `parseArgs` with the options every command shares, and a positive integer reader. */
export function parseCommandArgs<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(args: string[], options: T) {
  return parseArgs({ args, options: { ...options, quiet: { type: 'boolean', short: 'q' } }, allowPositionals: true, strict: true });
}

export function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} needs a positive whole number, not "${value}".`);
  return n;
}
