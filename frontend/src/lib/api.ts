// Package-like module api is the ONLY place that imports the Wails-generated
// code (frontend/wailsjs): the bindings, the runtime and the model types,
// which it re-exports for types.ts. Components and stores import from here,
// and tests replace this module with vi.mock('…/lib/api').
//
// Every method returns a Promise; a Go error rejects it with a string message
// (use errorMessage to show it).
// SaveSettingsPatch instead answers a refusal as data ({kind, field, message},
// research.AsView), so a Settings card can show it on its field.

import * as App from '../../wailsjs/go/main/App';
import { EventsOn } from '../../wailsjs/runtime/runtime';
import { research as goResearch } from '../../wailsjs/go/models';
import type {
  AdoptRequest,
  AskResult,
  BriefRequest,
  BriefResult,
  ClarifyResult,
  Thread as ThreadData,
  CancelResult,
  CheckResult,
  Data,
  Decision,
  ExportResult,
  ImportResult,
  LibraryExport,
  MonthTotal,
  ProviderInfo,
  Spend,
  EventName,
  EventPayloads,
  Health,
  Job,
  KeyResult,
  KeyTest,
  ListJobsRequest,
  ModelInfo,
  ReportView,
  SearchRequest,
  SearchHit,
  SearchResult,
  SimilarReport,
  Settings,
  SettingsInput,
  SettingsPatch,
  SettingsResult,
  HelperInput,
  SubmitRequest,
  SubmitResult,
} from './types';

export type { cost, job, library, provider, research, store } from '../../wailsjs/go/models';

/** Backend is the typed surface of the bound Go struct App. */
export interface Backend {
  ListJobs(req: ListJobsRequest): Promise<Job[]>;
  GetJob(id: string): Promise<Job>;
  /** Takes the model class (its clarified request is a nested model); the wrapper builds it from plain data. */
  Submit(req: goResearch.SubmitRequest): Promise<SubmitResult>;
  Cancel(id: string): Promise<CancelResult>;
  Resubmit(id: string): Promise<Job>;
  Dismiss(id: string): Promise<Job>;
  Adopt(req: AdoptRequest): Promise<Job>;
  CheckNow(id: string): Promise<CheckResult>;
  DeleteJob(id: string): Promise<void>;
  GetReport(id: string): Promise<ReportView>;
  SearchReports(req: SearchRequest): Promise<SearchResult>;
  OpenURL(url: string): Promise<void>;
  RevealReport(id: string): Promise<void>;
  OpenDataFolder(): Promise<void>;
  GetSettings(): Promise<Settings>;
  SaveSettings(s: SettingsInput): Promise<Settings>;
  SaveSettingsPatch(p: SettingsPatch): Promise<SettingsResult>;
  SaveHelper(h: HelperInput): Promise<Settings>;
  SetAPIKey(key: string): Promise<KeyResult>;
  ClearAPIKey(): Promise<Settings>;
  TestAPIKey(): Promise<KeyTest>;
  SetWebhookSecret(secret: string): Promise<Settings>;
  ClearWebhookSecret(): Promise<Settings>;
  GetHealth(): Promise<Health>;
  Models(): Promise<ModelInfo[]>;
  Version(): Promise<string>;
  Providers(): Promise<ProviderInfo[]>;
  SetProviderKey(provider: string, key: string): Promise<KeyResult>;
  ClearProviderKey(provider: string): Promise<Settings>;
  SetProviderEndpoint(provider: string, endpoint: string): Promise<Settings>;
  TestProviderKey(provider: string): Promise<KeyTest>;
  Estimate(req: goResearch.SubmitRequest): Promise<Decision>;
  Costs(month: string): Promise<Spend>;
  SpendMonths(): Promise<MonthTotal[]>;
  ExportReport(id: string, format: string): Promise<ExportResult>;
  ReportMarkdown(id: string): Promise<string>;
  ExportLibrary(): Promise<LibraryExport>;
  ImportLibrary(): Promise<ImportResult>;
  Similar(prompt: string): Promise<SimilarReport[]>;
  Ready(): Promise<void>;
  Ask(id: string, question: string): Promise<AskResult>;
  Clarify(prompt: string): Promise<ClarifyResult>;
  /** Takes the model class (its answers are nested models); the Brief wrapper builds it from plain data. */
  Brief(req: goResearch.BriefRequest): Promise<BriefResult>;
  Thread(id: string): Promise<ThreadData>;
}

// Backend must agree with the generated bindings: every method exists in
// App, what it passes is what App takes, and what it returns refines the
// plain data App returns. A method renamed or retyped in Go fails
// `npm run check` here (a compile-time check only: no code).
type Generated = typeof App;
type Method<K> = K extends keyof Generated ? Generated[K] : never;
type GoParams = { [K in keyof Backend]: Parameters<Method<K>> };
type GoResults = { [K in keyof Backend]: Data<Awaited<ReturnType<Method<K>>>> };
type Refines<P extends GoParams, R extends GoResults> = [P, R];
export type CheckedBackend = Refines<
  { [K in keyof Backend]: Parameters<Backend[K]> },
  { [K in keyof Backend]: Awaited<ReturnType<Backend[K]>> }
>;

// The one cast: the bindings are typed with the model classes, whose string
// fields types.ts narrows (status, actions, ...).
const go = App as unknown as Backend;

export const ListJobs = (req: ListJobsRequest) => go.ListJobs(req);
export const GetJob = (id: string) => go.GetJob(id);
export const Submit = (req: SubmitRequest) => go.Submit(goResearch.SubmitRequest.createFrom(req));
export const Cancel = (id: string) => go.Cancel(id);
export const Resubmit = (id: string) => go.Resubmit(id);
export const Dismiss = (id: string) => go.Dismiss(id);
export const Adopt = (req: AdoptRequest) => go.Adopt(req);
export const CheckNow = (id: string) => go.CheckNow(id);
export const DeleteJob = (id: string) => go.DeleteJob(id);
export const GetReport = (id: string) => go.GetReport(id);
export const SearchReports = (req: SearchRequest) => go.SearchReports(req);
export const OpenURL = (url: string) => go.OpenURL(url);
export const RevealReport = (id: string) => go.RevealReport(id);
export const OpenDataFolder = () => go.OpenDataFolder();
export const GetSettings = () => go.GetSettings();
export const SaveSettings = (s: SettingsInput) => go.SaveSettings(s);
export const SaveSettingsPatch = (p: SettingsPatch) => go.SaveSettingsPatch(p);
export const SaveHelper = (h: HelperInput) => go.SaveHelper(h);
export const SetAPIKey = (key: string) => go.SetAPIKey(key);
export const ClearAPIKey = () => go.ClearAPIKey();
export const TestAPIKey = () => go.TestAPIKey();
export const SetWebhookSecret = (secret: string) => go.SetWebhookSecret(secret);
export const ClearWebhookSecret = () => go.ClearWebhookSecret();
export const GetHealth = () => go.GetHealth();
export const Models = () => go.Models();
export const Version = () => go.Version();
export const Providers = () => go.Providers();
export const SetProviderKey = (provider: string, key: string) => go.SetProviderKey(provider, key);
export const ClearProviderKey = (provider: string) => go.ClearProviderKey(provider);
export const SetProviderEndpoint = (provider: string, endpoint: string) => go.SetProviderEndpoint(provider, endpoint);
export const TestProviderKey = (provider: string) => go.TestProviderKey(provider);
export const Estimate = (req: SubmitRequest) => go.Estimate(goResearch.SubmitRequest.createFrom(req));
export const Costs = (month: string) => go.Costs(month);
export const SpendMonths = () => go.SpendMonths();
/** ExportReport opens a save dialog, then writes the report; a cancelled dialog gives an empty path. */
export const ExportReport = (id: string, format: string) => go.ExportReport(id, format);
/** ReportMarkdown is the report exactly as Export → Markdown writes it (Copy as Markdown). */
export const ReportMarkdown = (id: string) => go.ReportMarkdown(id);
/** ExportLibrary opens a folder dialog, then writes every report into it. */
export const ExportLibrary = () => go.ExportLibrary();
/** ImportLibrary opens a folder dialog, then imports the report folders in it. */
export const ImportLibrary = () => go.ImportLibrary();
/** Similar lists up to three saved reports on the subject of a prompt being typed. */
export const Similar = (prompt: string) => go.Similar(prompt);
/** Ready tells Go the first frame is painted (start-up time). */
export const Ready = () => go.Ready();
/** Ask answers a question about a saved report from its text and sources only, and saves both with the report. */
export const Ask = (id: string, question: string) => go.Ask(id, question);
/** Clarify asks the helper model up to three short questions about a research request, before it is paid for. */
export const Clarify = (prompt: string) => go.Clarify(prompt);
/** Brief has the helper model write a research brief from a request and the answers to its questions. */
export const Brief = (req: BriefRequest) => go.Brief(goResearch.BriefRequest.createFrom(req));
/** Thread returns the line of research a job belongs to: its parent, its follow-ups and their combined cost. */
export const Thread = (id: string) => go.Thread(id);

/**
 * on subscribes to a backend event and returns the function that cancels
 * exactly this subscription. Never use EventsOff: it removes every listener
 * of that event, including other components' ones.
 */
export function on<E extends EventName>(name: E, cb: (payload: EventPayloads[E]) => void): () => void {
  return EventsOn(name, (payload: EventPayloads[E]) => cb(payload));
}
