import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, errorMessage, LeakscopeError } from '../common/errors';

export interface FileChange {
  /** A real path: a symlink's target is replaced, so the link stays a link. */
  file: string;
  /** The text the change was computed from. */
  before: string;
  after: string;
}

/**
 * Writes all the changes or none. Each new text goes to a temporary file beside its target first;
 * then every target is compared with the text it was read as, and only when none changed in the
 * meantime (an editor saving the file while the fix was analysed) are the temporaries renamed
 * into place, so an edit made meanwhile is never lost and a write is never partial.
 */
export async function replaceFiles(changes: FileChange[]): Promise<void> {
  const temps: string[] = [];
  const cleanUp = () => Promise.all(temps.map((t) => fs.rm(t, { force: true })));
  const fail = async (file: string, e: unknown): Promise<never> => {
    await cleanUp();
    throw new LeakscopeError(
      ErrorCode.FileUnreadable,
      `Cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}); nothing was written.`,
    );
  };
  for (const { file, after } of changes) {
    const temp = join(dirname(file), `.${basename(file)}.leakscope-${process.pid}.tmp`);
    try {
      const mode = (await fs.stat(file)).mode;
      // 'wx': never through a link planted at the temporary name.
      await fs.writeFile(temp, after, { mode, flag: 'wx' });
      temps.push(temp);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') temps.push(temp);
      await fail(file, e);
    }
  }
  for (const { file, before } of changes) {
    let now: string;
    try {
      now = await fs.readFile(file, 'utf8');
    } catch (e) {
      return fail(file, e);
    }
    if (now !== before) {
      await cleanUp();
      throw new LeakscopeError(
        ErrorCode.FileUnreadable,
        `${file} changed since Leakscope read it, so nothing was written; run fix again on the saved file.`,
      );
    }
  }
  for (let i = 0; i < changes.length; i++) {
    try {
      await fs.rename(temps[i], changes[i].file);
    } catch (e) {
      return fail(changes[i].file, e);
    }
  }
}
