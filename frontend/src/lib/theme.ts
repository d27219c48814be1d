// The window's colours (DEEPR_THEME). app.css has one light palette (the
// default) and one dark palette under data-theme="dark" on the root
// element. "light" and "dark" set it directly; "system" follows the
// system's preference (prefers-color-scheme), and a listener, not a timer,
// follows a change of that preference while the window is open.

export type Theme = 'system' | 'light' | 'dark';

/** themeOf reads a saved theme; anything unknown is "system". */
export function themeOf(v: string | null | undefined): Theme {
  return v === 'light' || v === 'dark' ? v : 'system';
}

let chosen: Theme = 'system';
let listening: MediaQueryList | null = null;

function systemDark(): MediaQueryList | null {
  return typeof globalThis.matchMedia === 'function' ? globalThis.matchMedia('(prefers-color-scheme: dark)') : null;
}

function paint(root: HTMLElement) {
  const dark = chosen === 'dark' || (chosen === 'system' && !!systemDark()?.matches);
  root.dataset.theme = dark ? 'dark' : 'light';
  root.dataset.themeChoice = chosen;
}

const storageKey = 'deepr.theme';

/**
 * lastTheme is the theme to start with, before Go's settings answer: the one
 * Go marked on the page it served (app_theme.go, data-theme-choice), else the
 * one applied last time (kept in localStorage).
 */
export function lastTheme(): Theme {
  const marked = globalThis.document?.documentElement.dataset.themeChoice;
  if (marked) return themeOf(marked);
  try {
    return themeOf(globalThis.localStorage?.getItem(storageKey));
  } catch {
    return 'system';
  }
}

/** applyTheme shows the window in theme now ("system": the system's light or dark, kept in step). */
export function applyTheme(theme: string | null | undefined, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  chosen = themeOf(theme);
  // The stylesheet's palette takes over from the first frame's colours Go put on the page.
  root.style.removeProperty('background-color');
  root.style.removeProperty('color-scheme');
  paint(root);
  try {
    globalThis.localStorage?.setItem(storageKey, chosen);
  } catch {
    // storage unavailable: the next start paints the system's theme first
  }
  const mq = systemDark();
  if (mq && !listening) {
    listening = mq;
    mq.addEventListener('change', () => paint(root));
  }
}
