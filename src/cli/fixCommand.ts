import { promises as fs, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { applyEdits, unifiedDiff } from '../fixes';
import { addDependencies, missingDependencies, nearestPackageJson } from './packageDependencies';
import { usageError } from './help';
import { parseCommandArgs, type CommandContext } from './main';
import { planFixes, type FindingPlan, type FixPlan } from './fixPlan';
import { diffName, fixPlanJson } from './fixPlanJson';
import { readReport } from './readReport';

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
  const reportFile = (values.report as string | undefined) ?? positionals[0];
  if (!reportFile) throw usageError('fix needs the report of a leak check: leakscope fix --report report.json.');
  if (positionals.length > (values.report ? 0 : 1)) throw usageError('fix takes one report: leakscope fix --report report.json [--write].');
  const root = resolve((values.root as string | undefined) ?? process.cwd());
  if (values.root) await assertFolder(root);
  const report = await readReport(reportFile);
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

/** Writes each edited file (and package.json where a fix needs a package it lacks), each to a temporary name renamed into place. */
async function writeFixes(plan: FixPlan): Promise<string[]> {
  const written: string[] = [];
  for (const [file, edits] of plan.edits) {
    await replaceFile(file, applyEdits(plan.texts.get(file)!, edits));
    written.push(file);
  }
  const byManifest = new Map<string, Record<string, string>>();
  for (const [file, deps] of plan.dependencies) {
    const manifest = nearestPackageJson(file);
    if (manifest) byManifest.set(manifest, { ...byManifest.get(manifest), ...deps });
  }
  for (const [manifest, deps] of byManifest) {
    const text = await fs.readFile(manifest, 'utf8');
    const missing = missingDependencies(text, deps);
    if (Object.keys(missing).length === 0) continue;
    await replaceFile(manifest, addDependencies(text, missing));
    written.push(manifest);
  }
  return written;
}

async function replaceFile(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.leakscope-${process.pid}.tmp`);
  try {
    const mode = (await fs.stat(file)).mode;
    await fs.writeFile(temp, text, { mode });
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw new LeakscopeError(ErrorCode.FileUnreadable, `Cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function renderPlan(plan: FixPlan, root: string, write: boolean, written: string[]): string {
  if (plan.findings.length === 0) return 'The report has no findings: nothing to fix.\n';
  const out: string[] = [];
  plan.findings.forEach((entry, i) => {
    out.push(`Finding ${i + 1}: ${entry.finding.title} [${entry.finding.kind}, fix ${entry.finding.fix.id}]`);
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
      out.push(`  Fix: ${planned.fix.title}${planned.conflict ? ' (not applied: it overlaps an earlier fix in this file; run fix again after writing)' : ''}`);
      const before = plan.texts.get(planned.file)!;
      out.push(indent(unifiedDiff(before, applyEdits(before, planned.fix.edits), diffName(planned.file, root))));
      const manifest = nearestPackageJson(planned.file);
      const missing = manifest ? missingDependencies(readFileSync(manifest, 'utf8'), planned.fix.dependencies ?? {}) : (planned.fix.dependencies ?? {});
      for (const [name, range] of Object.entries(missing)) {
        out.push(manifest ? `  Needs ${name}@${range}, which ${display(manifest)} does not list: --write adds it there (run npm install after).` : `  Needs ${name}@${range}, and no package.json was found to add it to.`);
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
  const lines = [`  ${entry.unfixed ?? 'No quick-fix.'}`];
  if (entry.location) lines.push(`  Go to ${display(entry.location.file)}:${entry.location.line}:${entry.location.column}${entry.finding.source?.functionName ? ` (${entry.finding.source.functionName})` : ''}`);
  lines.push(`  Why: ${entry.finding.explanation}`, `  What to do: ${entry.finding.fix.summary}`);
  return lines;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
