import type { Finding, SnapshotDiff } from './types';

/**
 * Takes out of the findings those whose holder the program's code bounds (the holder-code step
 * marks them with `growth.boundInCode`: a timer per entry that deletes it, a trim after each
 * insert), and gives their group that growth, so that the report's summary says why they are not
 * called leaks.
 */
export function setAsideBoundInCode(findings: Finding[], diff: SnapshotDiff): Finding[] {
  return findings.filter((f) => {
    if (!f.growth.boundInCode) return true;
    const holderId = f.holderPath.at(-1)?.node.id;
    const group = diff.groups.find((g) => g.holderId === holderId);
    if (group) group.growth = f.growth;
    return false;
  });
}
