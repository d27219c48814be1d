// Builders for the values the Go side sends, with overridable fields.

import type { Health, Job, Settings } from '../lib/types';

export function makeJob(over: Partial<Job> = {}): Job {
  return {
    id: 'j1',
    status: 'running',
    provider: 'openai',
    model: 'o3-deep-research',
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
    updated_at: '2026-03-01T10:01:00Z',
    submitted_at: '2026-03-01T10:00:05Z',
    finished_at: null,
    next_poll_at: '2026-03-01T10:02:00Z',
    poll_errors: 0,
    report_path: '',
    version: 1,
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
    ...over,
  };
}

export function makeHealth(over: Partial<Health> = {}): Health {
  return {
    provider: 'ok',
    message: '',
    poller: 'running',
    lease_holder: 'desktop-1',
    next_check: null,
    last_check: null,
    ...over,
  };
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
