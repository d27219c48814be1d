// Builders for the values the Go side sends, with overridable fields.

import type { HelperView, Health, Job, JobAction, JobStatus, ProviderHealth, ProviderInfo, Question, Settings, ThreadJob, WebhookHealth } from '../lib/types';

/**
 * The actions Go sends with a job in each status (backend/job/actions.go,
 * with report text for completed and incomplete), as sample data: the
 * frontend itself never derives them.
 */
export const sampleActions: Record<JobStatus, JobAction[]> = {
  queued: ['check', 'cancel', 'delete'],
  submitting: [],
  running: ['check', 'cancel'],
  completed: ['open', 'follow_up', 'edit', 'delete'],
  incomplete: ['open', 'follow_up', 'edit', 'delete'],
  failed: ['resubmit', 'edit', 'delete'],
  cancelled: ['resubmit', 'edit', 'delete'],
  unconfirmed: ['resubmit', 'edit', 'adopt', 'dismiss', 'delete'],
};

/** What Go asks before cancelling an OpenAI job in each status that offers cancel (research/cancel.go), as sample data. */
export const sampleCancelPrompt: Partial<Record<JobStatus, string>> = {
  queued: 'It has not been sent to OpenAI yet: it leaves the queue and nothing is billed.',
  running: 'OpenAI is asked to stop the run. What it used until then is billed, and Deepr records that cost; no report is saved unless the run finishes first.',
};

/** makeJob builds a job; its actions follow its status unless given. */
export function makeJob(over: Partial<Job> = {}): Job {
  const status = over.status ?? 'running';
  const prompt = over.prompt ?? 'How do heat pumps perform in cold climates?\nFocus on Nordic data.';
  return {
    id: 'j1',
    status,
    provider: 'openai',
    model: 'o3-deep-research',
    provider_display: 'OpenAI',
    model_display: 'o3 deep research',
    prompt: 'How do heat pumps perform in cold climates?\nFocus on Nordic data.',
    options: { web_search: true, code_interpreter: false, max_tool_calls: 40 },
    provider_job_id: 'resp_1',
    provider_status: 'in_progress',
    attempt: 1,
    error: '',
    progress: { steps: 3, searches: 2, pages: 5, summary: 'Reading field studies' },
    usage: { input_tokens: 0, cached_tokens: 0, output_tokens: 0, reasoning_tokens: 0, web_search_calls: 0 },
    cost_usd: 0,
    created_at: '2026-03-01T10:00:00Z',
    queued_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:01:00Z',
    submitted_at: '2026-03-01T10:00:05Z',
    finished_at: null,
    next_poll_at: '2026-03-01T10:02:00Z',
    poll_errors: 0,
    report_path: '',
    version: 1,
    actions: sampleActions[status],
    waiting: '',
    cancel_requested_at: null,
    cancel_prompt: sampleCancelPrompt[status] ?? '',
    cancel_note: '',
    parent_id: '',
    parent_context: '',
    max_cost_usd: 0,
    active: status === 'queued' || status === 'submitting' || status === 'running',
    final: ['completed', 'incomplete', 'failed', 'cancelled'].includes(status),
    has_report: status === 'completed' || status === 'incomplete',
    title: prompt.split('\n')[0], // what Go's job.Title sends for a short prompt
    ...over,
  };
}

export function makeSettings(over: Partial<Settings> = {}): Settings {
  return {
    key_set: true,
    key_hint: '…abcd',
    key_storage: 'keychain',
    poll_interval_seconds: 30,
    max_running: 3,
    default_model: 'o4-mini-deep-research',
    notifications: true,
    data_dir: '/home/u/.local/share/deepr',
    config_dir: '/home/u/.config/deepr',
    use_webhooks: false,
    webhook_listen: '',
    webhook_url: '',
    webhook_secret_set: false,
    last_webhook_at: null,
    monthly_budget_usd: 0,
    prices: '',
    theme: 'system',
    close_action: 'keep-tracking',
    start_at_login: false,
    mcp_allow_spend: false,
    mcp_max_cost_usd: 5,
    providers: [],
    locked: {},
    fields: makeFieldSpecs(),
    settings_problems: [],
    settings_notice: '',
    helper: makeHelperView(),
    ...over,
  };
}

/** The fields' constraints as Go sends them (research.FieldSpec, from config). */
export function makeFieldSpecs(): Settings['fields'] {
  const plain = { min: 0, max: 0, has_range: false, unit: '', default: '', accepted: '', locked_by: '' };
  return {
    poll_interval_seconds: { ...plain, min: 1, max: 3600, has_range: true, unit: 'seconds', default: '30', accepted: 'whole seconds from 1 to 3600, like 30 or 30s' },
    max_running: { ...plain, min: 1, max: 50, has_range: true, default: '3', accepted: 'a whole number from 1 to 50' },
    default_model: { ...plain, accepted: 'a model one of the providers offers' },
    notifications: { ...plain, default: 'true' },
    use_webhooks: { ...plain, default: 'false' },
    webhook_listen: { ...plain, default: '127.0.0.1:8787' },
    webhook_url: { ...plain, accepted: 'an https URL' },
    monthly_budget_usd: { ...plain, has_range: true, unit: 'USD', accepted: 'a positive number of dollars, like 10 or 25.50; empty for no limit' },
    prices: { ...plain, accepted: 'a JSON object of "provider/model" to prices' },
    theme: { ...plain, default: 'system' },
    close_action: { ...plain, default: 'keep-tracking' },
    start_at_login: { ...plain, default: 'false' },
    mcp_allow_spend: { ...plain, default: 'false' },
    mcp_max_cost_usd: { ...plain, max: 1000, has_range: true, unit: 'USD', default: '5', accepted: 'a positive number of dollars up to 1000, like 5 or 2.50' },
  };
}

/** The Helper model card's data as Go sends it (research.HelperView). */
export function makeHelperView(over: Partial<HelperView> = {}): HelperView {
  return {
    provider: 'auto',
    azure_deployment: 'gpt-4.1-mini',
    in_use: 'OpenAI: gpt-4.1-mini',
    problem: '',
    choices: [
      { value: 'auto', label: 'Automatic: the first of OpenAI, Azure OpenAI and Gemini with a key', ready: true, note: 'OpenAI: gpt-4.1-mini', asks_deployment: false },
      { value: 'openai', label: 'OpenAI (gpt-4.1-mini)', ready: true, note: '', asks_deployment: false },
      { value: 'azure', label: 'Azure OpenAI (deployment gpt-4.1-mini)', ready: false, note: 'no Azure OpenAI API key is set', asks_deployment: true },
      { value: 'gemini', label: 'Gemini (Gemini 2.5 Flash)', ready: false, note: 'no Gemini API key is set', asks_deployment: false },
    ],
    ...over,
  };
}

export function makeHealth(over: Partial<Health> = {}): Health {
  return {
    seq: 1,
    provider: 'ok',
    message: '',
    summary: 'OpenAI reachable',
    providers: [makeProviderHealth()],
    poller: 'running',
    lease_holder: 'desktop-1',
    next_check: null,
    last_check: null,
    webhooks: makeWebhooks(),
    settings_notice: '',
    disk_notice: '',
    database_notice: '',
    ...over,
  };
}

export function makeProviderHealth(over: Partial<ProviderHealth> = {}): ProviderHealth {
  return { name: 'openai', display: 'OpenAI', state: 'ok', summary: 'OpenAI: reachable', message: '', since: null, ...over };
}

export function makeWebhooks(over: Partial<WebhookHealth> = {}): WebhookHealth {
  return { state: 'off', message: '', addr: '', last_at: null, ...over };
}

/** deferred returns a promise with its resolve/reject, to control when a call answers. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * runeSpan returns the citation offsets (rune indexes, end exclusive) of
 * the first occurrence of part in text, as Go counts them.
 */
export function runeSpan(text: string, part: string): { start: number; end: number } {
  const at = text.indexOf(part);
  if (at < 0) throw new Error(`${JSON.stringify(part)} is not in the text`);
  const start = Array.from(text.slice(0, at)).length;
  return { start, end: start + Array.from(part).length };
}

/**
 * makeKeySettings is makeSettings whose providers, unless given, are OpenAI
 * alone with the key state of the settings' own fields (Settings shows a
 * key card for each provider Go lists, and none when it lists none).
 */
export function makeKeySettings(over: Partial<Settings> = {}): Settings {
  const s = makeSettings(over);
  if (over.providers) return s;
  const key = { key_set: s.key_set, key_hint: s.key_set ? s.key_hint : '', key_storage: s.key_storage };
  const reason = s.key_set ? '' : 'no OpenAI key: set OPENAI_API_KEY or save one in Settings';
  return { ...s, providers: [makeProvider({ ...key, ready: s.key_set, reason })] };
}

/** makeProvider builds one provider of Settings.providers. */
export function makeProvider(over: Partial<ProviderInfo> = {}): ProviderInfo {
  return {
    name: 'openai',
    display: 'OpenAI',
    key_variable: 'OPENAI_API_KEY',
    key_help: 'platform.openai.com/api-keys',
    endpoint_variable: '',
    endpoint: '',
    endpoint_locked: false,
    key_set: false,
    key_hint: '',
    key_storage: '',
    ready: false,
    reason: 'No API key',
    can_cancel: true,
    note: '',
    models: [],
    capabilities: { web_search: 'optional', code_interpreter: 'optional', max_tool_calls: true, cost_cap: true, cancel: true, continue: true },
    key_check: null,
    ...over,
  };
}

/** makeQuestion builds a question asked about a saved report, with its answer. */
export function makeQuestion(over: Partial<Question> = {}): Question {
  return {
    id: 'q1',
    job_id: 'r1',
    question: 'Which country has the most heat pumps?',
    answer: 'Norway, per household [1].',
    provider: 'openai',
    model: 'gpt-4.1-mini',
    usage: { input_tokens: 1200, cached_tokens: 0, output_tokens: 40, reasoning_tokens: 0, web_search_calls: 0 },
    cost_usd: 0.0021,
    created_at: '2026-03-02T09:00:00Z',
    ...over,
  };
}

/** makeThreadJob builds one job of a thread. */
export function makeThreadJob(job: Partial<Job> = {}, over: Partial<Omit<ThreadJob, 'job'>> = {}): ThreadJob {
  const j = makeJob({ status: 'completed', finished_at: '2026-03-01T10:40:00Z', ...job });
  return { job: j, depth: j.parent_id ? 1 : 0, cost_usd: j.cost_usd, ...over };
}
