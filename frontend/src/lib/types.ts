// Types of the values the Go side (package main, struct App) sends and
// receives, by their JSON names. They mirror backend/job/job.go and app.go.

export type JobStatus =
  | 'queued'
  | 'submitting'
  | 'running'
  | 'completed'
  | 'incomplete'
  | 'failed'
  | 'cancelled'
  | 'unconfirmed';

export const activeStatuses: JobStatus[] = ['queued', 'submitting', 'running'];
/** Statuses that still need the user or the poller: shown in the Queue's "Active" section. */
export const pendingStatuses: JobStatus[] = ['queued', 'submitting', 'running', 'unconfirmed'];
export const finishedStatuses: JobStatus[] = ['completed', 'incomplete'];
export const resubmittableStatuses: JobStatus[] = ['unconfirmed', 'failed', 'cancelled'];

export interface JobOptions {
  web_search: boolean;
  code_interpreter: boolean;
  max_tool_calls: number;
}

export interface Progress {
  steps: number;
  searches: number;
  pages: number;
  summary: string;
}

export interface Usage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  web_search_calls: number;
}

export interface Job {
  id: string;
  status: JobStatus;
  provider: string;
  model: string;
  prompt: string;
  options: JobOptions;
  provider_job_id: string;
  provider_status: string;
  attempt: number;
  error: string;
  progress: Progress;
  usage: Usage;
  cost_usd: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  finished_at: string | null;
  next_poll_at: string;
  poll_errors: number;
  report_path: string;
  version: number;
}

export interface Citation {
  index: number;
  url: string;
  title: string;
  start: number;
  end: number;
}

export interface ListJobsRequest {
  statuses: string[];
  limit: number;
}

export interface SubmitRequest {
  prompt: string;
  model: string;
  web_search: boolean;
  code_interpreter: boolean;
  max_tool_calls: number;
}

export interface ReportView {
  job: Job;
  html: string;
  markdown: string;
  citations: Citation[];
}

export type SearchSort = 'relevance' | 'date';

export interface SearchRequest {
  query: string;
  status: string;
  model: string;
  since: string; // YYYY-MM-DD or ""
  until: string; // YYYY-MM-DD or ""
  sort: SearchSort;
  limit: number;
  offset: number;
}

export interface SearchHit {
  job: Job;
  /** Escaped text with <mark>…</mark> around matches: safe for {@html}. */
  snippet_html: string;
}

export interface SearchResult {
  hits: SearchHit[];
  has_more: boolean;
}

export type KeyStorage = 'keychain' | 'file' | 'environment' | '';

export interface Settings {
  key_set: boolean;
  key_hint: string;
  key_storage: KeyStorage;
  poll_interval_seconds: number;
  max_running: number;
  default_model: string;
  notifications: boolean;
  data_dir: string;
  config_dir: string;
  use_webhooks: boolean;
  webhook_listen: string;
  webhook_url: string;
  webhook_secret_set: boolean;
  last_webhook_at: string | null;
}

export interface SettingsInput {
  poll_interval_seconds: number;
  max_running: number;
  default_model: string;
  notifications: boolean;
  use_webhooks: boolean;
  webhook_listen: string;
  webhook_url: string;
}

export interface KeyTest {
  ok: boolean;
  message: string;
}

export type ProviderHealth = 'ok' | 'offline' | 'key_rejected' | 'no_key' | 'unknown';
export type PollerState = 'running' | 'standby' | 'stopped';

export interface Health {
  provider: ProviderHealth;
  message: string;
  poller: PollerState;
  lease_holder: string;
  next_check: string | null;
  last_check: string | null;
}

export interface ModelInfo {
  id: string;
  label: string;
  description: string;
}

/** Events the Go side emits, with their payloads. */
export interface EventPayloads {
  'job:updated': Job;
  'job:deleted': string;
  'health:updated': Health;
  'app:open-report': string;
}
export type EventName = keyof EventPayloads;

/** What a Queue row asks its parent to do. */
export type JobAction = 'cancel' | 'resubmit' | 'dismiss' | 'open' | 'check';

/** The app's top-level screens. */
export type View = 'queue' | 'new' | 'library' | 'settings' | 'report';
