import { afterEach, describe, expect, it } from 'vitest';
import { applyTheme, lastTheme } from './theme';

describe('the first frame (issue 25: with the theme set to Dark, the first frame is dark)', () => {
  afterEach(() => {
    delete document.documentElement.dataset.themeChoice;
    delete document.documentElement.dataset.theme;
    localStorage.clear();
  });

  it('starts with the theme Go marked on the page, over the one kept from last time', () => {
    localStorage.setItem('deepr.theme', 'light');
    document.documentElement.dataset.themeChoice = 'dark';
    expect(lastTheme()).toBe('dark');
  });

  it('falls back to the theme kept from last time, then to the system', () => {
    localStorage.setItem('deepr.theme', 'dark');
    expect(lastTheme()).toBe('dark');
    localStorage.clear();
    expect(lastTheme()).toBe('system');
  });

  it("leaves the colours to the stylesheet once a theme is applied (a switch to Light is not kept dark)", () => {
    const root = document.documentElement;
    root.setAttribute('style', 'background-color:#18181b;color-scheme:dark');
    applyTheme('light', root);
    expect(root.dataset.theme).toBe('light');
    expect(root.style.backgroundColor).toBe('');
  });
});
