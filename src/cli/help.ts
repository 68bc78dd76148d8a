import { ErrorCode, LeakscopeError } from '../common/errors';

export const HELP = `Leakscope: find memory leaks in Node.js processes and explain where the memory went.

Usage:
  leakscope inspect FILE [--json] [--top N] [--out DIR]
      Totals, the classes that retain the most, and the biggest dominators with the
      path that keeps each alive.
  leakscope diff BASELINE AFTER [FINAL] [--json] [--out DIR] [--top N]
      What changed between snapshots of one process, matched by object id: per class
      new, deleted and count/self/retained deltas, and the objects allocated since the
      baseline that are still alive, grouped by what holds them. With FINAL, only
      objects still alive in it count (survivors of more cycles).
      --out DIR writes diff.json, diff.md (for a pull request) and diff.html.

Options:
  --json       Print the result as JSON on stdout (schema in the README).
  --top N      How many classes / dominators / groups to show (default 20).
  --out DIR    Also write the Markdown, HTML and JSON renderings into DIR.
  -q, --quiet  No progress on stderr.

Exit codes: 0 ok, 1 error, 2 bad usage, 130 interrupted.
`;

export function usageError(message: string): LeakscopeError {
  return new LeakscopeError(ErrorCode.InvalidArgument, message);
}
