import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from './lib/api';
import { makeHealth, makeJob, makeProviderHealth, makeSettings, makeWebhooks } from './tests/fixtures';
import { makeSpend } from './tests/spendFixtures';
import type { FakeApi } from './tests/fakeApi';
import { tick } from 'svelte';
import App from './App.svelte';

vi.mock('./lib/api', async () => (await import('./tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => {
  api.reset();
  delete document.documentElement.dataset.theme;
});

async function setup() {
  const r = render(App);
  await screen.findByTestId('nav-queue');
  await waitFor(() => expect(api.GetSettings).toHaveBeenCalled());
  return r;
}

describe('App shell', () => {
  it('has the nav items, starts on the Queue and shows health', async () => {
    api.GetHealth.mockResolvedValue(makeHealth({ provider: 'ok', poller: 'standby', lease_holder: 'deepr worker on srv' }));
    await setup();
    for (const id of ['nav-queue', 'nav-new', 'nav-library', 'nav-spend', 'nav-settings']) {
      expect(screen.getByTestId(id), id).toBeInTheDocument();
    }
    expect(screen.getByRole('heading', { name: 'Queue' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('poller-state').textContent).toContain('held by deepr worker on srv'));
    expect(screen.getByTestId('health-provider').textContent).toContain('OpenAI reachable');
    api.emit(
      'health:updated',
      makeHealth({
        seq: 2,
        provider: 'key_rejected',
        summary: 'Gemini: API key rejected',
        providers: [makeProviderHealth(), makeProviderHealth({ name: 'gemini', display: 'Gemini', state: 'key_rejected', summary: 'Gemini: API key rejected' })],
        poller: 'running',
      }),
    );
    await waitFor(() => expect(screen.getByTestId('health-provider').textContent).toContain('Gemini: API key rejected'));
    expect(screen.getByTestId('health-provider').dataset.state).toBe('key_rejected');
    expect(screen.getByTestId('poller-state').textContent).toContain('polling here');
  });

  it('shows a webhook error in the status bar, and nothing for webhooks that are off', async () => {
    api.GetHealth.mockResolvedValue(makeHealth({ seq: 1, webhooks: makeWebhooks({ state: 'off' }) }));
    await setup();
    await waitFor(() => expect(screen.getByTestId('poller-state').textContent).toContain('polling here'));
    expect(screen.queryByTestId('webhook-state'), 'webhooks off').toBeNull();
    api.emit(
      'health:updated',
      makeHealth({ seq: 2, webhooks: makeWebhooks({ state: 'error', message: 'no webhook signing secret is set' }) }),
    );
    const hooks = await screen.findByTestId('webhook-state');
    expect(hooks.dataset.state).toBe('error');
    expect(hooks.textContent).toMatch(/Webhooks failed: no webhook signing secret is set \(polling continues\)/);
    api.emit('health:updated', makeHealth({ seq: 1, webhooks: makeWebhooks({ state: 'off' }) }));
    expect(screen.getByTestId('webhook-state').dataset.state, 'after an older health').toBe('error');
  });

  it('counts active jobs in the sidebar', async () => {
    api.ListJobs.mockResolvedValue([makeJob({ id: 'a', status: 'running' }), makeJob({ id: 'b', status: 'queued' }), makeJob({ id: 'c', status: 'completed' })]);
    await setup();
    await waitFor(() => expect(screen.getByLabelText('2 active')).toBeInTheDocument());
  });

  const shortcuts: { name: string; init: KeyboardEventInit; want: string }[] = [
    { name: 'Ctrl+N', init: { key: 'n', ctrlKey: true }, want: 'prompt-input' },
    { name: 'Cmd+N', init: { key: 'n', metaKey: true }, want: 'prompt-input' },
    { name: 'Ctrl+K', init: { key: 'k', ctrlKey: true }, want: 'library-search' },
    { name: 'Cmd+K', init: { key: 'k', metaKey: true }, want: 'library-search' },
    { name: '/', init: { key: '/' }, want: 'library-search' },
  ];
  for (const c of shortcuts) {
    it(`${c.name} opens ${c.want}`, async () => {
      await setup();
      const notPrevented = await fireEvent.keyDown(document.body, c.init);
      expect(notPrevented, 'browser default prevented').toBe(false);
      const el = await screen.findByTestId(c.want);
      if (c.want === 'library-search') await waitFor(() => expect(document.activeElement).toBe(el));
    });
  }

  // Issue 25: keys for Queue, Library, Spend and Settings.
  const viewKeys: { name: string; init: KeyboardEventInit; heading: string }[] = [
    { name: 'Ctrl+2', init: { key: '2', ctrlKey: true }, heading: 'Library' },
    { name: 'Ctrl+3', init: { key: '3', ctrlKey: true }, heading: 'Spend' },
    { name: 'Ctrl+,', init: { key: ',', ctrlKey: true }, heading: 'Settings' },
    { name: 'Cmd+,', init: { key: ',', metaKey: true }, heading: 'Settings' },
  ];
  for (const c of viewKeys) {
    it(`${c.name} shows ${c.heading}, and Ctrl+1 the Queue again`, async () => {
      await setup();
      await fireEvent.keyDown(document.body, c.init);
      expect(await screen.findByRole('heading', { level: 1, name: new RegExp(c.heading) })).toBeInTheDocument();
      await fireEvent.keyDown(document.body, { key: '1', ctrlKey: true });
      expect(await screen.findByRole('heading', { level: 1, name: /Queue/ })).toBeInTheDocument();
    });
  }

  // Issue 25: Esc and Alt+Left go back from a report.
  for (const init of [{ key: 'Escape' }, { key: 'ArrowLeft', altKey: true }] as KeyboardEventInit[]) {
    it(`${init.altKey ? 'Alt+Left' : 'Esc'} goes back from a report to the view it was opened from`, async () => {
      api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r9', status: 'completed' }), html: '<p>hello</p>', markdown: 'hello', citations: [] });
      await setup();
      await fireEvent.keyDown(document.body, { key: '3', ctrlKey: true });
      await screen.findByTestId('spend-view');
      api.emit('app:open-report', 'r9');
      await screen.findByTestId('report-body');
      await fireEvent.keyDown(document.body, init);
      expect(await screen.findByTestId('spend-view')).toBeInTheDocument();
      expect(screen.queryByTestId('report-body')).toBeNull();
    });
  }

  // Issue 25: each view opens at its top; the Library's Back restores its own scroll.
  it('opens each view at its top, and Back from a report returns the Library to where it was', async () => {
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r9', status: 'completed' }), html: '<p>hello</p>', markdown: 'hello', citations: [] });
    await setup();
    const main = document.querySelector('main') as HTMLElement;
    main.scrollTop = 400;
    await fireEvent.click(screen.getByTestId('nav-spend'));
    await screen.findByTestId('spend-view');
    await waitFor(() => expect(main.scrollTop, 'Spend opened scrolled').toBe(0));

    await fireEvent.click(screen.getByTestId('nav-library'));
    await screen.findByTestId('library-search');
    await tick();
    main.scrollTop = 300;
    await fireEvent.scroll(main);
    api.emit('app:open-report', 'r9');
    await screen.findByTestId('report-body');
    await waitFor(() => expect(main.scrollTop, 'the report opened scrolled').toBe(0));
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    await screen.findByTestId('library-search');
    await waitFor(() => expect(main.scrollTop, "the Library's scroll after Back").toBe(300));

    // From the sidebar, the Library opens at its top.
    await fireEvent.click(screen.getByTestId('nav-queue'));
    await fireEvent.click(screen.getByTestId('nav-library'));
    await screen.findByTestId('library-search');
    await tick();
    await waitFor(() => expect(main.scrollTop, 'the Library from the sidebar').toBe(0));
  });

  it('does not treat / typed in a field as a shortcut', async () => {
    await setup();
    await fireEvent.click(screen.getByTestId('nav-new'));
    const prompt = await screen.findByTestId('prompt-input');
    await fireEvent.keyDown(prompt, { key: '/' });
    expect(screen.queryByTestId('library-search'), 'library opened while typing').toBeNull();
    expect(screen.getByTestId('prompt-input')).toBeInTheDocument();
  });

  it('goes to the Queue after a submission and shows the new job with its notes', async () => {
    const job = makeJob({ id: 'n1', status: 'queued', version: 1 });
    api.Submit.mockResolvedValue({ job, notes: [{ code: 'no_poller', message: 'No poller is running for this database, so the job is not sent yet.' }] });
    await setup();
    await fireEvent.click(screen.getByTestId('nav-new'));
    await fireEvent.input(await screen.findByTestId('prompt-input'), { target: { value: 'question' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(document.querySelector('[data-testid="job-row"][data-job-id="n1"]')).not.toBeNull());
    expect(screen.getByRole('heading', { name: 'Queue' })).toBeInTheDocument();
    expect(screen.getByTestId('submit-notes').textContent).toContain('No poller is running');
    // The notes belong to that submission: they do not come back on the next visit.
    await fireEvent.click(screen.getByTestId('nav-library'));
    await fireEvent.click(screen.getByTestId('nav-queue'));
    await screen.findByRole('heading', { name: 'Queue' });
    expect(screen.queryByTestId('submit-notes')).toBeNull();
  });

  it('"Edit as new" opens the New research form filled with the job\'s request', async () => {
    api.ListJobs.mockResolvedValue([
      makeJob({ id: 'f', status: 'failed', prompt: 'Failed question', model: 'o3-deep-research', options: { web_search: true, code_interpreter: true, max_tool_calls: 9 }, max_cost_usd: 5 }),
    ]);
    await setup();
    await fireEvent.click(await screen.findByRole('button', { name: 'Edit as new' }));
    const prompt = (await screen.findByTestId('prompt-input')) as HTMLTextAreaElement;
    expect(prompt.value).toBe('Failed question');
    expect((screen.getByLabelText('Max tool calls') as HTMLInputElement).value).toBe('9');
    expect((screen.getByLabelText(/Code interpreter/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('max-cost-input') as HTMLInputElement).value, "the job's own cost cap").toBe('5');
    // New research from the sidebar starts empty again.
    await fireEvent.click(screen.getByTestId('nav-queue'));
    await fireEvent.click(screen.getByTestId('nav-new'));
    expect(((await screen.findByTestId('prompt-input')) as HTMLTextAreaElement).value).toBe('');
    expect(screen.queryByTestId('draft-notice')).toBeNull();
  });

  it('"Go deeper" in the reader starts a follow-up linked to the report', async () => {
    const parent = makeJob({ id: 'p1', status: 'completed', prompt: 'Heat pumps in Norway', actions: ['follow_up', 'edit', 'delete'] });
    api.GetReport.mockResolvedValue({ questions: [], job: parent, html: '<h1>Heat pumps</h1><p>text</p>', markdown: '# Heat pumps', citations: [] });
    api.Submit.mockResolvedValue({ job: makeJob({ id: 'c1', status: 'queued', parent_id: 'p1' }), notes: [] });
    await setup();
    api.emit('app:open-report', 'p1');
    await fireEvent.click(await screen.findByTestId('go-deeper'));
    expect((await screen.findByTestId('followup-notice')).textContent).toContain('Heat pumps in Norway');
    const prompt = (await screen.findByTestId('prompt-input')) as HTMLTextAreaElement;
    expect(prompt.value).toBe('');
    await fireEvent.input(prompt, { target: { value: 'What about district heating instead?' } });
    await waitFor(() => expect((screen.getByTestId('submit-button') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(api.Submit).toHaveBeenCalled());
    expect(api.Submit.mock.calls[0][0]).toMatchObject({ prompt: 'What about district heating instead?', parent_id: 'p1', edited_from: '' });
  });

  it('opens the report named by app:open-report (a clicked notification)', async () => {
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r9', status: 'completed' }), html: '<p>hello</p>', markdown: 'hello', citations: [] });
    await setup();
    api.emit('app:open-report', 'r9');
    expect((await screen.findByTestId('report-body')).textContent).toContain('hello');
    expect(api.GetReport).toHaveBeenCalledWith('r9');
  });

  it("shows the job named by app:open-job in the Queue (a failed job's notification), not a report", async () => {
    const failed = makeJob({ id: 'f1', status: 'failed', error: 'The provider refused the request', actions: ['resubmit', 'edit', 'delete'] });
    api.ListJobs.mockResolvedValue([makeJob({ id: 'a1' }), failed]);
    await setup();
    await fireEvent.click(screen.getByTestId('nav-library'));
    api.emit('app:open-job', 'f1');
    await waitFor(() => expect((document.activeElement as HTMLElement | null)?.dataset.jobId).toBe('f1'));
    expect(document.activeElement?.getAttribute('aria-current')).toBe('true');
    expect(api.GetReport).not.toHaveBeenCalled();
  });

  it('shows the Queue on app:open-queue (a summary notification)', async () => {
    await setup();
    await fireEvent.click(screen.getByTestId('nav-library'));
    api.emit('app:open-queue', null);
    expect(await screen.findByRole('heading', { name: 'Queue' })).toBeInTheDocument();
  });

  it('opens the shortcut overview with ? (not while typing) and closes it with Escape', async () => {
    await setup();
    await fireEvent.keyDown(window, { key: '?' });
    const dialog = await screen.findByTestId('shortcuts-dialog');
    expect(dialog.textContent).toMatch(/Ctrl\+F|⌘F|Find/);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('shortcuts-dialog')).toBeNull());
    await fireEvent.click(screen.getByTestId('nav-new'));
    const prompt = await screen.findByTestId('prompt-input');
    await fireEvent.keyDown(prompt, { key: '?' });
    expect(screen.queryByTestId('shortcuts-dialog')).toBeNull();
  });

  it('cancels every subscription it made when destroyed', async () => {
    const { unmount } = await setup();
    const made = api.on.mock.calls.map((c) => c[0]).sort();
    // job:* twice: the jobs store and the spend store.
    expect(made).toEqual(['app:open-job', 'app:open-queue', 'app:open-report', 'health:updated', 'job:deleted', 'job:deleted', 'job:updated', 'job:updated']);
    unmount();
    expect([...api.unsubscribed].sort()).toEqual(made);
    for (const name of made) expect(api.listenerCount(name), `${name} listeners left`).toBe(0);
  });

  it("shows this month's spend and the budget in the status bar, refreshed when a job ends", async () => {
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 3.2, budget_usd: 10 }));
    await setup();
    const bar = await screen.findByTestId('statusbar-spend');
    await waitFor(() => expect(bar.textContent?.trim()).toBe('$3.20 of $10.00 this month'));
    expect(api.Costs).toHaveBeenCalledWith('');
    const calls = api.Costs.mock.calls.length;
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 8.4, budget_usd: 10 }));
    api.emit('job:updated', makeJob({ id: 'x', status: 'completed', cost_usd: 5.2, version: 5 }));
    await waitFor(() => expect(screen.getByTestId('statusbar-spend').textContent?.trim()).toBe('$8.40 of $10.00 this month'), { timeout: 3500 });
    expect(api.Costs.mock.calls.length, 'one refetch for one change').toBe(calls + 1);
    expect(screen.getByTestId('statusbar-spend').dataset.tone, 'past 80%').toBe('warn');
  });

  it('says when no budget is set, and opens the Spend view from the status bar and the sidebar', async () => {
    api.Costs.mockResolvedValue(makeSpend({ spent_usd: 1.5, budget_usd: null }));
    await setup();
    const bar = await screen.findByTestId('statusbar-spend');
    await waitFor(() => expect(bar.textContent?.trim()).toBe('$1.50 this month (no budget)'));
    await fireEvent.click(bar);
    expect(await screen.findByTestId('spend-view')).toBeInTheDocument();
    expect(screen.getByTestId('nav-spend').getAttribute('aria-current')).toBe('page');
    await fireEvent.click(screen.getByTestId('nav-queue'));
    expect(screen.queryByTestId('spend-view')).toBeNull();
    await fireEvent.click(screen.getByTestId('nav-spend'));
    expect(await screen.findByTestId('spend-view')).toBeInTheDocument();
  });

  it('opens a similar saved report from the New research form', async () => {
    const hit = { job: makeJob({ id: 'r5', status: 'completed', prompt: 'Heat pumps in Nordic winters' }), snippet: '', snippet_html: '', matched: ['heat', 'pumps'] };
    api.Similar.mockResolvedValue([hit]);
    api.GetReport.mockResolvedValue({ questions: [], job: hit.job, html: '<p>old report</p>', markdown: 'old report', citations: [] });
    await setup();
    await fireEvent.click(screen.getByTestId('nav-new'));
    await fireEvent.input(await screen.findByTestId('prompt-input'), { target: { value: 'heat pumps in cold climates' } });
    await fireEvent.click(await screen.findByTestId('similar-report'));
    expect((await screen.findByTestId('report-body')).textContent).toContain('old report');
    expect(api.GetReport).toHaveBeenCalledWith('r5');
  });

  it('applies the saved theme', async () => {
    api.GetSettings.mockResolvedValue(makeSettings({ theme: 'dark' }));
    await setup();
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });
});
