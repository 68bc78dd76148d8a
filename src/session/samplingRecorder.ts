import type { InspectorConnection } from '../inspector/connection';
import { samplingFindings, siteGrowth, type SamplingOptions, type StackFrame } from '../analysis/samplingLeaks';
import type { Finding } from '../analysis/types';
import type { SamplingProfile } from '../memory/samplingProfile';

/**
 * V8's sampling heap profiler over a check: started at the baseline, marked after each cycle and
 * GC (the highest live sample ordinal is that cycle's end), read for findings at the end. The
 * sampling check runs on it, and `auto` keeps one running beside its snapshots so that a later
 * snapshot that no longer fits leaves the check with evidence from the baseline on.
 */
export class SamplingRecorder {
  private readonly boundaries: number[] = [];
  private last?: SamplingProfile;
  private running = false;

  private constructor(
    private readonly connection: InspectorConnection,
    readonly samplingInterval: number,
  ) {}

  /** Starts the profiler; the samples alive now are the baseline's. */
  static async start(connection: InspectorConnection, samplingInterval: number): Promise<SamplingRecorder> {
    const recorder = new SamplingRecorder(connection, samplingInterval);
    await connection.startSampling(samplingInterval);
    recorder.running = true;
    await recorder.mark();
    return recorder;
  }

  /** The end of a cycle (or the baseline): call after its cleanup and GC. */
  async mark(): Promise<void> {
    this.last = await this.connection.samplingProfile();
    this.boundaries.push(maxOrdinal(this.last, this.boundaries.length > 0 ? this.boundaries[this.boundaries.length - 1] : -1));
  }

  /** Cycles marked since the baseline. */
  get cycles(): number {
    return Math.max(0, this.boundaries.length - 1);
  }

  findings(options?: SamplingOptions): Finding[] {
    if (!this.last) return [];
    return samplingFindings({ samplingInterval: this.samplingInterval, boundaries: this.boundaries, final: this.last }, options);
  }

  /** The sites whose surviving samples weigh most so far, steady or not: where a holder walk starts. */
  heaviestSites(count: number): StackFrame[] {
    if (!this.last) return [];
    const total = (bytes: number[]) => bytes.reduce((a, b) => a + b, 0);
    return siteGrowth({ samplingInterval: this.samplingInterval, boundaries: this.boundaries, final: this.last })
      .sort((a, b) => total(b.bytes) - total(a.bytes))
      .slice(0, count)
      .map((s) => s.site);
  }

  /** Stops the profiler and lets the last profile go; safe to call twice and when the target is gone. */
  async stop(): Promise<void> {
    this.last = undefined;
    if (!this.running) return;
    this.running = false;
    await this.connection.stopSampling().catch(() => undefined);
  }
}

function maxOrdinal(profile: SamplingProfile, floor: number): number {
  let max = floor;
  for (const s of profile.samples) if (s.ordinal > max) max = s.ordinal;
  return max;
}
