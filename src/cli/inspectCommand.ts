import { renderOverviewHtml, renderOverviewMarkdown, renderOverviewText } from '../render';
import { overviewOf } from '../snapshot/overview';
import { usageError } from './help';
import { loadGraphWithProgress } from '../snapshot/loadGraph';
import { parseCommandArgs, positiveInteger, type CommandContext } from './args';
import { writeOutputs } from '../session/writeOutputs';

export async function runInspect(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    top: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length !== 1) throw usageError('inspect takes one snapshot file: leakscope inspect FILE [--json] [--top N].');
  const top = positiveInteger(values.top, '--top', 20);
  const file = positionals[0];
  const graph = await loadGraphWithProgress(file, context);
  const overview = overviewOf(graph, file, { classes: top, dominators: top });
  if (values.out) {
    const written = await writeOutputs(values.out, {
      'overview.json': JSON.stringify(overview, null, 2) + '\n',
      'overview.md': renderOverviewMarkdown(overview),
      'overview.html': renderOverviewHtml(overview),
    });
    context.io.stderr.write(`Wrote ${written.join(', ')}\n`);
  }
  context.io.stdout.write(values.json ? JSON.stringify(overview, null, 2) + '\n' : renderOverviewText(overview, { color: context.color }));
  return 0;
}
