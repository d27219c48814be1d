// A stand-in for src/lib/api.ts: every binding is a vi.fn with a harmless
// default, and `on` is a tiny event bus that records unsubscriptions, so tests
// can emit Wails events and check that subscriptions are cancelled.
//
// Use:  vi.mock('<path>/lib/api', async () => (await import('<path>/tests/fakeApi')).fakeApi());
//       import * as apiModule from '<path>/lib/api';  const api = apiModule as unknown as FakeApi;

import { vi, type Mock } from 'vitest';
import type { Backend } from '../lib/api';
import type {
  AskResult,
  BriefRequest,
  BriefResult,
  CancelResult,
  CheckResult,
  ClarifyResult,
  Health,
  Job,
  KeyResult,
  ReportView,
  SearchResult,
  Settings,
  SettingsResult,
  SubmitResult,
  Thread,
} from '../lib/types';
import { makeHealth, makeSettings } from './fixtures';
import { makeModel } from './spendFixtures';

export function fakeApi() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const unsubscribed: string[] = [];

  const defaults: Backend = {
    ListJobs: async (): Promise<Job[]> => [],
    GetJob: async (): Promise<Job> => {
      throw 'not found';
    },
    Submit: async (): Promise<SubmitResult> => {
      throw 'not mocked';
    },
    Cancel: async (): Promise<CancelResult> => {
      throw 'not mocked';
    },
    Resubmit: async (): Promise<Job> => {
      throw 'not mocked';
    },
    Dismiss: async (): Promise<Job> => {
      throw 'not mocked';
    },
    Adopt: async (): Promise<Job> => {
      throw 'not mocked';
    },
    CheckNow: async (): Promise<CheckResult> => {
      throw 'not mocked';
    },
    DeleteJob: async () => {},
    GetReport: async (): Promise<ReportView> => {
      throw 'not mocked';
    },
    SearchReports: async (): Promise<SearchResult> => ({ hits: [], total: 0, has_more: false }),
    OpenURL: async () => {},
    RevealReport: async () => {},
    OpenDataFolder: async () => {},
    GetSettings: async (): Promise<Settings> => makeSettings(),
    SaveSettings: async (): Promise<Settings> => makeSettings(),
    SaveSettingsPatch: async (): Promise<SettingsResult> => ({ settings: makeSettings(), error: null }),
    SaveHelper: async (): Promise<Settings> => makeSettings(),
    SetAPIKey: async (): Promise<KeyResult> => ({ settings: makeSettings(), test: { ok: true, message: 'OpenAI accepted the key.', key_rejected: false } }),
    ClearAPIKey: async (): Promise<Settings> => makeSettings({ key_set: false, key_hint: '', key_storage: '' }),
    TestAPIKey: async () => ({ ok: true, message: 'OpenAI accepted the key.', key_rejected: false }),
    SetWebhookSecret: async (): Promise<Settings> => makeSettings({ webhook_secret_set: true }),
    ClearWebhookSecret: async (): Promise<Settings> => makeSettings({ webhook_secret_set: false }),
    GetHealth: async (): Promise<Health> => makeHealth(),
    Models: async () => [
      makeModel({ default: true }),
      makeModel({ id: 'o4-mini-deep-research', label: 'o4-mini deep research', description: 'Faster, cheaper' }),
      // The same model id from another provider (an Azure deployment).
      makeModel({ provider: 'azure', label: 'o3-deep-research (Azure deployment)', description: 'Your Azure deployment', default: true }),
    ],
    Version: async () => '0.1.0-test',
    Providers: async () => [],
    SetProviderKey: async () => ({ settings: makeSettings(), test: { ok: true, message: 'accepted', key_rejected: false } }),
    ClearProviderKey: async () => makeSettings(),
    SetProviderEndpoint: async (): Promise<Settings> => makeSettings(),
    TestProviderKey: async () => ({ ok: true, message: 'accepted', key_rejected: false }),
    Estimate: async () => ({ month: '2026-12', budget_usd: null, spent_usd: 0, reserved_usd: 0,
      estimate: { low_usd: 0.5, high_usd: 4, basis: 'documented ranges', samples: 0 }, max_cost_usd: null, allowed: true, refusal: '' }),
    Costs: async () => ({ month: '2026-12', spent_usd: 0, reserved_usd: 0, budget_usd: null, jobs: [], by_model: {}, top: [], assistant_usd: 0 }),
    SpendMonths: async () => [],
    ExportReport: async () => ({ path: '', format: 'md', bytes: 0 }),
    ReportMarkdown: async () => '',
    ExportLibrary: async () => ({ dir: '', reports: [] }),
    ImportLibrary: async () => ({ imported: [], skipped: [], damaged: [] }),
    Similar: async () => [],
    Ready: async () => {},
    Ask: async (): Promise<AskResult> => {
      throw 'not mocked';
    },
    // The helper asks nothing by default: the form goes straight to Submit.
    Clarify: async (): Promise<ClarifyResult> => ({ questions: [], cost_usd: 0, model: 'gpt-4.1-mini' }),
    // With no answers Go sends nothing and the request is the brief.
    Brief: async (req: BriefRequest): Promise<BriefResult> => ({ brief: req.prompt, cost_usd: 0, model: '' }),
    // A job that is neither a follow-up nor followed up on: a thread of one (no panel).
    Thread: async (id: string): Promise<Thread> => ({ root: id, missing_parent: '', jobs: [], cost_usd: 0 }),
  };
  const fns = Object.fromEntries(Object.entries(defaults).map(([k, impl]) => [k, vi.fn(impl)])) as unknown as {
    [K in keyof Backend]: Mock<Backend[K]>;
  };

  const on = vi.fn((name: string, cb: (p: unknown) => void): (() => void) => {
    let set = listeners.get(name);
    if (!set) listeners.set(name, (set = new Set()));
    set.add(cb);
    return vi.fn(() => {
      set.delete(cb);
      unsubscribed.push(name);
    });
  });

  return {
    ...fns,
    on,
    /** emit delivers payload to every current listener of name. */
    emit(name: string, payload: unknown) {
      for (const cb of [...(listeners.get(name) ?? [])]) cb(payload);
    },
    listenerCount(name: string): number {
      return listeners.get(name)?.size ?? 0;
    },
    unsubscribed,
    /** reset restores every default and forgets listeners. */
    reset() {
      listeners.clear();
      unsubscribed.length = 0;
      on.mockClear();
      for (const [k, impl] of Object.entries(defaults)) {
        const fn = (fns as unknown as Record<string, Mock>)[k];
        fn.mockReset();
        fn.mockImplementation(impl as never);
      }
    },
  };
}

export type FakeApi = ReturnType<typeof fakeApi>;
