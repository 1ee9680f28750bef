import * as vscode from 'vscode';

/** A status-bar item shown while uploads run: how many, and how far the oldest running one is. */
export class UploadStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ossPresign.uploads', vscode.StatusBarAlignment.Left, 10);
  private readonly running = new Map<number, { label: string; percent: number }>();
  private nextId = 1;

  constructor() {
    this.item.name = 'OSS Presign Uploads';
  }

  /** Registers a running upload; call the returned function with percents, and `done()` when it ends. */
  start(label: string): { update(percent: number): void; done(): void } {
    const id = this.nextId++;
    this.running.set(id, { label, percent: 0 });
    this.render();
    return {
      update: (percent) => {
        const entry = this.running.get(id);
        if (entry) entry.percent = percent;
        this.render();
      },
      done: () => {
        this.running.delete(id);
        this.render();
      },
    };
  }

  /** Number of uploads running (for tests and the view). */
  get count(): number {
    return this.running.size;
  }

  private render(): void {
    if (this.running.size === 0) {
      this.item.hide();
      return;
    }
    const entries = [...this.running.values()];
    const first = entries[0];
    this.item.text = `$(cloud-upload) ${Math.floor(first.percent)}%${entries.length > 1 ? ` (+${entries.length - 1})` : ''}`;
    this.item.tooltip = entries.map((e) => `${e.label}: ${Math.floor(e.percent)}%`).join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
