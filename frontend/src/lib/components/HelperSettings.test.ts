import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeHelperView, makeSettings } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Settings } from '../types';
import HelperSettings from './HelperSettings.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

async function setup(over: Partial<Settings> = {}) {
  api.GetSettings.mockResolvedValue(makeSettings(over));
  const settings = createSettingsStore();
  await settings.load();
  render(HelperSettings, { settings });
  return settings;
}

function select(): HTMLSelectElement {
  return screen.getByTestId('helper-provider') as HTMLSelectElement;
}

describe('HelperSettings', () => {
  it('offers exactly the choices Go sends, with their labels, and what runs now', async () => {
    const view = makeHelperView();
    await setup({ helper: view });
    const options = [...select().options];
    expect(options.map((o) => o.value)).toEqual(view.choices.map((c) => c.value));
    expect(options[1].textContent).toBe('OpenAI (gpt-4.1-mini)');
    expect(options[3].textContent).toBe('Gemini (Gemini 2.5 Flash) (not ready)');
    expect(select().value).toBe('auto');
    expect(screen.getByTestId('helper-in-use').textContent).toMatch(/Now answering: OpenAI: gpt-4.1-mini/);
  });

  it('saves every value it offers and shows what Go answers', async () => {
    const settings = await setup();
    for (const c of makeHelperView().choices) {
      const answered = makeSettings({ helper: makeHelperView({ provider: c.value, in_use: `${c.value} in use` }) });
      api.SaveHelper.mockResolvedValueOnce(answered);
      await fireEvent.change(select(), { target: { value: c.value } });
      await fireEvent.click(screen.getByTestId('helper-save'));
      await waitFor(() => expect(screen.getByTestId('helper-in-use').textContent).toMatch(`${c.value} in use`));
      expect(api.SaveHelper).toHaveBeenLastCalledWith({ provider: c.value, azure_deployment: 'gpt-4.1-mini' });
      let held: Settings | null = null;
      settings.subscribe((st) => (held = st.settings))();
      expect(held!.helper.provider).toBe(c.value);
      expect(select().value).toBe(c.value);
    }
  });

  it('asks for the Azure deployment only when Azure is chosen, and says why a choice is not ready', async () => {
    await setup();
    expect(screen.queryByTestId('helper-deployment')).toBeNull();
    await fireEvent.change(select(), { target: { value: 'azure' } });
    expect(screen.getByTestId('helper-choice-note').textContent).toMatch(/no Azure OpenAI API key is set/);
    const input = screen.getByTestId('helper-deployment') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: ' chat-gpt-4.1-mini ' } });
    api.SaveHelper.mockRejectedValueOnce('DEEPR_AZURE_HELPER_DEPLOYMENT: no price is known');
    await fireEvent.click(screen.getByTestId('helper-save'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/no price is known/));
    expect(api.SaveHelper).toHaveBeenLastCalledWith({ provider: 'azure', azure_deployment: 'chat-gpt-4.1-mini' });
  });

  it('shows why no helper can run, and a setting fixed by the environment', async () => {
    await setup({
      helper: makeHelperView({ in_use: '', problem: 'none has a key: set OPENAI_API_KEY, or GEMINI_API_KEY' }),
      locked: { helper_provider: 'DEEPR_HELPER_PROVIDER' } as Settings['locked'],
    });
    expect(screen.getByTestId('helper-in-use').textContent).toMatch(/none has a key: set OPENAI_API_KEY/);
    expect(select().disabled).toBe(true);
    expect(screen.getByText(/Set by DEEPR_HELPER_PROVIDER/)).toBeTruthy();
  });
});
