import { ErrorCode, LeakscopeError } from '../common/errors';
import type { TargetMemoryFacts } from '../memory/headroom';
import { targetMemoryFacts, type RawTargetMemory } from '../memory/targetMemoryFacts';
import type { InspectorConnection } from './connection';
import { evaluateProbe } from './memorySampler';
import { fieldOf, isAmount, isOptionalText, parseTargetJson } from './targetValues';

/**
 * Read inside the target, so a process in a container reports its own cgroup and /proc. Every
 * cgroup directory from the process's own up to the hierarchy's root is read: a limit on a
 * parent applies too, and with a cgroup namespace the process's own is the root.
 */
const MEMORY_EXPRESSION = `(() => {
  const load = (m) => process.getBuiltinModule ? process.getBuiltinModule(m)
    : process.mainModule ? process.mainModule.require(m) : require(m);
  const fs = load('fs');
  const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };
  const cgroups = [];
  const levels = (root, path, version, files) => {
    const parts = (path || '/').split('/').filter(Boolean).slice(0, 32);
    for (let i = parts.length; i >= 0; i--) {
      const dir = root + (i ? '/' + parts.slice(0, i).join('/') : '');
      const limit = read(dir + '/' + files[0]);
      if (limit !== undefined) cgroups.push({ version, limit, usage: read(dir + '/' + files[1]), stat: read(dir + '/memory.stat') });
    }
  };
  if (process.platform === 'linux') {
    for (const line of (read('/proc/self/cgroup') || '').split('\\n')) {
      const [, controllers, path] = line.split(':');
      if (controllers === '' && path !== undefined) levels('/sys/fs/cgroup', path, 2, ['memory.max', 'memory.current']);
      else if (controllers && controllers.split(',').includes('memory')) levels('/sys/fs/cgroup/memory', path, 1, ['memory.limit_in_bytes', 'memory.usage_in_bytes']);
    }
  }
  const memory = process.memoryUsage();
  return JSON.stringify({
    pid: process.pid, rss: memory.rss, heapUsed: memory.heapUsed, cgroups,
    stat: process.platform === 'linux' ? read('/proc/self/stat') : undefined,
    meminfo: process.platform === 'linux' ? read('/proc/meminfo') : undefined,
  });
})()`;

export async function readTargetMemory(connection: InspectorConnection): Promise<TargetMemoryFacts> {
  const text = await evaluateProbe(connection, MEMORY_EXPRESSION);
  if (typeof text !== 'string')
    throw new LeakscopeError(ErrorCode.TargetUnreachable, 'The target did not report its memory limits; is it a Node.js process?');
  const raw = parseTargetJson(text);
  if (!isRawTargetMemory(raw))
    throw new LeakscopeError(
      ErrorCode.TargetUnreachable,
      'The target reported its memory limits in a shape Node.js never does; is it a Node.js process (or has its code replaced process.memoryUsage or JSON)?',
    );
  return targetMemoryFacts(raw);
}

/** The target's code runs before the probe and may have replaced what it calls, so its answer is checked, not trusted. */
function isRawTargetMemory(value: unknown): value is RawTargetMemory {
  const pid = fieldOf(value, 'pid');
  const cgroups = fieldOf(value, 'cgroups');
  return (
    isAmount(pid) &&
    Number.isInteger(pid) &&
    isAmount(fieldOf(value, 'rss')) &&
    isAmount(fieldOf(value, 'heapUsed')) &&
    isOptionalText(fieldOf(value, 'stat')) &&
    isOptionalText(fieldOf(value, 'meminfo')) &&
    Array.isArray(cgroups) &&
    cgroups.every(
      (level: unknown) =>
        (fieldOf(level, 'version') === 1 || fieldOf(level, 'version') === 2) &&
        isOptionalText(fieldOf(level, 'limit')) &&
        isOptionalText(fieldOf(level, 'usage')) &&
        isOptionalText(fieldOf(level, 'stat')),
    )
  );
}
