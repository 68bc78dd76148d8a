import { ErrorCode, LeakscopeError } from '../common/errors';
import type { TargetMemoryFacts } from '../memory/headroom';
import { targetMemoryFacts, type RawTargetMemory } from '../memory/targetMemoryFacts';
import type { InspectorConnection } from './connection';
import { evaluateProbe } from './memorySampler';

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
  return targetMemoryFacts(JSON.parse(text) as RawTargetMemory);
}
