import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import type { LeakReport } from '../report/leakReport';
import { renderReportHtml } from '../render/reportHtml';
import { renderReportMarkdown } from '../render/reportMarkdown';

/** Writes each file under a temporary name and renames it, so a failed run leaves nothing that looks complete. */
export async function writeOutputs(dir: string, files: Record<string, string>): Promise<string[]> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new LeakscopeError(
      ErrorCode.FileUnreadable,
      `Cannot create the output folder ${dir} (${(e as NodeJS.ErrnoException).code ?? e}).`,
    );
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const target = join(dir, name);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      await fs.writeFile(temp, content);
      await fs.rename(temp, target);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw new LeakscopeError(ErrorCode.FileUnreadable, `Cannot write ${target} (${(e as NodeJS.ErrnoException).code ?? e}).`);
    }
    written.push(target);
  }
  return written;
}

/** report.json, report.md and report.html of a leak check, side by side. */
export function writeReportFiles(dir: string, report: LeakReport): Promise<string[]> {
  return writeOutputs(dir, {
    'report.json': JSON.stringify(report, null, 2) + '\n',
    'report.md': renderReportMarkdown(report),
    'report.html': renderReportHtml(report),
  });
}
