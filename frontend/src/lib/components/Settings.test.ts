import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeSettings } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import Settings from './Settings.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

async function setup(over = {}) {
  api.GetSettings.mockResolvedValue(makeSettings(over));
  const settings = createSettingsStore();
  await settings.load();
  const r = render(Settings, { settings });
  return { settings, ...r };
}

describe('Settings', () => {
  it('saves a key and never shows it again', async () => {
    const secret = 'sk-proj-SECRET-1234567890-7f3a9c';
    await setup({ key_set: false, key_hint: '', key_storage: '' });
    expect(screen.getByTestId('key-status').textContent).toMatch(/No API key set/);
    api.SetAPIKey.mockResolvedValue(makeSettings({ key_set: true, key_hint: '…3a9c', key_storage: 'keychain' }));

    const input = screen.getByTestId('api-key-input') as HTMLInputElement;
    expect(input.type, 'key input type').toBe('password');
    await fireEvent.input(input, { target: { value: secret } });
    await fireEvent.click(screen.getByTestId('save-key-button'));

    await waitFor(() => expect(screen.getByTestId('key-status').textContent).toContain('ending …3a9c'));
    expect(screen.getByTestId('key-status').textContent).toContain('stored in the system keychain');
    expect(api.SetAPIKey).toHaveBeenCalledWith(secret);
    expect(input.value, 'key input after saving').toBe('');
    expect(document.body.innerHTML.includes(secret), 'the key is in the DOM').toBe(false);
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
    });
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
