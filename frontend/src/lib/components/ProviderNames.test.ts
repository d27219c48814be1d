// Every provider told apart (issue 24): the Queue row, the reader's header
// and a library card show the provider and model by the display names Go
// sends with each job; the Settings cards are built from Go's provider
// data; and no provider is named anywhere in the frontend's source.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as apiModule from '../api';
import { makeJob, makeProvider, makeSettings } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createJobsStore } from '../stores/jobs';
import { createLibraryStore } from '../stores/library';
import { createSettingsStore } from '../stores/settings';
import Library from './Library.svelte';
import Queue from './Queue.svelte';
import Report from './Report.svelte';
import Settings from './Settings.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

// Names a copy in the frontend could not know: they can only come from Go.
const azure = makeJob({ id: 'az1', status: 'completed', provider: 'azure', model: 'team-o3', provider_display: 'Azure OpenAI (Sweden)', model_display: 'team-o3 (o3 deep research)', finished_at: '2026-03-01T10:40:00Z' });
const openai = makeJob({ id: 'oa1', status: 'completed', provider: 'openai', model: 'o3-deep-research', provider_display: 'OpenAI Platform', model_display: 'o3 Deep Research', finished_at: '2026-03-01T10:40:00Z' });

const stops: (() => void)[] = [];
beforeEach(() => api.reset());
afterEach(() => stops.splice(0).forEach((s) => s()));

describe('provider and model names come from Go', () => {
  it('the Queue row shows them, Azure apart from OpenAI', async () => {
    api.ListJobs.mockResolvedValue([azure, openai]);
    const store = createJobsStore(document);
    stops.push(store.start());
    render(Queue, { jobs: store, submitted: null, onopen: vi.fn(), onnew: vi.fn(), onedit: vi.fn() });
    const rows = await screen.findAllByTestId('job-row');
    const byId = (id: string) => rows.find((r) => r.dataset.jobId === id)!;
    expect(within(byId('az1')).getByTestId('job-source').textContent).toBe('team-o3 (o3 deep research) · Azure OpenAI (Sweden)');
    expect(within(byId('oa1')).getByTestId('job-source').textContent).toBe('o3 Deep Research · OpenAI Platform');
  });

  it('the reader header shows them', async () => {
    api.GetReport.mockResolvedValue({ job: azure, html: '<p>Tea</p>', markdown: 'Tea', citations: [], questions: [] });
    render(Report, { id: 'az1', onback: vi.fn(), ondeleted: vi.fn(), onedit: vi.fn() });
    expect((await screen.findByTestId('report-source')).textContent).toBe('team-o3 (o3 deep research) · Azure OpenAI (Sweden)');
  });

  it('a library card shows them', async () => {
    api.SearchReports.mockResolvedValue({ hits: [{ job: azure, snippet: 'tea', snippet_html: 'tea' }, { job: openai, snippet: 'tea', snippet_html: 'tea' }], total: 2, has_more: false });
    render(Library, { library: createLibraryStore(), onopen: vi.fn(), onnew: vi.fn() });
    const hits = await screen.findAllByTestId('search-hit');
    expect(within(hits[0]).getByTestId('hit-source').textContent).toBe('team-o3 (o3 deep research) · Azure OpenAI (Sweden)');
    expect(within(hits[1]).getByTestId('hit-source').textContent).toBe('o3 Deep Research · OpenAI Platform');
  });
});

describe('Settings builds a card per provider from Go data', () => {
  it('names, key variables, help and the endpoint come from Go', async () => {
    const providers = [
      makeProvider({ name: 'acme', display: 'Acme Research', key_variable: 'ACME_KEY', key_help: 'acme.example/keys', key_set: true, key_hint: '…acme', key_storage: 'environment', ready: true, reason: '' }),
      makeProvider({ name: 'cloudy', display: 'Cloudy AI', key_variable: 'CLOUDY_KEY', key_help: 'the Cloudy console', endpoint_variable: 'CLOUDY_ENDPOINT', endpoint: 'https://r1.cloudy.example', endpoint_locked: true, key_set: false, ready: false, reason: 'no Cloudy AI key' }),
      makeProvider({ name: 'bare', display: 'Bare', key_variable: 'BARE_KEY', key_help: 'bare.example', endpoint_variable: 'BARE_ENDPOINT', endpoint: '', key_set: true, key_hint: '…bare', key_storage: 'keychain', ready: false, reason: 'no Bare endpoint: set BARE_ENDPOINT' }),
    ];
    api.GetSettings.mockResolvedValue(makeSettings({ providers }));
    const settings = createSettingsStore();
    await settings.load();
    render(Settings, { settings, health: null });
    const acme = screen.getByTestId('provider-key-acme');
    expect(within(acme).getByRole('heading').textContent).toBe('Acme Research API key');
    expect(acme.textContent).toContain('acme.example/keys');
    expect(within(acme).getByTestId('key-status-acme').textContent).toContain('the ACME_KEY environment variable');
    expect(within(acme).queryByTestId('provider-endpoint-acme'), 'no endpoint for a provider that needs none').toBeNull();
    const cloudy = screen.getByTestId('provider-key-cloudy');
    expect(cloudy.textContent).toContain('the Cloudy console');
    expect(within(cloudy).getByTestId('provider-endpoint-cloudy').textContent).toMatch(/Endpoint: https:\/\/r1\.cloudy\.example \(set by CLOUDY_ENDPOINT\)/);
    expect(within(screen.getByTestId('provider-key-bare')).getByTestId('provider-endpoint-bare').textContent).toMatch(/no Bare endpoint: set BARE_ENDPOINT/);
    expect(screen.getAllByTestId(/^provider-key-/)).toHaveLength(3);
  });
});

describe('the endpoint a provider needs is set on its card', () => {
  it('saves it through Go and shows what Go answers; one fixed by the environment has no field', async () => {
    const cloudy = (endpoint: string, locked = false) =>
      makeProvider({ name: 'cloudy', display: 'Cloudy AI', key_variable: 'CLOUDY_KEY', endpoint_variable: 'CLOUDY_ENDPOINT', endpoint, endpoint_locked: locked, key_set: true, key_hint: '…clou', key_storage: 'keychain', ready: endpoint !== '', reason: endpoint ? '' : 'no Cloudy AI endpoint: set CLOUDY_ENDPOINT' });
    api.GetSettings.mockResolvedValue(makeSettings({ providers: [cloudy('')] }));
    api.SetProviderEndpoint.mockResolvedValue(makeSettings({ providers: [cloudy('https://r2.cloudy.example')] }));
    const settings = createSettingsStore();
    await settings.load();
    render(Settings, { settings, health: null });
    const input = screen.getByTestId('endpoint-input-cloudy') as HTMLInputElement;
    expect(input.value).toBe('');
    await fireEvent.input(input, { target: { value: ' https://r2.cloudy.example ' } });
    await fireEvent.click(screen.getByTestId('save-endpoint-button-cloudy'));
    expect(api.SetProviderEndpoint).toHaveBeenCalledWith('cloudy', 'https://r2.cloudy.example');
    await waitFor(() => expect(screen.getByTestId('provider-endpoint-cloudy').textContent).toMatch(/Endpoint: https:\/\/r2\.cloudy\.example/));

    settings.set(makeSettings({ providers: [cloudy('https://r1.cloudy.example', true)] }));
    await waitFor(() => expect(screen.queryByTestId('endpoint-input-cloudy')).toBeNull());
  });

  it('shows why Go refused an endpoint', async () => {
    api.GetSettings.mockResolvedValue(makeSettings({ providers: [makeProvider({ name: 'cloudy', display: 'Cloudy AI', endpoint_variable: 'CLOUDY_ENDPOINT' })] }));
    api.SetProviderEndpoint.mockRejectedValue('CLOUDY_ENDPOINT: write only the resource endpoint');
    const settings = createSettingsStore();
    await settings.load();
    render(Settings, { settings, health: null });
    await fireEvent.input(screen.getByTestId('endpoint-input-cloudy'), { target: { value: 'https://x/openai/v1' } });
    await fireEvent.click(screen.getByTestId('save-endpoint-button-cloudy'));
    expect((await screen.findByRole('alert')).textContent).toContain('write only the resource endpoint');
  });
});

// The frontend's own source (tests and fixtures aside) names no provider:
// every provider-specific text comes from Go.
const root = join(__dirname, '..', '..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|svelte)$/.test(name) && !/\.test\.ts$/.test(name) && !p.includes('/tests/') ? [p] : [];
  });
}

describe('source rules', () => {
  it('names no provider id in code', () => {
    const bad = sources(root).flatMap((p) => {
      const code = readFileSync(p, 'utf8').replace(/\/\/.*|<!--[\s\S]*?-->|\/\*[\s\S]*?\*\//g, '');
      return [...code.matchAll(/['"`](openai|azure|gemini|perplexity)['"`]|[A-Z]+_(API_KEY|ENDPOINT)\b/gi)].map((m) => `${relative(root, p)}: ${m[0]}`);
    });
    expect(bad).toEqual([]);
  });
});
