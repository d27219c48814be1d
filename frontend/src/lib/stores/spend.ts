// The spend store: this month's Spend (Costs('')), for the status bar and
// the Spend view. It follows the snapshot-plus-events pattern (live.ts), but
// a job:updated is only a hint: spend changes when a job changes status or
// cost (a new job reserves its high estimate; an ended attempt is spent),
// not on every progress update. Such a hint schedules ONE refetch, at most
// one per throttleMs, with a one-shot timer: nothing runs while the window
// is idle, and a refetch that brings the same numbers publishes nothing, so
// nothing re-renders.

import { writable, type Readable } from 'svelte/store';
import * as api from '../api';
import { errorMessage } from '../format';
import type { Job, Spend } from '../types';
import { startLive } from './live';

export interface SpendState {
  /** This month's spend, null until the first answer. */
  spend: Spend | null;
  error: string;
}

export interface SpendStore extends Readable<SpendState> {
  /** start subscribes to job events, then fetches this month's spend. It returns stop. */
  start(): () => void;
  /** refresh fetches this month's spend now. */
  refresh(): Promise<void>;
}

/** How long the store waits at least between two refetches caused by job events. */
export const spendThrottleMs = 2000;

export function createSpendStore(
  doc: Document | undefined = globalThis.document,
  throttleMs = spendThrottleMs,
  now: () => number = () => Date.now(),
): SpendStore {
  let spend: Spend | null = null;
  let error = '';
  let shown = '';
  let fetchGen = 0;
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** What each job looked like at its last event: status and cost, the parts spend depends on. */
  const seen = new Map<string, string>();
  const state = writable<SpendState>({ spend, error });

  function publish() {
    const key = JSON.stringify([spend, error]);
    if (key === shown) return; // the same numbers: nothing to re-render
    shown = key;
    state.set({ spend, error });
  }

  async function refresh() {
    const gen = ++fetchGen;
    last = now();
    try {
      const sp = await api.Costs('');
      if (gen !== fetchGen) return;
      spend = sp;
      error = '';
    } catch (err) {
      if (gen !== fetchGen) return;
      error = `Could not read this month's spend: ${errorMessage(err)}`;
    }
    publish();
  }

  function schedule() {
    if (timer !== undefined) return; // one refetch is already due: it will see this change too
    const wait = Math.max(0, last + throttleMs - now());
    timer = setTimeout(() => {
      timer = undefined;
      void refresh();
    }, wait);
  }

  function onJob(j: Job) {
    if (!j?.id) return;
    const sig = `${j.status}|${j.cost_usd}|${j.attempt}`;
    if (seen.get(j.id) === sig) return; // progress only: spend is unchanged
    seen.set(j.id, sig);
    schedule();
  }

  function onDeleted(id: string) {
    seen.delete(id);
    schedule(); // a deleted active job no longer reserves its estimate
  }

  function start(): () => void {
    const stop = startLive(doc, () => [api.on('job:updated', onJob), api.on('job:deleted', onDeleted)], refresh, () => fetchGen++);
    return () => {
      stop();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
  }

  return { subscribe: state.subscribe, start, refresh };
}
