// The settings store holds the last Settings the Go side returned. Every call
// that changes settings returns the new Settings, which replaces the held one,
// so the form, the status of the key and the New research view agree. The API
// key itself is never part of Settings.

import { writable, type Readable } from 'svelte/store';
import * as api from '../api';
import { errorMessage } from '../format';
import type { ModelInfo, Settings } from '../types';

export interface SettingsState {
  settings: Settings | null;
  models: ModelInfo[];
  error: string;
}

export interface SettingsStore extends Readable<SettingsState> {
  /** load fetches settings and the model list. */
  load(): Promise<void>;
  /** set holds settings returned by a call (SaveSettings, SetAPIKey, ClearAPIKey). */
  set(s: Settings): void;
}

export function createSettingsStore(): SettingsStore {
  const state = writable<SettingsState>({ settings: null, models: [], error: '' });

  async function load() {
    try {
      const [settings, models] = await Promise.all([api.GetSettings(), api.Models()]);
      state.set({ settings, models: models ?? [], error: '' });
    } catch (err) {
      state.update((s) => ({ ...s, error: `Could not load settings: ${errorMessage(err)}` }));
    }
  }

  return {
    subscribe: state.subscribe,
    load,
    set: (settings) => state.update((s) => ({ ...s, settings, error: '' })),
  };
}
