// The health store: GetHealth snapshot plus health:updated events. An event
// that arrives while the snapshot is in flight wins over the snapshot, which
// may have been read before it.

import { writable, type Readable } from 'svelte/store';
import * as api from '../api';
import { errorMessage } from '../format';
import type { Health } from '../types';
import { startLive } from './live';

export interface HealthState {
  health: Health | null;
  error: string;
}

export interface HealthStore extends Readable<HealthState> {
  /** start subscribes to health:updated, then fetches GetHealth. It returns stop. */
  start(): () => void;
  refresh(): Promise<void>;
}

export function createHealthStore(doc: Document | undefined = globalThis.document): HealthStore {
  let health: Health | null = null;
  let error = '';
  let eventSinceFetch = false;
  let fetchGen = 0;
  const state = writable<HealthState>({ health, error });
  const publish = () => state.set({ health, error });

  function onEvent(h: Health) {
    if (!h) return;
    health = h;
    error = '';
    eventSinceFetch = true;
    publish();
  }

  async function refresh() {
    const gen = ++fetchGen;
    eventSinceFetch = false;
    try {
      const h = await api.GetHealth();
      if (gen !== fetchGen || eventSinceFetch) return;
      health = h;
      error = '';
    } catch (err) {
      if (gen !== fetchGen) return;
      error = `Could not read the app's health: ${errorMessage(err)}`;
    }
    publish();
  }

  function start(): () => void {
    return startLive(doc, () => [api.on('health:updated', onEvent)], refresh, () => fetchGen++);
  }

  return { subscribe: state.subscribe, start, refresh };
}
