import { promises as fs } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { renderCompareMarkdown } from '../report/compareMarkdown';
import { asLeakReport, compareReports } from '../report/compareReports';
import type { LeakReport } from '../report/leakReport';
import { usageError } from './help';
import { ExitCode, parseCommandArgs, type CommandContext } from './main';
import { writeOutputs } from '../session/writeOutputs';

/** `leakscope compare BASE HEAD`: what a change did to the leaks, as a pull-request comment. */
export async function runCompare(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    out: { type: 'string' },
    'fail-on': { type: 'string' },
  });
  if (positionals.length !== 2) throw usageError('compare takes two reports, base first: leakscope compare BASE_REPORT HEAD_REPORT.');
  const failOn = values['fail-on'] as string | undefined;
  if (failOn !== undefined && failOn !== 'new-leak') throw usageError(`--fail-on for compare takes new-leak, not "${failOn}".`);
  const [baseFile, headFile] = positionals;
  const base = await readReport(baseFile);
  const head = await readReport(headFile);
  const comparison = compareReports(base, head, { base: baseFile, head: headFile });
  const markdown = renderCompareMarkdown(comparison);
  if (values.out) {
    const out = values.out as string;
    await writeOutputs(dirname(out), { [basename(out)]: markdown });
    context.io.stderr.write(`Wrote ${out}\n`);
  }
  context.io.stdout.write(values.json ? JSON.stringify(comparison, null, 2) + '\n' : markdown);
  return failOn === 'new-leak' && comparison.newFindings.length > 0 ? ExitCode.FailOn : ExitCode.Ok;
}

/** A heap snapshot handed over by mistake can be far too large to read whole: its first bytes say what it is. */
const SNIFF_BYTES = 4096;

async function readReport(file: string): Promise<LeakReport> {
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const head = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      if (/^\s*\{\s*"snapshot"\s*:/.test(head.subarray(0, bytesRead).toString('utf8'))) {
        throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a heap snapshot, not a Leakscope report; compare takes the report.json of two leak checks.`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof LeakscopeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LeakscopeError(ErrorCode.FileNotFound, `${file} does not exist.`);
    if (code === 'EISDIR') throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a folder; give the report.json inside it.`);
    throw new LeakscopeError(ErrorCode.FileUnreadable, `Cannot read ${file} (${code ?? (e as Error).message}).`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is not JSON, so not a Leakscope report (the report.json that leakscope run, attach or demo writes).`);
  }
  return asLeakReport(value, file);
}
