export { analyzeSource, SOURCE_EXTENSIONS } from './analyzeSource';
export { applyEdits, editsConflict } from './applyEdits';
export { fixesForFinding, holderNames, rulesForFinding, type MatchReason } from './fixesForFinding';
export { findHolderCode, type CodeSite, type HolderCode } from './holderCode';
export { timerDropsFrom } from './timerCallback';
export { lengthBoundAt } from './lengthBound';
export { RULES } from './rules/index';
export type { CodeFix, FindingLocator, FixDiagnostic, FixRule, TextEdit } from './types';
export { unifiedDiff } from './unifiedDiff';
export { contains, insideRoot } from './insideRoot';
export { isFile, locateSource, resolveUnder, type SourceLocation } from './locateSource';
export {
  dependencyChange,
  manifestFor,
  manifestWith,
  missingDependencies,
  nearestPackageJson,
  type ManifestChange,
} from './packageDependencies';
