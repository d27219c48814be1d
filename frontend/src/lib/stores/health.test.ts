import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import * as apiModule from '../api';
import { deferred, makeHealth } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import type { Health } from '../types';
import { createHealthStore } from './health';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

const stops: (() => void)[] = [];
beforeEach(() => api.reset());
afterEach(() => stops.splice(0).forEach((stop) => stop()));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('health store', () => {
  it('loads the snapshot and then follows events', async () => {
    api.GetHealth.mockResolvedValue(makeHealth({ seq: 1, provider: 'ok' }));
    const store = createHealthStore(document);
    stops.push(store.start());
    await flush();
    expect(get(store).health?.provider).toBe('ok');
    api.emit('health:updated', makeHealth({ seq: 2, provider: 'offline' }));
    expect(get(store).health?.provider).toBe('offline');
  });

  it('keeps an event that arrives while the snapshot is in flight', async () => {
    const d = deferred<Health>();
    api.GetHealth.mockImplementation(() => d.promise);
    const store = createHealthStore(document);
    stops.push(store.start());
    expect(api.on, 'subscribed before the snapshot answered').toHaveBeenCalledWith('health:updated', expect.any(Function));
    api.emit('health:updated', makeHealth({ seq: 8, provider: 'key_rejected' }));
    d.resolve(makeHealth({ seq: 7, provider: 'ok' })); // built before the event
    await flush();
    expect(get(store).health?.provider, 'provider after a stale snapshot').toBe('key_rejected');
  });

  it('ignores an event older than the health it holds', async () => {
    api.GetHealth.mockResolvedValue(makeHealth({ seq: 5, provider: 'ok' }));
    const store = createHealthStore(document);
    stops.push(store.start());
    await flush();
    const cases: { name: string; event: Health; want: { seq: number; provider: string } }[] = [
      { name: 'older', event: makeHealth({ seq: 4, provider: 'offline' }), want: { seq: 5, provider: 'ok' } },
      { name: 'newer', event: makeHealth({ seq: 9, provider: 'offline' }), want: { seq: 9, provider: 'offline' } },
      { name: 'late, between', event: makeHealth({ seq: 6, provider: 'ok' }), want: { seq: 9, provider: 'offline' } },
      { name: 'next', event: makeHealth({ seq: 10, provider: 'ok' }), want: { seq: 10, provider: 'ok' } },
    ];
    for (const c of cases) {
      api.emit('health:updated', c.event);
      const h = get(store).health;
      expect({ seq: h?.seq, provider: h?.provider }, c.name).toEqual(c.want);
    }
    // A snapshot read before the last event does not take it back either.
    api.GetHealth.mockResolvedValue(makeHealth({ seq: 3, provider: 'no_key' }));
    await store.refresh();
    expect(get(store).health?.seq, 'seq after an old snapshot').toBe(10);
  });

  it('unsubscribes on stop', async () => {
    const store = createHealthStore(document);
    const stop = store.start();
    stops.push(stop);
    await flush();
    const unsub = api.on.mock.results[0].value as ReturnType<typeof vi.fn>;
    stop();
    expect(unsub).toHaveBeenCalledTimes(1);
    expect(api.listenerCount('health:updated')).toBe(0);
  });
});
