import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { get } from 'svelte/store';
import * as apiModule from '../api';
import { makeHealth, makeJob, makeProvider, makeProviderHealth, makeSettings } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createJobsStore } from '../stores/jobs';
import type { Job, SubmitResult } from '../types';
import Queue from './Queue.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

const stops: (() => void)[] = [];
const now = Date.parse('2026-03-01T10:05:05Z');
beforeEach(() => {
  api.reset();
  // Only the clock is fake: relative times read Date.now, the DOM queries keep real timers.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
});
afterEach(() => {
  stops.splice(0).forEach((s) => s());
  vi.useRealTimers();
});

async function setup(jobs: Job[], submitted: SubmitResult | null = null) {
  api.ListJobs.mockResolvedValue(jobs);
  const store = createJobsStore(document);
  stops.push(store.start());
  const onopen = vi.fn();
  const onnew = vi.fn();
  const onedit = vi.fn();
  render(Queue, { jobs: store, submitted, onopen, onnew, onedit });
  if (jobs.length > 0) await screen.findAllByTestId('job-row');
  return { store, onopen, onnew, onedit };
}

/** buttons lists the labels of a row's action buttons, in order. */
function buttons(el: HTMLElement): string[] {
  return [...el.querySelectorAll<HTMLButtonElement>('button[data-action]')].map((b) => b.textContent?.trim() ?? '');
}

function row(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="job-row"][data-job-id="${id}"]`);
  if (!el) throw new Error(`no row for ${id}`);
  return el;
}

describe('Queue', () => {
  it('shows finished jobs 25 at a time, the rest on request', async () => {
    const done = Array.from({ length: 60 }, (_, i) => makeJob({ id: `d${i}`, status: 'completed', prompt: `Report ${i}`, finished_at: '2026-03-01T10:00:00Z' }));
    await setup(done);
    expect(screen.getAllByTestId('job-row')).toHaveLength(25);
    await fireEvent.click(screen.getByTestId('queue-more'));
    expect(screen.getAllByTestId('job-row')).toHaveLength(50);
    await fireEvent.click(screen.getByTestId('queue-more'));
    expect(screen.getAllByTestId('job-row')).toHaveLength(60);
    expect(screen.queryByTestId('queue-more')).toBeNull();
  });

  it('says what to do when there are no jobs', async () => {
    const { onnew } = await setup([]);
    expect(await screen.findByText('No research yet')).toBeInTheDocument();
    await waitFor(() => expect(api.GetSettings).toHaveBeenCalled());
    const empty = screen.getByTestId('queue-empty');
    expect(empty.dataset.step).toBe('research');
    expect(empty.textContent).toContain('Start your first research');
    expect(empty.textContent).not.toContain('API key');
    await fireEvent.click(screen.getByRole('button', { name: /New research \(Ctrl\+N\)/ }));
    expect(onnew).toHaveBeenCalled();
  });

  it('leads a first run without a key to Settings first', async () => {
    api.GetSettings.mockResolvedValue(makeSettings({ key_set: false, key_hint: '', key_storage: '', providers: [makeProvider(), makeProvider({ name: 'gemini', display: 'Gemini' })] }));
    api.ListJobs.mockResolvedValue([]);
    const store = createJobsStore(document);
    stops.push(store.start());
    const onsettings = vi.fn();
    render(Queue, { jobs: store, onopen: vi.fn(), onnew: vi.fn(), onedit: vi.fn(), onsettings });
    const empty = await screen.findByTestId('queue-empty');
    await waitFor(() => expect(empty.dataset.step).toBe('key'));
    expect(empty.textContent).toContain('Add an API key in Settings');
    // Issue 25: the keyboard starts on "Add an API key in Settings", not on the buttons above it.
    await waitFor(() => expect(document.activeElement).toBe(within(empty).getByTestId('queue-empty-settings')));
    await fireEvent.click(within(empty).getByTestId('queue-empty-settings'));
    expect(onsettings).toHaveBeenCalledTimes(1);
    expect(within(empty).getByRole('button', { name: /New research \(Ctrl\+N\)/ }), 'research stays possible').toBeInTheDocument();
  });

  it('counts a key of any provider as a key', async () => {
    api.GetSettings.mockResolvedValue(makeSettings({ key_set: false, providers: [makeProvider(), makeProvider({ name: 'gemini', key_set: true })] }));
    await setup([]);
    await waitFor(() => expect(api.GetSettings).toHaveBeenCalled());
    const empty = await screen.findByTestId('queue-empty');
    await waitFor(() => expect(empty.textContent).toContain('Start your first research'));
    expect(empty.dataset.step).toBe('research');
  });

  it('shows each job with status, progress, time and exactly the actions Go sent', async () => {
    await setup([
      makeJob({ id: 'run', status: 'running', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'done', status: 'completed', created_at: '2026-02-01T10:00:00Z', finished_at: '2026-02-01T10:30:00Z', progress: { steps: 0, searches: 0, pages: 0, summary: '' } }),
      makeJob({ id: 'unc', status: 'unconfirmed', created_at: '2026-01-01T10:00:00Z', error: 'connection reset after sending' }),
      // An incomplete run without text: Go sends no "open", so there is no Open button.
      makeJob({ id: 'inc', status: 'incomplete', created_at: '2025-12-01T10:00:00Z', actions: ['edit', 'delete'] }),
    ]);
    const r = row('run');
    expect(r.dataset.status).toBe('running');
    expect(within(r).getByTestId('status-badge').textContent).toBe('Running');
    expect(within(r).getByText('How do heat pumps perform in cold climates?')).toBeInTheDocument();
    expect(within(r).getByTestId('job-progress').textContent).toMatch(/3 steps.*2 searches.*5 pages.*Now: Reading field studies/);
    expect(r.textContent).toMatch(/submitted\s+5 min ago/);
    // Issue 25: an active job shows its running time.
    expect(r.textContent).toMatch(/running for\s+5 min/);

    const u = row('unc');
    expect(within(u).getByText('connection reset after sending')).toBeInTheDocument();
    expect(within(u).getByText(/Look for it in the provider's dashboard/)).toBeInTheDocument();

    const want: Record<string, string[]> = {
      run: ['Check now', 'Cancel'],
      done: ['Open report', 'Edit as new', 'Delete'],
      unc: ['Resubmit', 'Edit as new', 'Track a response id', 'Dismiss', 'Delete'],
      inc: ['Edit as new', 'Delete'],
    };
    for (const [id, labels] of Object.entries(want)) {
      expect(buttons(row(id)), `buttons of ${id}`).toEqual(labels);
    }
  });

  it('shows a job submitted after the last minute tick as "just now", not in the future', async () => {
    await setup([makeJob({ id: 'fresh', status: 'running', submitted_at: new Date(now + 20_000).toISOString() })]);
    const r = row('fresh');
    expect(r.textContent).toMatch(/submitted\s+just now/);
    expect(r.textContent).not.toMatch(/in under a minute/);
  });

  // Issue 25: nothing moves under the pointer. The selection bar and the
  // banners are not inserted above the rows a user is about to click.
  it('shows the bulk-selection bar after the rows, not above them', async () => {
    await setup([makeJob({ id: 'a', status: 'completed' }), makeJob({ id: 'b', status: 'completed' })]);
    await fireEvent.click(within(row('a')).getByTestId('job-check'));
    const bar = await screen.findByTestId('queue-bulk');
    for (const id of ['a', 'b']) {
      expect(row(id).compareDocumentPosition(bar) & Node.DOCUMENT_POSITION_FOLLOWING, `the bar follows row ${id}`).toBeTruthy();
    }
  });

  it('follows the actions of each update, never the status', async () => {
    await setup([makeJob({ id: 'a', version: 1, status: 'running', actions: ['check', 'cancel'] })]);
    api.emit('job:updated', makeJob({ id: 'a', version: 2, status: 'running', actions: ['check'] }));
    await waitFor(() => expect(buttons(row('a'))).toEqual(['Check now']));
    api.emit('job:updated', makeJob({ id: 'a', version: 3, status: 'completed', finished_at: '2026-03-01T10:05:00Z' }));
    await waitFor(() => expect(row('a').dataset.status).toBe('completed'));
    expect(buttons(row('a'))).toEqual(['Open report', 'Edit as new', 'Delete']);
    api.emit('job:updated', makeJob({ id: 'a', version: 4, status: 'completed', actions: [] }));
    await waitFor(() => expect(buttons(row('a')), 'no actions, no buttons').toEqual([]));
  });

  it('cancels only after confirmation', async () => {
    await setup([makeJob({ id: 'a', version: 1 })]);
    api.Cancel.mockResolvedValue({ job: makeJob({ id: 'a', version: 2, status: 'cancelled' }), warning: '' });
    await fireEvent.click(within(row('a')).getByTestId('action-cancel'));
    const dialog = screen.getByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.Cancel).not.toHaveBeenCalled();

    await fireEvent.click(within(row('a')).getByTestId('action-cancel'));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(row('a').dataset.status).toBe('cancelled'));
    expect(api.Cancel).toHaveBeenCalledWith('a');
    expect(screen.queryByTestId('notice'), 'a notice after a clean cancel').toBeNull();
  });

  it('shows the warning of a cancel the provider could not be told about', async () => {
    await setup([makeJob({ id: 'a', version: 1 })]);
    const warning = 'Cancelled here, but OpenAI could not be told (connection refused): the run may still finish and bill.';
    api.Cancel.mockResolvedValue({ job: makeJob({ id: 'a', version: 2, status: 'cancelled' }), warning });
    await fireEvent.click(within(row('a')).getByTestId('action-cancel'));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('warn');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toContain(warning);
    expect(notice.textContent).toContain('How do heat pumps perform in cold climates?');
    await fireEvent.click(within(notice).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('notice'), 'notice after closing it').toBeNull();
  });

  it("says what became of a cancel, in Go's words, with no second cancel", async () => {
    const note = 'Cancel requested. Perplexity cannot stop a run; it will finish and bill; Deepr will keep the report.';
    await setup([makeJob({ id: 'p', provider: 'perplexity', model: 'sonar-deep-research', actions: ['check'], cancel_note: note, cancel_prompt: '' })]);
    expect(within(row('p')).getByTestId('job-cancel-note').textContent).toBe(note);
    expect(buttons(row('p'))).toEqual(['Check now']);
  });

  it('resubmits, dismisses and checks now, saying what the check did', async () => {
    await setup([
      makeJob({ id: 'f', status: 'failed', error: 'boom', created_at: '2026-03-01T09:00:00Z' }),
      makeJob({ id: 'u', status: 'unconfirmed', created_at: '2026-03-01T08:00:00Z' }),
      makeJob({ id: 'r', status: 'running', created_at: '2026-03-01T07:00:00Z' }),
    ]);
    api.Resubmit.mockResolvedValue(makeJob({ id: 'f', status: 'queued', version: 2 }));
    api.Dismiss.mockResolvedValue(makeJob({ id: 'u', status: 'cancelled', version: 2 }));
    api.CheckNow.mockResolvedValue({ job: makeJob({ id: 'r', status: 'running', version: 2 }), message: 'Checking with OpenAI now.' });
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Resubmit' }));
    await fireEvent.click(within(row('u')).getByRole('button', { name: 'Dismiss' }));
    await fireEvent.click(within(row('r')).getByRole('button', { name: 'Check now' }));
    await waitFor(() => expect(row('u').dataset.status).toBe('cancelled'));
    expect(api.Resubmit).toHaveBeenCalledWith('f');
    expect(api.Dismiss).toHaveBeenCalledWith('u');
    expect(api.Cancel, 'Dismiss is not a cancel').not.toHaveBeenCalled();
    expect(api.CheckNow).toHaveBeenCalledWith('r');
    expect(row('f').dataset.status).toBe('queued');
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('info');
    expect(notice.textContent).toContain('Checking with OpenAI now.');
  });

  it('tracks a response id for an unconfirmed job, showing a refusal in the dialog', async () => {
    await setup([makeJob({ id: 'u', status: 'unconfirmed', provider_job_id: '' })]);
    api.Adopt.mockRejectedValueOnce('OpenAI has no response with id resp_nope: check the id');
    api.Adopt.mockResolvedValueOnce(makeJob({ id: 'u', status: 'running', version: 2, provider_job_id: 'resp_123' }));
    await fireEvent.click(within(row('u')).getByRole('button', { name: 'Track a response id' }));
    const dialog = screen.getByTestId('adopt-dialog');
    expect(dialog.textContent, 'the dialog explains where the id comes from').toMatch(/OpenAI dashboard/);
    expect(dialog.textContent).toContain('deepr_job_id: u');
    const input = within(dialog).getByTestId('adopt-input') as HTMLInputElement;
    expect(document.activeElement, 'focus on the id field').toBe(input);

    await fireEvent.click(within(dialog).getByTestId('adopt-submit'));
    expect(within(dialog).getByTestId('adopt-error').textContent).toMatch(/Paste the response id first/);
    expect(api.Adopt, 'Adopt with an empty id').not.toHaveBeenCalled();

    await fireEvent.input(input, { target: { value: ' resp_nope ' } });
    await fireEvent.click(within(dialog).getByTestId('adopt-submit'));
    expect(await within(dialog).findByText(/no response with id resp_nope/)).toBeInTheDocument();
    expect(api.Adopt).toHaveBeenCalledWith({ id: 'u', response_id: 'resp_nope' });
    expect(screen.getByTestId('adopt-dialog'), 'dialog stays open after a refusal').toBeInTheDocument();

    await fireEvent.input(input, { target: { value: 'resp_123' } });
    await fireEvent.click(within(dialog).getByTestId('adopt-submit'));
    await waitFor(() => expect(screen.queryByTestId('adopt-dialog')).toBeNull());
    expect(row('u').dataset.status).toBe('running');
    expect((await screen.findByTestId('notice')).textContent).toContain('Tracking resp_123');
  });

  it('deletes only after confirmation', async () => {
    const { store } = await setup([makeJob({ id: 'f', status: 'failed' }), makeJob({ id: 'g', status: 'failed' })]);
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Delete' }));
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.DeleteJob).not.toHaveBeenCalled();
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Delete' }));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(document.querySelector('[data-job-id="f"]')).toBeNull());
    expect(api.DeleteJob).toHaveBeenCalledWith('f');
    expect(get(store).jobs.map((j) => j.id)).toEqual(['g']);
  });

  it('hands "Edit as new" and "Open report" to the app', async () => {
    const { onopen, onedit } = await setup([makeJob({ id: 'c', status: 'completed' })]);
    await fireEvent.click(within(row('c')).getByRole('button', { name: 'Edit as new' }));
    expect(onedit).toHaveBeenCalledWith(expect.objectContaining({ id: 'c' }));
    await fireEvent.click(within(row('c')).getByRole('button', { name: 'Open report' }));
    expect(onopen).toHaveBeenCalledWith('c');
  });

  it('shows the notes of the submission that led here', async () => {
    const job = makeJob({ id: 'n', status: 'queued' });
    await setup([job], {
      job,
      notes: [
        { code: 'no_key', message: 'No OpenAI API key is set: the job waits until one is added.' },
        { code: 'no_poller', message: 'No poller is running for this database, so the job is not sent yet.' },
      ],
    });
    const notes = screen.getByTestId('submit-notes');
    expect([...notes.querySelectorAll('li')].map((li) => li.dataset.code)).toEqual(['no_key', 'no_poller']);
    expect(notes.textContent).toContain('No poller is running');
    await fireEvent.click(within(notes).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('submit-notes')).toBeNull();
  });

  it('moves the selection with the arrow keys and opens a report with Enter', async () => {
    const { onopen } = await setup([
      makeJob({ id: 'a', status: 'running', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'b', status: 'completed', created_at: '2026-02-01T10:00:00Z' }),
    ]);
    await fireEvent.keyDown(window, { key: 'ArrowDown' });
    expect(document.activeElement, 'focus after ArrowDown').toBe(row('a'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement, 'focus after 2 ArrowDown').toBe(row('b'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement, 'focus stays on the last row').toBe(row('b'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onopen).toHaveBeenCalledWith('b');
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(row('a'));
    onopen.mockClear();
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onopen, 'Enter on a running job').not.toHaveBeenCalled();
  });

  it('opens with Enter only a job whose actions include open', async () => {
    const { onopen } = await setup([makeJob({ id: 'c', status: 'completed', actions: ['edit', 'delete'] })]);
    await fireEvent.keyDown(window, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(row('c'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onopen, 'Enter on a completed job without text').not.toHaveBeenCalled();
  });

  it('shows an action error', async () => {
    await setup([makeJob({ id: 'f', status: 'failed' })]);
    api.Resubmit.mockRejectedValue('Monthly budget reached');
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Resubmit' }));
    expect(await screen.findByText(/Resubmit failed.*Monthly budget reached/)).toBeInTheDocument();
  });

  it('shows the provider status only while the job runs and it adds something', async () => {
    await setup([
      makeJob({ id: 'same', status: 'running', provider_status: 'in_progress', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'waits', status: 'running', provider_status: 'queued', created_at: '2026-03-01T09:00:00Z' }),
      makeJob({ id: 'gone', status: 'cancelled', provider_status: 'in_progress', created_at: '2026-03-01T08:00:00Z', finished_at: '2026-03-01T08:30:00Z' }),
      makeJob({ id: 'done', status: 'completed', provider_status: 'completed', created_at: '2026-03-01T07:00:00Z', finished_at: '2026-03-01T07:30:00Z' }),
    ]);
    expect(within(row('same')).queryByTestId('provider-status'), '"in_progress" only repeats Running').toBeNull();
    expect(within(row('waits')).getByTestId('provider-status').textContent).toMatch(/OpenAI has not started it yet/);
    for (const id of ['gone', 'done']) {
      expect(within(row(id)).queryByTestId('provider-status'), `provider status on ${id}`).toBeNull();
      expect(row(id).textContent, `"Now:" on ${id}`).not.toContain('Now:');
      expect(row(id).textContent).not.toContain('in_progress');
    }
  });

  it('moves no row while the pointer is over them: an ended job stays in Active, a new one waits (issue 25)', async () => {
    await setup([
      makeJob({ id: 'a', status: 'running', version: 1, prompt: 'Heat pumps in Norway', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'b', status: 'running', version: 1, prompt: 'Solar in Spain', created_at: '2026-03-01T09:00:00Z' }),
      makeJob({ id: 'old', status: 'completed', version: 1, created_at: '2026-02-01T09:00:00Z' }),
    ]);
    const order = () => screen.getAllByTestId('job-row').map((r) => r.dataset.jobId);
    const activeIds = () => within(screen.getByRole('list', { name: /Active/ })).getAllByTestId('job-row').map((r) => r.dataset.jobId);
    expect(order()).toEqual(['a', 'b', 'old']);
    await fireEvent.pointerEnter(screen.getByTestId('queue-rows'));
    api.emit('job:updated', makeJob({ id: 'a', status: 'completed', version: 2, prompt: 'Heat pumps in Norway', created_at: '2026-03-01T10:00:00Z' }));
    api.emit('job:updated', makeJob({ id: 'new', status: 'queued', version: 1, prompt: 'Arrived meanwhile', created_at: '2026-03-01T11:00:00Z' }));
    await waitFor(() => expect(screen.getAllByTestId('job-row')[0].dataset.status).toBe('completed'));
    expect(order(), 'the ended job stays in place and the new one waits').toEqual(['a', 'b', 'old']);
    expect(activeIds()).toEqual(['a', 'b']);
    await fireEvent.pointerLeave(screen.getByTestId('queue-rows'));
    await waitFor(() => expect(order()).toEqual(['new', 'b', 'a', 'old']));
  });

  it('announces a job that finishes, not one that arrives finished', async () => {
    await setup([
      makeJob({ id: 'a', status: 'running', version: 1, prompt: 'Heat pumps in Norway', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'b', status: 'running', version: 1, prompt: 'Solar in Spain', created_at: '2026-03-01T09:00:00Z' }),
      makeJob({ id: 'old', status: 'completed', version: 1, created_at: '2026-02-01T09:00:00Z' }),
    ]);
    const live = screen.getByTestId('live-region');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent?.trim()).toBe('');
    api.emit('job:updated', makeJob({ id: 'a', status: 'completed', version: 2, prompt: 'Heat pumps in Norway', created_at: '2026-03-01T10:00:00Z' }));
    await waitFor(() => expect(live.textContent).toContain('Research finished: Heat pumps in Norway'));
    api.emit('job:updated', makeJob({ id: 'b', status: 'failed', version: 2, prompt: 'Solar in Spain', error: 'boom', created_at: '2026-03-01T09:00:00Z' }));
    await waitFor(() => expect(live.textContent).toContain('Research finished: Solar in Spain (failed)'));
    api.emit('job:updated', makeJob({ id: 'new', status: 'completed', version: 1, prompt: 'Imported elsewhere', created_at: '2026-03-01T11:00:00Z' }));
    api.emit('job:updated', makeJob({ id: 'old', status: 'completed', version: 2, created_at: '2026-02-01T09:00:00Z' }));
    await waitFor(() => expect(document.querySelector('[data-job-id="new"]')).not.toBeNull());
    expect(live.textContent).not.toContain('Imported elsewhere');
    expect(live.querySelectorAll('p').length).toBe(2);
  });

  it('announces a change of the poller state', async () => {
    api.ListJobs.mockResolvedValue([makeJob({ id: 'a' })]);
    const store = createJobsStore(document);
    stops.push(store.start());
    const { rerender } = render(Queue, { jobs: store, onopen: vi.fn(), onnew: vi.fn(), onedit: vi.fn(), health: makeHealth({ seq: 1, poller: 'running' }) });
    const live = screen.getByTestId('live-region');
    expect(live.textContent?.trim(), 'the first state is not news').toBe('');
    await rerender({ health: makeHealth({ seq: 2, poller: 'stopped' }) });
    await waitFor(() => expect(live.textContent).toContain('The poller stopped'));
    const gemini = (state: 'ok' | 'key_rejected', summary: string) => [makeProviderHealth(), makeProviderHealth({ name: 'gemini', display: 'Gemini', state, summary })];
    await rerender({ health: makeHealth({ seq: 3, poller: 'stopped', provider: 'key_rejected', providers: gemini('key_rejected', 'Gemini: API key rejected') }) });
    await waitFor(() => expect(live.textContent).toContain('Gemini: API key rejected'));
    expect(live.textContent, 'only the provider concerned is announced').not.toContain('OpenAI');
    await rerender({ health: makeHealth({ seq: 4, poller: 'running', provider: 'ok', providers: gemini('ok', 'Gemini: reachable') }) });
    await waitFor(() => expect(live.textContent).toContain('The poller is running'));
    expect(live.textContent).toContain('Gemini: reachable again.');
  });
});
