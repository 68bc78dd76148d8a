/**
 * The fixes a finding can name, one vocabulary for the detectors that choose one (analysis) and
 * the quick-fix rules that answer it (fixes), which do not import each other. A fix id says what
 * to do, not what was found: two detectors of one kind may ask for different fixes, and one
 * fix may answer findings of several kinds.
 */
export const FIX_IDS = [
  'bound-array',
  'bound-cache',
  'bound-label',
  'break-context-chain',
  'configure-package',
  'hoist-pool',
  'keep-needed-fields',
  'listener-remove',
  'orm-fork-per-request',
  'redis-backpressure',
  'redis-offline-queue',
  'release-references',
  'remove-event-listener',
  'timer-clear',
  'unsubscribe',
] as const;

export type FixId = (typeof FIX_IDS)[number];

const KNOWN: ReadonlySet<string> = new Set(FIX_IDS);

/** The one way a string from outside (a report.json from a pull request) becomes a fix id. */
export function isFixId(value: unknown): value is FixId {
  return typeof value === 'string' && KNOWN.has(value);
}
