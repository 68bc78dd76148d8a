import { formatBytes } from '../../common/bytes';
import type { Detector } from './detector';
import { hasFields } from './shape';

/**
 * Timers created per request and never cleared. Node links active timers into a per-duration
 * list through `_idleNext`/`_idlePrev`; a group of Timeouts that keeps growing there is held by
 * the timer list itself, and each one keeps its callback and whatever that captures. An interval
 * has a number in `_repeat` (no edge in the snapshot), a one-shot timeout has null.
 */
export const timerDetector: Detector = {
  id: 'timer-list',
  title: 'Timers created per request and never cleared',
  detect({ group, graph, holder, sampleNodes }) {
    if (!group.classes.some((c) => c.className === 'Timeout')) return undefined;
    if (!hasFields(graph, holder, ['_idleNext', '_idlePrev'])) return undefined;
    const intervals = sampleNodes.some(
      (node) => node >= 0 && hasFields(graph, node, ['_onTimeout']) && !hasFields(graph, node, ['_repeat']),
    );
    const what = intervals ? 'setInterval timers' : 'Timers';
    return {
      kind: 'timer',
      title: `${what} created every cycle are never cleared`,
      confidence: 'high',
      explanation:
        `${what} pile up in Node's timer list (${Math.round(group.growth?.objectsPerCycle ?? 0)} objects, ${formatBytes(group.growth?.bytesPerCycle ?? 0)} per cycle); ` +
        'each keeps its callback alive, and with it everything the callback captures (often the request).',
      fix: {
        id: 'timer-clear',
        summary:
          'Keep the handle and clear it (clearInterval/clearTimeout) when its owner closes, or create one timer at startup; unref() it if it must not keep the process alive.',
      },
    };
  },
};
