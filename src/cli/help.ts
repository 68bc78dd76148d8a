import { ErrorCode, LeakscopeError } from '../common/errors';
import { LEAK_CHECK_DEFAULTS } from '../session/checkDefaults';
import { DEFAULT_SAMPLING_INTERVAL } from '../session/types';

const TARGET_NOTE = `  TARGET is host:port of a process started with --inspect (a container's forwarded
  port works), or its ws:// URL. --pid N opens the inspector of a local Node process
  with SIGUSR1, as \`node inspect -p\` does. The inspector can run code in the process:
  Leakscope connects to a non-loopback address only when you name it.
`;

const CHECK_OPTIONS = `        --workload-url URL   GET it --requests N times per cycle (default ${LEAK_CHECK_DEFAULTS.requests}); {i} in
                             the URL becomes the request number, counted across the
                             whole check (unique ids: /users/{i})
        --accept-status LIST statuses that count as a served request besides 1xx-3xx,
                             e.g. 404,410 or 400-499 (any other 4xx/5xx fails the check)
        --workload-expr EXPR evaluate EXPR in the target once per cycle (awaited)
        --cleanup-expr EXPR  evaluate EXPR in the target after each workload
        --ready-url URL      wait until URL answers before starting
        --warmup N           warm-up cycles before the baseline (default ${LEAK_CHECK_DEFAULTS.warmup})
        --cycles N           cycles between the snapshots (default ${LEAK_CHECK_DEFAULTS.cycles})
        --out DIR            snapshots and report.json|md|html (default ${LEAK_CHECK_DEFAULTS.outDir})
        --fail-on leak       exit 3 when the verdict is a leak (for CI)
        --track-allocations  record the stack of every allocation during the cycles,
                             so each leak names the function that allocated it
                             (off by default: it slows the target noticeably)
        --capture MODE       auto (default): snapshots when they fit in the memory
                             the target may use, else sampling; snapshot: always
                             snapshots; sampling: V8's sampling heap profiler only,
                             leaks named by allocation site, no snapshot
        --memory-limit SIZE  what the target may use in all (512M, 1.5G); default:
                             its cgroup limit, else the machine's available memory
        --sampling-interval BYTES  bytes between samples (default ${DEFAULT_SAMPLING_INTERVAL})
        --raw-paths          also print V8's retainer path of each holder
`;

const ATTACH_USAGE = `  leakscope attach TARGET | --pid N [options]
      The same leak check on a process that is already running (left running).
`;

/** Each command's own usage, answered by `leakscope COMMAND --help`; HELP is all of them. */
export const COMMAND_HELP: Record<string, string> = {
  inspect: `  leakscope inspect FILE [--json] [--top N] [--out DIR]
      Totals, the classes that retain the most, and the biggest dominators with the
      path that keeps each alive.
`,
  diff: `  leakscope diff BASELINE AFTER [FINAL] [--json] [--out DIR] [--top N]
      What changed between snapshots of one process, matched by object id: per class
      new, deleted and count/self/retained deltas, and the objects allocated since the
      baseline that are still alive, grouped by what holds them. With FINAL, only
      objects still alive in it count (survivors of more cycles).
      --out DIR writes diff.json, diff.md (for a pull request) and diff.html.
`,
  run: `  leakscope run [options] -- COMMAND [ARGS…]
      Launch COMMAND under the inspector (a free loopback port), then the leak check:
      warm-up, cleanup, GC, baseline snapshot, N cycles of workload + cleanup + GC,
      after snapshot, diff. The process is stopped at the end, on Ctrl-C and on errors.
      COMMAND may be a wrapper (npm start, tsx, nodemon, node --watch): the process
      that listens on the workload's port is the one measured, and the output says which.
${CHECK_OPTIONS}        --oom-snapshot       V8 writes a snapshot into --out as the heap nears its limit
`,
  attach: `${ATTACH_USAGE}      Options (as for \`leakscope run\`):
${CHECK_OPTIONS}`,
  demo: `  leakscope demo [--out DIR]
      The leak check on the bundled sample order service.
`,
  memory: `  leakscope memory TARGET | --pid N [--json] [--samples N] [--interval SECONDS]
      Where the RSS of a running process goes (live V8 heap, free heap pages, Buffers,
      code and files, native allocations), before and after a forced GC, and a verdict
      in words: a leak, allocator retention, V8 heap headroom, or a high-water mark.
      One reading cannot tell growth: --samples N (with --interval, default 10 s)
      reads N times after a GC and judges the trend.
`,
  snapshot: `  leakscope snapshot TARGET | --pid N -o FILE [--no-gc] [--memory-limit SIZE] [--force]
      A heap snapshot of a running process, streamed to FILE after a forced GC.
      Refused when building it would need more memory than the target may use
      (its cgroup limit, the machine's available memory, or --memory-limit);
      --force takes it anyway.
`,
  watch: `  leakscope watch TARGET | --pid N [--for DURATION] [--interval DURATION] [--rss-limit SIZE]
                 [--memory-limit SIZE] [--gc] [--sampling-interval BYTES] [--out DIR] [--json]
      Watches a process under its real traffic (default 10m, a reading every 10s): the
      memory trend against its noise, and, from V8's sampling heap profiler at a low
      rate, the allocation sites whose surviving memory keeps growing. Crossing
      --rss-limit or a sustained trend ends it with a snapshot, if one fits.
`,
  compare: `  leakscope compare BASE_REPORT HEAD_REPORT [--json] [--out FILE] [--fail-on new-leak]
      What a change did to the leaks, from the report.json of a leak check on each
      side: new leaks, fixed ones, the ones still there (worse or not), and each
      side's memory verdict, as Markdown for a pull-request comment.
        --out FILE           also write the Markdown to FILE
        --fail-on new-leak   exit 3 when head has a finding base does not (for CI)
`,
  fix: `  leakscope fix --report REPORT [--write] [--json] [--root DIR]
      The quick-fix for each finding of a leak check's report.json: the rule that
      recognises the code at the finding's source line, and its edit as a diff.
      Findings no rule answers get their location and what to do.
        --write              apply the edits (and add a package a fix imports to the
                             nearest package.json; npm is not run)
        --root DIR           where the sources are, when the report's paths are from
                             another machine or a container (default: this folder)
`,
  mcp: `  leakscope mcp
      A Model Context Protocol server on stdin/stdout for coding agents (Claude Code,
      Copilot, Cursor): the leak check, memory, snapshots, reports and fix plans as tools.
`,
};

const TARGET_COMMANDS = new Set(['attach', 'memory', 'snapshot', 'watch']);

const COMMON_OPTIONS = `Options:
  --json       Print the result as JSON on stdout (schema in the README).
  --top N      How many classes / dominators / groups to show (default 20).
  --out DIR    Also write the Markdown, HTML and JSON renderings into DIR.
  -q, --quiet  No progress on stderr.
  -h, --help   This help; \`leakscope COMMAND --help\` for one command.

Exit codes: 0 ok, 1 error, 2 bad usage, 3 --fail-on met, 130 interrupted (Ctrl-C),
143 terminated (SIGTERM), 129 hung up (SIGHUP). Files already written are kept.
`;

export const HELP = `Leakscope: find memory leaks in Node.js processes and explain where the memory went.

Usage:
${COMMAND_HELP.inspect}${COMMAND_HELP.diff}
${COMMAND_HELP.run}${ATTACH_USAGE}${COMMAND_HELP.demo}${COMMAND_HELP.memory}${COMMAND_HELP.snapshot}${COMMAND_HELP.watch}${COMMAND_HELP.compare}${COMMAND_HELP.fix}${COMMAND_HELP.mcp}
${TARGET_NOTE}
${COMMON_OPTIONS}`;

/** `leakscope COMMAND --help`: that command's usage, the target note where it takes one, the shared options. */
export function commandHelp(command: string): string | undefined {
  const usage = COMMAND_HELP[command];
  if (!usage) return undefined;
  return `Usage:\n${usage}${TARGET_COMMANDS.has(command) ? `\n${TARGET_NOTE}` : ''}\n${COMMON_OPTIONS}`;
}

export function usageError(message: string): LeakscopeError {
  return new LeakscopeError(ErrorCode.InvalidArgument, message);
}
