// JobActions shows exactly job.actions, in Go's order, whatever the status
// says; the flows behind each button are tested through the Queue and the
// reader (Queue.test.ts, Report.test.ts).

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { deferred, makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import type { CheckResult, Job, JobAction, JobStatus } from '../types';
import JobActions from './JobActions.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

function mount(job: Job, skip: JobAction[] = [], withOpen = true) {
  const props = {
    job,
    skip,
    onopen: withOpen ? vi.fn() : undefined,
    onedit: vi.fn(),
    onchanged: vi.fn(),
    ondeleted: vi.fn(),
    onnotice: vi.fn(),
  };
  render(JobActions, props);
  return props;
}

function shown(): string[] {
  return [...document.querySelectorAll<HTMLButtonElement>('button[data-action]')].map((b) => b.dataset.action ?? '');
}

describe('JobActions', () => {
  const cases: { name: string; status: JobStatus; actions: string[]; skip?: JobAction[]; withOpen?: boolean; want: string[] }[] = [
    { name: 'all of them, in order', status: 'unconfirmed', actions: ['check', 'cancel', 'open', 'resubmit', 'edit', 'adopt', 'dismiss', 'delete'], want: ['check', 'cancel', 'open', 'resubmit', 'edit', 'adopt', 'dismiss', 'delete'] },
    { name: "Go's order, not a fixed one", status: 'failed', actions: ['delete', 'resubmit'], want: ['delete', 'resubmit'] },
    { name: 'none for a completed job whose list is empty', status: 'completed', actions: [], want: [] },
    { name: 'cancel on a status that "usually" has none', status: 'completed', actions: ['cancel'], want: ['cancel'] },
    { name: 'an unknown action is not shown', status: 'running', actions: ['check', 'explode'], want: ['check'] },
    { name: 'skipped actions', status: 'completed', actions: ['open', 'edit', 'delete'], skip: ['open'], want: ['edit', 'delete'] },
    { name: 'open needs somewhere to open', status: 'completed', actions: ['open', 'delete'], withOpen: false, want: ['delete'] },
  ];
  for (const c of cases) {
    it(`shows ${c.name}`, () => {
      mount(makeJob({ status: c.status, actions: c.actions as JobAction[] }), c.skip, c.withOpen ?? true);
      expect(shown()).toEqual(c.want);
    });
  }

  it('disables its buttons while a call is under way', async () => {
    const d = deferred<CheckResult>();
    api.CheckNow.mockImplementation(() => d.promise);
    const props = mount(makeJob({ id: 'a', status: 'running', actions: ['check', 'cancel'] }));
    await fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    d.resolve({ job: makeJob({ id: 'a', version: 2 }), message: 'Another Deepr process polls this database: it checks the job now.' });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cancel' })).not.toBeDisabled());
    expect(props.onchanged).toHaveBeenCalledWith(expect.objectContaining({ id: 'a', version: 2 }));
    expect(props.onnotice).toHaveBeenCalledWith(expect.objectContaining({ tone: 'info', jobId: 'a', text: expect.stringContaining('Another Deepr process') }));
  });

  // The confirmation is Go's text for the job's own provider
  // (job.cancel_prompt), never a provider named here.
  const prompts: Record<string, string> = {
    openai: 'OpenAI is asked to stop the run. What it used until then is billed, and Deepr records that cost.',
    azure: 'Azure OpenAI is asked to stop the run. What it used until then is billed, and Deepr records that cost.',
    gemini: 'Gemini is asked to stop the run. What it used until then is billed, and Deepr records that cost.',
    perplexity: 'Perplexity cannot stop a run; it will finish and bill; Deepr will keep the report.',
  };
  for (const [provider, prompt] of Object.entries(prompts)) {
    it(`asks before cancelling with what Go says about a ${provider} job`, async () => {
      mount(makeJob({ id: 'a', provider, actions: ['check', 'cancel'], cancel_prompt: prompt }));
      await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      const dialog = screen.getByRole('dialog');
      expect(dialog.textContent).toContain(prompt);
      expect(dialog.textContent).toContain('How do heat pumps perform in cold climates?');
      if (provider === 'perplexity' || provider === 'gemini') expect(dialog.textContent).not.toContain('OpenAI');
      cleanup();
    });
  }
});
