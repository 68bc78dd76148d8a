import type { Finding } from '../analysis/types';
import { renderFindingsText } from '../render/findingsText';
import type { LeakReport } from '../report/leakReport';
import type { SetAsideFinding } from './setAsideGrowth';

/**
 * Thrown by checkLeaks when something grows with every call: a test fails on it like on an
 * assertion. `code` is the one Node's assertions use, so runners show it as a failed
 * expectation rather than as a crash.
 */
export class LeakError extends Error {
  // Not ERR_ASSERTION: Jest prints errors with that code as an expected/received comparison.
  readonly code = 'ERR_LEAKSCOPE_LEAK';
  /** What grows per iteration and what holds it. */
  declare readonly findings: Finding[];
  /** The whole check, as `leakscope run` writes report.json. */
  declare readonly report: LeakReport;

  /** Growth set aside as the engine's or the test harness's. */
  declare readonly setAside: SetAsideFinding[];

  constructor(findings: Finding[], report: LeakReport, setAside: SetAsideFinding[] = []) {
    const count = findings.length === 1 ? 'One holder grows' : `${findings.length} holders grow`;
    super(`${count} with every call and survive${findings.length === 1 ? 's' : ''} GC:\n\n${renderFindingsText(findings).trimEnd()}`);
    this.name = 'LeakError';
    // Runners print an error's enumerable properties (Vitest as "Serialized Error", node:test
    // inline); the report holds the whole heap diff, which would bury the message.
    Object.defineProperty(this, 'findings', { value: findings, enumerable: false });
    Object.defineProperty(this, 'report', { value: report, enumerable: false });
    Object.defineProperty(this, 'setAside', { value: setAside, enumerable: false });
  }
}
