import { join } from 'node:path';
import { readTextFile, type TextReader } from './sourceMaps';

/** The `version` field of the package.json in an installed package's folder; undefined when it cannot be read. */
export function packageVersion(packageDir: string, readFile: TextReader = readTextFile): string | undefined {
  const text = readFile(join(packageDir, 'package.json'));
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : undefined;
  } catch {
    return undefined;
  }
}
