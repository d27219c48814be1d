import '@testing-library/jest-dom/vitest';
import { beforeEach } from 'vitest';
import { clearDraft } from '../lib/draft';

// Each test starts with no prompt draft left by another.
beforeEach(() => {
  clearDraft();
});
