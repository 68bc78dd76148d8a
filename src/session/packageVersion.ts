import { join } from 'node:path';
import { fieldOf } from '../inspector/targetValues';
import { readTextFile, type TextReader } from './sourceMaps';

/** The `version` field of the package.json in an installed package's folder; undefined when it cannot be read. */
export function packageVersion(packageDir: string, readFile: TextReader = readTextFile): string | undefined {
  const text = readFile(join(packageDir, 'package.json'));
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  // A dependency's file: anything but a textual version is no version known.
  const version = fieldOf(json, 'version');
  return typeof version === 'string' ? version : undefined;
}

/** Leakscope's own version: the CLI and the MCP server run from out/src/<layer>, three folders below its package.json. */
export function leakscopeVersion(): string {
  return packageVersion(join(__dirname, '..', '..', '..')) ?? 'unknown';
}
