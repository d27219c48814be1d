// The jobs store: a snapshot of the database plus live job:updated /
// job:deleted events, merged so that nothing is lost and nothing goes back in
// time.
//
// Rules (lessons.md, last row):
//   - subscribe to events FIRST, then fetch the ListJobs snapshot, then merge;
//   - an event (or a snapshot row) whose version is <= the held version is ignored;
//   - refetch when the page becomes visible again (events may have been missed);
//   - cancel only our own subscriptions (the functions EventsOn returned).

import { writable, type Readable } from 'svelte/store';
import * as api from '../api';
import { errorMessage } from '../format';
import type { Job } from '../types';
import { startLive } from './live';

export interface JobsState {
  /** Every held job, newest first (created_at desc, id desc). */
  jobs: Job[];
  /** True once a snapshot has arrived. */
  loaded: boolean;
  /** The last snapshot error ("" when the last fetch worked). */
  error: string;
}

export interface JobsStore extends Readable<JobsState> {
  /** start subscribes to events, then fetches a snapshot. It returns stop. */
  start(): () => void;
  /** refresh fetches a new snapshot and merges it with what events brought meanwhile. */
  refresh(): Promise<void>;
  /** apply holds j unless the store already holds the same or a newer version. */
  apply(j: Job): void;
  /** remove forgets a job for good (a late update for it is ignored). */
  remove(id: string): void;
}

/** How many recent jobs of any status the snapshot asks for (active ones are always fetched). */
export const recentLimit = 200;

function newestFirst(a: Job, b: Job): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * createJobsStore returns a jobs store. doc is the document whose
 * visibilitychange triggers a refetch (undefined: none).
 */
export function createJobsStore(doc: Document | undefined = globalThis.document): JobsStore {
  let held = new Map<string, Job>();
  const deleted = new Set<string>();
  // Ids changed by events since the current snapshot fetch started.
  let touched = new Set<string>();
  let fetchGen = 0;
  let loaded = false;
  let error = '';
  const state = writable<JobsState>({ jobs: [], loaded, error });

  function publish() {
    state.set({ jobs: [...held.values()].sort(newestFirst), loaded, error });
  }

  function apply(j: Job) {
    if (!j || !j.id || deleted.has(j.id)) return;
    const cur = held.get(j.id);
    if (cur && j.version <= cur.version) return;
    held.set(j.id, j);
    touched.add(j.id);
    publish();
  }

  function remove(id: string) {
    if (!id) return;
    deleted.add(id);
    touched.add(id);
    if (held.delete(id)) publish();
  }

  async function refresh() {
    const gen = ++fetchGen;
    touched = new Set();
    try {
      const [pending, recent] = await Promise.all([
        api.ListJobs({ statuses: ['open'], limit: 1000 }), // every job not final (Go's research.OpenFilter)
        api.ListJobs({ statuses: [], limit: recentLimit }),
      ]);
      if (gen !== fetchGen) return; // a newer fetch is under way
      const next = new Map<string, Job>();
      for (const j of [...(pending ?? []), ...(recent ?? [])]) {
        if (deleted.has(j.id)) continue;
        const cur = next.get(j.id) ?? held.get(j.id);
        next.set(j.id, cur && cur.version >= j.version ? cur : j);
      }
      // Jobs that events brought while the snapshot was in flight stay.
      for (const id of touched) {
        const cur = held.get(id);
        if (cur && !next.has(id)) next.set(id, cur);
      }
      held = next;
      loaded = true;
      error = '';
    } catch (err) {
      if (gen !== fetchGen) return;
      error = `Could not load the job list: ${errorMessage(err)}`;
    }
    publish();
  }

  function start(): () => void {
    return startLive(
      doc,
      () => [api.on('job:updated', apply), api.on('job:deleted', remove)],
      refresh,
      () => fetchGen++, // drop a snapshot still in flight
    );
  }

  return { subscribe: state.subscribe, start, refresh, apply, remove };
}
