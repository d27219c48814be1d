import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob, makeSettings } from '../../tests/fixtures';
import { makeDecision, makeProviders } from '../../tests/spendFixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Draft } from '../types';
import NewResearch from './NewResearch.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

// The tests of the form itself start with "Ask me clarifying questions first" off (the app starts it on: see 'NewResearch: clarify first').
async function setup(settingsOver = {}, draft: Draft | null = null, clarify = false) {
  api.GetSettings.mockResolvedValue(makeSettings(settingsOver));
  const settings = createSettingsStore();
  await settings.load();
  const onsubmitted = vi.fn();
  const onsettings = vi.fn();
  const onopen = vi.fn();
  render(NewResearch, { settings, draft, onsubmitted, onsettings, onopen, clarify });
  return { onsubmitted, onsettings, onopen };
}

describe('NewResearch', () => {
  it('submits with Ctrl+Enter and sends the form values', async () => {
    const res = { job: makeJob({ id: 'new1', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    const { onsubmitted } = await setup();
    const prompt = screen.getByTestId('prompt-input');
    await fireEvent.input(prompt, { target: { value: 'Compare heat pump COP below -20 °C' } });
    await fireEvent.click(screen.getByLabelText(/Code interpreter/));
    await fireEvent.input(screen.getByLabelText('Max tool calls'), { target: { value: '12' } });
    await fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledTimes(1);
    expect(api.Submit).toHaveBeenCalledWith({
      prompt: 'Compare heat pump COP below -20 °C',
      provider: 'openai',
      model: 'o4-mini-deep-research', // the default from settings
      web_search: true,
      code_interpreter: true,
      max_tool_calls: 12,
      max_cost_usd: 0,
      edited_from: '',
      parent_id: '',
    });
  });

  it('keeps the prompt being written when the form is left and opened again, until it is submitted', async () => {
    api.Submit.mockResolvedValue({ job: makeJob(), notes: [] });
    await setup();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Half a question' } });
    cleanup(); // another view was opened
    await setup();
    const prompt = screen.getByTestId('prompt-input') as HTMLTextAreaElement;
    expect(prompt.value).toBe('Half a question');
    await fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(api.Submit).toHaveBeenCalledTimes(1));
    cleanup();
    await setup();
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe('');
  });

  it('Cmd+Enter submits too; plain Enter does not', async () => {
    api.Submit.mockResolvedValue({ job: makeJob(), notes: [] });
    await setup();
    const prompt = screen.getByTestId('prompt-input');
    await fireEvent.input(prompt, { target: { value: 'question' } });
    await fireEvent.keyDown(prompt, { key: 'Enter' });
    expect(api.Submit, 'calls after plain Enter').not.toHaveBeenCalled();
    await fireEvent.keyDown(prompt, { key: 'Enter', metaKey: true });
    await waitFor(() => expect(api.Submit).toHaveBeenCalledTimes(1));
  });

  const invalid: { name: string; prompt: string; tools?: string; want: RegExp }[] = [
    { name: 'empty prompt', prompt: '   \n ', want: /Write the research question first/ },
    { name: 'prompt over 100 KB', prompt: 'x'.repeat(100 * 1024 + 1), want: /limit is 100 KB/ },
    { name: 'multi-byte prompt over 100 KB', prompt: 'é'.repeat(52 * 1024), want: /limit is 100 KB/ },
    { name: 'zero tool calls', prompt: 'ok', tools: '0', want: /1 to 200/ },
    { name: 'too many tool calls', prompt: 'ok', tools: '201', want: /1 to 200/ },
    { name: 'fractional tool calls', prompt: 'ok', tools: '2.5', want: /1 to 200/ },
    { name: 'empty tool calls', prompt: 'ok', tools: '', want: /1 to 200/ },
  ];
  for (const c of invalid) {
    it(`refuses to submit: ${c.name}`, async () => {
      await setup();
      await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: c.prompt } });
      if (c.tools !== undefined) await fireEvent.input(screen.getByLabelText('Max tool calls'), { target: { value: c.tools } });
      await fireEvent.click(screen.getByTestId('submit-button'));
      expect(await screen.findByText(c.want), `message for ${c.name}`).toBeInTheDocument();
      expect(api.Submit, `Submit calls for ${c.name}`).not.toHaveBeenCalled();
    });
  }

  it('warns when web search is off', async () => {
    await setup({ providers: makeProviders(['openai']) });
    expect(screen.queryByText(/need a data source/)).toBeNull();
    await fireEvent.click(screen.getByLabelText(/Web search/));
    expect(screen.getByText(/need a data source/)).toBeInTheDocument();
  });

  it('shows the Go error when Submit is rejected', async () => {
    api.Submit.mockRejectedValue('Monthly budget of $10.00 reached. Raise it in the config.');
    const { onsubmitted } = await setup();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'q' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    expect(await screen.findByText(/Monthly budget/)).toBeInTheDocument();
    expect(onsubmitted).not.toHaveBeenCalled();
  });

  it('starts filled from a draft ("Edit as new") and submits it as a new job', async () => {
    const draft: Draft = { prompt: 'Old question\nwith detail', provider: 'azure', model: 'o3-deep-research', web_search: true, code_interpreter: true, max_tool_calls: 7, edited_from: 'old1', source_title: 'Old question' };
    const res = { job: makeJob({ id: 'copy', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    const { onsubmitted } = await setup({}, draft);
    expect(screen.getByTestId('draft-notice').textContent).toMatch(/A copy of “Old question”.*new job/);
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe('Old question\nwith detail');
    const select = screen.getByLabelText('Model') as HTMLSelectElement;
    expect(select.selectedOptions[0]?.textContent, 'the draft model and provider, not the default').toBe('o3-deep-research (Azure deployment)');
    expect((screen.getByLabelText(/Code interpreter/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('Max tool calls') as HTMLInputElement).value).toBe('7');
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Old question, sharper' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledWith({
      prompt: 'Old question, sharper',
      provider: 'azure',
      model: 'o3-deep-research',
      web_search: true,
      code_interpreter: true,
      max_tool_calls: 7,
      max_cost_usd: 0,
      edited_from: 'old1',
      parent_id: '',
    });
  });

  it('keeps the cost cap of the job it edits ("Edit and resubmit")', async () => {
    const draft: Draft = { prompt: 'Capped question', provider: 'openai', model: 'o3-deep-research', web_search: true, code_interpreter: false, max_tool_calls: 40, max_cost_usd: 5, edited_from: 'old1' };
    api.Submit.mockResolvedValue({ job: makeJob({ id: 'copy', status: 'queued' }), notes: [] });
    await setup({}, draft);
    const cap = screen.getByTestId('max-cost-input') as HTMLInputElement;
    expect(cap.value, 'the cap is prefilled').toBe('5');
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(api.Submit).toHaveBeenCalledTimes(1));
    expect(api.Submit.mock.calls[0][0]).toMatchObject({ max_cost_usd: 5, edited_from: 'old1' });
    await fireEvent.input(cap, { target: { value: '' } });
    expect(screen.getByText(/Empty keeps the cap of the job you edit \(\$5\.00\)/)).toBeInTheDocument();
  });

  it('falls back to the default model when the draft model is no longer offered', async () => {
    await setup({}, { prompt: 'q', provider: 'openai', model: 'gone-model', web_search: true, code_interpreter: false, max_tool_calls: 40 });
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('o4-mini-deep-research');
    expect((screen.getByLabelText('Provider') as HTMLSelectElement).value).toBe('openai');
  });

  it('explains how to add a key instead of showing the form when none is set', async () => {
    const { onsettings } = await setup({ key_set: false, key_hint: '', key_storage: '' });
    expect(screen.queryByTestId('submit-button'), 'submit button without a key').toBeNull();
    expect(screen.getByText(/Add an API key first/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(onsettings).toHaveBeenCalledTimes(1);
  });

  it('says no provider has a key when none of the four has one', async () => {
    await setup({ providers: makeProviders([]) });
    expect(screen.getByTestId('no-key').textContent).toMatch(/no provider has a key/);
    expect(screen.queryByTestId('provider-select')).toBeNull();
    expect(api.Estimate, 'estimates without a provider').not.toHaveBeenCalled();
  });

  it('offers only the providers with a key, each with its models and what differs', async () => {
    const res = { job: makeJob({ id: 'p1', status: 'queued', provider: 'perplexity' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    const { onsubmitted } = await setup({ providers: makeProviders(['openai', 'perplexity']) });
    const picker = screen.getByTestId('provider-select') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['OpenAI', 'Perplexity']);
    expect(picker.value, 'the default model\'s provider').toBe('openai');
    const model = screen.getByLabelText('Model') as HTMLSelectElement;
    expect([...model.options].map((o) => o.value)).toEqual(['o3-deep-research', 'o4-mini-deep-research']);
    expect(model.value).toBe('o4-mini-deep-research');
    expect(screen.getByTestId('provider-note').textContent?.trim()).toBe('');

    await fireEvent.change(picker, { target: { value: 'perplexity' } });
    expect([...model.options].map((o) => o.value)).toEqual(['sonar-deep-research']);
    expect(model.value).toBe('sonar-deep-research');
    expect(screen.getByTestId('provider-note').textContent).toMatch(/Perplexity cannot stop a run; it will finish and bill/);
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Battery recycling in the EU' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ provider: 'perplexity', model: 'sonar-deep-research', max_cost_usd: 0 }));
  });

  it('offers only the options the chosen provider honours, and sends the hidden ones empty', async () => {
    const res = { job: makeJob({ id: 'g1', status: 'queued', provider: 'gemini' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    api.Estimate.mockResolvedValue(makeDecision());
    const { onsubmitted } = await setup({ providers: makeProviders(['openai', 'gemini', 'perplexity']) });
    const picker = screen.getByTestId('provider-select') as HTMLSelectElement;
    // OpenAI honours every option.
    expect(screen.getByLabelText('Max tool calls')).toBeInTheDocument();
    expect(screen.getByLabelText(/Web search/)).toBeInTheDocument();
    await fireEvent.click(screen.getByLabelText(/Code interpreter/));
    await fireEvent.input(screen.getByLabelText('Max tool calls'), { target: { value: '' } });
    expect(screen.getByText(/1 to 200/), 'an empty limit where one is honoured').toBeInTheDocument();
    expect(screen.queryByTestId('provider-decides')).toBeNull();

    for (const [name, display] of [['gemini', 'Gemini'], ['perplexity', 'Perplexity']]) {
      await fireEvent.change(picker, { target: { value: name } });
      expect(screen.queryByLabelText('Max tool calls'), `${name}: a limit it ignores`).toBeNull();
      expect(screen.queryByLabelText(/Web search/), `${name}: it always searches`).toBeNull();
      expect(screen.queryByLabelText(/Code interpreter/), `${name}: it has none`).toBeNull();
      expect(screen.queryByText(/1 to 200/), `${name}: no check of a hidden limit`).toBeNull();
      expect(screen.queryByText(/need a data source/)).toBeNull();
      expect(screen.getByTestId('provider-decides').textContent).toBe(
        `${display} searches the web on every run and decides how many tool calls it makes: the estimate counts what its runs cost.`,
      );
    }
    await fireEvent.change(picker, { target: { value: 'gemini' } });
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Battery recycling in the EU' } });
    const sent = { provider: 'gemini', web_search: false, code_interpreter: false, max_tool_calls: 0 };
    await waitFor(() => expect(api.Estimate).toHaveBeenLastCalledWith(expect.objectContaining({ ...sent, prompt: 'Battery recycling in the EU' })));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining(sent));

    // Back on OpenAI the choices made there are as they were.
    await fireEvent.change(picker, { target: { value: 'openai' } });
    expect((screen.getByLabelText(/Code interpreter/) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(/1 to 200/)).toBeInTheDocument();
  });

  it('says why a provider with a key is not ready', async () => {
    await setup({ providers: makeProviders(['azure']) });
    expect((screen.getByTestId('provider-select') as HTMLSelectElement).value).toBe('azure');
    expect(screen.getByTestId('provider-note').textContent).toMatch(/Not ready: no Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT/);
  });

  it('estimates the cost as the request changes, debounced, and shows the verdict', async () => {
    api.Estimate.mockResolvedValue(
      makeDecision({ budget_usd: 10, spent_usd: 3.2, reserved_usd: 1.5, estimate: { low_usd: 0.5, high_usd: 4, basis: 'documented', samples: 0 } }),
    );
    await setup();
    // The empty form is estimated once (Go accepts an empty prompt for an estimate).
    await waitFor(() => expect(api.Estimate).toHaveBeenCalledTimes(1));
    expect(api.Estimate).toHaveBeenLastCalledWith({
      prompt: '',
      provider: 'openai',
      model: 'o4-mini-deep-research',
      web_search: true,
      code_interpreter: false,
      max_tool_calls: 40,
      max_cost_usd: 0,
      edited_from: '',
      parent_id: '',
    });
    expect((await screen.findByTestId('estimate-range')).textContent).toBe('$0.50 – $4.00');
    expect(screen.getByTestId('estimate-budget').textContent).toBe('$10.00');
    expect(screen.getByTestId('estimate-month').textContent).toBe('$3.20 spent, $1.50 reserved for queued, running and unconfirmed jobs');
    const verdict = screen.getByTestId('estimate-verdict');
    expect(verdict.dataset.allowed).toBe('true');
    expect(verdict.textContent).toMatch(/would pass: \$1\.30 of the \$10\.00 monthly budget left/);

    // Quick typing is one estimate, of the last text.
    const prompt = screen.getByTestId('prompt-input');
    for (const v of ['H', 'He', 'Heat pumps']) await fireEvent.input(prompt, { target: { value: v } });
    await fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'o3-deep-research' } });
    await fireEvent.input(screen.getByLabelText('Max tool calls'), { target: { value: '12' } });
    await waitFor(() => expect(api.Estimate).toHaveBeenCalledTimes(2));
    expect(api.Estimate).toHaveBeenLastCalledWith(expect.objectContaining({ prompt: 'Heat pumps', model: 'o3-deep-research', max_tool_calls: 12 }));
    await new Promise((r) => setTimeout(r, 400));
    expect(api.Estimate, 'calls after the debounce').toHaveBeenCalledTimes(2);
  });

  it('does not estimate a request the form would refuse itself', async () => {
    await setup();
    await waitFor(() => expect(api.Estimate).toHaveBeenCalledTimes(1));
    await fireEvent.input(screen.getByLabelText('Max tool calls'), { target: { value: '0' } });
    await new Promise((r) => setTimeout(r, 400));
    expect(api.Estimate).toHaveBeenCalledTimes(1);
  });

  it('refuses over budget: says why and turns Submit off', async () => {
    const refusal =
      'refused: this job may cost up to $4.00, and in 2026-03 $9.00 is spent and $0.00 is reserved for queued and running jobs, so it would go over the monthly budget of $10.00 ($1.00 left). Nothing was submitted.';
    api.Estimate.mockResolvedValue(makeDecision({ budget_usd: 10, spent_usd: 9, allowed: false, refusal }));
    const { onsettings } = await setup();
    const verdict = await screen.findByTestId('estimate-verdict');
    expect(verdict.dataset.allowed).toBe('false');
    expect(verdict.textContent).toContain(refusal);
    const submit = screen.getByTestId('submit-button') as HTMLButtonElement;
    expect(submit.disabled, 'submit over budget').toBe(true);
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'question' } });
    await fireEvent.keyDown(screen.getByTestId('prompt-input'), { key: 'Enter', ctrlKey: true });
    expect(api.Submit).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Change the budget in Settings' }));
    expect(onsettings).toHaveBeenCalledTimes(1);
  });

  it('sends the per-job cap with the estimate and the submission', async () => {
    const res = { job: makeJob({ id: 'c1', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    api.Estimate.mockImplementation(async (req) =>
      req.max_cost_usd > 0 && req.max_cost_usd < 4
        ? makeDecision({ max_cost_usd: req.max_cost_usd, allowed: false, refusal: `refused: this job may cost up to $4.00, over its cost cap of $${req.max_cost_usd.toFixed(2)}.` })
        : makeDecision({ max_cost_usd: req.max_cost_usd || null }),
    );
    const { onsubmitted } = await setup();
    const cap = screen.getByTestId('max-cost-input');
    expect(screen.getByLabelText('Max cost (USD)')).toBe(cap);
    await fireEvent.input(cap, { target: { value: '2' } });
    await waitFor(() => expect(screen.getByTestId('estimate-verdict').textContent).toMatch(/over its cost cap of \$2\.00/));
    expect(api.Estimate).toHaveBeenLastCalledWith(expect.objectContaining({ max_cost_usd: 2 }));
    expect((screen.getByTestId('submit-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Change the budget in Settings' }), 'budget link for a per-job refusal').toBeNull();

    await fireEvent.input(cap, { target: { value: '12.5' } });
    await waitFor(() => expect(screen.getByTestId('estimate-verdict').dataset.allowed).toBe('true'));
    expect(screen.getByTestId('estimate-verdict').textContent).toMatch(/within its cap of \$12\.50/);
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'question' } });
    await waitFor(() => expect((screen.getByTestId('submit-button') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ prompt: 'question', max_cost_usd: 12.5 }));
  });

  it('refuses a cap that is not a positive number of dollars', async () => {
    await setup();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'question' } });
    await fireEvent.input(screen.getByTestId('max-cost-input'), { target: { value: '-3' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    expect(screen.getByText(/A positive number of dollars/)).toBeInTheDocument();
    expect(api.Submit).not.toHaveBeenCalled();
  });

  it("shows Go's reason when the cost cannot be estimated, and still lets Go decide on submit", async () => {
    api.Estimate.mockRejectedValue('no price is known for openai/o4-mini-deep-research, so its cost cannot be estimated or limited');
    api.Submit.mockResolvedValue({ job: makeJob(), notes: [] });
    await setup();
    expect((await screen.findByTestId('estimate-error')).textContent).toMatch(/no price is known/);
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'question' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(api.Submit).toHaveBeenCalledTimes(1));
  });

  it('lists saved reports on the same subject under the prompt, and opens one', async () => {
    const hit = { job: makeJob({ id: 'r7', status: 'completed', prompt: 'Heat pumps in Nordic winters', title: 'Heat pumps in Nordic winters', cost_usd: 1.25 }), snippet: '', snippet_html: '', matched: ['heat', 'pumps'] };
    api.Similar.mockResolvedValue([hit]);
    const { onopen } = await setup();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'heat' } });
    await new Promise((r) => setTimeout(r, 600));
    expect(api.Similar, 'a prompt too short to compare').not.toHaveBeenCalled();
    for (const v of ['heat pumps', 'heat pumps in cold climates']) await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: v } });
    const link = await screen.findByTestId('similar-report');
    expect(api.Similar).toHaveBeenCalledTimes(1);
    expect(api.Similar).toHaveBeenCalledWith('heat pumps in cold climates');
    expect(link.textContent).toBe('Heat pumps in Nordic winters');
    expect(screen.getByTestId('similar-reports').textContent).toContain('$1.25');
    await fireEvent.click(link);
    expect(onopen).toHaveBeenCalledWith('r7');
  });
});

describe('NewResearch: clarify first', () => {
  const questions = ['Which period should the research cover?', 'Which countries matter most?', 'Overview or detailed analysis?'];
  const prompt = 'Heat pumps in cold climates';

  async function typeAndContinue(text = prompt) {
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: text } });
    await fireEvent.click(screen.getByTestId('submit-button'));
  }

  it('is on by default: Continue asks the questions, the answers make a brief, and the edited brief is submitted', async () => {
    api.GetSettings.mockResolvedValue(makeSettings());
    const settings = createSettingsStore();
    await settings.load();
    const onsubmitted = vi.fn();
    api.Clarify.mockResolvedValue({ questions, cost_usd: 0.0004, model: 'gpt-4.1-mini' });
    api.Brief.mockResolvedValue({ brief: 'Research brief: heat pumps in Nordic winters since 2015.', cost_usd: 0.012, model: 'gpt-4.1-mini' });
    const res = { job: makeJob({ id: 'b1', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    render(NewResearch, { settings, draft: null, onsubmitted, onsettings: vi.fn() });

    const sw = screen.getByLabelText(/Ask me clarifying questions first/) as HTMLInputElement;
    expect(sw).toBe(screen.getByTestId('clarify-switch'));
    expect(sw.checked).toBe(true);
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Continue');

    await typeAndContinue();
    await waitFor(() => expect(screen.getByTestId('clarify-questions')).toBeInTheDocument());
    expect(api.Clarify).toHaveBeenCalledWith(prompt);
    expect(api.Submit, 'submits before the answers').not.toHaveBeenCalled();
    expect(screen.getByTestId('clarify-cost').textContent).toBe('Asking cost <$0.01 (gpt-4.1-mini).');
    const fields = screen.getAllByTestId('clarify-answer');
    expect(fields).toHaveLength(3);
    expect(screen.getByLabelText(questions[1])).toBe(fields[1]);
    await waitFor(() => expect(document.activeElement, 'the first answer takes the focus').toBe(fields[0]));
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).readOnly, 'the prompt while answering').toBe(true);
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Write the brief');

    await fireEvent.input(fields[0], { target: { value: 'Since 2015' } });
    await fireEvent.input(fields[2], { target: { value: 'Detailed' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    const briefBox = (await screen.findByTestId('brief-input')) as HTMLTextAreaElement;
    expect(api.Brief).toHaveBeenCalledWith({
      prompt,
      answers: [
        { question: questions[0], answer: 'Since 2015' },
        { question: questions[2], answer: 'Detailed' },
      ],
    });
    expect(briefBox.value).toBe('Research brief: heat pumps in Nordic winters since 2015.');
    expect(screen.getByLabelText('Research brief')).toBe(briefBox);
    await waitFor(() => expect(document.activeElement).toBe(briefBox));
    expect(screen.getByTestId('brief-hint').textContent).toMatch(/Writing it cost \$0\.01 \(gpt-4\.1-mini\); the questions and brief cost \$0\.01 in all/);
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Start research');
    expect(api.Submit).not.toHaveBeenCalled();

    await fireEvent.input(briefBox, { target: { value: 'Heat pumps in Nordic winters since 2015, in detail.' } });
    // The estimate prices what will be sent: the brief.
    await waitFor(() => expect(api.Estimate).toHaveBeenLastCalledWith(expect.objectContaining({ prompt: 'Heat pumps in Nordic winters since 2015, in detail.' })));
    await fireEvent.click(screen.getByTestId('submit-button'));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledTimes(1);
    expect(api.Submit).toHaveBeenCalledWith(
      expect.objectContaining({ prompt: 'Heat pumps in Nordic winters since 2015, in detail.', provider: 'openai', model: 'o4-mini-deep-research', parent_id: '' }),
    );
    expect(api.Submit.mock.calls[0][0].clarified, 'the job keeps the question and the answers beside the brief').toEqual({
      question: prompt,
      answers: [
        { question: questions[0], answer: 'Since 2015' },
        { question: questions[2], answer: 'Detailed' },
      ],
    });
    expect(api.Clarify).toHaveBeenCalledTimes(1);
  });

  it('goes straight to the submit when the helper has no questions', async () => {
    api.Clarify.mockResolvedValue({ questions: [], cost_usd: 0.0003, model: 'gpt-4.1-mini' });
    const res = { job: makeJob({ id: 'n1', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    const { onsubmitted } = await setup({}, null, true);
    await typeAndContinue();
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Clarify).toHaveBeenCalledWith(prompt);
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ prompt }));
    expect(api.Brief).not.toHaveBeenCalled();
  });

  it('never blocks on a helper failure: says why and sends the prompt as it is', async () => {
    api.Clarify.mockRejectedValue('the helper model (gpt-4.1-mini) did not answer: Post "https://api.openai.com/v1/responses": dial tcp: lookup api.openai.com: no such host');
    const res = { job: makeJob({ id: 'f1', status: 'queued' }), notes: [] };
    api.Submit.mockResolvedValue(res);
    const { onsubmitted } = await setup({}, null, true);
    await typeAndContinue();
    const error = await screen.findByTestId('clarify-error');
    expect(error.textContent).toMatch(/could not ask its questions: .*no such host\. Nothing is lost/);
    expect(api.Submit).not.toHaveBeenCalled();
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe(prompt);
    await fireEvent.click(screen.getByRole('button', { name: 'Send my prompt as it is' }));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledWith(res));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ prompt }));
  });

  it('sends the prompt as it is when the brief cannot be written, or when the questions are skipped', async () => {
    api.Clarify.mockResolvedValue({ questions: questions.slice(0, 1), cost_usd: 0.001, model: 'gpt-4.1-mini' });
    api.Brief.mockRejectedValue('refused: the monthly budget of $10.00 is spent; nothing was sent');
    api.Submit.mockResolvedValue({ job: makeJob({ id: 's1', status: 'queued' }), notes: [] });
    const { onsubmitted } = await setup({}, null, true);
    await typeAndContinue();
    await fireEvent.input(await screen.findByLabelText(questions[0]), { target: { value: 'Since 2020' } });
    await fireEvent.click(screen.getByTestId('submit-button'));
    expect((await screen.findByTestId('clarify-error')).textContent).toMatch(/could not write the brief: refused: the monthly budget/);
    expect(screen.queryByTestId('brief-input')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Send my prompt as it is' }));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledTimes(1));
    expect(api.Submit).toHaveBeenLastCalledWith(expect.objectContaining({ prompt }));
  });

  it('can skip the questions, and go back to change the prompt', async () => {
    api.Clarify.mockResolvedValue({ questions, cost_usd: 0.001, model: 'gpt-4.1-mini' });
    api.Submit.mockResolvedValue({ job: makeJob({ id: 's2', status: 'queued' }), notes: [] });
    const { onsubmitted } = await setup({}, null, true);
    await typeAndContinue();
    await screen.findByTestId('clarify-questions');
    await fireEvent.click(screen.getByTestId('clarify-back'));
    expect(screen.queryByTestId('clarify-questions')).toBeNull();
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).readOnly).toBe(false);
    await typeAndContinue('Heat pumps in cold climates, Norway only');
    await screen.findByTestId('clarify-questions');
    expect(api.Clarify).toHaveBeenLastCalledWith('Heat pumps in cold climates, Norway only');
    await fireEvent.click(screen.getByRole('button', { name: 'Skip: send my prompt as it is' }));
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledTimes(1));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ prompt: 'Heat pumps in cold climates, Norway only' }));
    expect(api.Brief).not.toHaveBeenCalled();
  });

  it('checks the prompt before asking anything', async () => {
    await setup({}, null, true);
    await typeAndContinue('  ');
    expect(await screen.findByText(/Write the research question first/)).toBeInTheDocument();
    expect(api.Clarify).not.toHaveBeenCalled();
  });

  it('submits at once with the switch off', async () => {
    api.Submit.mockResolvedValue({ job: makeJob({ id: 'o1', status: 'queued' }), notes: [] });
    const { onsubmitted } = await setup({}, null, true);
    await fireEvent.click(screen.getByTestId('clarify-switch'));
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Start research');
    await typeAndContinue();
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledTimes(1));
    expect(api.Clarify).not.toHaveBeenCalled();
  });

  it('skips the questions for a follow-up (Go deeper)', async () => {
    api.Submit.mockResolvedValue({ job: makeJob({ id: 'c1', status: 'queued', parent_id: 'p1' }), notes: [] });
    const draft: Draft = { prompt: '', provider: 'openai', model: 'o3-deep-research', web_search: true, code_interpreter: false, max_tool_calls: 40, parent_id: 'p1', parent_title: 'Heat pumps' };
    const { onsubmitted } = await setup({}, draft, true);
    expect(screen.getByTestId('followup-notice')).toBeInTheDocument();
    expect(screen.queryByTestId('clarify-switch')).toBeNull();
    expect(screen.getByTestId('submit-button').textContent?.trim()).toBe('Start research');
    await typeAndContinue('What about district heating?');
    await waitFor(() => expect(onsubmitted).toHaveBeenCalledTimes(1));
    expect(api.Submit).toHaveBeenCalledWith(expect.objectContaining({ prompt: 'What about district heating?', parent_id: 'p1' }));
    expect(api.Clarify).not.toHaveBeenCalled();
  });
});
