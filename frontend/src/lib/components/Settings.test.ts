import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeHealth, makeKeySettings, makeProviderHealth, makeWebhooks } from '../../tests/fixtures';
import { makeProviders } from '../../tests/spendFixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Health } from '../types';
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
      test: { ok: true, message: 'OpenAI accepted the key.', key_rejected: false },
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
      test: { ok: false, message: 'OpenAI rejected the API key (401).', key_rejected: true },
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
    api.TestProviderKey.mockResolvedValue({ ok: false, message: 'OpenAI rejected the API key (401).', key_rejected: true });
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

  it('on a wrong address (404) says so and does not mark the key bad (issue 25)', async () => {
    const msg = "OpenAI's model list is not at this base URL (404), so the key was not checked. Check the base URL in Settings.";
    api.TestProviderKey.mockResolvedValue({ ok: false, message: msg, key_rejected: false });
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Test key' }));
    const verdict = await screen.findByTestId('key-test-openai');
    expect(verdict.textContent).toContain(msg);
    expect(verdict.textContent).not.toMatch(/key did not work/);
    expect(screen.getByTestId('key-status-openai').classList.contains('bad')).toBe(false);
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

  it('opens the data folder', async () => {
    await setup();
    expect(screen.getByText('/home/u/.local/share/deepr')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Open folder' }));
    expect(api.OpenDataFolder).toHaveBeenCalledTimes(1);
  });

  it("remembers each key's last test and last answered call, as Go sends them (issue 25)", async () => {
    const providers = makeProviders(['openai', 'gemini']).map((p) =>
      p.name === 'gemini'
        ? { ...p, key_check: { tested_at: '2026-12-01T09:00:00Z', test_ok: false, test_message: 'Gemini could not be reached.', last_ok_at: '2026-12-02T10:00:00Z' } }
        : p,
    );
    await setup({ providers });
    const check = screen.getByTestId('key-check-gemini').textContent ?? '';
    expect(check).toMatch(/Last test .*2026.*: failed \(Gemini could not be reached\)\./);
    expect(check).toMatch(/Last answered call .*2026/);
    expect(screen.getByTestId('key-status-gemini').textContent, 'a key that answered is not "not tested"').not.toMatch(/Not tested yet/);
    expect(screen.queryByTestId('key-check-openai'), 'nothing known: nothing said').toBeNull();
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
    api.SetProviderKey.mockResolvedValue({ settings: after, test: { ok: false, message: 'Gemini rejected the API key (400 API_KEY_INVALID).', key_rejected: true } });
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
    api.TestProviderKey.mockResolvedValue({ ok: true, message: 'Perplexity accepted the key.', key_rejected: false });
    const card = screen.getByTestId('provider-key-perplexity');
    await fireEvent.click(within(card).getByRole('button', { name: 'Test key' }));
    expect((await screen.findByTestId('key-test-perplexity')).textContent).toContain('Perplexity accepted the key.');
    expect(api.TestProviderKey).toHaveBeenCalledWith('perplexity');
    expect(screen.getByTestId('key-status-perplexity').classList.contains('set')).toBe(true);
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
    api.SaveSettingsPatch.mockResolvedValue({ settings: makeKeySettings(), error: null });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.queryByTestId('settings-problems')).toBeNull());
  });


  it("saves each card's own fields: an unsaved or invalid budget neither rides along nor blocks the Research card", async () => {
    await setup({ monthly_budget_usd: 10 });
    await fireEvent.input(screen.getByTestId('settings-budget'), { target: { value: '12,50' } });
    await fireEvent.input(screen.getByLabelText('Max running jobs'), { target: { value: '4' } });
    api.SaveSettingsPatch.mockResolvedValue({ settings: makeKeySettings({ monthly_budget_usd: 10, max_running: 4 }), error: null });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledTimes(1));
    expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ poll_interval_seconds: 30, max_running: 4, default_model: 'o4-mini-deep-research', notifications: true });
    expect(await screen.findByText(/Saved. The changes apply now/)).toBeInTheDocument();
    expect((screen.getByTestId('settings-budget') as HTMLInputElement).value, 'the unsaved budget stays as typed').toBe('12,50');
  });
});
