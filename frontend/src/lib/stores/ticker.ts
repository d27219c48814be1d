// Clocks for time labels that tick only at the granularity they show and
// only while something is subscribed, so an idle window re-renders nothing
// (lessons.md: "relative times update at the granularity they show").
//
// - minutes: one shared clock for every "5 min ago" label, ticking on the
//   minute boundary; each label subscribes itself, so a tick re-renders the
//   time texts and nothing else.

import { readable, type Readable } from 'svelte/store';

const minute = 60_000;

/** createMinuteClock returns the time in ms, updated on every minute boundary while subscribed. */
export function createMinuteClock(now: () => number = () => Date.now()): Readable<number> {
  return readable(now(), (set) => {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const t = now();
      set(t);
      timer = setTimeout(tick, minute - (t % minute) || minute);
    };
    tick();
    return () => clearTimeout(timer);
  });
}

/** minutes is the shared minute clock of the time labels (it runs only while one is shown). */
export const minutes: Readable<number> = createMinuteClock();
