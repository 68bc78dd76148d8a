// `leakscope/test`: leak checks inside a test suite (node:test, Jest, Vitest, Mocha…).
export { checkLeaks, type CheckLeaksOptions, type CheckLeaksResult } from './checkLeaks';
export { LeakError } from './leakError';
export type { SetAsideFinding } from './setAsideGrowth';
export type { Finding, FindingKind, GroupGrowth } from '../analysis/types';
export type { LeakReport, LeakVerdict } from '../report/leakReport';
