import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import Sidebar from './Sidebar.svelte';

describe('Sidebar (issue 25: typed text is never lost)', () => {
  it('does not keep the focus on a sidebar item once a key shows another view', async () => {
    const onnavigate = vi.fn();
    const { rerender } = render(Sidebar, { view: 'queue', activeCount: 0, attentionCount: 0, onnavigate });
    const queue = screen.getByTestId('nav-queue');
    queue.focus(); // the item was clicked
    expect(document.activeElement).toBe(queue);
    // Ctrl+N shows New research, whose prompt asks for the focus.
    const prompt = document.createElement('textarea');
    prompt.setAttribute('autofocus', '');
    document.body.appendChild(prompt);
    await rerender({ view: 'new' });
    await tick();
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement, 'a space typed now would press the Queue item and leave the form').not.toBe(queue);
    expect(document.activeElement).toBe(prompt);
    expect(onnavigate).not.toHaveBeenCalled();
    prompt.remove();
  });

  it('leaves the focus on the item of the view shown', async () => {
    const { rerender } = render(Sidebar, { view: 'queue', activeCount: 0, attentionCount: 0, onnavigate: vi.fn() });
    const lib = screen.getByTestId('nav-library');
    lib.focus();
    await rerender({ view: 'library' });
    await new Promise((r) => setTimeout(r, 0));
    expect(document.activeElement).toBe(lib);
  });
});
