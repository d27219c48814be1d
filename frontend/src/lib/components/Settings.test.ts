import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeHealth, makeSettings, makeWebhooks } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import type { Health } from '../types';
import Settings from './Settings.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

async function setup(over = {}, health: Health | null = null) {
  api.GetSettings.mockResolvedValue(makeSettings(over));
  const settings = createSettingsStore();
  await settings.load();
  const r = render(Settings, { settings, health });
  return { settings, ...r };
}

describe('Settings', () => {
  it('saves a key and never shows it again', async () => {
    const secret = 'sk-proj-SECRET-1234567890-7f3a9c';
    await setup({ key_set: false, key_hint: '', key_storage: '' });
    expect(screen.getByTestId('key-status').textContent).toMatch(/No API key set/);
    api.SetAPIKey.mockResolvedValue({
      settings: makeSettings({ key_set: true, key_hint: '…3a9c', key_storage: 'keychain' }),
      test: { ok: true, message: 'OpenAI accepted the key.' },
    });

    const input = screen.getByTestId('api-key-input') as HTMLInputElement;
    expect(input.type, 'key input type').toBe('password');
    await fireEvent.input(input, { target: { value: secret } });
    await fireEvent.click(screen.getByTestId('save-key-button'));

    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toContain('ending …3a9c'));
    expect(screen.getByTestId('key-status').textContent).toContain('stored in the system keychain');
    expect(api.SetAPIKey).toHaveBeenCalledWith(secret);
    expect(screen.getByTestId('key-status').classList.contains('set'), 'green key status').toBe(true);
    expect(screen.getByTestId('key-test').textContent).toContain('OpenAI accepted the key.');
    expect(input.value, 'key input after saving').toBe('');
    expect(document.body.innerHTML.includes(secret), 'the key is in the DOM').toBe(false);
  });

  it('shows the verdict on a saved key that OpenAI rejected, and no green "Key set"', async () => {
    await setup({ key_set: false, key_hint: '', key_storage: '' });
    api.SetAPIKey.mockResolvedValue({
      settings: makeSettings({ key_set: true, key_hint: '…dead', key_storage: 'file' }),
      test: { ok: false, message: 'OpenAI rejected the API key (401).' },
    });
    await fireEvent.input(screen.getByTestId('api-key-input'), { target: { value: 'sk-proj-wrong-key-000000dead' } });
    await fireEvent.click(screen.getByTestId('save-key-button'));
    const verdict = await screen.findByTestId('key-test');
    expect(verdict.dataset.ok).toBe('false');
    expect(verdict.textContent).toContain('OpenAI rejected the API key (401).');
    const status = screen.getByTestId('key-status');
    expect(status.textContent).not.toMatch(/Key set/);
    expect(status.textContent).toMatch(/ending …dead.*did not accept/);
    expect(status.classList.contains('set'), 'green key status').toBe(false);
    expect(status.classList.contains('bad')).toBe(true);
  });

  it('does not show a key the poller found rejected as a good one', async () => {
    await setup({}, makeHealth({ provider: 'key_rejected', message: 'OpenAI rejected the API key (401).' }));
    expect(screen.getByTestId('key-status').classList.contains('set')).toBe(false);
    expect(screen.getByTestId('key-status').textContent).toMatch(/did not accept/);
  });

  it('shows only the hint of a stored key', async () => {
    const { container } = await setup({ key_hint: '…abcd', key_storage: 'file' });
    expect(screen.getByTestId('key-status').textContent).toMatch(/Key set, ending …abcd, stored in a private file/);
    expect((screen.getByTestId('api-key-input') as HTMLInputElement).value).toBe('');
    expect(container.innerHTML).not.toMatch(/sk-[A-Za-z0-9]/);
  });

  it('tests and removes the key', async () => {
    api.TestAPIKey.mockResolvedValue({ ok: false, message: 'OpenAI rejected the API key (401).' });
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Test key' }));
    expect(await screen.findByText(/rejected the API key/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toMatch(/No API key set/));
    expect(api.ClearAPIKey).toHaveBeenCalledTimes(1);
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
    api.SetWebhookSecret.mockResolvedValue(makeSettings({ webhook_secret_set: true }));
    api.SaveSettings.mockResolvedValue(makeSettings({ webhook_secret_set: true, use_webhooks: true }));
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
});
