import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * A finding's source file as a local path: a path (relative ones against `root`) or file:// URL,
 * or its tail under `root` when the report came from another machine or a container. Not
 * checked against `root`: whoever reads the file passes it through `insideRoot` first.
 */
export function locateSource(
  finding: { source?: { file: string; line: number; column: number } },
  root: string,
): SourceLocation | undefined {
  const source = finding.source;
  if (!source || source.file.startsWith('node:')) return undefined;
  let file = source.file;
  if (file.startsWith('file:')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  const local = resolveUnder(file, root);
  return local ? { file: local, line: source.line, column: source.column } : undefined;
}

/** A path from the report as a file here: relative to `root`, as is, or its tail under `root`. */
export function resolveUnder(file: string, root: string): string | undefined {
  if (!isAbsolute(file)) {
    const joined = resolve(root, file);
    return isFile(joined) ? joined : undefined;
  }
  if (isFile(file)) return file;
  // A path from another machine: /app/src/orders.js may be ROOT/src/orders.js here.
  const parts = file.split(/[\\/]+/).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const candidate = join(root, ...parts.slice(i));
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
