import { basename, dirname } from 'node:path';
import { renderCompareMarkdown } from '../render/compareMarkdown';
import { compareReports } from '../report/compareReports';
import { readLeakReport, type ReportPurpose } from '../report/readLeakReport';
import { usageError } from './help';
import { ExitCode } from '../common/exitCodes';
import { parseCommandArgs, type CommandContext } from './args';
import { writeOutputs } from '../session/writeOutputs';

const COMPARE_TAKES: ReportPurpose = {
  takes: 'compare takes the report.json of two leak checks',
  versionAdvice: 'compare reports written by the same version',
};

/** `leakscope compare BASE HEAD`: what a change did to the leaks, as a pull-request comment. */
export async function runCompare(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    out: { type: 'string' },
    'fail-on': { type: 'string' },
  });
  if (positionals.length !== 2) throw usageError('compare takes two reports, base first: leakscope compare BASE_REPORT HEAD_REPORT.');
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'new-leak') throw usageError(`--fail-on for compare takes new-leak, not "${failOn}".`);
  const [baseFile, headFile] = positionals;
  const base = await readLeakReport(baseFile, COMPARE_TAKES);
  const head = await readLeakReport(headFile, COMPARE_TAKES);
  const comparison = compareReports(base, head, { base: baseFile, head: headFile });
  const markdown = renderCompareMarkdown(comparison);
  if (values.out) {
    const out = values.out;
    await writeOutputs(dirname(out), { [basename(out)]: markdown });
    context.io.stderr.write(`Wrote ${out}\n`);
  }
  context.io.stdout.write(values.json ? JSON.stringify(comparison, null, 2) + '\n' : markdown);
  return failOn === 'new-leak' && comparison.newFindings.length > 0 ? ExitCode.FailOn : ExitCode.Ok;
}
