import { mkdtempSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExitRecord, ProcessReport } from './launchProtocol';
import { fieldOf, isOptionalText, isTextList, isWholeNumber } from './targetValues';
import { hasProcFs, isRunning, listeningSocketsOf, parentPid, startTime } from './procFs';

/** A Node process that the launched command started, as its preload reported it. */
export interface TreeProcess extends ProcessReport {
  /** Its start time, read when it was first seen, so a reused PID is not taken for it. */
  started?: string;
}

export interface MeasuredChoice {
  process: TreeProcess;
  /** Why this one, as the end of a sentence: "it listens on port 3000, where … goes". */
  reason: string;
}

const MAX_PROCESSES = 256;
const MAX_REPORT_BYTES = 256 * 1024;

/**
 * The launch's private directory (mode 0700, under the system's temp dir), where every Node
 * process of the command writes `<pid>.json` when it starts and `<pid>.exit` when it exits.
 * Reading it is bounded: at most 256 processes, each file at most 256 KB, and anything that is
 * not a well-formed report of the PID it is named after is skipped.
 */
export class LaunchDirectory {
  private readonly known = new Map<number, TreeProcess>();

  private constructor(readonly path: string) {}

  static create(): LaunchDirectory {
    return new LaunchDirectory(mkdtempSync(join(tmpdir(), 'leakscope-launch-')));
  }

  /** Every process reported so far, oldest first. */
  processes(): TreeProcess[] {
    let names: string[];
    try {
      names = readdirSync(this.path);
    } catch {
      return [...this.known.values()];
    }
    for (const name of names) {
      if (this.known.size >= MAX_PROCESSES) break;
      const match = /^(\d+)\.json$/.exec(name);
      if (!match || this.known.has(Number(match[1]))) continue;
      const report = processReport(this.readJson(name));
      if (!report || report.pid !== Number(match[1])) continue;
      this.known.set(report.pid, { ...report, started: startTime(report.pid) });
    }
    return [...this.known.values()];
  }

  /** The exit code the process recorded, if it exited the ordinary way. */
  exitOf(pid: number): ExitRecord | undefined {
    const code = fieldOf(this.readJson(`${pid}.exit`), 'code');
    return isWholeNumber(code) ? { code } : undefined;
  }

  isAlive(p: TreeProcess): boolean {
    return isRunning(p.pid, p.started) && this.exitOf(p.pid) === undefined;
  }

  async dispose(): Promise<void> {
    await fs.rm(this.path, { recursive: true, force: true }).catch(() => undefined);
  }

  private readJson(name: string): unknown {
    try {
      const file = join(this.path, name);
      if (statSync(file).size > MAX_REPORT_BYTES) return undefined;
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }
}

/** A process's report, its fields checked and copied; undefined when it is not one (the file is the process's, so the target's to write). */
function processReport(value: unknown): ProcessReport | undefined {
  const pid = fieldOf(value, 'pid');
  const ppid = fieldOf(value, 'ppid');
  const argv = fieldOf(value, 'argv');
  const execArgv = fieldOf(value, 'execArgv');
  const webSocketUrl = fieldOf(value, 'webSocketUrl');
  const movedFrom = fieldOf(value, 'movedFrom');
  if (!isWholeNumber(pid) || !isWholeNumber(ppid)) return undefined;
  if (!isTextList(argv) || !isTextList(execArgv) || !isOptionalText(webSocketUrl) || !isOptionalText(movedFrom)) return undefined;
  if (webSocketUrl !== undefined && !/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+\/[\w-]+$/.test(webSocketUrl)) return undefined;
  return {
    pid,
    ppid,
    argv,
    execArgv,
    ...(webSocketUrl === undefined ? {} : { webSocketUrl }),
    ...(movedFrom === undefined ? {} : { movedFrom }),
  };
}

/**
 * Whether `pid` descends from `ancestor`. On Linux the real parent chain is walked, through
 * the shells and other programs between two Node processes (npm → sh → node); elsewhere only
 * the parents the preloads reported are known.
 */
export function descendsFrom(pid: number, ancestor: number, reported: ReadonlyMap<number, TreeProcess>): boolean {
  let current: number | undefined = pid;
  for (let depth = 0; depth < 64 && current !== undefined && current > 1; depth++) {
    current = hasProcFs ? parentPid(current) : reported.get(current)?.ppid;
    if (current === ancestor) return true;
  }
  return false;
}

/** The living processes that started no other living reported process. */
export function leaves(alive: TreeProcess[]): TreeProcess[] {
  const byPid = new Map(alive.map((p) => [p.pid, p]));
  return alive.filter((p) => !alive.some((other) => other !== p && descendsFrom(other.pid, p.pid, byPid)));
}

/** The processes that listen on `port` themselves, deepest (the one that started no other of them) first. */
export async function listenersOf(alive: TreeProcess[], port: number): Promise<TreeProcess[]> {
  const owners: TreeProcess[] = [];
  for (const p of alive) if ((await listeningSocketsOf(p.pid)).some((s) => s.port === port)) owners.push(p);
  const deepest = leaves(owners);
  return [...deepest, ...owners.filter((p) => !deepest.includes(p))];
}
