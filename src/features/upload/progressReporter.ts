import * as vscode from 'vscode';
import { RateMeter, formatBytes, formatTimeLeft } from '../../app/progressText';

/** Redraw at most this often: VS Code re-renders the notification on every report. */
const MIN_INTERVAL_MS = 250;

/**
 * Turns byte counts into `withProgress` reports: percent *deltas* (VS Code adds increments up) and a message with
 * bytes, speed and time left. Also feeds the status bar.
 */
export class UploadProgressReporter {
  private readonly meter = new RateMeter();
  private reportedPercent = 0;
  private lastDraw = 0;

  constructor(
    private readonly progress: vscode.Progress<{ message?: string; increment?: number }>,
    private readonly total: number,
    private readonly label: string,
    private readonly onPercent?: (percent: number) => void,
  ) {}

  update(sent: number, now = Date.now()): void {
    this.meter.add(sent, now);
    const done = sent >= this.total;
    if (!done && now - this.lastDraw < MIN_INTERVAL_MS) return;
    this.lastDraw = now;
    const percent = this.total === 0 ? 100 : Math.min(100, (sent / this.total) * 100);
    const increment = percent - this.reportedPercent;
    this.reportedPercent = percent;
    this.progress.report({ increment, message: this.message(sent) });
    this.onPercent?.(percent);
  }

  private message(sent: number): string {
    // Every byte is sent, but the object exists only once the service answers (CompleteMultipartUpload can take a
    // while for a large file): say so instead of a 100% that seems stuck.
    if (this.total > 0 && sent >= this.total)
      return `Completing... (${this.label === 'Sent' ? '' : `${this.label}, `}all ${formatBytes(this.total)} sent)`;
    const rate = this.meter.bytesPerSecond();
    const left = this.meter.secondsLeft(this.total);
    const parts = [
      `${Math.floor(this.total === 0 ? 100 : (sent / this.total) * 100)}%`,
      `${formatBytes(sent)} of ${formatBytes(this.total)}`,
    ];
    if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
    if (left !== undefined && sent < this.total) parts.push(`${formatTimeLeft(left)} left`);
    return `${this.label}: ${parts.join(' · ')}`;
  }
}
