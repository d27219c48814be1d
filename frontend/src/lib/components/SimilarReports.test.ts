import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import SimilarReports from './SimilarReports.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

describe('SimilarReports', () => {
  it("lists saved reports on the prompt's subject by Go's title, and opens one", async () => {
    const hit = { job: makeJob({ id: 'r7', status: 'completed', prompt: 'Heat pumps in Nordic winters, long', title: 'Heat pumps in Nordic winters', cost_usd: 1.25 }), snippet: '', snippet_html: '', matched: ['heat', 'pumps', 'cold'] };
    api.Similar.mockResolvedValue([hit]);
    const onopen = vi.fn();
    render(SimilarReports, { prompt: 'heat pumps in cold climates', onopen });
    const link = await screen.findByTestId('similar-report', {}, { timeout: 2000 });
    expect(api.Similar).toHaveBeenCalledWith('heat pumps in cold climates');
    expect(link.textContent).toBe('Heat pumps in Nordic winters');
    expect(screen.getByTestId('similar-reports').textContent).toContain('$1.25');
    expect(screen.getByTestId('similar-matched').textContent, 'why it matched').toBe('matched: heat, pumps, cold');
    await fireEvent.click(link);
    expect(onopen).toHaveBeenCalledWith('r7');
  });

  it('asks nothing for a prompt too short to compare', async () => {
    render(SimilarReports, { prompt: 'heat', onopen: vi.fn() });
    await new Promise((r) => setTimeout(r, 600));
    expect(api.Similar).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.queryByTestId('similar-reports')).toBeNull());
  });
});
