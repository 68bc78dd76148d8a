import { CancellationTokenSource } from '../common/cancellation';
import { ErrorCode, errorDetail, isLeakscopeError, printedError } from '../common/errors';
import { ExitCode } from '../common/exitCodes';
import { nearest, type CliIo, type CommandContext } from './args';
import { COMMAND_HELP, HELP, commandHelp, usageError } from './help';
import { StderrProgress } from './progressReporter';

/** How long a cancelled command may take to stop its target and close files before the process exits anyway. */
const STOP_GRACE_MS = 8000;

const SIGNAL_EXIT: Record<string, ExitCode> = { SIGINT: ExitCode.Interrupted, SIGTERM: ExitCode.Terminated, SIGHUP: ExitCode.Hangup };

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(HELP);
    return command ? ExitCode.Ok : ExitCode.Usage;
  }
  if (command === '--version' || command === 'version') {
    // Loaded here only: every command's start-up pays for what main imports.
    const { leakscopeVersion } = require('../session/packageVersion') as typeof import('../session/packageVersion');
    io.stdout.write(`${leakscopeVersion()}\n`);
    return ExitCode.Ok;
  }
  const beforeSeparator = command === 'run' && rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    const help = commandHelp(command);
    if (help) {
      io.stdout.write(help);
      return ExitCode.Ok;
    }
  }
  const cancel = new CancellationTokenSource();
  // SIGINT, SIGTERM and SIGHUP cancel the command: every wait rejects, a launched target is
  // stopped, a partial file is removed and finished ones are kept. The command then ends with
  // 128 + the signal, even when the cancellation surfaced as another error (a target stopped
  // under a pending call). A second signal, or a stop that outlasts the grace, exits at once.
  let signalled: ExitCode | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = SIGNAL_EXIT[signal] ?? ExitCode.Interrupted;
    if (signalled !== undefined) process.exit(signalled);
    signalled = code;
    cancel.cancel();
    setTimeout(() => {
      io.stderr.write(`\nleakscope: ${signal}: stopped waiting.\n`);
      process.exit(code);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // A closed stdout (`leakscope … | head`) ends the run the same way.
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') cancel.cancel();
  };
  io.stdout.on('error', onStdoutError);
  const quiet = rest.includes('--quiet') || rest.includes('-q');
  const progress = new StderrProgress(io.stderr, !quiet);
  const context: CommandContext = { io, progress, token: cancel.token, color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR };
  try {
    const code = await dispatch(command, rest, context);
    return signalled ?? code;
  } catch (e) {
    progress.done();
    if (signalled !== undefined) {
      io.stderr.write(`leakscope: interrupted (${signalName(signalled)}); files already written are kept.\n`);
      return signalled;
    }
    return reportError(e, io);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    io.stdout.off('error', onStdoutError);
    cancel.dispose();
  }
}

function signalName(code: ExitCode): string {
  return Object.keys(SIGNAL_EXIT).find((name) => SIGNAL_EXIT[name] === code) ?? 'signal';
}

/** Each command loads its own modules: `inspect` need not load the fix rules' TypeScript compiler, which alone took a second of every run. */
function dispatch(command: string, rest: string[], context: CommandContext): Promise<number> {
  switch (command) {
    case 'inspect':
      return (require('./inspectCommand') as typeof import('./inspectCommand')).runInspect(rest, context);
    case 'diff':
      return (require('./diffCommand') as typeof import('./diffCommand')).runDiff(rest, context);
    case 'run':
      return (require('./runCommand') as typeof import('./runCommand')).runRun(rest, context);
    case 'attach':
      return (require('./attachCommand') as typeof import('./attachCommand')).runAttach(rest, context);
    case 'demo':
      return (require('./demoCommand') as typeof import('./demoCommand')).runDemo(rest, context);
    case 'memory':
      return (require('./memoryCommand') as typeof import('./memoryCommand')).runMemory(rest, context);
    case 'snapshot':
      return (require('./snapshotCommand') as typeof import('./snapshotCommand')).runSnapshot(rest, context);
    case 'fix':
      return (require('./fixCommand') as typeof import('./fixCommand')).runFix(rest, context);
    case 'compare':
      return (require('./compareCommand') as typeof import('./compareCommand')).runCompare(rest, context);
    case 'watch':
      return (require('./watchCommand') as typeof import('./watchCommand')).runWatch(rest, context);
    case 'mcp': // the MCP SDK is loaded only here
      return (require('./mcpCommand') as typeof import('./mcpCommand')).runMcp(rest, context);
    default:
      throw usageError(`Unknown command "${command}"${nearestCommand(command)}. Run \`leakscope help\` for the list of commands.`);
  }
}

function nearestCommand(command: string): string {
  const near = nearest(command, Object.keys(COMMAND_HELP));
  return near ? ` (did you mean ${near}?)` : '';
}

function reportError(e: unknown, io: CliIo): number {
  const printed = printedError(e);
  io.stderr.write(`leakscope: ${printed.text}\n`);
  if (printed.internal) {
    if (process.env.LEAKSCOPE_DEBUG) io.stderr.write(`${errorDetail(e)}\n`);
    else io.stderr.write('This is a bug in Leakscope. Rerun with LEAKSCOPE_DEBUG=1 for the stack trace.\n');
    return ExitCode.Failure;
  }
  if (isLeakscopeError(e) && e.code === ErrorCode.Cancelled) return ExitCode.Interrupted;
  return isLeakscopeError(e) && e.code === ErrorCode.InvalidArgument ? ExitCode.Usage : ExitCode.Failure;
}
