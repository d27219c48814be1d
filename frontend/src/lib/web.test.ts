import { describe, expect, it, vi } from 'vitest';
import { callGo, Events, fileName, resyncEvent } from './web';

function frame(epoch: string, seq: number, name: string, data?: unknown, resync = false) {
  return { epoch, seq, name, data, resync };
}

describe('Events', () => {
  it('hands each event once, in order, and never a repeat', () => {
    const ev = new Events(() => 'ws://x/api/events', document);
    const got: unknown[] = [];
    ev.on('job:updated', (j) => got.push(j), -1);
    ev.receive(frame('e1', 4, 'deepr:hello', undefined, true));
    ev.receive(frame('e1', 5, 'job:updated', { id: 'a', version: 1 }));
    ev.receive(frame('e1', 5, 'job:updated', { id: 'a', version: 1 })); // a repeat
    ev.receive(frame('e1', 3, 'job:updated', { id: 'old' })); // older than held
    ev.receive(frame('e1', 6, 'job:updated', { id: 'a', version: 2 }));
    expect(got).toEqual([{ id: 'a', version: 1 }, { id: 'a', version: 2 }]);
  });

  it('asks the stores for a snapshot when the stream cannot resume (a new server run)', () => {
    const ev = new Events(() => 'ws://x/api/events', document);
    const resyncs = vi.fn();
    document.addEventListener(resyncEvent, resyncs);
    ev.receive(frame('e1', 0, 'deepr:hello', undefined, true));
    ev.receive(frame('e1', 7, 'deepr:hello')); // resumed: nothing to fetch
    expect(resyncs).toHaveBeenCalledTimes(1);
    ev.receive(frame('e2', 2, 'deepr:hello', undefined, true)); // the server restarted
    expect(resyncs).toHaveBeenCalledTimes(2);
    const got: unknown[] = [];
    ev.on('job:deleted', (id) => got.push(id), -1);
    ev.receive(frame('e1', 9, 'job:deleted', 'stale')); // from the old run
    ev.receive(frame('e2', 3, 'job:deleted', 'b'));
    expect(got).toEqual(['b']);
    document.removeEventListener(resyncEvent, resyncs);
  });

  it('resumes from the last event it handed out', () => {
    const urls: string[] = [];
    const sockets: { onclose?: () => void; onmessage?: (m: { data: string }) => void }[] = [];
    const ev = new Events(() => 'ws://x/api/events', undefined, (u) => {
      urls.push(u);
      const s = {} as (typeof sockets)[number];
      sockets.push(s);
      return s as unknown as WebSocket;
    });
    ev.connect();
    sockets[0].onmessage?.({ data: JSON.stringify(frame('e1', 2, 'deepr:hello', undefined, true)) });
    sockets[0].onmessage?.({ data: JSON.stringify(frame('e1', 3, 'health:updated', { seq: 1 })) });
    vi.useFakeTimers();
    sockets[0].onclose?.();
    vi.advanceTimersByTime(600);
    vi.useRealTimers();
    expect(urls).toEqual(['ws://x/api/events', 'ws://x/api/events?epoch=e1&seq=3']);
  });

  it('cancels only the subscription it returned, and honours a count', () => {
    const ev = new Events(() => '', undefined);
    const a = vi.fn();
    const b = vi.fn();
    const offA = ev.on('x', a, -1);
    ev.on('x', b, 1);
    offA();
    ev.dispatch('x', 1);
    ev.dispatch('x', 2);
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
  });
});

describe('callGo', () => {
  it('posts the arguments as a JSON array and answers the value', async () => {
    const f = vi.fn(async () => new Response('{"id":"j1"}', { status: 200 }));
    await expect(callGo('GetJob', ['j1'], f as unknown as typeof fetch)).resolves.toEqual({ id: 'j1' });
    expect(f).toHaveBeenCalledWith('/api/call/GetJob', expect.objectContaining({ method: 'POST', body: '["j1"]', credentials: 'same-origin' }));
  });

  it("rejects with Go's message, as the window does", async () => {
    const f = async () => new Response('{"error":"job x was not found"}', { status: 422 });
    await expect(callGo('GetJob', ['x'], f as unknown as typeof fetch)).rejects.toBe('job x was not found');
    const signedOut = async () => new Response('{"error":"signed out"}', { status: 401 });
    await expect(callGo('GetJob', ['x'], signedOut as unknown as typeof fetch)).rejects.toMatch(/sign-in URL/);
  });
});

it('reads the download name', () => {
  expect(fileName('attachment; filename="heat-pumps.pdf"')).toBe('heat-pumps.pdf');
  expect(fileName(null)).toBe('');
});
