/** Progress of uploads as people read it: combined byte counts, throughput, time left. */

/** Combines several uploads (a folder) into one progress: the sum of their sent bytes over the sum of their sizes. */
export class CombinedProgress {
  private readonly sentPer = new Map<string, number>();
  private sent = 0;

  constructor(
    readonly total: number,
    private readonly onProgress: (sentBytes: number, totalBytes: number) => void,
  ) {}

  /** A callback to pass as one upload's `onProgress`. */
  for(id: string): (sentBytes: number) => void {
    return (bytes) => {
      const before = this.sentPer.get(id) ?? 0;
      if (bytes <= before) return;
      this.sentPer.set(id, bytes);
      this.sent += bytes - before;
      this.onProgress(this.sent, this.total);
    };
  }
}

/** Throughput and time left from timestamped byte counts, over a sliding window (default 5 s). */
export class RateMeter {
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly windowMs = 5000) {}

  /** Records `bytes` sent so far at time `atMs`. */
  add(bytes: number, atMs: number): void {
    this.samples.push([atMs, bytes]);
    while (this.samples.length > 2 && atMs - this.samples[0][0] > this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window, or 0 before two samples span some time. */
  bytesPerSecond(): number {
    if (this.samples.length < 2) return 0;
    const [t0, b0] = this.samples[0];
    const [t1, b1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? ((b1 - b0) * 1000) / (t1 - t0) : 0;
  }

  /** Seconds until `total` at the current rate, or undefined when unknown. */
  secondsLeft(total: number): number | undefined {
    const rate = this.bytesPerSecond();
    const last = this.samples[this.samples.length - 1];
    if (!rate || !last) return undefined;
    return Math.max(0, (total - last[1]) / rate);
  }
}

/** `1.5 MiB`, `230 B`: binary units, one decimal above KiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Time left as a clock: `1:05:09`, `4:02`, `0:07`. */
export function formatTimeLeft(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
