import { promises as fs } from 'node:fs';
import { relative, resolve } from 'node:path';
import { printable } from '../common/printable';
import { applyEdits, manifestWith, missingDependencies, unifiedDiff } from '../fixes';
import { usageError } from './help';
import { parseCommandArgs, type CommandContext } from './args';
import { planFixes, type FindingPlan, type FixPlan } from '../session/fixPlan';
import { diffName, fixPlanJson } from '../session/fixPlanJson';
import { readLeakReport } from '../report/readLeakReport';
import { replaceFiles, type FileChange } from './replaceFiles';

/**
 * `leakscope fix --report report.json [--write] [--json] [--root DIR]`: the quick-fixes for a
 * leak check's findings, as diffs, applied with --write. Outside the editor, for CI or a terminal.
 */
export async function runFix(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    report: { type: 'string' },
    write: { type: 'boolean' },
    json: { type: 'boolean' },
    root: { type: 'string' },
  });
  const reportFile = values.report ?? positionals[0];
  if (!reportFile) throw usageError('fix needs the report of a leak check: leakscope fix --report report.json.');
  if (positionals.length > (values.report ? 0 : 1)) throw usageError('fix takes one report: leakscope fix --report report.json [--write].');
  // Real, so that files (planned by real path) compare with it and diffs name them relative to it.
  const given = resolve(values.root ?? process.cwd());
  if (values.root) await assertFolder(given);
  const root = await fs.realpath(given);
  const report = await readLeakReport(reportFile, { takes: 'fix takes the report.json that leakscope run, attach or demo writes' });
  const plan = planFixes(report, root);
  const written = values.write ? await writeFixes(plan) : [];
  if (values.json) context.io.stdout.write(JSON.stringify(fixPlanJson(plan, root, written), null, 2) + '\n');
  else context.io.stdout.write(renderPlan(plan, root, values.write === true, written));
  return 0;
}

async function assertFolder(dir: string): Promise<void> {
  try {
    if ((await fs.stat(dir)).isDirectory()) return;
  } catch {
    // reported below
  }
  throw usageError(`--root ${dir} is not a folder.`);
}

/**
 * Writes each edited file, and package.json where a fix needs a package it lacks, all or none:
 * nothing is written if any of them changed since it was read.
 */
async function writeFixes(plan: FixPlan): Promise<string[]> {
  const changes: FileChange[] = [];
  for (const [file, edits] of plan.edits)
    changes.push({ file, before: plan.texts.get(file)!, after: applyEdits(plan.texts.get(file)!, edits) });
  const byManifest = new Map<string, Record<string, string>>();
  for (const [file, deps] of plan.dependencies) {
    const manifest = plan.manifests.get(file);
    if (manifest) byManifest.set(manifest, { ...byManifest.get(manifest), ...deps });
  }
  for (const [manifest, deps] of byManifest) {
    const change = manifestWith(manifest, deps);
    if (change) changes.push({ file: change.manifestPath, before: change.before, after: change.after });
  }
  await replaceFiles(changes);
  return changes.map((c) => c.file);
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return printable(rel && !rel.startsWith('..') ? rel : file, 500);
}

function renderPlan(plan: FixPlan, root: string, write: boolean, written: string[]): string {
  if (plan.findings.length === 0) return 'The report has no findings: nothing to fix.\n';
  const out: string[] = [];
  plan.findings.forEach((entry, i) => {
    // Everything from the report is data from a pull request: shown, never obeyed by the terminal.
    out.push(
      `Finding ${i + 1}: ${printable(entry.finding.title, 300)} [${printable(entry.finding.kind, 60)}, fix ${printable(entry.finding.fix.id, 60)}]`,
    );
    if (entry.fixes.length === 0) out.push(...unfixed(entry));
    for (const planned of entry.fixes) {
      const d = planned.diagnostic;
      out.push(`  ${display(planned.file)}:${d.line}:${d.column}  ${d.ruleId}: ${d.message}`);
      if (planned.sameAs !== undefined) {
        out.push(`  Fixed with finding ${planned.sameAs + 1}.`);
        continue;
      }
      if (!planned.fix) {
        out.push('  No automatic edit is safe here; change the code by hand.');
        continue;
      }
      out.push(
        `  Fix: ${planned.fix.title}${planned.conflict ? ' (not applied: it overlaps an earlier fix in this file; run fix again after writing)' : ''}`,
      );
      const before = plan.texts.get(planned.file)!;
      out.push(indent(unifiedDiff(before, applyEdits(before, planned.fix.edits), diffName(planned.file, root))));
      const manifest = plan.manifests.get(planned.file);
      const missing = manifest ? missingDependencies(manifest, planned.fix.dependencies ?? {}) : (planned.fix.dependencies ?? {});
      for (const [name, range] of Object.entries(missing)) {
        out.push(
          manifest
            ? `  Needs ${name}@${range}, which ${display(manifest)} does not list: --write adds it there (run npm install after).`
            : `  Needs ${name}@${range}, and no package.json was found to add it to.`,
        );
      }
    }
    out.push('');
  });
  const fixable = plan.edits.size;
  if (write) out.push(written.length > 0 ? `Wrote ${written.map(display).join(', ')}.` : 'Nothing to write.');
  else if (fixable > 0) out.push('Run with --write to apply these fixes.');
  return out.join('\n') + '\n';
}

function unfixed(entry: FindingPlan): string[] {
  const lines = [`  ${printable(entry.unfixed ?? 'No quick-fix.', 1000)}`];
  if (entry.location)
    lines.push(
      `  Go to ${display(entry.location.file)}:${printable(String(entry.location.line), 12)}:${printable(String(entry.location.column), 12)}${entry.finding.source?.functionName ? ` (${printable(entry.finding.source.functionName, 80)})` : ''}`,
    );
  lines.push(`  Why: ${printable(entry.finding.explanation, 2000)}`, `  What to do: ${printable(entry.finding.fix.summary, 2000)}`);
  return lines;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
