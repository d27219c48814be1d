import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob, makeSettings } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Draft } from '../types';
import NewResearch from './NewResearch.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

async function setup(settingsOver = {}, draft: Draft | null = null) {
  api.GetSettings.mockResolvedValue(makeSettings(settingsOver));
  const settings = createSettingsStore();
  await settings.load();
  const onsubmitted = vi.fn();
  const onsettings = vi.fn();
  render(NewResearch, { settings, draft, onsubmitted, onsettings });
  return { onsubmitted, onsettings };
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
    });
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
    await setup();
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
    const draft: Draft = { prompt: 'Old question\nwith detail', provider: 'azure', model: 'o3-deep-research', web_search: true, code_interpreter: true, max_tool_calls: 7 };
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
      edited_from: '',
    });
  });

  it('falls back to the default model when the draft model is no longer offered', async () => {
    await setup({}, { prompt: 'q', provider: 'openai', model: 'gone-model', web_search: true, code_interpreter: false, max_tool_calls: 40 });
    expect((screen.getByLabelText('Model') as HTMLSelectElement).value).toBe('openai/o4-mini-deep-research');
  });

  it('explains how to add a key instead of showing the form when none is set', async () => {
    const { onsettings } = await setup({ key_set: false, key_hint: '', key_storage: '' });
    expect(screen.queryByTestId('submit-button'), 'submit button without a key').toBeNull();
    expect(screen.getByText(/Add your OpenAI API key/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open Settings' }));
    expect(onsettings).toHaveBeenCalledTimes(1);
  });
});
