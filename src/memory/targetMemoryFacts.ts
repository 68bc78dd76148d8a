import type { TargetMemoryFacts } from './headroom';
import { parseKbFields } from './procParsers';

/** Files a target reads about itself (see inspector/targetMemory): its cgroup's memory files, level by level. */
export interface RawTargetMemory {
  pid: number;
  rss: number;
  heapUsed: number;
  stat?: string;
  meminfo?: string;
  /** One per cgroup directory from the target's own cgroup up to the root of the hierarchy. */
  cgroups: Array<{ version: 1 | 2; limit?: string; usage?: string; stat?: string }>;
}

/** v1 writes "no limit" as the largest page-aligned 63-bit number; anything near 2^63 is none. */
const NO_LIMIT = 2 ** 60;

export function targetMemoryFacts(raw: RawTargetMemory): TargetMemoryFacts {
  let cgroup: TargetMemoryFacts['cgroup'];
  // A limit anywhere above the process applies to it; the tightest one decides.
  for (const level of raw.cgroups) {
    const limit = Number(level.limit?.trim());
    if (!Number.isFinite(limit) || limit <= 0 || limit >= NO_LIMIT) continue;
    if (cgroup && cgroup.limit <= limit) continue;
    const usage = Number(level.usage?.trim());
    const inactiveFile = level.stat ? statField(level.stat, level.version === 2 ? 'inactive_file' : 'total_inactive_file') : undefined;
    cgroup = {
      version: level.version,
      limit,
      ...(Number.isFinite(usage) && usage > 0 ? { usage } : {}),
      ...(inactiveFile !== undefined ? { inactiveFile } : {}),
    };
  }
  const memAvailable = raw.meminfo ? parseKbFields(raw.meminfo).get('MemAvailable') : undefined;
  const startTime = raw.stat ? startTimeOf(raw.stat) : undefined;
  return {
    pid: raw.pid,
    rss: raw.rss,
    heapUsed: raw.heapUsed,
    ...(startTime !== undefined ? { startTime } : {}),
    ...(cgroup ? { cgroup } : {}),
    ...(memAvailable !== undefined ? { memAvailable } : {}),
  };
}

function statField(text: string, key: string): number | undefined {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so count from its end. */
export function startTimeOf(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const value = Number(fields[19]);
  return Number.isFinite(value) ? value : undefined;
}
