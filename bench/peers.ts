/**
 * The other snapshot tools live in bench/peers/node_modules, apart from Leakscope's own
 * dependencies, and are loaded by absolute path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './generate';

export const PEERS_DIR = join(REPO_ROOT, 'bench', 'peers');
export const PEER_MODULES = join(PEERS_DIR, 'node_modules');

const REQUIRED = ['@memlab/core', '@vscode/v8-heap-parser', 'chrome-devtools-mcp', 'heapsnapshot-parser'];

export function ensurePeersInstalled(): void {
  if (REQUIRED.every((name) => existsSync(join(PEER_MODULES, name, 'package.json')))) return;
  process.stderr.write('[bench] installing peers into bench/peers…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    // MemLab depends on puppeteer, whose install script would download a browser it never uses here.
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (result.status !== 0) throw new Error(`npm install in bench/peers failed (${result.error?.message ?? `exit ${result.status}`})`);
}

export function requirePeer<T>(specifier: string): T {
  return require(require.resolve(specifier, { paths: [PEERS_DIR] })) as T;
}

export function peerVersion(name: string): string {
  try {
    return (require(join(PEER_MODULES, name, 'package.json')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
