// Builders for the provider and spend values the Go side sends, with
// overridable fields (kept apart from fixtures.ts, which others edit too).

import type { Capabilities, Decision, JobSpend, ModelInfo, ModelSpend, MonthTotal, ProviderInfo, Spend } from '../lib/types';

/** What OpenAI and Azure models honour: every option (backend/catalog/catalog.json). */
export const responsesCaps: Capabilities = { web_search: 'optional', code_interpreter: 'optional', max_tool_calls: true, cost_cap: true, cancel: true, continue: true };
/** What Gemini's agents honour: they always search and decide their own tool calls. */
export const geminiCaps: Capabilities = { web_search: 'always', code_interpreter: 'never', max_tool_calls: false, cost_cap: true, cancel: true, continue: true };
/** What Perplexity's async model honours: like Gemini, and it can neither be cancelled nor continued. */
export const perplexityCaps: Capabilities = { web_search: 'always', code_interpreter: 'never', max_tool_calls: false, cost_cap: true, cancel: false, continue: false };

/** makeModel is a model as Go's Models() sends it (an OpenAI model unless overridden). */
export function makeModel(over: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id: 'o3-deep-research',
    provider: 'openai',
    label: 'o3 deep research',
    description: 'Most thorough',
    default: false,
    api: 'responses',
    lifecycle: 'stable',
    shutdown_date: '',
    replacement: '',
    warning: '',
    capabilities: responsesCaps,
    // Go sends the tool-call range and default where the model honours a limit (research.ToolCallLimits).
    tool_calls: (over.capabilities ?? responsesCaps).max_tool_calls ? { min: 1, max: 200, default: 40 } : { min: 0, max: 0, default: 0 },
    ...over,
  };
}

export function makeProvider(over: Partial<ProviderInfo> = {}): ProviderInfo {
  return {
    name: 'openai',
    display: 'OpenAI',
    key_variable: 'OPENAI_API_KEY',
    key_help: 'platform.openai.com/api-keys',
    endpoint_variable: '',
    endpoint: '',
    endpoint_locked: false,
    key_set: true,
    key_hint: '…abcd',
    key_storage: 'keychain',
    ready: true,
    reason: '',
    can_cancel: true,
    note: '',
    capabilities: responsesCaps,
    models: [
      makeModel({ default: true }),
      makeModel({ id: 'o4-mini-deep-research', label: 'o4-mini deep research', description: 'Faster, cheaper' }),
    ],
    ...over,
  };
}

/** makeProviders returns the four providers as Go lists them; keys are set for those named in withKey. */
export function makeProviders(withKey: string[] = ['openai']): ProviderInfo[] {
  const has = (n: string) => withKey.includes(n);
  const noKey = (display: string, variable: string) => `no ${display} key: set ${variable} or save one in Settings`;
  return [
    makeProvider({ key_set: has('openai'), key_hint: has('openai') ? '…abcd' : '', key_storage: has('openai') ? 'keychain' : '', ready: has('openai'), reason: has('openai') ? '' : noKey('OpenAI', 'OPENAI_API_KEY') }),
    makeProvider({
      name: 'gemini',
      display: 'Gemini',
      key_variable: 'GEMINI_API_KEY',
      key_help: 'aistudio.google.com/apikey',
      key_set: has('gemini'),
      key_hint: has('gemini') ? '…gem1' : '',
      key_storage: has('gemini') ? 'keychain' : '',
      ready: has('gemini'),
      reason: has('gemini') ? '' : noKey('Gemini', 'GEMINI_API_KEY'),
      capabilities: geminiCaps,
      models: [
        makeModel({ id: 'deep-research-preview-04-2026', provider: 'gemini', label: 'deep research preview 04 2026', description: 'Gemini Deep Research (default agent); searches with Google.', default: true, api: 'interactions', lifecycle: 'preview', capabilities: geminiCaps }),
        makeModel({ id: 'deep-research-max-preview-04-2026', provider: 'gemini', label: 'deep research max preview 04 2026', description: 'Gemini Deep Research agent.', api: 'interactions', lifecycle: 'preview', capabilities: geminiCaps }),
      ],
    }),
    makeProvider({
      name: 'perplexity',
      display: 'Perplexity',
      key_variable: 'PERPLEXITY_API_KEY',
      key_help: 'perplexity.ai/account/api/keys',
      key_set: has('perplexity'),
      key_hint: has('perplexity') ? '…pplx' : '',
      key_storage: has('perplexity') ? 'file' : '',
      ready: has('perplexity'),
      reason: has('perplexity') ? '' : noKey('Perplexity', 'PERPLEXITY_API_KEY'),
      can_cancel: false,
      capabilities: perplexityCaps,
      note: 'Perplexity cannot stop a run; it will finish and bill; Deepr will keep the report.',
      models: [makeModel({ id: 'sonar-deep-research', provider: 'perplexity', label: 'Perplexity sonar deep research', description: 'Fast and inexpensive.', default: true, api: 'async', capabilities: perplexityCaps })],
    }),
    makeProvider({
      name: 'azure',
      display: 'Azure OpenAI',
      key_variable: 'AZURE_OPENAI_API_KEY',
      key_help: "your Azure OpenAI resource's Keys and Endpoint page",
      endpoint_variable: 'AZURE_OPENAI_ENDPOINT',
      key_set: has('azure'),
      key_hint: has('azure') ? '…azur' : '',
      key_storage: has('azure') ? 'keychain' : '',
      ready: false,
      reason: 'no Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com)',
      models: [makeModel({ id: 'o3-deep-research', provider: 'azure', label: 'o3-deep-research (Azure deployment)', description: 'Your Azure OpenAI deployment.', default: true })],
    }),
  ];
}

export function makeDecision(over: Partial<Decision> = {}): Decision {
  return {
    month: '2026-03',
    budget_usd: null,
    spent_usd: 0,
    reserved_usd: 0,
    estimate: { low_usd: 0.5, high_usd: 4, basis: 'documented ranges for o4-mini-deep-research', samples: 0 },
    max_cost_usd: null,
    allowed: true,
    refusal: '',
    ...over,
  };
}

export function makeJobSpend(over: Partial<JobSpend> = {}): JobSpend {
  return {
    job_id: 'j1',
    title: 'How do heat pumps perform in cold climates?',
    provider: 'openai',
    model: 'o3-deep-research',
    status: 'completed',
    cost_usd: 2.5,
    attempts: 1,
    finished_at: '2026-03-02T10:00:00Z',
    deleted: false,
    kind: 'research',
    about: '',
    via: '',
    ...over,
  };
}

export function makeModelSpend(over: Partial<ModelSpend> = {}): ModelSpend {
  return { provider: 'openai', model: 'o3-deep-research', spent_usd: 2.5, job_count: 1, attempts: 1, ...over };
}

export function makeSpend(over: Partial<Spend> = {}): Spend {
  return { month: '2026-03', spent_usd: 0, reserved_usd: 0, budget_usd: null, jobs: [], by_model: {}, top: [], assistant_usd: 0, ...over };
}

export function makeMonthTotal(over: Partial<MonthTotal> = {}): MonthTotal {
  return { month: '2026-03', spent_usd: 0, job_count: 0, ...over };
}
