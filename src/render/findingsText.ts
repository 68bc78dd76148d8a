import type { Finding } from '../analysis/types';
import { formatBytes } from '../common/bytes';
import { collapseRepeatedSteps } from '../common/repeatedSteps';
import { describeHolder } from './describeHolder';
import { displayUrl, formatCount, NO_FINDINGS, printable } from './format';

export interface FindingFacts {
  title: string;
  /** `Held by` for a holder's retainer path; `Allocated by` for a sampling check's allocation stack. */
  pathLabel: 'Held by' | 'Allocated by';
  /** V8's retainer path to the holder (or the allocation stack), step by step. */
  path: string;
  /** The holder as the code names it (`summaryCache` (Map), a variable of …), when the path allows. */
  heldBy?: string;
  growth: string;
  classes: string;
  source?: string;
  /** Where the holder is declared, with its line of code. */
  declared?: string;
  /** Other statements that add to the holder, beyond the one `source` names. */
  alsoAdded?: string;
  /** The installed package that holds the growth, and where its fix lies. */
  package?: string;
  fix: string;
  /** The worker thread the finding is in (absent for the main thread): `worker 2 'render'`, and its script. */
  thread?: { name: string; script?: string };
}

/** The parts of a finding every rendering shows, as plain strings (not yet escaped for a medium). */
export function findingFacts(f: Finding): FindingFacts {
  const g = f.growth;
  const heldBy = describeHolder(f);
  const site = (s: { file: string; line: number; column?: number }) =>
    `${printable(displayUrl(s.file), 200)}:${s.line}${s.column ? `:${s.column}` : ''}`;
  const insertion = f.source?.role === 'inserts' ? f.insertions?.[0] : undefined;
  return {
    title: printable(f.title, 200),
    // A sampling check knows the allocation stack, not the holder.
    pathLabel: f.stack ? 'Allocated by' : 'Held by',
    path: collapseRepeatedSteps(f.path.map((step) => printable(step, 80))).join(' → '),
    ...(heldBy ? { heldBy } : {}),
    growth:
      `${formatCount(Math.round(g.objectsPerCycle))} objects, ${formatBytes(g.bytesPerCycle)} per cycle ` +
      `(${formatCount(g.newBeforeMid)} from the first ${g.cyclesBeforeMid} cycles still alive, ${formatCount(g.newAfterMid)} from the last ${g.cyclesAfterMid})`,
    classes: f.classes
      .slice(0, 4)
      .map((c) => `${printable(c.className, 60)} +${formatCount(c.countDelta)} (${formatBytes(c.retainedSizeDelta)})`)
      .join(', '),
    ...(f.source
      ? {
          source: insertion
            ? `${site(f.source)}  ${printable(insertion.text, 120)}${f.source.functionName && f.source.functionName !== '(anonymous)' ? ` (in ${printable(f.source.functionName, 80)})` : ''}`
            : `${f.source.role === 'allocated' ? 'allocated in' : 'held in the scope of'} ` +
              `${printable(f.source.functionName || '(anonymous)', 80)} at ${site(f.source)}`,
        }
      : {}),
    ...(f.holderDeclaration ? { declared: `${site(f.holderDeclaration)}  ${printable(f.holderDeclaration.text, 120)}` } : {}),
    ...(f.insertions && f.insertions.length > 1
      ? {
          alsoAdded: f.insertions
            .slice(1)
            .map((s) => `${site(s)}  ${printable(s.text, 80)}`)
            .join('; '),
        }
      : {}),
    ...(f.package
      ? {
          package: `${printable(f.package.name, 100)}${f.package.version ? `@${printable(f.package.version, 40)}` : ''}: the fix is in how the program configures or uses it, not an edit under node_modules`,
        }
      : {}),
    fix: printable(f.fix.summary, 400),
    ...(f.thread ? { thread: threadFacts(f.thread) } : {}),
  };
}

/** A worker as its program knows it: its threadId, the name given to `new Worker` (in the inspector's title) and its script. */
function threadFacts(thread: NonNullable<Finding['thread']>): NonNullable<FindingFacts['thread']> {
  // Node 22+ calls an unnamed worker `WorkerThread`: no name of the program's.
  const name = /^\[worker \d+\] (.+)$/.exec(String(thread.title))?.[1]?.replace(/^WorkerThread$/, '');
  return {
    // report.json may come from a pull request: only a number is a thread id.
    name: `worker ${Number.isSafeInteger(thread.id) ? thread.id : '?'}${name ? ` '${printable(name, 60)}'` : ''}`,
    ...(typeof thread.url === 'string' && thread.url ? { script: printable(displayUrl(thread.url), 200) } : {}),
  };
}

/** `in worker 2 (`src/worker.js`)`, with `code` marking the script as each medium does. */
export function threadText(thread: NonNullable<FindingFacts['thread']>, code: (text: string) => string = (t) => `\`${t}\``): string {
  return `in ${thread.name}${thread.script ? ` (${code(thread.script)})` : ''}`;
}

export interface FindingsTextOptions {
  /** Show V8's retainer path beside the holder's description (`--raw-paths`). */
  rawPaths?: boolean;
}

export function renderFindingsText(findings: Finding[], options: FindingsTextOptions = {}): string {
  if (findings.length === 0) return `${NO_FINDINGS}\n`;
  const lines: string[] = [];
  findings.forEach((f, i) => {
    const facts = findingFacts(f);
    lines.push(`${String(i + 1).padStart(2)}. [${f.kind}] ${facts.title} (${f.confidence} confidence)`);
    lines.push(`    ${facts.pathLabel === 'Held by' ? 'held by  ' : 'stack    '} ${facts.heldBy ?? facts.path}`);
    if (facts.heldBy && options.rawPaths) lines.push(`    raw path  ${facts.path}`);
    if (facts.package) lines.push(`    package   ${facts.package}`);
    if (facts.thread) lines.push(`    thread    ${threadText(facts.thread)}`);
    lines.push(`    growth    ${facts.growth}`);
    if (facts.classes) lines.push(`    classes   ${facts.classes}`);
    if (facts.source) lines.push(`    ${f.source?.role === 'inserts' ? 'added by ' : 'source   '} ${facts.source}`);
    if (facts.alsoAdded) lines.push(`    also by   ${facts.alsoAdded}`);
    if (facts.declared) lines.push(`    declared  ${facts.declared}`);
    lines.push(`    fix       ${facts.fix}`);
    lines.push('');
  });
  return lines.join('\n');
}
