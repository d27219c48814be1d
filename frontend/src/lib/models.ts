// Helpers for the model list (Models(), from Go's model catalogue; no model
// is named here): the same model id can be offered by more than one
// provider (an OpenAI model and an Azure deployment named after it), so a
// model is named by its provider and id together.

import type { ModelInfo } from './types';

/** modelKey names a model uniquely: "provider/id". */
export function modelKey(m: Pick<ModelInfo, 'provider' | 'id'>): string {
  return `${m.provider}/${m.id}`;
}

/** distinctIds keeps the first model of each id (for filters and defaults, which name an id only). */
export function distinctIds(models: ModelInfo[]): ModelInfo[] {
  const seen = new Set<string>();
  return models.filter((m) => !seen.has(m.id) && !!seen.add(m.id));
}
