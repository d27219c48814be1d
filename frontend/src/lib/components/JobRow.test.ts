import { describe, expect, it, vi } from 'vitest';
import { render } from '@testing-library/svelte';
import { makeJob } from '../../tests/fixtures';
import JobRow from './JobRow.svelte';

const handlers = () => ({
  onopen: vi.fn(),
  onedit: vi.fn(),
  onchanged: vi.fn(),
  ondeleted: vi.fn(),
  onnotice: vi.fn(),
  onselect: vi.fn(),
});

describe('JobRow (issue 25: each failed row shows its own message once)', () => {
  for (const [status, error] of [
    ['failed', 'Gemini failed the job (server_error: boom). Resubmit it to try again.'],
    ['incomplete', 'Gemini stopped before finishing (max_tool_calls) and returned no text. Start it again as new research to retry.'],
  ] as const) {
    it(`a ${status} row shows Go's message and no generic paragraph under it`, () => {
      const job = makeJob({ status, error, active: false, provider: 'gemini' });
      const { container } = render(JobRow, { job, ...handlers() });
      const notes = container.querySelectorAll('[role="note"]');
      expect(notes).toHaveLength(1);
      expect(notes[0].textContent?.trim()).toBe(error);
    });
  }
});
