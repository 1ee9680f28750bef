import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PagedChildren, type Page } from '../../../src/app/pagedChildren';

/** A loader over a fixed list whose pages resolve when the test says so. */
function pagedList(total: number, pageSize: number) {
  const calls: (string | undefined)[] = [];
  const pending: { resolve: () => void; signal: AbortSignal }[] = [];
  const loader = (token: string | undefined, signal: AbortSignal): Promise<Page<number>> => {
    calls.push(token);
    const start = token ? Number(token) : 0;
    const end = Math.min(total, start + pageSize);
    const page: Page<number> = {
      items: Array.from({ length: end - start }, (_, i) => start + i),
      ...(end < total ? { nextToken: String(end) } : {}),
    };
    return new Promise((resolve) => pending.push({ resolve: () => resolve(page), signal }));
  };
  const settle = async () => {
    while (pending.length) pending.shift()!.resolve();
    await new Promise((r) => setImmediate(r));
  };
  return { loader, calls, pending, settle };
}

describe('PagedChildren', () => {
  it('appends pages in order and stops at the last one', async () => {
    const l = pagedList(5, 2);
    const p = new PagedChildren(l.loader);
    assert.equal(p.hasMore, true);
    for (let i = 0; i < 3; i++) {
      const done = p.loadMore();
      await l.settle();
      await done;
    }
    assert.deepEqual(p.items, [0, 1, 2, 3, 4]);
    assert.equal(p.hasMore, false);
    assert.deepEqual(l.calls, [undefined, '2', '4']);
    await p.loadMore();
    assert.equal(l.calls.length, 3, 'no request after the last page');
  });

  it('ignores a second load while one runs', async () => {
    const l = pagedList(10, 3);
    const p = new PagedChildren(l.loader);
    const a = p.loadMore();
    const b = p.loadMore();
    assert.equal(a, b);
    assert.equal(p.isLoading, true);
    await l.settle();
    await a;
    assert.deepEqual(l.calls, [undefined]);
    assert.deepEqual(p.items, [0, 1, 2]);
  });

  it('clears on refresh and aborts the load in flight, whose page is dropped', async () => {
    const l = pagedList(10, 3);
    const p = new PagedChildren(l.loader);
    const first = p.loadMore();
    const { signal } = l.pending[0];
    p.clear();
    assert.equal(signal.aborted, true);
    await l.settle();
    await first;
    assert.deepEqual(p.items, []);
    assert.equal(p.isLoaded, false);
    const again = p.loadMore();
    await l.settle();
    await again;
    assert.deepEqual(p.items, [0, 1, 2]);
  });

  it('cancels a load in flight but keeps the loaded pages, and asks for the same page again', async () => {
    const l = pagedList(10, 3);
    const p = new PagedChildren(l.loader);
    const first = p.loadMore();
    await l.settle();
    await first;
    const second = p.loadMore();
    const { signal } = l.pending[0];
    assert.equal(p.cancel(), true);
    assert.equal(signal.aborted, true);
    assert.equal(p.isLoading, false);
    await l.settle();
    await second;
    assert.deepEqual(p.items, [0, 1, 2], 'the cancelled page is dropped, the loaded one kept');
    assert.equal(p.error, undefined, 'a cancellation is not an error');
    assert.equal(p.cancel(), false, 'nothing to cancel');
    const third = p.loadMore();
    await l.settle();
    await third;
    assert.deepEqual(p.items, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(l.calls, [undefined, '3', '3']);
  });

  it('after cancelling the first page, the next load starts from the beginning', async () => {
    const l = pagedList(10, 3);
    const p = new PagedChildren(l.loader);
    const first = p.loadMore();
    p.cancel();
    await l.settle();
    await first;
    assert.equal(p.isLoaded, false);
    assert.equal(p.hasMore, true);
    const again = p.loadMore();
    await l.settle();
    await again;
    assert.deepEqual(l.calls, [undefined, undefined]);
  });

  it('keeps a failure and retries the same page', async () => {
    let fail = true;
    const tokens: (string | undefined)[] = [];
    const p = new PagedChildren<number>(async (token) => {
      tokens.push(token);
      if (token === 'p2' && fail) throw new Error('boom');
      return token ? { items: [2] } : { items: [1], nextToken: 'p2' };
    });
    await p.loadMore();
    await p.loadMore();
    assert.equal((p.error as Error).message, 'boom');
    assert.deepEqual(p.items, [1]);
    fail = false;
    await p.loadMore();
    assert.equal(p.error, undefined);
    assert.deepEqual(p.items, [1, 2]);
    assert.deepEqual(tokens, [undefined, 'p2', 'p2']);
  });
});
