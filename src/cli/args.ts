import { parseArgs } from 'node:util';
import type { CancellationToken } from '../common/cancellation';
import { requiredByteSize } from '../common/bytes';
import { usageError } from './help';
import type { StderrProgress } from './progressReporter';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export interface CommandContext {
  io: CliIo;
  progress: StderrProgress;
  token: CancellationToken;
  color: boolean;
}

/** A command's options table, as parseArgs takes it. */
type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** The option every command takes. */
const SHARED_OPTIONS = { quiet: { type: 'boolean', short: 'q' } } as const;

/**
 * `parseArgs` with the options every command shares. An unknown flag is one sentence naming the
 * nearest known one, never parseArgs' own message. parseArgs types the values from the table
 * (a string option's value is a string, a boolean's a boolean), so callers need no casts: declare
 * a table `as const`, or inline, to keep its option types literal.
 */
export function parseCommandArgs<T extends Options>(args: string[], options: T) {
  const all = { ...options, ...SHARED_OPTIONS };
  try {
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (e) {
    throw argumentError(e, Object.keys(all)) ?? e;
  }
}

/** The values parseCommandArgs gives for the options table `T`, for a function that takes them from a command. */
export type OptionValues<T extends Options> = ReturnType<typeof parseCommandArgs<T>>['values'];

function argumentError(e: unknown, known: string[]): Error | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = 'code' in e ? e.code : undefined;
  const message = e.message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? '';
    const name = flag.replace(/^-+/, '').split('=')[0];
    const near = nearest(name, known);
    return usageError(`unknown option ${flag}${near ? `; did you mean --${near}?` : ''} (see --help).`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(-[^ ']+)/.exec(message)?.[1] ?? 'an option';
    return usageError(
      /argument missing/.test(message)
        ? `${flag.split(',')[0].trim()} needs a value (see --help).`
        : `${flag} takes no value (see --help).`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return usageError(`unexpected argument ${/'([^']+)'/.exec(message)?.[1] ?? ''} (see --help).`);
  }
  return undefined;
}

/** The known name closest to `name` by edit distance, when it is close enough to be a typo. */
export function nearest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

export function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${flag} needs a positive whole number, not "${value}".`);
  return n;
}

/** `--memory-limit 1.5G`: what the target may use in all, in binary units as container limits are written. */
export function memoryLimitOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : requiredByteSize('--memory-limit', value);
}
