// What the Settings cards share: saving one card's fields (a patch, so no
// card saves or is blocked by another's), putting Go's refusal on the field
// it names (research.AsView sends it as data), and reading each field's
// constraints from Go (Settings.fields). No setting's range or name is
// written here.

import * as api from '../../api';
import { errorMessage } from '../../format';
import type { SettingsStore } from '../../stores/settings';
import type { FieldSpec, Settings, SettingsField, SettingsPatch } from '../../types';

export type FieldErrors = Partial<Record<SettingsField, string>>;

/** The outcome of one card's save: ok, or Go's refusal on its field (else in message). */
export interface Saved {
  ok: boolean;
  fieldErrors: FieldErrors;
  message: string;
}

/**
 * saveSection saves patch without its locked fields (they cannot be saved
 * here) and holds the settings Go returns.
 */
export async function saveSection(settings: SettingsStore, s: Settings, patch: SettingsPatch): Promise<Saved> {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && !lockedBy(s, k as SettingsField)) own[k] = v;
  }
  try {
    const r = await api.SaveSettingsPatch(own as SettingsPatch);
    if (r.error) {
      const f = r.error.field as SettingsField;
      if (f && f in own) return { ok: false, fieldErrors: { [f]: r.error.message }, message: '' };
      return { ok: false, fieldErrors: {}, message: r.error.message };
    }
    settings.set(r.settings);
    return { ok: true, fieldErrors: {}, message: '' };
  } catch (err) {
    return { ok: false, fieldErrors: {}, message: errorMessage(err) };
  }
}

/** specOf is Go's description of a field (undefined before the settings load). */
export function specOf(s: Settings | null, f: SettingsField): FieldSpec | undefined {
  return s?.fields?.[f];
}

/** lockedBy names the variable that fixes a field ("" when it can be saved here). */
export function lockedBy(s: Settings | null, f: SettingsField): string {
  return specOf(s, f)?.locked_by || s?.locked?.[f] || '';
}

/** lockNote says where a locked field is set. */
export function lockNote(variable: string): string {
  return variable ? `Set by ${variable} in the environment: change it there and restart Deepr.` : '';
}

/** accepted is what Go accepts for a field, as a sentence. */
export function accepted(spec: FieldSpec | undefined): string {
  const a = spec?.accepted ?? '';
  return a ? `Use ${a}.` : '';
}

/** rangeError checks a whole number against Go's range for the field ('' when it fits). */
export function rangeError(spec: FieldSpec | undefined, v: number | null): string {
  if (!spec?.has_range) return '';
  const bad = v === null || !Number.isInteger(v) || v < spec.min || (spec.max > 0 && v > spec.max);
  return bad ? accepted(spec) : '';
}
