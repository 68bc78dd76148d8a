import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';
import { hasFields } from './shape';

/** An ioredis client, by the fields it always has (its class can show as anything, e.g. EventEmitter). */
const CLIENT_FIELDS = ['offlineQueue', 'commandQueue', 'connector', 'condition'];

/**
 * Commands piling up in an ioredis client's queues: while Redis is unreachable, every command
 * waits in `offlineQueue` (with `maxRetriesPerRequest: null`, forever), each keeping its
 * arguments and the caller's promise. Recognised by the client's shape on the holder's path.
 */
export const redisQueueDetector: Detector = {
  id: 'redis-queue',
  title: 'Redis commands queueing up while the connection is down',
  detect({ group, graph, pathNodes }) {
    const steps = group.holderPath;
    for (let i = steps.length - 1; i >= Math.max(1, steps.length - 3); i--) {
      const queue = steps[i].edge;
      if (queue !== 'offlineQueue' && queue !== 'commandQueue') continue;
      if (!hasFields(graph, pathNodes[i - 1], CLIENT_FIELDS)) continue;
      const client = steps[i - 1].edge || 'the client';
      const offline = queue === 'offlineQueue';
      return {
        kind: 'unbounded-collection',
        title: `ioredis commands pile up in ${client}.${queue}${offline ? ' while Redis is unreachable' : ''}`,
        confidence: 'high',
        explanation:
          `${Math.round(group.growth?.objectsPerCycle ?? 0)} objects (${formatBytes(group.growth?.bytesPerCycle ?? 0)}) per cycle: ` +
          (offline
            ? 'each command issued while the connection is down waits in the offline queue with its arguments and promise, and nothing bounds the wait.'
            : 'commands are sent faster than Redis answers them, so the queue of commands awaiting replies only grows.'),
        fix: offline
          ? {
              id: 'redis-offline-queue',
              summary:
                'Fail fast while disconnected: enableOfflineQueue: false, or a finite maxRetriesPerRequest; and check the connection (its error events).',
            }
          : {
              id: 'redis-backpressure',
              summary: 'Bound the work in flight (await commands, or batch them with a pipeline) so replies keep up with requests.',
            },
      };
    }
    return undefined;
  },
};
