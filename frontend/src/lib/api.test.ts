// api.ts is a thin typed layer over the generated bindings; what matters is
// that `on` hands back the unsubscribe function EventsOn returned (so each
// subscriber cancels only itself) and that calls pass through unchanged.

import { describe, expect, it, vi } from 'vitest';

const runtime = vi.hoisted(() => ({
  unsub: vi.fn(),
  EventsOn: vi.fn(),
  EventsOff: vi.fn(),
}));
vi.mock('../../wailsjs/runtime/runtime', () => ({
  EventsOn: runtime.EventsOn,
  EventsOff: runtime.EventsOff,
}));
vi.mock('../../wailsjs/go/main/App', () => ({
  ListJobs: vi.fn(async (req: unknown) => [{ id: 'x', req }]),
  OpenURL: vi.fn(async () => {}),
}));

import * as api from './api';

describe('api', () => {
  it('on returns the unsubscribe function of EventsOn and never calls EventsOff', () => {
    // restoreMocks resets implementations before each test: set it here.
    runtime.EventsOn.mockImplementation(() => runtime.unsub);
    const cb = vi.fn();
    const stop = api.on('job:deleted', cb);
    expect(runtime.EventsOn).toHaveBeenCalledWith('job:deleted', expect.any(Function));
    const delivered = runtime.EventsOn.mock.calls[0][1] as (p: unknown) => void;
    delivered('id1');
    expect(cb).toHaveBeenCalledWith('id1');
    stop();
    expect(runtime.unsub).toHaveBeenCalledTimes(1);
    expect(runtime.EventsOff).not.toHaveBeenCalled();
  });

  it('passes calls through to the bindings', async () => {
    await expect(api.ListJobs({ statuses: ['running'], limit: 5 })).resolves.toEqual([
      { id: 'x', req: { statuses: ['running'], limit: 5 } },
    ]);
  });
});
