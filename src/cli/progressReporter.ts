import type { Progress, ProgressStep } from '../common/progress';

/**
 * Progress on stderr: a rewritten line on a terminal, a line per 10% step otherwise (CI logs),
 * and nothing when quiet. Results go to stdout, so redirecting it stays clean.
 */
export class StderrProgress implements Progress {
  private percent = 0;
  private message = '';
  private lastLogged = -10;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
  ) {}

  /**
   * A new phase, e.g. "Reading after.heapsnapshot (190 MB)"; percentages restart. Off a terminal,
   * only phases marked big are logged, so CI logs are not flooded for small files.
   */
  phase(message: string, big = true): Progress {
    this.percent = 0;
    this.lastLogged = 0;
    this.message = message;
    this.phaseShown = big || Boolean(this.stream.isTTY);
    this.draw(true);
    return this;
  }

  private phaseShown = true;

  report(step: ProgressStep): void {
    if (step.increment) this.percent = Math.min(100, this.percent + step.increment);
    if (step.message && !this.message) this.message = step.message;
    this.draw(false);
  }

  /** A line of its own (a long wait explained), kept out of the way of the progress line; nothing when quiet. */
  note(line: string): void {
    if (!this.enabled) return;
    if (this.stream.isTTY && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
  }

  done(): void {
    if (this.enabled && this.stream.isTTY && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.enabled || !this.phaseShown) return;
    const pct = Math.floor(this.percent);
    if (this.stream.isTTY) {
      const now = Date.now();
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[2K${this.message} ${pct}%`);
      this.drawn = true;
    } else if (force) {
      this.stream.write(`${this.message}\n`);
    } else if (pct >= this.lastLogged + 10) {
      this.lastLogged = pct - (pct % 10);
      this.stream.write(`${this.message} ${pct}%\n`);
    }
  }
}
