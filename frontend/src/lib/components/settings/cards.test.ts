// The Settings cards, each on its own: a card saves only its own fields (a
// patch), Go's refusal (research.ErrorView) lands on the field it names, a
// field the environment fixes is shown locked and never sent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import * as apiModule from '../../api';
import { deferred, makeHealth, makeKeySettings, makeWebhooks } from '../../../tests/fixtures';
import type { FakeApi } from '../../../tests/fakeApi';
import { createSettingsStore } from '../../stores/settings';
import type { Health, Settings, SettingsField, SettingsResult } from '../../types';
import AssistantsCard from './AssistantsCard.svelte';
import ResearchCard from './ResearchCard.svelte';
import SpendingCard from './SpendingCard.svelte';
import WebhooksCard from './WebhooksCard.svelte';
import WindowCard from './WindowCard.svelte';

vi.mock('../../api', async () => (await import('../../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());
afterEach(() => {
  delete document.documentElement.dataset.theme;
  document.documentElement.style.colorScheme = '';
});

/** locks marks fields as fixed by the environment, as Go does (Settings.fields[f].locked_by). */
function locks(over: Partial<Record<SettingsField, string>>): Partial<Settings> {
  const base = makeKeySettings();
  const fields = { ...base.fields };
  for (const [f, v] of Object.entries(over)) fields[f as SettingsField] = { ...fields[f as SettingsField]!, locked_by: v };
  return { fields, locked: over };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function setup(card: Component<any>, over: Partial<Settings> = {}, health: Health | null = null) {
  api.GetSettings.mockResolvedValue(makeKeySettings(over));
  const settings = createSettingsStore();
  await settings.load();
  const r = render(card, { settings, health });
  return { settings, ...r };
}

const ok = (over: Partial<Settings> = {}): SettingsResult => ({ settings: makeKeySettings(over), error: null });
const refused = (field: string, message: string): SettingsResult => ({ settings: makeKeySettings(), error: { kind: 'invalid', field, message } });

describe('Research card', () => {
  it('saves its own fields only', async () => {
    await setup(ResearchCard);
    await fireEvent.input(screen.getByLabelText('Check every (seconds)'), { target: { value: '60' } });
    await fireEvent.click(screen.getByLabelText(/Notify me/));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledTimes(1));
    expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ poll_interval_seconds: 60, max_running: 3, default_model: 'o4-mini-deep-research', notifications: false });
  });

  it("checks a number against Go's range, and Go's refusal lands on its field", async () => {
    await setup(ResearchCard);
    const max = screen.getByLabelText('Max running jobs');
    await fireEvent.input(max, { target: { value: '51' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(document.getElementById('max-running-hint')!.textContent).toBe('Use a whole number from 1 to 50.');
    expect(api.SaveSettingsPatch).not.toHaveBeenCalled();
    await fireEvent.input(max, { target: { value: '5' } });
    api.SaveSettingsPatch.mockResolvedValue(refused('default_model', 'Use a model one of the providers offers.'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(document.getElementById('default-model-hint')!.textContent).toBe('Use a model one of the providers offers.'));
    expect(screen.queryByText(/Saved. The changes apply now/)).toBeNull();
  });

  it('shows a locked field, naming the variable, and never sends it', async () => {
    await setup(ResearchCard, { poll_interval_seconds: 5, ...locks({ poll_interval_seconds: 'DEEPR_POLL_INTERVAL', default_model: 'DEEPR_MODEL' }) });
    const poll = screen.getByLabelText('Check every (seconds)') as HTMLInputElement;
    expect(poll.disabled).toBe(true);
    expect(poll.value).toBe('5');
    expect(screen.getByText(/Set by DEEPR_POLL_INTERVAL in the environment/)).toBeInTheDocument();
    expect((screen.getByLabelText('Default model') as HTMLSelectElement).disabled).toBe(true);
    expect((screen.getByLabelText('Max running jobs') as HTMLInputElement).disabled).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ max_running: 3, notifications: true }));
  });
});

describe('Spending card', () => {
  it('saves the budget and prices only', async () => {
    await setup(SpendingCard, { monthly_budget_usd: 10 });
    const budget = screen.getByTestId('settings-budget') as HTMLInputElement;
    expect(budget.value).toBe('10');
    expect(screen.getByLabelText('Monthly budget (USD)')).toBe(budget);
    await fireEvent.input(budget, { target: { value: '$25.50' } });
    await fireEvent.input(screen.getByLabelText('Price overrides (JSON)'), { target: { value: ' {"openai/o3-deep-research": {"output_per_mtok": 32}} ' } });
    api.SaveSettingsPatch.mockResolvedValue(ok({ monthly_budget_usd: 25.5 }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledTimes(1));
    expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ monthly_budget_usd: 25.5, prices: '{"openai/o3-deep-research": {"output_per_mtok": 32}}' });
    expect(await screen.findByText(/New research is checked against it now/)).toBeInTheDocument();
  });

  it("refuses a budget that is not a number in Go's words, before asking Go", async () => {
    await setup(SpendingCard);
    await fireEvent.input(screen.getByTestId('settings-budget'), { target: { value: '12,50' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    expect(screen.getByTestId('settings-budget-note').textContent).toBe('Use a positive number of dollars, like 10 or 25.50; empty for no limit.');
    expect(screen.getByTestId('settings-budget').getAttribute('aria-invalid')).toBe('true');
    expect(api.SaveSettingsPatch).not.toHaveBeenCalled();
  });

  it("puts Go's refusal on the field it names", async () => {
    await setup(SpendingCard);
    const why = 'DEEPR_PRICES is not valid: input_per_mtok is negative';
    api.SaveSettingsPatch.mockResolvedValue(refused('prices', why));
    await fireEvent.input(screen.getByTestId('settings-prices'), { target: { value: '{"openai/o3-deep-research": {"input_per_mtok": -1}}' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(screen.getByTestId('settings-prices-note').textContent).toBe(why));
    expect(screen.getByTestId('settings-prices').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('settings-budget-note').textContent).toBe('Per calendar month (UTC). Empty for no limit.');
    expect(screen.queryByText(/New research is checked against it now/)).toBeNull();
  });

  it('cannot save a locked budget', async () => {
    await setup(SpendingCard, { monthly_budget_usd: 10, ...locks({ monthly_budget_usd: 'DEEPR_MONTHLY_BUDGET' }) });
    expect((screen.getByTestId('settings-budget') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('settings-budget-note').dataset.locked).toBe('DEEPR_MONTHLY_BUDGET');
    await fireEvent.click(screen.getByRole('button', { name: 'Save budget and prices' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ prices: '' }));
  });
});

describe('Window card', () => {
  it('applies a theme at once and saves only it', async () => {
    const { settings } = await setup(WindowCard, { theme: 'system' });
    const answer = deferred<SettingsResult>();
    api.SaveSettingsPatch.mockReturnValue(answer.promise);
    await fireEvent.change(screen.getByTestId('settings-theme'), { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme, 'before Go answers').toBe('dark');
    expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ theme: 'dark' });
    answer.resolve(ok({ theme: 'dark' }));
    await waitFor(() => expect(screen.getByText('Theme saved.')).toBeInTheDocument());
    let held: Settings | null = null;
    settings.subscribe((v) => (held = v.settings))();
    expect(held!.theme).toBe('dark');
  });

  it("puts the theme back when Go refuses it, with Go's words on the field", async () => {
    await setup(WindowCard, { theme: 'light' });
    api.SaveSettingsPatch.mockResolvedValue(refused('theme', 'Use system, light or dark.'));
    await fireEvent.change(screen.getByTestId('settings-theme'), { target: { value: 'dark' } });
    await waitFor(() => expect((screen.getByTestId('settings-theme') as HTMLSelectElement).value).toBe('light'));
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(document.getElementById('theme-hint')!.textContent).toBe('Use system, light or dark.');
  });

  it('saves the close action and start at login, each alone', async () => {
    await setup(WindowCard, { close_action: 'keep-tracking', start_at_login: false });
    api.SaveSettingsPatch.mockResolvedValueOnce(ok({ close_action: 'quit' }));
    await fireEvent.change(screen.getByLabelText('When the window is closed while research runs'), { target: { value: 'quit' } });
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ close_action: 'quit' }));
    api.SaveSettingsPatch.mockResolvedValueOnce(ok({ close_action: 'quit', start_at_login: true }));
    await waitFor(() => expect((screen.getByTestId('settings-start-at-login') as HTMLInputElement).disabled).toBe(false));
    await fireEvent.click(screen.getByLabelText(/Start Deepr at login/));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenLastCalledWith({ start_at_login: true }));
  });

  it('locks what the environment fixes', async () => {
    await setup(WindowCard, locks({ theme: 'DEEPR_THEME', close_action: 'DEEPR_CLOSE_ACTION', start_at_login: 'DEEPR_START_AT_LOGIN' }));
    for (const id of ['settings-theme', 'settings-close-action', 'settings-start-at-login']) expect((screen.getByTestId(id) as HTMLInputElement).disabled, id).toBe(true);
    const locked = [...document.querySelectorAll<HTMLElement>('[data-locked]')].map((e) => e.dataset.locked).sort();
    expect(locked).toEqual(['DEEPR_CLOSE_ACTION', 'DEEPR_START_AT_LOGIN', 'DEEPR_THEME']);
  });
});

describe('Webhooks card', () => {
  it('saves a secret that is never shown again, then its own fields only', async () => {
    const secret = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNDU=';
    await setup(WebhooksCard);
    api.SetWebhookSecret.mockResolvedValue(makeKeySettings({ webhook_secret_set: true }));
    api.SaveSettingsPatch.mockResolvedValue(ok({ webhook_secret_set: true, use_webhooks: true }));
    await fireEvent.click(screen.getByTestId('use-webhooks'));
    await fireEvent.input(screen.getByLabelText(/Public URL/), { target: { value: 'https://r.example.com/webhooks/openai' } });
    const input = screen.getByTestId('webhook-secret-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: secret } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledTimes(1));
    expect(api.SetWebhookSecret).toHaveBeenCalledWith(secret);
    expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ use_webhooks: true, webhook_listen: '', webhook_url: 'https://r.example.com/webhooks/openai' });
    await waitFor(() => expect(screen.getByTestId('webhook-secret-status').textContent).toBe('Set'));
    expect(input.value).toBe('');
    expect(document.body.innerHTML.includes(secret)).toBe(false);
  });

  it('shows why webhooks cannot be switched on without a secret, on the switch', async () => {
    await setup(WebhooksCard);
    const why = 'Webhooks need a signing secret first: copy it from the OpenAI dashboard and save it here.';
    api.SaveSettingsPatch.mockResolvedValue(refused('use_webhooks', why));
    await fireEvent.click(screen.getByTestId('use-webhooks'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    expect((await screen.findByRole('alert')).textContent).toBe(why);
    expect(document.getElementById('use-webhooks-hint')!.textContent).toBe(why);
    expect(screen.queryByText(/Saved. The listener restarts/)).toBeNull();
  });

  it('shows a saved secret as set while webhooks are off', async () => {
    await setup(WebhooksCard, { use_webhooks: false, webhook_secret_set: true }, makeHealth({ webhooks: makeWebhooks({ state: 'off' }) }));
    expect(screen.getByTestId('webhook-secret-status').textContent).toBe('Set');
    expect(screen.getByTestId('webhook-listener').textContent).toBe('Off');
  });

  it('cannot switch locked webhooks', async () => {
    await setup(WebhooksCard, locks({ use_webhooks: 'DEEPR_USE_WEBHOOKS' }));
    expect((screen.getByTestId('use-webhooks') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/Set by DEEPR_USE_WEBHOOKS in the environment/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Save webhook settings' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ webhook_listen: '', webhook_url: '' }));
  });
});

describe('AI assistants card', () => {
  it('shows how to add Deepr to Claude Desktop and VS Code', async () => {
    await setup(AssistantsCard);
    for (const id of ['assistants-claude', 'assistants-vscode']) {
      const conf = JSON.parse(screen.getByTestId(id).textContent!);
      const server = (conf.mcpServers ?? conf.servers).deepr;
      expect(server.command).toBe('deepr');
      expect(server.args).toEqual(['mcp']);
    }
  });

  it('saves the switch at once and the limit with its button, each alone', async () => {
    await setup(AssistantsCard);
    api.SaveSettingsPatch.mockResolvedValue(ok({ mcp_allow_spend: true }));
    await fireEvent.click(screen.getByLabelText(/Let assistants start paid work/));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenCalledWith({ mcp_allow_spend: true }));
    const limit = screen.getByLabelText(/Most one assistant call may cost/);
    await fireEvent.input(limit, { target: { value: 'lots' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save the limit' }));
    expect(document.getElementById('mcp-max-cost-hint')!.textContent).toBe('Use a positive number of dollars up to 1000, like 5 or 2.50.');
    expect(api.SaveSettingsPatch).toHaveBeenCalledTimes(1);
    await fireEvent.input(limit, { target: { value: '2.50' } });
    api.SaveSettingsPatch.mockResolvedValue(refused('mcp_max_cost_usd', 'Use at most 1000.'));
    await fireEvent.click(screen.getByRole('button', { name: 'Save the limit' }));
    await waitFor(() => expect(api.SaveSettingsPatch).toHaveBeenLastCalledWith({ mcp_max_cost_usd: 2.5 }));
    await waitFor(() => expect(document.getElementById('mcp-max-cost-hint')!.textContent).toBe('Use at most 1000.'));
  });

  it('shows a switch the environment fixes as locked, naming the variable', async () => {
    await setup(AssistantsCard, locks({ mcp_allow_spend: 'DEEPR_MCP_ALLOW_SPEND' }));
    expect((screen.getByLabelText(/Let assistants start paid work/) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(/Set by DEEPR_MCP_ALLOW_SPEND in the environment/)).toBeInTheDocument();
  });
});
