// A ticking clock for "time since" labels. It runs only while something is
// subscribed.

import { readable, type Readable } from 'svelte/store';

/** createClock returns the current time in ms, updated every periodMs. */
export function createClock(periodMs = 1000, now: () => number = Date.now): Readable<number> {
  return readable(now(), (set) => {
    set(now());
    const t = setInterval(() => set(now()), periodMs);
    return () => clearInterval(t);
  });
}
