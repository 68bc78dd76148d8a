/**
 * One measurement in a fresh process, so peak RSS belongs to one tool and one phase:
 *   node --max-old-space-size=20000 out/bench/runOne.js <tool> <parse|full|diff> <file> [<afterFile>]
 * Prints one line, RESULT_PREFIX + JSON, to stdout; peers may print their own lines too.
 */
import { performance } from 'node:perf_hooks';
import { RESULT_PREFIX, type RunResult } from './measure';
import { findTool } from './tools';
import type { Phase } from './tools/tool';

/** The short reason shown in the table: an error code when there is one, else the first line. */
function shortReason(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_')) return code;
  const text = e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e);
  const line = text.split('\n')[0].trim();
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function emit(result: RunResult): void {
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => process.exit(0));
}

async function main(): Promise<void> {
  const [toolName, phase, ...files] = process.argv.slice(2);
  const tool = findTool(toolName);
  const run = tool.phases[phase as Phase];
  if (!run) return emit({ status: 'n/a' });
  await tool.load?.();
  const started = performance.now();
  try {
    const check = await run(files);
    emit({ status: 'ok', seconds: (performance.now() - started) / 1000, peakRssBytes: peakRssBytes(), check });
  } catch (e) {
    emit({ status: 'fails', reason: shortReason(e), seconds: (performance.now() - started) / 1000, peakRssBytes: peakRssBytes() });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => emit({ status: 'fails', reason: `setup: ${shortReason(e)}` }));
}
