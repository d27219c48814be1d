// No list of models in the frontend (issue 24): every model, its name,
// lifecycle and what it honours come from Go's model catalogue
// (backend/catalog/catalog.json) through Models() and Providers(). This
// reads that catalogue and fails if any of its model ids is written in the
// frontend's sources (tests and fixtures aside), comments included.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles, srcRoot } from './sources';

type Entry = { id: string; aliases?: string[] };
const catalogue = JSON.parse(readFileSync(join(srcRoot, '..', '..', 'backend', 'catalog', 'catalog.json'), 'utf8')) as { models: Entry[] };
const ids = [...new Set(catalogue.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]))];

describe('the model catalogue', () => {
  it('is read', () => {
    expect(ids).toContain('deep-research-pro-preview-12-2025');
    expect(ids.length).toBeGreaterThan(5);
  });

  it('is the only list of models: no model id is written in the sources', () => {
    const found = sourceFiles().flatMap(({ path, text }) =>
      // An id counts where it stands alone, not inside a longer word.
      ids.filter((id) => new RegExp(`(^|[^\\w.-])${id.replace(/[.]/g, '\\.')}($|[^\\w-])`).test(text)).map((id) => `${path}: ${id}`),
    );
    expect(found).toEqual([]);
  });
});
