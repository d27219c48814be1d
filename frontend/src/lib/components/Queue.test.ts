import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createJobsStore } from '../stores/jobs';
import type { Job } from '../types';
import Queue from './Queue.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

const stops: (() => void)[] = [];
beforeEach(() => api.reset());
afterEach(() => stops.splice(0).forEach((s) => s()));

const now = Date.parse('2026-03-01T10:05:05Z');

async function setup(jobs: Job[]) {
  api.ListJobs.mockResolvedValue(jobs);
  const store = createJobsStore(document);
  stops.push(store.start());
  const onopen = vi.fn();
  const onnew = vi.fn();
  render(Queue, { jobs: store, now, onopen, onnew });
  if (jobs.length > 0) await screen.findAllByTestId('job-row');
  return { store, onopen, onnew };
}

function row(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="job-row"][data-job-id="${id}"]`);
  if (!el) throw new Error(`no row for ${id}`);
  return el;
}

describe('Queue', () => {
  it('says what to do when there are no jobs', async () => {
    const { onnew } = await setup([]);
    expect(await screen.findByText('No research yet')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: /New research \(Ctrl\+N\)/ }));
    expect(onnew).toHaveBeenCalled();
  });

  it('shows each job with status, progress, time and the actions its status allows', async () => {
    await setup([
      makeJob({ id: 'run', status: 'running', created_at: '2026-03-01T10:00:00Z' }),
      makeJob({ id: 'done', status: 'completed', created_at: '2026-02-01T10:00:00Z', finished_at: '2026-02-01T10:30:00Z', progress: { steps: 0, searches: 0, pages: 0, summary: '' } }),
      makeJob({ id: 'unc', status: 'unconfirmed', created_at: '2026-01-01T10:00:00Z', error: 'connection reset after sending' }),
    ]);
    const r = row('run');
    expect(r.dataset.status).toBe('running');
    expect(within(r).getByTestId('status-badge').textContent).toBe('Running');
    expect(within(r).getByText('How do heat pumps perform in cold climates?')).toBeInTheDocument();
    expect(within(r).getByTestId('job-progress').textContent).toMatch(/3 steps.*2 searches.*5 pages.*Now: Reading field studies/);
    expect(within(r).getByText(/submitted 5 min ago/)).toBeInTheDocument();
    expect(within(r).getByTestId('cancel-button')).toBeInTheDocument();
    expect(within(r).queryByTestId('open-report')).toBeNull();

    expect(within(row('done')).getByTestId('open-report')).toBeInTheDocument();
    expect(within(row('done')).queryByTestId('cancel-button')).toBeNull();

    const u = row('unc');
    expect(within(u).getByText('connection reset after sending')).toBeInTheDocument();
    expect(within(u).getByText(/Check your OpenAI dashboard/)).toBeInTheDocument();
    expect(within(u).getByRole('button', { name: 'Resubmit' })).toBeInTheDocument();
    expect(within(u).getByRole('button', { name: 'Dismiss' })).toBeInTheDocument();
  });

  it('updates a row live from job:updated', async () => {
    await setup([makeJob({ id: 'a', version: 1, status: 'running' })]);
    api.emit('job:updated', makeJob({ id: 'a', version: 2, status: 'completed', finished_at: '2026-03-01T10:05:00Z' }));
    await waitFor(() => expect(row('a').dataset.status).toBe('completed'));
    expect(within(row('a')).getByTestId('open-report')).toBeInTheDocument();
  });

  it('cancels only after confirmation', async () => {
    await setup([makeJob({ id: 'a', version: 1 })]);
    api.Cancel.mockResolvedValue(makeJob({ id: 'a', version: 2, status: 'cancelled' }));
    await fireEvent.click(within(row('a')).getByTestId('cancel-button'));
    const dialog = screen.getByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.Cancel).not.toHaveBeenCalled();

    await fireEvent.click(within(row('a')).getByTestId('cancel-button'));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(row('a').dataset.status).toBe('cancelled'));
    expect(api.Cancel).toHaveBeenCalledWith('a');
  });

  it('resubmits, dismisses and checks now', async () => {
    await setup([
      makeJob({ id: 'f', status: 'failed', error: 'boom', created_at: '2026-03-01T09:00:00Z' }),
      makeJob({ id: 'u', status: 'unconfirmed', created_at: '2026-03-01T08:00:00Z' }),
      makeJob({ id: 'r', status: 'running', created_at: '2026-03-01T07:00:00Z' }),
    ]);
    api.Resubmit.mockResolvedValue(makeJob({ id: 'f', status: 'queued', version: 2 }));
    api.Cancel.mockResolvedValue(makeJob({ id: 'u', status: 'cancelled', version: 2 }));
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Resubmit' }));
    await fireEvent.click(within(row('u')).getByRole('button', { name: 'Dismiss' }));
    await fireEvent.click(within(row('r')).getByRole('button', { name: 'Check now' }));
    await waitFor(() => expect(row('u').dataset.status).toBe('cancelled'));
    expect(api.Resubmit).toHaveBeenCalledWith('f');
    expect(api.Cancel).toHaveBeenCalledWith('u');
    expect(api.CheckNow).toHaveBeenCalledWith('r');
    expect(row('f').dataset.status).toBe('queued');
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

  it('shows an action error', async () => {
    await setup([makeJob({ id: 'f', status: 'failed' })]);
    api.Resubmit.mockRejectedValue('Monthly budget reached');
    await fireEvent.click(within(row('f')).getByRole('button', { name: 'Resubmit' }));
    expect(await screen.findByText(/Resubmit failed.*Monthly budget reached/)).toBeInTheDocument();
  });
});
