/**
 * The keyboard of the report reader: Ctrl/Cmd+F finds, Escape closes the
 * source preview, else Escape or Alt+Left goes back.
 */
import { isTyping } from '../typing';

export interface ReportKeys {
  openFind: () => void;
  /** Closes an open source preview (calling preventDefault); false when none is open. */
  escapePreview: (e: KeyboardEvent) => boolean;
  onback: () => void;
}

export function reportKeydown(e: KeyboardEvent, k: ReportKeys) {
  if (e.defaultPrevented || document.querySelector('[role="dialog"]')) return;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    k.openFind();
  } else if (e.key === 'Escape' && k.escapePreview(e)) {
    // The preview is closed.
  } else if (((e.key === 'Escape' && !mod) || (e.altKey && !mod && e.key === 'ArrowLeft')) && !isTyping(e.target)) {
    // Esc and Alt+Left go back, as the Back button does (not while typing: the ask box, the find bar).
    e.preventDefault();
    k.onback();
  }
}

/** size says a file size in bytes, KB or MB. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
