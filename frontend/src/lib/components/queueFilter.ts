import type { Job, JobStatus } from '../types';

/** The Queue's status groups (the "Show" select), keyed by the select's value. */
export const groups: Record<string, { label: string; statuses: JobStatus[] }> = {
  '': { label: 'All jobs', statuses: [] },
  active: { label: 'Active', statuses: ['queued', 'submitting', 'running'] },
  attention: { label: 'Needs attention', statuses: ['unconfirmed', 'failed'] },
  completed: { label: 'Completed', statuses: ['completed'] },
  incomplete: { label: 'Incomplete', statuses: ['incomplete'] },
  failed: { label: 'Failed', statuses: ['failed'] },
  cancelled: { label: 'Cancelled', statuses: ['cancelled'] },
};

/** Splits the filter text into lower-case words. */
export function tokensOf(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether a job is in the group and has every word in its prompt, status, model or provider. */
export function matches(j: Job, group: string, tokens: string[]): boolean {
  const st = groups[group]?.statuses ?? [];
  if (st.length > 0 && !st.includes(j.status)) return false;
  if (tokens.length === 0) return true;
  const hay = `${j.prompt} ${j.status} ${j.model} ${j.provider} ${j.model_display} ${j.provider_display}`.toLowerCase();
  return tokens.every((t) => hay.includes(t));
}
