/**
 * Loaded with `--require` (through NODE_OPTIONS) into every Node process a command started by
 * Leakscope starts, npm, tsx and `node --watch` included, the way VS Code's auto attach
 * bootloader is. It opens this process's inspector on a free loopback port without pausing
 * anything, and writes where it is (with pid, parent and argv) to the launch's private
 * directory, so Leakscope can pick the process that serves the workload. It watches Leakscope
 * and ends this process if Leakscope is gone, even killed with SIGKILL, so nothing it launched
 * keeps an open inspector. It must never throw into the program, and it imports nothing of
 * Leakscope's but the protocol's names: it is loaded by path into programs that are not Leakscope.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAUNCH_DIR_ENV, OWNER_ENV, type ExitRecord, type ProcessReport } from './launchProtocol';

const OWNER_POLL_MS = 1000;
const FORCED_EXIT_MS = 5000;

function ownerAlive(owner: string): boolean {
  const [pidText, started] = owner.split(':');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[0] !== 'Z' && (!started || fields[19] === started);
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeAtomically(file: string, data: string): void {
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, data, { mode: 0o600 });
  fs.renameSync(temp, file);
}

function isLoopbackUrl(url: string): boolean {
  const host = /^wss?:\/\/(\[[^\]]+\]|[^:/]+)/.exec(url)?.[1] ?? '';
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Closes this process's inspector and ends it: Leakscope, the only one meant to use that inspector, is gone. */
function leave(dir: string): void {
  // Leakscope cannot remove its launch directory now; whichever process leaves first does.
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Another process of the tree removed it first.
  }
  try {
    (require('node:inspector') as typeof import('node:inspector')).close();
  } catch {
    // Never opened, or already closed.
  }
  // SIGTERM lets the program shut down as it would under a supervisor; if it ignores it, exit.
  setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
  try {
    process.kill(process.pid, 'SIGTERM');
  } catch {
    process.exit(1);
  }
}

function main(): void {
  const dir = process.env[LAUNCH_DIR_ENV];
  const owner = process.env[OWNER_ENV];
  if (!dir || !owner || !fs.existsSync(dir)) return;
  let worker: typeof import('node:worker_threads') | undefined;
  try {
    worker = require('node:worker_threads');
  } catch {
    // Very old Node: no threads either.
  }
  if (worker && !worker.isMainThread) return;
  if (!ownerAlive(owner)) return leave(dir);
  const report: ProcessReport = {
    pid: process.pid,
    ppid: process.ppid,
    argv: process.argv.slice(0, 64).map((a) => a.slice(0, 4096)),
    execArgv: process.execArgv.slice(0, 64).map((a) => a.slice(0, 4096)),
  };
  try {
    // The public module, not process.binding('inspector'): that one is deprecated (DEP0111) and
    // warns in programs run with --pending-deprecation. (Stacks missing under --track-allocations
    // were heap compaction, not this module: see InspectorConnection.setCompaction.)
    const inspector = require('node:inspector') as typeof import('node:inspector');
    const existing = inspector.url();
    if (existing && !isLoopbackUrl(existing)) {
      report.movedFrom = existing;
      inspector.close();
    }
    // Port 0: every process of the tree gets a port of its own; wait false: nothing pauses.
    if (!inspector.url()) inspector.open(0, '127.0.0.1', false);
    report.webSocketUrl = inspector.url();
  } catch {
    // A Node without the inspector: reported without an address.
  }
  try {
    writeAtomically(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
  } catch {
    // Leakscope removed its directory: it is done with this launch.
    return;
  }
  process.on('exit', (code) => {
    try {
      writeAtomically(path.join(dir, `${process.pid}.exit`), JSON.stringify({ code } satisfies ExitRecord));
    } catch {
      // Nothing to tell anyone.
    }
  });
  const watch = setInterval(() => {
    if (ownerAlive(owner)) return;
    clearInterval(watch);
    leave(dir);
  }, OWNER_POLL_MS);
  watch.unref();
}

try {
  main();
} catch {
  // Never break the program this was loaded into.
}
