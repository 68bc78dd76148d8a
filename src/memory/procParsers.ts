import type { LinuxMemory } from './types';

/** Parses `Key:   123 kB` lines (/proc/self/status, /proc/self/smaps_rollup) into bytes by key. */
export function parseKbFields(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_()]+):\s+(\d+)\s*kB\s*$/.exec(line);
    if (match) fields.set(match[1], Number(match[2]) * 1024);
  }
  return fields;
}

/** The Linux view of a process's memory, from the texts of /proc/self/status and smaps_rollup. */
export function linuxMemory(status: string | undefined, smapsRollup: string | undefined): LinuxMemory | undefined {
  if (!status) return undefined;
  const s = parseKbFields(status);
  if (!s.has('VmRSS')) return undefined;
  const rollup = smapsRollup ? parseKbFields(smapsRollup) : undefined;
  return {
    rssAnon: s.get('RssAnon') ?? 0,
    rssFile: s.get('RssFile') ?? 0,
    rssShmem: s.get('RssShmem') ?? 0,
    vmHwm: s.get('VmHWM') ?? 0,
    vmSwap: s.get('VmSwap') ?? 0,
    ...(rollup?.has('Pss') ? { pss: rollup.get('Pss')! } : {}),
    ...(rollup?.has('Private_Dirty') ? { privateDirty: rollup.get('Private_Dirty')! } : {}),
  };
}
