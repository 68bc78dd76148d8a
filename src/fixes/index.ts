export { analyzeSource, SOURCE_EXTENSIONS } from './analyzeSource';
export { applyEdits, editsConflict } from './applyEdits';
export { fixesForFinding, holderNames, rulesForFinding, type MatchReason } from './fixesForFinding';
export { findHolderCode, type CodeSite, type HolderCode } from './holderCode';
export { RULES } from './rules/index';
export type { CodeFix, FindingLocator, FixDiagnostic, FixRule, TextEdit } from './types';
export { unifiedDiff } from './unifiedDiff';
