import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as apiModule from '../api';
import { deferred, makeHealth, makeKeySettings, makeProviderHealth, makeWebhooks } from '../../tests/fixtures';
import { makeProviders } from '../../tests/spendFixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Health, Settings as SettingsView } from '../types';
import Settings from './Settings.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());
afterEach(() => {
  delete document.documentElement.dataset.theme;
  document.documentElement.style.colorScheme = '';
});

async function setup(over = {}, health: Health | null = null) {
  api.GetSettings.mockResolvedValue(makeKeySettings(over));
  const settings = createSettingsStore();
  await settings.load();
  const r = render(Settings, { settings, health });
  return { settings, ...r };
}

describe('Settings', () => {
  it('saves a key and never shows it again', async () => {
    const secret = 'sk-proj-SECRET-1234567890-7f3a9c';
    await setup({ key_set: false, key_hint: '', key_storage: '' });
    expect(screen.getByTestId('key-status-openai').textContent).toMatch(/No API key set/);
    api.SetProviderKey.mockResolvedValue({
      settings: makeKeySettings({ key_set: true, key_hint: '…3a9c', key_storage: 'keychain' }),
      test: { ok: true, message: 'OpenAI accepted the key.' },
    });

    const input = screen.getByTestId('api-key-input-openai') as HTMLInputElement;
    expect(input.type, 'key input type').toBe('password');
    await fireEvent.input(input, { target: { value: secret } });
    await fireEvent.click(screen.getByTestId('save-key-button-openai'));

    await waitFor(() => expect(screen.getByTestId('key-status-openai').textContent).toContain('ending …3a9c'));
    expect(screen.getByTestId('key-status-openai').textContent).toContain('stored in the system keychain');
    expect(api.SetProviderKey).toHaveBeenCalledWith('openai', secret);
    expect(screen.getByTestId('key-status-openai').classList.contains('set'), 'green key status').toBe(true);
    expect(screen.getByTestId('key-test-openai').textContent).toContain('OpenAI accepted the key.');
    expect(input.value, 'key input after saving').toBe('');
    expect(document.body.innerHTML.includes(secret), 'the key is in the DOM').toBe(false);
  });

  it('shows the verdict on a saved key that OpenAI rejected, and no green "Key set"', async () => {
    await setup({ key_set: false, key_hint: '', key_storage: '' });
    api.SetProviderKey.mockResolvedValue({
      settings: makeKeySettings({ key_set: true, key_hint: '…dead', key_storage: 'file' }),
      test: { ok: false, message: 'OpenAI rejected the API key (401).' },
    });
    await fireEvent.input(screen.getByTestId('api-key-input-openai'), { target: { value: 'sk-proj-wrong-key-000000dead' } });
    await fireEvent.click(screen.getByTestId('save-key-button-openai'));
    const verdict = await screen.findByTestId('key-test-openai');
    expect(verdict.dataset.ok).toBe('false');
    expect(verdict.textContent).toContain('OpenAI rejected the API key (401).');
    const status = screen.getByTestId('key-status-openai');
    expect(status.textContent).not.toMatch(/Key set/);
    expect(status.textContent).toMatch(/ending …dead.*did not accept/);
    expect(status.classList.contains('set'), 'green key status').toBe(false);
    expect(status.classList.contains('bad')).toBe(true);
  });

  it('does not show a key the poller found rejected as a good one', async () => {
    await setup({}, makeHealth({ provider: 'key_rejected', message: 'OpenAI rejected the API key (401).', providers: [makeProviderHealth({ state: 'key_rejected' })] }));
    expect(screen.getByTestId('key-status-openai').classList.contains('set')).toBe(false);
    expect(screen.getByTestId('key-status-openai').textContent).toMatch(/did not accept/);
  });

  it("marks only the rejected provider's key as bad", async () => {
    const providers = [
      makeProviderHealth(),
      makeProviderHealth({ name: 'gemini', display: 'Gemini', state: 'key_rejected', summary: 'Gemini: API key rejected' }),
      makeProviderHealth({ name: 'perplexity', display: 'Perplexity', state: 'ok', summary: 'Perplexity: reachable' }),
    ];
    await setup({ providers: makeProviders(['openai', 'gemini', 'perplexity']) }, makeHealth({ provider: 'key_rejected', providers }));
    expect(screen.getByTestId('key-status-gemini').textContent).toMatch(/Gemini did not accept/);
    expect(screen.getByTestId('key-status-openai').classList.contains('set'), "OpenAI's key").toBe(true);
    expect(screen.getByTestId('key-status-openai').textContent).not.toMatch(/did not accept/);
    expect(screen.getByTestId('key-status-perplexity').textContent, 'a key the poller used is vouched for').not.toMatch(/Not tested yet/);
  });

  it('shows only the hint of a stored key', async () => {
    const { container } = await setup({ key_hint: '…abcd', key_storage: 'file' });
    expect(screen.getByTestId('key-status-openai').textContent).toMatch(/Key set, ending …abcd, stored in a private file/);
    expect((screen.getByTestId('api-key-input-openai') as HTMLInputElement).value).toBe('');
    expect(container.innerHTML).not.toMatch(/sk-[A-Za-z0-9]/);
  });

  it('tests and removes the key', async () => {
    api.TestProviderKey.mockResolvedValue({ ok: false, message: 'OpenAI rejected the API key (401).' });
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Test key' }));
    expect(await screen.findByText(/rejected the API key/)).toBeInTheDocument();
    expect(api.TestProviderKey).toHaveBeenCalledWith('openai');
    api.ClearProviderKey.mockResolvedValue(makeKeySettings({ key_set: false, key_hint: '', key_storage: '' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.getByTestId('key-status-openai').textContent).toMatch(/No API key set/));
    expect(api.ClearProviderKey).toHaveBeenCalledTimes(1);
    expect(api.ClearProviderKey).toHaveBeenCalledWith('openai');
  });

  it('saves the general settings', async () => {
    await setup();
    await fireEvent.input(screen.getByLabelText('Check every (seconds)'), { target: { value: '60' } });
    await fireEvent.click(screen.getByLabelText(/Notify me/));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(1));
    expect(api.SaveSettings).toHaveBeenCalledWith({
      poll_interval_seconds: 60,
      max_running: 3,
      default_model: 'o4-mini-deep-research',
      notifications: false,
      use_webhooks: false,
      webhook_listen: '',
      webhook_url: '',
      monthly_budget_usd: 0,
      prices: '',
      theme: 'system',
      close_action: 'keep-tracking',
      start_at_login: false,
    });
  });

  it('saves the budget and prices it does not edit back as they are', async () => {
    await setup({ monthly_budget_usd: 10, prices: '{"o3-deep-research":{"input":10}}' });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(1));
    expect(api.SaveSettings).toHaveBeenCalledWith(expect.objectContaining({ monthly_budget_usd: 10, prices: '{"o3-deep-research":{"input":10}}' }));
  });

  it('saves webhook settings and a secret that is never shown again', async () => {
    const secret = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU=';
    await setup();
    api.SetWebhookSecret.mockResolvedValue(makeKeySettings({ webhook_secret_set: true }));
    api.SaveSettings.mockResolvedValue(makeKeySettings({ webhook_secret_set: true, use_webhooks: true }));
    await fireEvent.click(screen.getByTestId('use-webhooks'));
    await fireEvent.input(screen.getByLabelText(/Public URL/), { target: { value: 'https://r.example.com/webhooks/openai' } });
    const input = screen.getByTestId('webhook-secret-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: secret } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(1));
    expect(api.SetWebhookSecret).toHaveBeenCalledWith(secret);
    expect(api.SaveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ use_webhooks: true, webhook_url: 'https://r.example.com/webhooks/openai' }),
    );
    await waitFor(() => expect(screen.getByTestId('webhook-secret-status').textContent).toBe('Set'));
    expect(input.value).toBe('');
    expect(document.body.innerHTML.includes(secret)).toBe(false);
  });

  it('shows why webhooks cannot be switched on without a secret', async () => {
    await setup();
    const why =
      'webhooks need a signing secret first: create a webhook endpoint in the OpenAI dashboard (Settings, Webhooks), copy its signing secret (whsec_...) and save it here, or set OPENAI_WEBHOOK_SECRET';
    api.SaveSettings.mockRejectedValue(why);
    await fireEvent.click(screen.getByTestId('use-webhooks'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    expect(await screen.findByText(why)).toBeInTheDocument();
    expect(screen.queryByText(/Saved. The listener restarts/)).toBeNull();
  });

  it('shows a saved secret as set while webhooks are off', async () => {
    await setup({ use_webhooks: false, webhook_secret_set: true }, makeHealth({ webhooks: makeWebhooks({ state: 'off' }) }));
    expect(screen.getByTestId('webhook-secret-status').textContent).toBe('Set');
    expect((screen.getByTestId('use-webhooks') as HTMLInputElement).checked).toBe(false);
    expect(screen.getByTestId('webhook-listener').textContent).toBe('Off');
  });

  const listener: { name: string; hooks: Parameters<typeof makeWebhooks>[0]; want: RegExp }[] = [
    { name: 'listening', hooks: { state: 'listening', addr: '127.0.0.1:8787' }, want: /Listening on 127\.0\.0\.1:8787/ },
    { name: 'standby', hooks: { state: 'standby' }, want: /another Deepr process/ },
    { name: 'error', hooks: { state: 'error', message: 'listen tcp 127.0.0.1:8787: address already in use' }, want: /Not listening: listen tcp .*in use.*Polling goes on/ },
  ];
  for (const c of listener) {
    it(`shows the webhook listener state: ${c.name}`, async () => {
      await setup({ use_webhooks: true, webhook_secret_set: true }, makeHealth({ webhooks: makeWebhooks(c.hooks) }));
      const el = screen.getByTestId('webhook-listener');
      expect(el.dataset.state).toBe(c.hooks?.state);
      expect(el.textContent).toMatch(c.want);
    });
  }

  it('locks the settings that the environment fixes, naming the variable', async () => {
    await setup({
      poll_interval_seconds: 5,
      use_webhooks: false,
      locked: { poll_interval_seconds: 'DEEPR_POLL_INTERVAL', use_webhooks: 'DEEPR_USE_WEBHOOKS', default_model: 'DEEPR_MODEL' },
    });
    const poll = screen.getByLabelText('Check every (seconds)') as HTMLInputElement;
    expect(poll.disabled, 'poll interval disabled').toBe(true);
    expect(poll.value).toBe('5');
    expect(screen.getByText(/Set by DEEPR_POLL_INTERVAL in the environment/)).toBeInTheDocument();
    expect((screen.getByTestId('use-webhooks') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/Set by DEEPR_USE_WEBHOOKS in the environment/)).toBeInTheDocument();
    expect((screen.getByLabelText('Default model') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByLabelText('Max running jobs') as HTMLInputElement).disabled, 'max running (not locked)').toBe(false);
    expect((screen.getByLabelText(/Notify me/) as HTMLInputElement).disabled, 'notifications (not locked)').toBe(false);
    const locked = [...document.querySelectorAll<HTMLElement>('[data-locked]')].map((e) => e.dataset.locked).sort();
    expect(locked).toEqual(['DEEPR_MODEL', 'DEEPR_POLL_INTERVAL', 'DEEPR_USE_WEBHOOKS']);
  });

  it('refuses a malformed public URL', async () => {
    await setup();
    await fireEvent.input(screen.getByLabelText(/Public URL/), { target: { value: 'not a url' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    expect(await screen.findByText(/A full URL/)).toBeInTheDocument();
    expect(api.SaveSettings).not.toHaveBeenCalled();
  });

  it('opens the data folder', async () => {
    await setup();
    expect(screen.getByText('/home/u/.local/share/deepr')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open folder' }));
    expect(api.OpenDataFolder).toHaveBeenCalledTimes(1);
  });

  it('has a key card per provider; a saved key not tested yet is not shown as good', async () => {
    await setup({ providers: makeProviders(['openai', 'gemini']) });
    for (const p of ['openai', 'gemini', 'perplexity', 'azure']) expect(screen.getByTestId(`provider-key-${p}`), p).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Gemini API key' })).toBeInTheDocument();
    const gemini = screen.getByTestId('key-status-gemini');
    expect(gemini.textContent).toMatch(/Key set, ending …gem1, stored in the system keychain\. Not tested yet/);
    expect(gemini.classList.contains('set'), 'green before a test').toBe(false);
    expect(screen.getByTestId('key-status-perplexity').textContent).toMatch(/No API key set\. Research on Perplexity cannot start/);
    expect(screen.getByTestId('provider-key-perplexity').textContent).toMatch(/cannot stop a run; it will finish and bill/);
    expect(screen.getByTestId('provider-endpoint-azure').textContent).toMatch(/Endpoint: not set: set AZURE_OPENAI_ENDPOINT/);
  });

  it("shows why an Azure key cannot be used yet (no endpoint)", async () => {
    await setup({ providers: makeProviders(['azure']) });
    expect(screen.getByTestId('provider-endpoint-azure').textContent).toMatch(/no Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT/);
    expect(screen.getByTestId('key-status-azure').classList.contains('set')).toBe(false);
  });

  it('saves a Gemini key that Gemini rejects: the verdict, and never a green "Key set"', async () => {
    await setup({ providers: makeProviders(['openai']) });
    const after = makeKeySettings({ providers: makeProviders(['openai', 'gemini']) });
    api.SetProviderKey.mockResolvedValue({ settings: after, test: { ok: false, message: 'Gemini rejected the API key (400 API_KEY_INVALID).' } });
    const input = screen.getByTestId('api-key-input-gemini') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'AIzaSy-wrong-key-000000000000' } });
    await fireEvent.click(screen.getByTestId('save-key-button-gemini'));
    const verdict = await screen.findByTestId('key-test-gemini');
    expect(api.SetProviderKey).toHaveBeenCalledWith('gemini', 'AIzaSy-wrong-key-000000000000');
    expect(verdict.dataset.ok).toBe('false');
    expect(verdict.textContent).toContain('Gemini rejected the API key');
    const status = screen.getByTestId('key-status-gemini');
    expect(status.textContent).not.toMatch(/Key set/);
    expect(status.textContent).toMatch(/ending …gem1.*Gemini did not accept/);
    expect(status.classList.contains('set')).toBe(false);
    expect(status.classList.contains('bad')).toBe(true);
    expect(input.value).toBe('');
    // The OpenAI card is untouched.
    expect(screen.queryByTestId('key-test-openai')).toBeNull();
  });

  it("tests a provider's key and shows it as good only once it passed", async () => {
    await setup({ providers: makeProviders(['openai', 'perplexity']) });
    api.TestProviderKey.mockResolvedValue({ ok: true, message: 'Perplexity accepted the key.' });
    const card = screen.getByTestId('provider-key-perplexity');
    await fireEvent.click(within(card).getByRole('button', { name: 'Test key' }));
    expect((await screen.findByTestId('key-test-perplexity')).textContent).toContain('Perplexity accepted the key.');
    expect(api.TestProviderKey).toHaveBeenCalledWith('perplexity');
    expect(screen.getByTestId('key-status-perplexity').classList.contains('set')).toBe(true);
  });

  it('saves the monthly budget and price overrides', async () => {
    await setup({ monthly_budget_usd: 10 });
    const budget = screen.getByTestId('settings-budget') as HTMLInputElement;
    expect(budget.value).toBe('10');
    expect(screen.getByLabelText('Monthly budget (USD)')).toBe(budget);
    await fireEvent.input(budget, { target: { value: '$25.50' } });
    await fireEvent.input(screen.getByLabelText('Price overrides (JSON)'), { target: { value: ' {"openai/o3-deep-research": {"output_per_mtok": 32}} ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(1));
    expect(api.SaveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ monthly_budget_usd: 25.5, prices: '{"openai/o3-deep-research": {"output_per_mtok": 32}}' }),
    );
    expect(await screen.findByText(/New research is checked against it now/)).toBeInTheDocument();
    // Empty means no limit.
    await fireEvent.input(budget, { target: { value: '' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(2));
    expect(api.SaveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ monthly_budget_usd: 0 }));
  });

  it('refuses a budget that is not a number before asking Go', async () => {
    await setup();
    await fireEvent.input(screen.getByTestId('settings-budget'), { target: { value: 'ten' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    expect(screen.getByTestId('settings-budget-note').textContent).toMatch(/A positive number of dollars/);
    expect(screen.getByTestId('settings-budget').getAttribute('aria-invalid')).toBe('true');
    expect(api.SaveSettings).not.toHaveBeenCalled();
  });

  it("shows Go's validation errors next to the fields they name, and nothing saved", async () => {
    await setup();
    const budgetWhy = 'DEEPR_MONTHLY_BUDGET="-5" is not valid: use a positive number of dollars, like 10 or 12.50 (at most 1000000)';
    const pricesWhy = 'DEEPR_PRICES="{\\"openai/o3-deep-research\\": {\\"input_per_mtok\\": -1}}" is not valid: openai/o3-deep-research: input_per_mtok is negative';
    api.SaveSettings.mockRejectedValue(`${budgetWhy}\n${pricesWhy}\nsomething else went wrong`);
    await fireEvent.input(screen.getByTestId('settings-budget'), { target: { value: '-5' } });
    await fireEvent.input(screen.getByTestId('settings-prices'), { target: { value: '{"openai/o3-deep-research": {"input_per_mtok": -1}}' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(screen.getByTestId('settings-budget-note').textContent).toBe(budgetWhy));
    expect(api.SaveSettings).toHaveBeenCalledWith(expect.objectContaining({ monthly_budget_usd: -5 }));
    expect(screen.getByTestId('settings-budget').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('settings-prices-note').textContent).toBe(pricesWhy);
    expect(screen.getByTestId('settings-prices').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('something else went wrong');
    expect(screen.queryByText(/New research is checked against it now/)).toBeNull();
  });

  it('applies a theme at once and saves only it, keeping edits not yet saved', async () => {
    const { settings } = await setup({ theme: 'system' });
    const poll = screen.getByLabelText('Check every (seconds)') as HTMLInputElement;
    await fireEvent.input(poll, { target: { value: '60' } });
    const answer = deferred<SettingsView>();
    api.SaveSettings.mockReturnValue(answer.promise);
    const theme = screen.getByTestId('settings-theme') as HTMLSelectElement;
    expect(screen.getByLabelText('Theme')).toBe(theme);
    await fireEvent.change(theme, { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme, 'before Go answers').toBe('dark');
    expect(api.SaveSettings).toHaveBeenCalledWith(expect.objectContaining({ theme: 'dark', poll_interval_seconds: 30 }));
    answer.resolve(makeKeySettings({ theme: 'dark' }));
    await waitFor(() => expect(screen.getByText('Theme saved.')).toBeInTheDocument());
    let held: SettingsView | null = null;
    settings.subscribe((v) => (held = v.settings))();
    expect(held!.theme).toBe('dark');
    expect(poll.value, 'the unsaved poll interval').toBe('60');
  });

  it('puts the theme back when saving it fails', async () => {
    await setup({ theme: 'light' });
    api.SaveSettings.mockRejectedValue('DEEPR_THEME="dark" is not valid: use system, light or dark');
    await fireEvent.change(screen.getByTestId('settings-theme'), { target: { value: 'dark' } });
    await waitFor(() => expect((screen.getByTestId('settings-theme') as HTMLSelectElement).value).toBe('light'));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(screen.getByText(/DEEPR_THEME="dark" is not valid/)).toBeInTheDocument();
  });

  it('saves the close action and start at login as they change', async () => {
    await setup({ close_action: 'keep-tracking', start_at_login: false });
    api.SaveSettings.mockResolvedValueOnce(makeKeySettings({ close_action: 'quit' }));
    await fireEvent.change(screen.getByLabelText('When the window is closed while research runs'), { target: { value: 'quit' } });
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledWith(expect.objectContaining({ close_action: 'quit', start_at_login: false })));
    api.SaveSettings.mockResolvedValueOnce(makeKeySettings({ close_action: 'quit', start_at_login: true }));
    await waitFor(() => expect((screen.getByTestId('settings-start-at-login') as HTMLInputElement).disabled).toBe(false));
    await fireEvent.click(screen.getByLabelText(/Start Deepr at login/));
    await waitFor(() => expect(api.SaveSettings).toHaveBeenCalledTimes(2));
    expect(api.SaveSettings).toHaveBeenLastCalledWith(expect.objectContaining({ close_action: 'quit', start_at_login: true }));
  });

  it('lists the saved settings start-up set aside until they are saved again', async () => {
    const notice = '2 saved settings could not be used, so the default is in force instead: DEEPR_MODEL, DEEPR_MAX_RUNNING.';
    await setup({
      max_running: 3,
      settings_notice: notice,
      settings_problems: [
        { setting: 'DEEPR_MODEL', value: 'gpt-4o', reason: 'use a model one of the providers offers', message: 'DEEPR_MODEL="gpt-4o" is not valid: use a model one of the providers offers' },
        { setting: 'DEEPR_MAX_RUNNING', value: '0', reason: 'use a whole number from 1 to 50', message: 'DEEPR_MAX_RUNNING="0" is not valid: use a whole number from 1 to 50' },
      ],
    });
    const banner = screen.getByTestId('settings-problems');
    expect(banner.textContent).toContain(notice);
    expect([...banner.querySelectorAll<HTMLElement>('li')].map((li) => [li.dataset.setting, li.textContent])).toEqual([
      ['DEEPR_MODEL', 'DEEPR_MODEL="gpt-4o" is not valid: use a model one of the providers offers'],
      ['DEEPR_MAX_RUNNING', 'DEEPR_MAX_RUNNING="0" is not valid: use a whole number from 1 to 50'],
    ]);
    expect((screen.getByLabelText('Max running jobs') as HTMLInputElement).value, 'the default in force is shown').toBe('3');
    api.SaveSettings.mockResolvedValue(makeKeySettings());
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.queryByTestId('settings-problems')).toBeNull());
  });

  it('locks the spending and window settings the environment fixes', async () => {
    await setup({
      monthly_budget_usd: 10,
      locked: {
        monthly_budget_usd: 'DEEPR_MONTHLY_BUDGET',
        prices: 'DEEPR_PRICES',
        theme: 'DEEPR_THEME',
        close_action: 'DEEPR_CLOSE_ACTION',
        start_at_login: 'DEEPR_START_AT_LOGIN',
      },
    });
    for (const id of ['settings-budget', 'settings-prices', 'settings-theme', 'settings-close-action', 'settings-start-at-login']) {
      expect((screen.getByTestId(id) as HTMLInputElement).disabled, id).toBe(true);
    }
    expect((screen.getByTestId('settings-budget') as HTMLInputElement).value).toBe('10');
    for (const v of ['DEEPR_MONTHLY_BUDGET', 'DEEPR_PRICES', 'DEEPR_THEME', 'DEEPR_CLOSE_ACTION', 'DEEPR_START_AT_LOGIN']) {
      expect(screen.getByText(new RegExp(`Set by ${v} in the environment`)), v).toBeInTheDocument();
    }
    const locked = [...document.querySelectorAll<HTMLElement>('[data-locked]')].map((e) => e.dataset.locked).sort();
    expect(locked).toEqual(['DEEPR_CLOSE_ACTION', 'DEEPR_MONTHLY_BUDGET', 'DEEPR_PRICES', 'DEEPR_START_AT_LOGIN', 'DEEPR_THEME']);
    expect((screen.getByLabelText('Check every (seconds)') as HTMLInputElement).disabled).toBe(false);
  });
});
