// The New research form's pure logic: the providers it offers, its checks and its labels (NewResearch.svelte).
import type { ModelInfo, ProviderInfo, Settings } from '../types';

/** The prompt limit, in bytes of UTF-8. */
export const maxPromptBytes = 100 * 1024;

/** What the form needs of a provider (ProviderInfo). */
export type Offer = Pick<ProviderInfo, 'name' | 'display' | 'ready' | 'reason' | 'can_cancel' | 'note' | 'models'> &
  Partial<Pick<ProviderInfo, 'capabilities'>>;

type Caps = ModelInfo['capabilities'] | undefined;

/**
 * The providers the form offers: those with a key. Settings without a
 * provider list (an older backend) offer every model's provider under
 * the one OpenAI key state.
 */
export function offeredProviders(s: Settings | null | undefined, models: ModelInfo[]): Offer[] {
  if (!s) return [];
  if (s.providers.length > 0) return s.providers.filter((p) => p.key_set);
  if (!s.key_set) return [];
  const byName = new Map<string, ModelInfo[]>();
  for (const m of models) byName.set(m.provider, [...(byName.get(m.provider) ?? []), m]);
  return [...byName].map(([name, ms]) => ({ name, display: name, ready: true, reason: '', can_cancel: true, note: '', models: ms }));
}

/** "A, B or C": the providers Go lists, for the no-key card. */
export const orList = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : (xs[0] ?? ''));

/** What the provider does on its own, said where its hidden options would be. */
export function providerDecidesText(caps: Caps, provider: Pick<ProviderInfo, 'display'> | undefined): string {
  if (!caps || !provider) return '';
  const does: string[] = [];
  if (caps.web_search === 'always') does.push('searches the web on every run');
  if (!caps.max_tool_calls) does.push('decides how many tool calls it makes');
  if (does.length === 0) return '';
  return `${provider.display} ${does.join(' and ')}: the estimate counts what its runs cost.`;
}

export function briefErrorText(step: string, brief: string, briefBytes: number): string {
  return step !== 'brief'
    ? ''
    : briefBytes > maxPromptBytes
      ? `The brief is ${Math.ceil(briefBytes / 1024)} KB; the limit is 100 KB. Shorten it.`
      : brief.trim() === ''
        ? 'The brief is empty: write what to research, or go back to your prompt.'
        : '';
}

export function promptErrorText(prompt: string, promptBytes: number, attempted: boolean): string {
  return promptBytes > maxPromptBytes
    ? `The prompt is ${Math.ceil(promptBytes / 1024)} KB; the limit is 100 KB. Shorten it or attach less text.`
    : attempted && prompt.trim() === ''
      ? 'Write the research question first.'
      : '';
}

export function toolCallsErrorText(offersLimit: unknown, maxToolCalls: number | null, limits: { min: number; max: number } | undefined): string {
  return !offersLimit
    ? ''
    : maxToolCalls === null || !Number.isInteger(maxToolCalls) || (!!limits && (maxToolCalls < limits.min || maxToolCalls > limits.max))
      ? `Max tool calls must be a whole number from ${limits?.min ?? 1} to ${limits?.max ?? ''}.`
      : '';
}

export function maxCostErrorText(offersCap: boolean, maxCost: number | null): string {
  return offersCap && maxCost !== null && !(Number.isFinite(maxCost) && maxCost > 0) ? 'A positive number of dollars, like 5 or 12.50; empty for no cap.' : '';
}

/** The form's main button label at this step. */
export function primaryLabelText(submitting: boolean, helperBusy: string, step: string, usesClarify: boolean): string {
  return submitting
    ? 'Queuing…'
    : helperBusy === 'clarify'
      ? 'Asking…'
      : helperBusy === 'brief'
        ? 'Writing the brief…'
        : step === 'questions'
          ? 'Write the brief'
          : step === 'write' && usesClarify
            ? 'Continue'
            : 'Start research';
}
