/** One page of a listing: the items, and the token of the next page when there is one. */
export interface Page<T> {
  items: T[];
  nextToken?: string | undefined;
}

/** Fetches the page after `token` (undefined: the first page); aborts when `signal` fires. */
export type PageLoader<T> = (token: string | undefined, signal: AbortSignal) => Promise<Page<T>>;

/**
 * Children of a tree node listed a page at a time (aws-toolkit's ChildNodeLoader): holds the continuation
 * token, appends pages, runs at most one load at a time and forgets everything on `clear()`, which also aborts
 * a load in flight so its late page cannot land in the cleared list.
 */
export class PagedChildren<T> {
  private loaded: T[] = [];
  private token: string | undefined;
  private started = false;
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private failure: unknown;

  constructor(private readonly loader: PageLoader<T>) {}

  /** The items loaded so far, in order. */
  get items(): readonly T[] {
    return this.loaded;
  }

  /** True once the first page arrived (or failed). */
  get isLoaded(): boolean {
    return this.started && !this.running;
  }

  get isLoading(): boolean {
    return this.running !== undefined;
  }

  /** True while the server has more pages after the loaded ones. */
  get hasMore(): boolean {
    return !this.started || this.token !== undefined;
  }

  /** The error of the last load, until the next load or clear. */
  get error(): unknown {
    return this.failure;
  }

  /**
   * Loads the next page (the first one on the first call). A call while a load runs returns that same load
   * instead of starting another, so a double click cannot fetch a page twice or skip one. Never rejects: a
   * failure is kept in `error` and the next call retries the same page.
   */
  loadMore(): Promise<void> {
    if (this.running) return this.running;
    if (this.started && this.token === undefined && this.failure === undefined) return Promise.resolve();
    const controller = new AbortController();
    this.controller = controller;
    this.failure = undefined;
    this.started = true;
    const run = (async () => {
      try {
        const page = await this.loader(this.token, controller.signal);
        if (controller.signal.aborted) return;
        this.loaded = this.loaded.concat(page.items);
        this.token = page.nextToken || undefined;
      } catch (err) {
        if (!controller.signal.aborted) this.failure = err;
      } finally {
        if (this.controller === controller) {
          this.running = undefined;
          this.controller = undefined;
        }
      }
    })();
    this.running = run;
    return run;
  }

  /**
   * Aborts a load in flight but keeps the pages already loaded; the next `loadMore` asks for the same page again.
   * Returns false when nothing was running.
   */
  cancel(): boolean {
    if (!this.running) return false;
    this.controller?.abort();
    this.controller = undefined;
    this.running = undefined;
    if (this.loaded.length === 0) this.started = false;
    return true;
  }

  /** Forgets the loaded pages and the token and aborts a load in flight; the next `loadMore` starts over. */
  clear(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.running = undefined;
    this.loaded = [];
    this.token = undefined;
    this.started = false;
    this.failure = undefined;
  }
}
