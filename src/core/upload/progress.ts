/** Progress of an upload made of parts that are sent in parallel and may be re-sent. */

/**
 * Sums bytes sent over all parts into one monotonic count that ends exactly at `total`. A part that is retried
 * starts again from zero on the wire, but only bytes beyond what that part had already counted move the total,
 * so the reported value never goes back.
 */
export class ProgressTracker {
  private readonly counted = new Map<number, number>();
  private sent = 0;
  private lastReported = -1;

  constructor(
    readonly total: number,
    private readonly onProgress?: (sentBytes: number, totalBytes: number) => void,
  ) {}

  get sentBytes(): number {
    return this.sent;
  }

  /** Reports that attempt bytes of `part` reached `bytesOfPart` (counted from the start of this attempt). */
  update(part: number, bytesOfPart: number): void {
    const before = this.counted.get(part) ?? 0;
    if (bytesOfPart <= before) return;
    this.counted.set(part, bytesOfPart);
    this.sent += bytesOfPart - before;
    this.report();
  }

  /** Emits the current value (once per distinct value), e.g. `0` at the start and `total` at the end. */
  report(): void {
    if (this.sent === this.lastReported) return;
    this.lastReported = this.sent;
    this.onProgress?.(this.sent, this.total);
  }
}
