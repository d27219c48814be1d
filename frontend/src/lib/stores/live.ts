// The snapshot-plus-events pattern every live store follows: subscribe to
// the backend events FIRST, then fetch the snapshot, refetch when the window
// becomes visible again or (in a browser, lib/web.ts) when the event stream
// could not resume where it left off, and hand back one idempotent stop
// function that cancels exactly these subscriptions (never EventsOff).

import { resyncEvent } from '../web';

/**
 * startLive runs that pattern. `subscribe` returns the unsubscribe functions
 * of the events it subscribed to; `refresh` fetches the snapshot;
 * `invalidate` is called on stop so a snapshot still in flight is dropped.
 */
export function startLive(
  doc: Document | undefined,
  subscribe: () => Array<() => void>,
  refresh: () => Promise<void>,
  invalidate: () => void,
): () => void {
  const unsubs = subscribe();
  const onVisible = () => {
    if (doc?.visibilityState === 'visible') void refresh();
  };
  const onResync = () => void refresh();
  doc?.addEventListener('visibilitychange', onVisible);
  doc?.addEventListener(resyncEvent, onResync);
  void refresh();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const u of unsubs) u();
    doc?.removeEventListener('visibilitychange', onVisible);
    doc?.removeEventListener(resyncEvent, onResync);
    invalidate();
  };
}
