import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { makeHealth, makeProviderHealth } from '../../tests/fixtures';
import type { Health } from '../types';
import StatusBar from './StatusBar.svelte';

// Go's words for four providers, one of which has trouble (research.Health).
function fleet(trouble: 'gemini' | 'azure', state: 'offline' | 'key_rejected'): Health {
  const words = { offline: 'unreachable', key_rejected: 'API key rejected' };
  const message =
    state === 'offline'
      ? 'Cannot reach Gemini (connection refused). Check the network; Gemini jobs are retried automatically.'
      : 'Azure OpenAI rejected the API key (401). Set a new key in Settings or AZURE_OPENAI_API_KEY.';
  const providers = [
    makeProviderHealth(),
    makeProviderHealth({ name: 'gemini', display: 'Gemini', summary: 'Gemini: reachable' }),
    makeProviderHealth({ name: 'perplexity', display: 'Perplexity', state: 'no_key', summary: 'Perplexity: no key', message: 'No Perplexity key: set PERPLEXITY_API_KEY.' }),
    makeProviderHealth({ name: 'azure', display: 'Azure OpenAI', summary: 'Azure OpenAI: reachable' }),
  ].map((p) => (p.name === trouble ? { ...p, state, summary: `${p.display}: ${words[state]}`, message } : p));
  const display = trouble === 'gemini' ? 'Gemini' : 'Azure OpenAI';
  return makeHealth({
    provider: state,
    summary: state === 'offline' ? `${display} unreachable` : `${display}: API key rejected`,
    message,
    providers,
  });
}

describe('StatusBar', () => {
  it('shows the worst state in Go words, naming the provider concerned only', () => {
    render(StatusBar, { health: { health: fleet('gemini', 'offline'), error: '' } });
    const worst = screen.getByTestId('health-provider');
    expect(worst.dataset.state).toBe('offline');
    expect(worst.textContent).toContain('Gemini unreachable');
    expect(worst.textContent, 'a Gemini outage is not OpenAI').not.toContain('OpenAI');
  });

  it('lists each provider with its own state in the details', async () => {
    render(StatusBar, { health: { health: fleet('azure', 'key_rejected'), error: '' } });
    const worst = screen.getByTestId('health-provider');
    expect(worst.textContent).toContain('Azure OpenAI: API key rejected');
    await fireEvent.click(worst);
    const want = {
      openai: ['ok', 'OpenAI: reachable'],
      gemini: ['ok', 'Gemini: reachable'],
      perplexity: ['no_key', 'Perplexity: no key'],
      azure: ['key_rejected', 'Azure OpenAI: API key rejected'],
    };
    for (const [name, [state, text]] of Object.entries(want)) {
      const row = screen.getByTestId(`health-provider-${name}`);
      expect(row.dataset.state, name).toBe(state);
      expect(row.textContent, name).toContain(text);
    }
    expect(screen.getByTestId('health-provider-azure').textContent).toContain('AZURE_OPENAI_API_KEY');
    expect(screen.getByTestId('health-provider-openai').textContent).not.toContain('rejected');
  });

  it("shows Go's notice when start-up set saved settings aside", () => {
    const notice = 'Some saved settings were set aside at start-up: open Settings to review them.';
    render(StatusBar, { health: { health: makeHealth({ settings_notice: notice }), error: '' } });
    expect(screen.getByTestId('settings-notice').textContent).toContain(notice);
  });

  it("shows Go's notice while saved reports have no folder on disk", () => {
    const notice = '2 saved report(s) have no copy in the data folder yet: no space left on device. Free some space or fix the folder; Deepr tries again at 14:05 (the reports are safe in the database).';
    render(StatusBar, { health: { health: makeHealth({ disk_notice: notice }), error: '' } });
    expect(screen.getByTestId('disk-notice').textContent).toContain(notice);
  });

  it("shows Go's notice when the database file was deleted under the poller", () => {
    const notice = 'The database file /home/a/.local/share/deepr/deepr.db was deleted or moved while Deepr had it open; start Deepr again.';
    render(StatusBar, { health: { health: makeHealth({ poller: 'stopped', database_notice: notice }), error: '' } });
    const el = screen.getByTestId('database-notice');
    expect(el.textContent).toContain(notice);
    expect(el.querySelector('.dot.bad')).not.toBeNull();
  });

  it('shows no settings notice when there is none', () => {
    render(StatusBar, { health: { health: makeHealth(), error: '' } });
    expect(screen.queryByTestId('settings-notice')).toBeNull();
    expect(screen.queryByTestId('disk-notice')).toBeNull();
    expect(screen.queryByTestId('database-notice')).toBeNull();
  });

  it('shows the summary Go sends when all is well', () => {
    render(StatusBar, { health: { health: makeHealth(), error: '' } });
    expect(screen.getByTestId('health-provider').textContent).toContain('OpenAI reachable');
  });
});
