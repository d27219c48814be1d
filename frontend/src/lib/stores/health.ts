// The health store: GetHealth snapshot plus health:updated events. Every
// Health carries seq, which the Go side increases each time it builds one:
// a snapshot or an event older than what is held (a lower seq) is ignored,
// so an event that arrives while the snapshot is in flight wins over it.

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
  let fetchGen = 0;
  const state = writable<HealthState>({ health, error });
  const publish = () => state.set({ health, error });

  /** hold keeps h unless what is held is newer; it reports whether h was kept. */
  function hold(h: Health | null | undefined): boolean {
    if (!h || (health && h.seq < health.seq)) return false;
    health = h;
    error = '';
    return true;
  }

  function onEvent(h: Health) {
    if (hold(h)) publish();
  }

  async function refresh() {
    const gen = ++fetchGen;
    try {
      const h = await api.GetHealth();
      if (gen !== fetchGen) return;
      hold(h);
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
