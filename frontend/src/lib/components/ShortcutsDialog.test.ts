import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import ShortcutsDialog from './ShortcutsDialog.svelte';

describe('ShortcutsDialog', () => {
  it('renders nothing while closed', () => {
    render(ShortcutsDialog, { open: false, onclose: vi.fn() });
    expect(screen.queryByTestId('shortcuts-dialog')).toBeNull();
  });

  it('lists every shortcut of the window', () => {
    render(ShortcutsDialog, { open: true, onclose: vi.fn() });
    const dialog = screen.getByTestId('shortcuts-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    const rows = [...dialog.querySelectorAll('dt')].map((dt) => `${dt.textContent?.replace(/\s+/g, ' ').trim()} = ${dt.nextElementSibling?.textContent}`);
    for (const want of [
      /^Ctrl\+N = New research/,
      /^Ctrl\+K or \/ = Search the library/,
      /^\? = Show this list/,
      /^Ctrl\+F = Find in the report/,
      /^↑ or ↓ = Select/,
      /^Home or End = /,
      /^Enter = Open the selected report/,
      /^Space = Tick/,
      /^Enter or Shift\+Enter = Next or previous match/,
      /^Esc = Close/,
      /^Ctrl\+1 = Queue/,
      /^Ctrl\+2 = Library/,
      /^Ctrl\+3 = Spend/,
      /^Ctrl\+, = Settings/,
      /^Esc or Alt\+← = Back/,
    ]) {
      expect(rows.some((r) => want.test(r)), `${want} in ${rows.join(' | ')}`).toBe(true);
    }
  });

  it('closes with Escape or the button, and the focus goes back where it was', async () => {
    const before = document.createElement('button');
    document.body.append(before);
    before.focus();
    const onclose = vi.fn();
    const { rerender } = render(ShortcutsDialog, { open: true, onclose });
    const close = within(screen.getByTestId('shortcuts-dialog')).getByTestId('shortcuts-close');
    expect(document.activeElement, 'focus on Close').toBe(close);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(close);
    expect(onclose).toHaveBeenCalledTimes(2);
    await rerender({ open: false });
    expect(screen.queryByTestId('shortcuts-dialog')).toBeNull();
    expect(document.activeElement, 'focus back').toBe(before);
    before.remove();
  });
});
