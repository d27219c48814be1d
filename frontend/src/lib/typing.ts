// Whether a key press is typing: shortcuts without Ctrl/Cmd leave it alone.

/** isTyping reports whether t is a text field, a select or editable content. */
export function isTyping(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}
