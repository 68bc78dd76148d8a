/** Shaped like vscode.Progress: `increment` is a percentage of the whole task. */
export interface ProgressStep {
  message?: string;
  increment?: number;
}

export interface Progress {
  report(step: ProgressStep): void;
}

export const NoProgress: Progress = { report() {} };

/**
 * Reports a byte- or item-counted phase as percentage increments of a parent progress,
 * throttled so hot loops can call `advance` freely.
 */
export class PhaseProgress {
  private reported = 0;

  constructor(
    private readonly progress: Progress,
    private readonly total: number,
    /** Share of the parent task this phase covers, in percent. */
    private readonly share: number,
    private readonly message: string,
  ) {}

  update(done: number): void {
    if (this.total <= 0) return;
    const target = Math.min(1, done / this.total) * this.share;
    if (target - this.reported >= 0.5 || (done >= this.total && target > this.reported)) {
      this.progress.report({ message: this.message, increment: target - this.reported });
      this.reported = target;
    }
  }

  finish(): void {
    this.update(this.total);
  }
}
