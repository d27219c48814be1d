import { afterEach, describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { clearDraft, createDraft, draft } from './draft';

describe('the prompt draft (issue 25: typed text is never lost)', () => {
  afterEach(() => {
    clearDraft();
    localStorage.clear();
  });

  it('keeps what was typed while the form is gone, until it is cleared', () => {
    draft.set('How do heat pumps');
    // The form unmounts (another view) and mounts again: the store is the same.
    expect(get(draft)).toBe('How do heat pumps');
    clearDraft();
    expect(get(draft)).toBe('');
  });

  it('survives a reload of the window', () => {
    const a = createDraft(localStorage);
    a.set('A question half written');
    const b = createDraft(localStorage);
    expect(get(b)).toBe('A question half written');
    b.set('');
    expect(get(createDraft(localStorage))).toBe('');
  });

  it('works without storage', () => {
    const d = createDraft(undefined);
    d.set('x');
    expect(get(d)).toBe('x');
  });
});
