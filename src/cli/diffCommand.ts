import { diffSnapshots } from '../analysis/diff';
import { loadForDiff } from '../analysis/loadForDiff';
import { renderDiffHtml, renderDiffMarkdown, renderDiffText } from '../render';
import { usageError } from './help';
import { loadGraphWithProgress } from '../snapshot/loadGraph';
import { parseCommandArgs, positiveInteger, type CommandContext } from './args';
import { writeOutputs } from '../session/writeOutputs';

export async function runDiff(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean' },
    top: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length < 2 || positionals.length > 3) {
    throw usageError('diff takes two or three snapshot files, oldest first: leakscope diff BASELINE AFTER [FINAL].');
  }
  const top = positiveInteger(values.top, '--top', 20);
  const [baselineFile, afterFile, finalFile] = positionals;
  const { baseline, after, final } = await loadForDiff(
    { baseline: baselineFile, after: afterFile, final: finalFile },
    { token: context.token, load: (file, options) => loadGraphWithProgress(file, context, options) },
  );
  const diff = diffSnapshots(baseline, after, final, { maxClasses: Math.max(top, 200), maxGroups: top });
  if (values.out) {
    const written = await writeOutputs(values.out, {
      'diff.json': JSON.stringify(diff, null, 2) + '\n',
      'diff.md': renderDiffMarkdown(diff),
      'diff.html': renderDiffHtml(diff),
    });
    context.io.stderr.write(`Wrote ${written.join(', ')}\n`);
  }
  const shown = { ...diff, classes: diff.classes.slice(0, top) };
  context.io.stdout.write(values.json ? JSON.stringify(diff, null, 2) + '\n' : renderDiffText(shown, { color: context.color }));
  return 0;
}
