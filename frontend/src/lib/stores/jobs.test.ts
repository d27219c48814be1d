import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import * as apiModule from '../api';
import { deferred, makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import type { Job } from '../types';
import { resyncEvent } from '../web';
import { createJobsStore } from './jobs';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

const stops: (() => void)[] = [];
beforeEach(() => api.reset());
afterEach(() => stops.splice(0).forEach((stop) => stop()));

const flush = () => new Promise((r) => setTimeout(r, 0));

/** snapshot makes both ListJobs calls (pending, recent) answer from one list. */
function snapshot(jobs: Job[]) {
  api.ListJobs.mockImplementation(async () => jobs);
}

describe('jobs store', () => {
  it('subscribes to job events before it asks for the snapshot', async () => {
    const order: string[] = [];
    api.on.mockImplementationOnce((name: string) => {
      order.push(`on:${name}`);
      return () => {};
    });
    api.ListJobs.mockImplementation(async () => {
      order.push('ListJobs');
      return [];
    });
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    expect(order[0], `first call = ${order[0]}, want a subscription`).toBe('on:job:updated');
    expect(api.listenerCount('job:deleted'), 'job:deleted listeners').toBe(1);
  });

  it('fetches the snapshot again when the event stream could not resume (deepr serve restarted)', async () => {
    snapshot([]);
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    const before = api.ListJobs.mock.calls.length;
    document.dispatchEvent(new Event(resyncEvent));
    await flush();
    expect(api.ListJobs.mock.calls.length, 'ListJobs calls after a resync').toBe(before + 2);
  });

  it('applies newer events and ignores stale ones', async () => {
    snapshot([makeJob({ id: 'a', version: 3, status: 'running' })]);
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();

    const cases: { name: string; event: Job; want: { version: number; status: string } }[] = [
      { name: 'same version', event: makeJob({ id: 'a', version: 3, status: 'failed' }), want: { version: 3, status: 'running' } },
      { name: 'older version', event: makeJob({ id: 'a', version: 2, status: 'queued' }), want: { version: 3, status: 'running' } },
      { name: 'newer version', event: makeJob({ id: 'a', version: 4, status: 'completed' }), want: { version: 4, status: 'completed' } },
      { name: 'stale after newer', event: makeJob({ id: 'a', version: 3, status: 'running' }), want: { version: 4, status: 'completed' } },
    ];
    for (const c of cases) {
      api.emit('job:updated', c.event);
      const got = get(store).jobs.find((j) => j.id === 'a');
      expect({ version: got?.version, status: got?.status }, c.name).toEqual(c.want);
    }
  });

  it('keeps events that arrive while the snapshot is in flight', async () => {
    const pending = deferred<Job[]>();
    const recent = deferred<Job[]>();
    api.ListJobs.mockImplementationOnce(() => pending.promise).mockImplementationOnce(() => recent.promise);
    const store = createJobsStore(document);
    stops.push(store.start());

    // While the snapshot is being read: a (v5) finishes, b is created, c is deleted.
    api.emit('job:updated', makeJob({ id: 'a', version: 5, status: 'completed' }));
    api.emit('job:updated', makeJob({ id: 'b', version: 1, status: 'queued', created_at: '2026-03-02T00:00:00Z' }));
    api.emit('job:deleted', 'c');

    // The snapshot was read before all that.
    const old = [makeJob({ id: 'a', version: 4, status: 'running' }), makeJob({ id: 'c', version: 2, status: 'failed' })];
    pending.resolve(old);
    recent.resolve(old);
    await flush();

    const got = Object.fromEntries(get(store).jobs.map((j) => [j.id, `${j.status}@${j.version}`]));
    expect(got, 'jobs after merge').toEqual({ a: 'completed@5', b: 'queued@1' });
    expect(get(store).jobs.map((j) => j.id), 'newest first').toEqual(['b', 'a']);
    expect(get(store).loaded).toBe(true);
  });

  it('takes snapshot rows newer than what it holds and drops jobs gone from the snapshot', async () => {
    snapshot([makeJob({ id: 'a', version: 1 }), makeJob({ id: 'gone', version: 1 })]);
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    snapshot([makeJob({ id: 'a', version: 2, status: 'completed' })]);
    await store.refresh();
    const got = get(store).jobs.map((j) => `${j.id}:${j.status}@${j.version}`);
    expect(got).toEqual(['a:completed@2']);
  });

  it('ignores a late update for a deleted job', async () => {
    snapshot([makeJob({ id: 'a', version: 1 })]);
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    api.emit('job:deleted', 'a');
    api.emit('job:updated', makeJob({ id: 'a', version: 9 }));
    expect(get(store).jobs, 'jobs').toEqual([]);
  });

  it('refetches when the page becomes visible again', async () => {
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    const before = api.ListJobs.mock.calls.length;
    document.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(api.ListJobs.mock.calls.length - before, 'ListJobs calls after visibilitychange').toBe(2);
  });

  it('cancels exactly its own subscriptions on stop', async () => {
    const other = vi.fn();
    api.on('job:updated', other); // another component's listener
    const store = createJobsStore(document);
    const stop = store.start();
    stops.push(stop);
    await flush();
    const returned = api.on.mock.results.slice(1).map((r) => r.value as ReturnType<typeof vi.fn>);
    stop();
    for (const unsub of returned) expect(unsub, 'unsubscribe returned by on()').toHaveBeenCalledTimes(1);
    expect(api.listenerCount('job:updated'), 'listeners left (the other component)').toBe(1);
    expect(api.listenerCount('job:deleted'), 'job:deleted listeners left').toBe(0);

    api.emit('job:updated', makeJob({ id: 'late', version: 1 }));
    expect(get(store).jobs, 'jobs after stop').toEqual([]);
    expect(other, 'the other listener still receives events').toHaveBeenCalledTimes(1);
    const before = api.ListJobs.mock.calls.length;
    document.dispatchEvent(new Event('visibilitychange'));
    expect(api.ListJobs.mock.calls.length, 'no refetch after stop').toBe(before);
  });

  it('reports a failed snapshot and keeps what it holds', async () => {
    snapshot([makeJob({ id: 'a' })]);
    const store = createJobsStore(document);
    stops.push(store.start());
    await flush();
    api.ListJobs.mockImplementation(async () => {
      throw 'database is locked';
    });
    await store.refresh();
    expect(get(store).error).toContain('database is locked');
    expect(get(store).jobs.map((j) => j.id)).toEqual(['a']);
  });
});
