import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from '@testing-library/svelte';
import { get } from 'svelte/store';
import { createMinuteClock } from '../stores/ticker';
import RelTime, { relativeMinutes, runningFor } from './RelTime.svelte';

const now = Date.parse('2026-03-01T10:05:30Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const min = 60_000;

describe('relativeMinutes', () => {
  it('is precise to the minute within the hour, then to the hour, then to the day', () => {
    expect(relativeMinutes(ago(20_000), now)).toBe('just now');
    expect(relativeMinutes(ago(5 * min + 10_000), now)).toBe('5 min ago');
    expect(relativeMinutes(ago(59 * min), now)).toBe('59 min ago');
    expect(relativeMinutes(ago(60 * min), now)).toBe('1 h ago');
    expect(relativeMinutes(ago(2 * 60 * min + 35 * min), now)).toBe('2 h ago');
    expect(relativeMinutes(ago(3 * 24 * 60 * min + 7 * min), now)).toBe('3 d ago');
    expect(relativeMinutes(ago(-4 * min - 1_000), now)).toBe('in 4 min');
    expect(relativeMinutes(ago(-30_000), now)).toBe('in under a minute');
    expect(relativeMinutes(ago(-5 * 60 * min - 10 * min), now)).toBe('in 5 h');
  });

  it('is empty for a missing, zero or unreadable time', () => {
    expect(relativeMinutes(null, now)).toBe('');
    expect(relativeMinutes(undefined, now)).toBe('');
    expect(relativeMinutes('0001-01-01T00:00:00Z', now)).toBe('');
    expect(relativeMinutes('yesterday', now)).toBe('');
  });

  it('keeps the text of a label older than an hour for the whole hour (no repaint per minute)', () => {
    const iso = ago(2 * 60 * min);
    const texts = new Set<string>();
    for (let m = 0; m < 60; m++) texts.add(relativeMinutes(iso, now + m * min));
    expect([...texts]).toEqual(['2 h ago']);
  });
});

describe('a past event (issue 25: fresh times never read as future)', () => {
  it('reads a time just after the last minute tick as "just now", never "in under a minute"', () => {
    expect(relativeMinutes(ago(-30_000), now, true)).toBe('just now');
    expect(relativeMinutes(ago(-59_000), now, true)).toBe('just now');
    expect(relativeMinutes(ago(-3 * min), now, true)).toBe('just now');
    expect(relativeMinutes(ago(5 * min), now, true)).toBe('5 min ago');
  });

  it('gives an active job its running time', () => {
    expect(runningFor(ago(-20_000), now)).toBe('under a minute');
    expect(runningFor(ago(20_000), now)).toBe('under a minute');
    expect(runningFor(ago(12 * min + 5_000), now)).toBe('12 min');
    expect(runningFor(ago(65 * min), now)).toBe('1 h 5 min');
    expect(runningFor(ago(26 * 60 * min), now)).toBe('1 d 2 h');
    expect(runningFor(null, now)).toBe('');
  });
});

describe('the minute clock', () => {
  afterEach(() => vi.useRealTimers());

  it('ticks on minute boundaries only while subscribed', () => {
    vi.useFakeTimers();
    vi.setSystemTime(now);
    const clock = createMinuteClock();
    const seen: number[] = [];
    const stop = clock.subscribe((t) => seen.push(t));
    expect(seen).toEqual([now]);
    vi.advanceTimersByTime(29_999); // 10:05:59.999
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(1); // 10:06:00
    expect(seen).toEqual([now, Date.parse('2026-03-01T10:06:00Z')]);
    vi.advanceTimersByTime(2 * min);
    expect(seen).toHaveLength(4);
    stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * min);
    expect(seen).toHaveLength(4);
    expect(get(clock)).toBe(Date.now());
  });
});

describe('RelTime', () => {
  afterEach(() => vi.useRealTimers());

  it('shows the relative text and the exact time in the title', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const iso = ago(3 * 60 * min + 12 * min);
    const { container } = render(RelTime, { iso });
    const el = container.querySelector('time');
    expect(el?.textContent).toBe('3 h ago');
    expect(el?.getAttribute('datetime')).toBe(iso);
    expect(el?.getAttribute('title')).not.toBe('');
  });

  it('shows a fresh past time as "just now" when asked for a past event', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const { container } = render(RelTime, { iso: ago(-20_000), past: true });
    expect(container.querySelector('time')?.textContent).toBe('just now');
  });

  it('shows a running time', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const { container } = render(RelTime, { iso: ago(7 * min), running: true });
    expect(container.querySelector('time')?.textContent).toBe('7 min');
  });

  it('renders nothing for a missing time', () => {
    const { container } = render(RelTime, { iso: null });
    expect(container.querySelector('time')).toBeNull();
  });
});
