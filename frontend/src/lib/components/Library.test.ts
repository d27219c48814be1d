import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createLibraryStore } from '../stores/library';
import Library from './Library.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => {
  api.reset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

async function settle(ms = 0) {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('Library', () => {
  it('loads the first page on open', async () => {
    render(Library, { library: createLibraryStore(), onopen: vi.fn(), onnew: vi.fn() });
    await settle();
    expect(api.SearchReports).toHaveBeenCalledTimes(1);
    expect(api.SearchReports).toHaveBeenCalledWith({
      query: '', status: '', model: '', since: '', until: '', sort: 'relevance', limit: 50, offset: 0,
    });
    expect(screen.getByText(/Your library is empty/)).toBeInTheDocument();
  });

  it('searches once after typing quickly (debounced)', async () => {
    render(Library, { library: createLibraryStore(), onopen: vi.fn(), onnew: vi.fn() });
    await settle();
    api.SearchReports.mockClear();
    const input = screen.getByTestId('library-search');
    for (const v of ['h', 'he', 'hea', 'heat']) {
      await fireEvent.input(input, { target: { value: v } });
      await settle(100);
    }
    expect(api.SearchReports, 'calls while typing').not.toHaveBeenCalled();
    await settle(250);
    expect(api.SearchReports).toHaveBeenCalledTimes(1);
    expect(api.SearchReports.mock.calls[0][0]).toMatchObject({ query: 'heat', offset: 0 });
  });

  it('shows highlighted hits, loads more, and opens one', async () => {
    const hit = (id: string) => ({ job: makeJob({ id, status: 'completed' }), snippet: `about heat ${id}`, snippet_html: `about <mark>heat</mark> ${id}` });
    api.SearchReports.mockResolvedValueOnce({ hits: [hit('a'), hit('b')], total: 3, has_more: true });
    api.SearchReports.mockResolvedValueOnce({ hits: [hit('c')], total: 3, has_more: false });
    const onopen = vi.fn();
    render(Library, { library: createLibraryStore(), onopen, onnew: vi.fn() });
    await settle();
    const hits = screen.getAllByTestId('search-hit');
    expect(hits.map((h) => h.dataset.jobId)).toEqual(['a', 'b']);
    expect(hits[0].querySelector('mark')?.textContent).toBe('heat');
    expect(screen.getByTestId('library-count').textContent, "Go's count of every match").toBe('3 reports');

    await fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();
    expect(api.SearchReports.mock.calls[1][0]).toMatchObject({ offset: 2, limit: 50 });
    expect(screen.getAllByTestId('search-hit').map((h) => h.dataset.jobId)).toEqual(['a', 'b', 'c']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    await fireEvent.click(screen.getAllByTestId('search-hit')[2]);
    expect(onopen).toHaveBeenCalledWith('c');
  });

  it('searches again right away when a filter changes', async () => {
    render(Library, { library: createLibraryStore(), onopen: vi.fn(), onnew: vi.fn() });
    await settle();
    await fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'incomplete' } });
    await settle();
    await fireEvent.change(screen.getByLabelText('Sort'), { target: { value: 'date' } });
    await settle();
    expect(api.SearchReports.mock.calls.at(-1)?.[0]).toMatchObject({ status: 'incomplete', sort: 'date' });
  });

  it('marks follow-ups and followed-up reports from the hits alone, with no call per row', async () => {
    const hit = (id: string, prompt: string, parent_id = '') => ({ job: makeJob({ id, status: 'completed', prompt, parent_id }), snippet: '', snippet_html: '' });
    api.SearchReports.mockResolvedValueOnce({
      hits: [hit('c1', 'District heating', 'p1'), hit('p1', 'Heat pumps in cold climates'), hit('c2', 'Finland', 'p1'), hit('c3', 'Iceland', 'gone')],
      total: 4,
      has_more: false,
    });
    render(Library, { library: createLibraryStore(), onopen: vi.fn(), onnew: vi.fn() });
    await settle();
    const rows = screen.getAllByTestId('search-hit');
    expect(rows[0].querySelector('[data-testid="hit-followup"]')?.textContent).toBe('Follow-up of “Heat pumps in cold climates”');
    expect(rows[1].querySelector('[data-testid="hit-followup"]')).toBeNull();
    expect(rows[1].querySelector('[data-testid="hit-followups"]')?.textContent).toBe('2 follow-ups');
    expect(rows[3].querySelector('[data-testid="hit-followup"]')?.textContent, 'a parent not in the list').toBe('Follow-up');
    expect(rows[3].querySelector('[data-testid="hit-followups"]')).toBeNull();
    expect(api.Thread).not.toHaveBeenCalled();
    expect(api.GetJob).not.toHaveBeenCalled();
  });
});
