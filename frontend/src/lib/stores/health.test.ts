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
    api.GetHealth.mockResolvedValue(makeHealth({ provider: 'ok' }));
    const store = createHealthStore(document);
    stops.push(store.start());
    await flush();
    expect(get(store).health?.provider).toBe('ok');
    api.emit('health:updated', makeHealth({ provider: 'offline' }));
    expect(get(store).health?.provider).toBe('offline');
  });

  it('keeps an event that arrives while the snapshot is in flight', async () => {
    const d = deferred<Health>();
    api.GetHealth.mockImplementation(() => d.promise);
    const store = createHealthStore(document);
    stops.push(store.start());
    expect(api.on, 'subscribed before the snapshot answered').toHaveBeenCalledWith('health:updated', expect.any(Function));
    api.emit('health:updated', makeHealth({ provider: 'key_rejected' }));
    d.resolve(makeHealth({ provider: 'ok' }));
    await flush();
    expect(get(store).health?.provider, 'provider after a stale snapshot').toBe('key_rejected');
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
