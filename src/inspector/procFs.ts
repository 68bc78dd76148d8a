import { promises as fs, readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * What Linux's /proc says about a process: its parent, its start time (a PID is reused, a
 * PID and start time are not), its program and the TCP sockets it listens on. Elsewhere every
 * function answers "unknown" (undefined or empty) and callers fall back to weaker evidence.
 */
export const hasProcFs = process.platform === 'linux';

export interface ListeningSocket {
  /** The address to reach it by from here: 127.0.0.1 for 0.0.0.0, ::1 for ::. */
  host: string;
  port: number;
  /** Bound to every interface (0.0.0.0 or ::), so reachable from other machines. */
  wildcard: boolean;
}

/** `/proc/PID/stat` fields after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The parent's PID, or undefined when the process is gone (or this is not Linux). */
export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** Clock ticks since boot at which the process started: with the PID, a name no other process will ever have. */
export function startTime(pid: number): string | undefined {
  const fields = statFields(pid);
  return fields?.[19];
}

/** True while `pid` runs (and, given its start time, is still the same process). A zombie counts as gone. */
export function isRunning(pid: number, started?: string): boolean {
  if (hasProcFs) {
    const fields = statFields(pid);
    if (!fields || fields[0] === 'Z' || fields[0] === 'X') return false;
    return started === undefined || fields[19] === started;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's argv from /proc/PID/cmdline. */
export function commandLine(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

const NODE_PROGRAM = /^node(js)?(\d+(\.\d+)*)?(\.exe)?$/;

/**
 * Whether `pid` runs Node.js, judged by its program (/proc/PID/exe), or by argv[0] when the
 * program is unreadable (another user's process). Undefined when /proc says nothing.
 */
export function isNodeProcess(pid: number): boolean | undefined {
  if (!hasProcFs) return undefined;
  let exe: string | undefined;
  try {
    exe = realpathSync(`/proc/${pid}/exe`);
  } catch {
    // EACCES for another user's process; argv[0] is all there is then.
  }
  if (exe !== undefined) return NODE_PROGRAM.test(basename(exe.replace(/ \(deleted\)$/, ''))) || exe === realpathSafe(process.execPath);
  const argv0 = commandLine(pid)?.[0];
  return argv0 === undefined ? undefined : NODE_PROGRAM.test(basename(argv0));
}

function realpathSafe(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Inodes of the sockets among the process's open files. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = await fs.readdir(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  await Promise.all(
    fds.map(async (fd) => {
      const link = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match) inodes.add(match[1]);
    }),
  );
  return inodes;
}

const LISTEN = '0A';

/** Listening TCP sockets in the process's network namespace, by inode. */
async function listeningTable(pid: number): Promise<Map<string, ListeningSocket>> {
  const table = new Map<string, ListeningSocket>();
  for (const [file, v6] of [
    ['tcp', false],
    ['tcp6', true],
  ] as const) {
    const text = await fs.readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10 || columns[3] !== LISTEN) continue;
      const [address, port] = columns[1].split(':');
      table.set(columns[9], { host: reachableHost(address, v6), port: parseInt(port, 16), wildcard: /^0+$/.test(address) });
    }
  }
  return table;
}

/** /proc prints addresses as 32-bit words in host byte order; this machine's order is little-endian. */
function reachableHost(hexAddress: string, v6: boolean): string {
  if (!v6) {
    const bytes = hexAddress
      .match(/../g)!
      .map((b) => parseInt(b, 16))
      .reverse();
    return bytes[0] === 0 ? '127.0.0.1' : bytes.join('.');
  }
  const words = hexAddress.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const text = words.join('');
  if (/^0{32}$/.test(text)) return '::1';
  if (/^0{20}ffff/.test(text)) return reachableHost(words[3].match(/../g)!.reverse().join(''), false);
  return words
    .flatMap((w) => [w.slice(0, 4), w.slice(4)])
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** The TCP sockets the process itself listens on (its own file descriptors, not its neighbours'). */
export async function listeningSocketsOf(pid: number): Promise<ListeningSocket[]> {
  if (!hasProcFs) return [];
  const [inodes, table] = await Promise.all([socketInodes(pid), listeningTable(pid)]);
  return [...inodes].flatMap((inode) => table.get(inode) ?? []);
}

/** The PID of a process (of this user) that listens on `port`, scanning /proc; bounded to a few thousand processes. */
export async function listenerOfPort(port: number, exceptPid?: number): Promise<number | undefined> {
  if (!hasProcFs) return undefined;
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).slice(0, 5000);
  for (const name of pids) {
    const pid = Number(name);
    if (pid === exceptPid) continue;
    if ((await listeningSocketsOf(pid)).some((s) => s.port === port)) return pid;
  }
  return undefined;
}
