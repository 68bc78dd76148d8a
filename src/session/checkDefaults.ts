import type { CaptureMode } from './types';

/**
 * What a leak check does where its host is told nothing: the CLI's options, the MCP tool's input,
 * a `leakscope` launch configuration and the editor's settings (whose defaults package.json
 * repeats, kept equal by test/contributions.test.ts) all fall back to these, so the same check
 * asked for in two places is the same check.
 */
export const LEAK_CHECK_DEFAULTS = {
  warmup: 1,
  cycles: 5,
  /** Requests per cycle, for a workload URL. */
  requests: 100,
  /** Snapshots and report.json|md|html, relative to the host's working folder. */
  outDir: 'leakscope-out',
  capture: 'auto',
} as const satisfies { warmup: number; cycles: number; requests: number; outDir: string; capture: CaptureMode };
