// The prompt being written in New research, kept outside the form so it
// survives switching views (and a reload of the window) until it is
// submitted or cleared. The form binds its prompt to `draft` and calls
// `clearDraft()` once the job is submitted.
import { writable, type Writable } from 'svelte/store';

const key = 'deepr.draft';

/** A draft store kept in storage (none: in memory only). */
export function createDraft(storage: Storage | undefined): Writable<string> {
  let start = '';
  try {
    start = storage?.getItem(key) ?? '';
  } catch {
    // storage refused (private mode): keep the draft in memory
  }
  const store = writable(start);
  store.subscribe((text) => {
    try {
      if (text) storage?.setItem(key, text);
      else storage?.removeItem(key);
    } catch {
      // ignore: the draft still lives in memory
    }
  });
  return store;
}

export const draft = createDraft(typeof localStorage === 'undefined' ? undefined : localStorage);

/** Forget the draft: the job was submitted or the user cleared the form. */
export function clearDraft(): void {
  draft.set('');
}
