import type { Finding, SnapshotDiff } from './types';

/**
 * Takes out of the findings those whose holder the code showed bounded by per-entry timers (the
 * holder code step marks them, `growth.pendingTimers.drops`), and gives their group that growth,
 * so that the report's summary says why they are not called leaks.
 */
export function setAsideTimerBounded(findings: Finding[], diff: SnapshotDiff): Finding[] {
  return findings.filter((f) => {
    if (!f.growth.pendingTimers?.drops) return true;
    const holderId = f.holderPath.at(-1)?.node.id;
    const group = diff.groups.find((g) => g.holderId === holderId);
    if (group) group.growth = f.growth;
    return false;
  });
}
