import { promises as fs } from 'node:fs';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { asLeakReport } from '../report/compareReports';
import type { LeakReport } from '../report/leakReport';

/**
 * A leak check's report.json, told apart from the other files people hand over by mistake (a
 * snapshot, a diff); `wanted` ends those messages with what the caller takes instead.
 */
export async function readReport(file: string, wanted = 'fix takes the report.json that leakscope run, attach or demo writes'): Promise<LeakReport> {
  let text: string;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const head = Buffer.alloc(4096);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (/^\s*\{\s*"snapshot"\s*:/.test(head.subarray(0, bytesRead).toString('utf8'))) {
        throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a heap snapshot, not a Leakscope report; ${wanted}.`);
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
  const r = value as Record<string, unknown> | null;
  if (r && typeof r === 'object' && !('findings' in r) && 'groups' in r && 'classes' in r) {
    throw new LeakscopeError(ErrorCode.FileUnreadable, `${file} is a heap diff, not a Leakscope report; ${wanted}.`);
  }
  return asLeakReport(value, file);
}
