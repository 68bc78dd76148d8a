import type { DebugProtocol } from '@vscode/debugprotocol';
import { LEAK_VERDICTS, type LeakVerdict } from '../report/verdicts';

/** A `leakscope` launch configuration, as launch.json holds it (package.json declares the same attributes). */
export interface LeakCheckConfiguration {
  request: 'launch' | 'attach';
  name?: string;
  /** launch: the script to run with Node, or any command with `runtimeExecutable`. */
  program?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** The Node (or npm…) to launch; default `node` on the PATH. */
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  /** attach: where the process's inspector listens, or its ws:// URL. */
  address?: string;
  port?: number;
  /** GET `url` `requests` times per cycle, or evaluate `expression` in the target. */
  workload: { url?: string; requests?: number; expression?: string };
  /** Wait until this URL answers before the check starts (default: the workload URL, launch only). */
  readyUrl?: string;
  cleanup?: string;
  cycles?: number;
  warmup?: number;
  trackAllocations?: boolean;
  /** How the heap is captured (default auto: snapshots when they fit, sampling otherwise). */
  capture?: 'auto' | 'snapshot' | 'sampling';
  /** What the target may use in all, `1.5G`; default: its cgroup limit, else the machine's available memory. */
  memoryLimit?: string;
  /** `leak`: the session ends with exit code 3 and says so when the verdict is a leak. */
  failOn?: 'leak' | 'never';
  /** Snapshots and report.json|md|html; default `leakscope-out` in `cwd`. */
  outDir?: string;
}

export type LeakCheckLaunchArguments = DebugProtocol.LaunchRequestArguments & LeakCheckConfiguration;

/** The custom event the adapter sends when the report is written; the extension opens it. */
export interface ReportEventBody {
  reportFile: string;
  verdict: LeakVerdict;
  failed: boolean;
}

const VERDICTS: ReadonlySet<unknown> = new Set(LEAK_VERDICTS);

/** VS Code hands a custom event's body over as `any`: the extension takes it as a ReportEventBody only after this check. */
export function isReportEventBody(body: unknown): body is ReportEventBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    'reportFile' in body &&
    typeof body.reportFile === 'string' &&
    'verdict' in body &&
    VERDICTS.has(body.verdict) &&
    'failed' in body &&
    typeof body.failed === 'boolean'
  );
}

export const REPORT_EVENT = 'leakscopeReport';
