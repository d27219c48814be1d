// The form shows the models as Go's catalogue sends them (issue 24): each
// model's warning next to it, and the options the chosen model honours.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeSettings } from '../../tests/fixtures';
import { makeDecision, makeModel, makeProvider, perplexityCaps } from '../../tests/spendFixtures';
import type { FakeApi } from '../../tests/fakeApi';
import { createSettingsStore } from '../stores/settings';
import NewResearch from './NewResearch.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

beforeEach(() => api.reset());

const warning = 'Perplexity ended support for model-b on 2026-09-27; it may stop answering at any time: choose model-a instead.';

async function setup() {
  api.Estimate.mockResolvedValue(makeDecision());
  api.GetSettings.mockResolvedValue(
    makeSettings({
      default_model: 'model-a',
      providers: [
        makeProvider({
          name: 'perplexity',
          display: 'Perplexity',
          capabilities: perplexityCaps,
          models: [
            makeModel({ id: 'model-a', provider: 'perplexity', label: 'Model A', default: true, capabilities: { ...perplexityCaps, cost_cap: false } }),
            // Model B honours every option (responses capabilities), unlike its provider's default.
            makeModel({ id: 'model-b', provider: 'perplexity', label: 'Model B', lifecycle: 'deprecated', shutdown_date: '2026-09-27', replacement: 'model-a', warning }),
          ],
        }),
      ],
    }),
  );
  const settings = createSettingsStore();
  await settings.load();
  render(NewResearch, { settings, draft: null, onsubmitted: vi.fn(), onsettings: vi.fn(), onopen: vi.fn(), clarify: false });
}

describe('NewResearch: the model catalogue', () => {
  it("shows Go's warning next to a deprecated model, and nothing next to a current one", async () => {
    await setup();
    const model = screen.getByLabelText('Model') as HTMLSelectElement;
    expect([...model.options].map((o) => o.textContent)).toEqual(['Model A', 'Model B']);
    expect(screen.queryByTestId('model-warning')).toBeNull();
    await fireEvent.change(model, { target: { value: 'model-b' } });
    expect(screen.getByTestId('model-warning').textContent).toBe(warning);
  });

  it('offers the options of the chosen model, not of its provider', async () => {
    await setup();
    const model = screen.getByLabelText('Model') as HTMLSelectElement;
    expect(screen.queryByLabelText('Max cost (USD)'), 'model A takes no cost cap').toBeNull();
    expect(screen.queryByLabelText(/Code interpreter/), 'model A has none').toBeNull();
    await fireEvent.change(model, { target: { value: 'model-b' } });
    expect(screen.getByLabelText('Max cost (USD)')).toBeInTheDocument();
    expect(screen.getByLabelText(/Code interpreter/), "model B's own options").toBeInTheDocument();
    expect(screen.getByLabelText('Max tool calls')).toBeInTheDocument();
  });
});
