/**
 * How far a spotting scan has come and how long the rest should take: the rate is
 * measured over this run's own frames (a resumed scan starts its clock at the resume
 * point, so frames measured by an earlier process do not make it look fast).
 */
export interface ScanEta {
  /** Frames of the scan done (resumed frames included) and in all. */
  readonly framesDone: number;
  readonly framesTotal: number;
  /** This run's rate, frames per second (0 until a frame is done). */
  readonly framesPerSecond: number;
  /** Seconds left at that rate; null until there is a rate. */
  readonly etaSeconds: number | null;
}

export class ScanClock {
  readonly #total: number;
  readonly #startDone: number;
  readonly #startMs: number;
  readonly #now: () => number;

  /** `startDone`: frames already done when this run started (a resume). */
  constructor(total: number, startDone = 0, now: () => number = () => performance.now()) {
    this.#total = Math.max(0, total);
    this.#startDone = Math.max(0, Math.min(startDone, this.#total));
    this.#now = now;
    this.#startMs = now();
  }

  at(framesDone: number): ScanEta {
    const done = Math.max(0, Math.min(framesDone, this.#total));
    const seconds = (this.#now() - this.#startMs) / 1000;
    const measured = done - this.#startDone;
    const rate = measured > 0 && seconds > 0 ? measured / seconds : 0;
    return {
      framesDone: done,
      framesTotal: this.#total,
      framesPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.round((this.#total - done) / rate) : null,
    };
  }
}
