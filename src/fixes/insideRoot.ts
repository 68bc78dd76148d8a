import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ErrorCode, LeakscopeError } from '../common/errors';
import { printable } from '../common/printable';

/**
 * The real path of `path` when it lies inside `root`; otherwise a refusal naming it. Every file
 * a fix reads or writes passes through here (the CLI with --root, the editor with the workspace
 * folder), because the paths come from a report.json that may have travelled in a pull request:
 * `..`, absolute paths, URLs resolved by the caller and symlinks that lead out are all caught by
 * comparing real paths.
 */
export function insideRoot(path: string, root: string): string {
  const absolute = resolve(root, path);
  const realRoot = realPath(root);
  const real = realPath(absolute);
  if (contains(realRoot, real)) return real;
  const via = real !== absolute ? ` (it leads to ${printable(real, 500)})` : '';
  // The path comes from a report, so it is shown as data.
  throw new LeakscopeError(
    ErrorCode.FileUnreadable,
    `${printable(path, 500)} is outside the project folder ${printable(root, 500)}${via}; Leakscope reads and changes only files inside it.`,
  );
}

/** Whether `path` is `root` or below it; both absolute and already real. */
export function contains(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${'/'}`) && !rel.startsWith('..\\'));
}

/** fs.realpath of the nearest existing ancestor, with the rest of the path appended. */
function realPath(path: string): string {
  const rest: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(realpathSync.native(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return path;
      rest.push(basename(p));
    }
  }
}
