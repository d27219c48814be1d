import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as apiModule from '../api';
import { makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { makeSpend } from '../../tests/spendFixtures';
import { createSpendStore, type SpendState } from './spend';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => {
  api.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

/** flush lets the fake api's promises settle. */
const flush = () => vi.advanceTimersByTimeAsync(0);

function track() {
  const store = createSpendStore(undefined, 2000);
  const seen: SpendState[] = [];
  const unsub = store.subscribe((v) => seen.push(v));
  return { store, seen, unsub };
}

describe('spend store', () => {
  it('fetches this month on start and refetches, throttled, when a job changes status or cost', async () => {
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 1 }));
    const { store, seen } = track();
    const stop = store.start();
    await flush();
    expect(api.Costs).toHaveBeenCalledTimes(1);
    expect(api.Costs).toHaveBeenCalledWith('');
    expect(seen.at(-1)?.spend?.spent_usd).toBe(1);

    // A burst of changes right after the fetch: one refetch, 2 s after the last one.
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 3.2 }));
    api.emit('job:updated', makeJob({ id: 'a', status: 'running' }));
    api.emit('job:updated', makeJob({ id: 'b', status: 'queued' }));
    api.emit('job:updated', makeJob({ id: 'a', status: 'completed', cost_usd: 2.2 }));
    await vi.advanceTimersByTimeAsync(1999);
    expect(api.Costs, 'before the throttle').toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.Costs).toHaveBeenCalledTimes(2);
    expect(seen.at(-1)?.spend?.spent_usd).toBe(3.2);
    stop();
  });

  it('ignores progress updates: no refetch, no timer', async () => {
    const { store } = track();
    const stop = store.start();
    await flush();
    api.emit('job:updated', makeJob({ id: 'a', status: 'running', version: 1 }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.Costs).toHaveBeenCalledTimes(2);
    for (let v = 2; v < 10; v++) api.emit('job:updated', makeJob({ id: 'a', status: 'running', version: v, progress: { steps: v, searches: v, pages: v, summary: '' } }));
    expect(vi.getTimerCount(), 'timers pending after progress').toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.Costs).toHaveBeenCalledTimes(2);
    stop();
  });

  it('publishes nothing when a refetch brings the same numbers, and runs no timer while idle', async () => {
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 1 }));
    const { store, seen } = track();
    const stop = store.start();
    await flush();
    const n = seen.length;
    await store.refresh();
    expect(seen.length, 'publications after an identical refetch').toBe(n);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(api.Costs).toHaveBeenCalledTimes(2);
    stop();
  });

  it('keeps the error, and stops cleanly: its subscriptions and a pending refetch', async () => {
    api.Costs.mockRejectedValue('database is locked');
    const { store, seen } = track();
    const stop = store.start();
    await flush();
    expect(seen.at(-1)?.error).toBe("Could not read this month's spend: database is locked");
    api.emit('job:deleted', 'x');
    stop();
    expect(api.unsubscribed.sort()).toEqual(['job:deleted', 'job:updated']);
    expect(vi.getTimerCount(), 'timers after stop').toBe(0);
  });
});
