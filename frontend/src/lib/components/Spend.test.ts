import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as apiModule from '../api';
import type { FakeApi } from '../../tests/fakeApi';
import { makeJobSpend, makeModelSpend, makeMonthTotal, makeSpend } from '../../tests/spendFixtures';
import { createSpendStore } from '../stores/spend';
import Spend from './Spend.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

async function setup() {
  const spend = createSpendStore(undefined);
  const onopen = vi.fn();
  const onsettings = vi.fn();
  const stop = spend.start();
  render(Spend, { spend, onopen, onsettings });
  await screen.findByTestId('spend-total');
  return { onopen, onsettings, stop };
}

const march = makeSpend({
  month: '2026-03',
  spent_usd: 6.5,
  reserved_usd: 2,
  budget_usd: 10,
  jobs: [
    makeJobSpend({ job_id: 'a', title: 'Heat pumps', cost_usd: 4, attempts: 2, status: 'completed' }),
    makeJobSpend({ job_id: 'b', title: 'Battery recycling', provider: 'perplexity', model: 'sonar-deep-research', cost_usd: 2.5, status: 'failed' }),
    makeJobSpend({ job_id: 'c', title: 'Deleted one', cost_usd: 0, deleted: true }),
  ],
  by_model: {
    'openai/o3-deep-research': makeModelSpend({ spent_usd: 4, job_count: 2, attempts: 3 }),
    'perplexity/sonar-deep-research': makeModelSpend({ provider: 'perplexity', model: 'sonar-deep-research', spent_usd: 2.5, job_count: 1, attempts: 1 }),
  },
  top: [makeJobSpend({ job_id: 'a', title: 'Heat pumps', cost_usd: 4, attempts: 2 })],
});

describe('Spend', () => {
  it('shows what AI assistants spent, and marks their jobs', async () => {
    api.Costs.mockResolvedValue(makeSpend({ month: '2026-03', spent_usd: 6.5, assistant_usd: 2.5, jobs: [
      makeJobSpend({ job_id: 'a', title: 'Heat pumps', cost_usd: 4 }),
      makeJobSpend({ job_id: 'b', title: 'Tea', cost_usd: 2.5, via: 'assistant' }),
    ] }));
    await setup();
    await waitFor(() => expect(screen.getByTestId('spend-assistants').textContent).toMatch(/\$2\.50 of it was asked for by AI assistants/));
    const rows = screen.getAllByTestId('spend-job');
    expect(within(rows[0]).queryByTestId('spend-via')).toBeNull();
    expect(within(rows[1]).getByTestId('spend-via').textContent).toMatch(/from an AI assistant/);
  });

  it('says nothing of assistants when they spent nothing', async () => {
    api.Costs.mockResolvedValue(march);
    await setup();
    await screen.findByTestId('spend-bar');
    expect(screen.queryByTestId('spend-assistants')).toBeNull();
  });

  it("shows this month against the budget, by model and by job, each job's attempts", async () => {
    api.Costs.mockResolvedValue(march);
    const { onopen } = await setup();
    expect(screen.getByTestId('spend-view')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('spend-total').textContent).toMatch(/\$6\.50 spent in March 2026 of the \$10\.00 monthly budget, and \$2\.00 reserved/));
    const bar = screen.getByTestId('spend-bar');
    expect(bar.getAttribute('aria-valuenow')).toBe('6.5');
    expect(bar.getAttribute('aria-valuemax')).toBe('10');
    expect(bar.getAttribute('aria-valuetext')).toBe('$6.50 of $10.00 (65%)');
    expect(screen.getByText(/65% of the budget spent; \$1\.50 left for new research/)).toBeInTheDocument();

    const rows = [...screen.getByTestId('spend-by-model').querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((c) => c.textContent?.trim()).join(' '),
    );
    expect(rows).toEqual(['openai / o3-deep-research 2 3 $4.00', 'perplexity / sonar-deep-research 1 1 $2.50']);

    const jobs = screen.getAllByTestId('spend-job');
    expect(jobs.map((j) => j.dataset.jobId)).toEqual(['a', 'b', 'c']);
    expect(jobs[0].querySelectorAll('td')[3].textContent).toBe('2');
    expect(jobs[0].querySelectorAll('td')[4].textContent).toBe('$4.00');
    expect(jobs[2].textContent).toContain('(deleted)');
    expect(within(jobs[1]).queryByRole('button'), 'a failed job has no report to open').toBeNull();
    await fireEvent.click(within(jobs[0]).getByRole('button', { name: 'Heat pumps' }));
    expect(onopen).toHaveBeenCalledWith('a');
    expect(within(screen.getByTestId('spend-top')).getByText('$4.00')).toBeInTheDocument();
  });

  it('picks an earlier month from the months with spending', async () => {
    api.Costs.mockImplementation(async (m: string) =>
      m === '2026-02' ? makeSpend({ month: '2026-02', spent_usd: 1.25, jobs: [makeJobSpend({ job_id: 'old', cost_usd: 1.25 })] }) : makeSpend({ month: '2026-03' }),
    );
    api.SpendMonths.mockResolvedValue([makeMonthTotal({ month: '2026-02', spent_usd: 1.25, job_count: 1 }), makeMonthTotal({ month: '2026-01', spent_usd: 3, job_count: 2 })]);
    await setup();
    const picker = screen.getByTestId('spend-month') as HTMLSelectElement;
    await waitFor(() => expect(picker.options.length).toBe(3));
    expect([...picker.options].map((o) => o.textContent)).toEqual(['March 2026 (this month)', 'February 2026 — $1.25', 'January 2026 — $3.00']);
    expect(screen.getByTestId('spend-empty').textContent).toMatch(/Nothing spent in March 2026/);
    await fireEvent.change(picker, { target: { value: '2026-02' } });
    await waitFor(() => expect(screen.getByTestId('spend-total').textContent).toMatch(/\$1\.25 spent in February 2026/));
    expect(api.Costs).toHaveBeenCalledWith('2026-02');
    expect(screen.getAllByTestId('spend-job').map((j) => j.dataset.jobId)).toEqual(['old']);
  });

  it('says when nothing was spent and no budget is set', async () => {
    const { onsettings } = await setup();
    expect(screen.getByTestId('spend-empty').textContent).toMatch(/Nothing spent in/);
    expect(screen.queryByTestId('spend-bar')).toBeNull();
    expect(screen.getByTestId('spend-no-budget').textContent).toMatch(/No monthly budget is set/);
    await fireEvent.click(screen.getByRole('button', { name: 'Set one in Settings' }));
    expect(onsettings).toHaveBeenCalledTimes(1);
  });

  it('shows a month that is over its budget in the bar', async () => {
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 12, budget_usd: 10, jobs: [makeJobSpend({ cost_usd: 12 })] }));
    await setup();
    await waitFor(() => expect(screen.getByTestId('spend-bar').classList.contains('over')).toBe(true));
  });
});
