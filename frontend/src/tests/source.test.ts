// Rules about the source itself (lessons.md): no EventsOff anywhere, {@html}
// only for the sanitized report and the escaped search snippets, and only
// src/lib/api.ts imports the generated Wails bindings.

import { describe, expect, it } from 'vitest';
import { sourceFiles } from './sources';

const sources = sourceFiles();

describe('source rules', () => {
  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it('never calls EventsOff', () => {
    const bad = sources.filter((s) => /EventsOff/.test(s.text.replace(/\/\/.*|<!--[\s\S]*?-->|\/\*[\s\S]*?\*\//g, ''))).map((s) => s.path);
    expect(bad).toEqual([]);
  });

  it('uses {@html} only for the report body and search snippets', () => {
    const uses = sources.flatMap((s) => [...s.text.matchAll(/\{@html ([^}]+)\}/g)].map((m) => `${s.path}: ${m[1].trim()}`));
    expect(uses.sort()).toEqual(['lib/components/Library.svelte: hit.snippet_html', 'lib/components/Report.svelte: report.html']);
  });

  it('imports the Wails bindings only from lib/api.ts', () => {
    const bad = sources.filter((s) => /from ['"][^'"]*wailsjs/.test(s.text) && s.path !== 'lib/api.ts').map((s) => s.path);
    expect(bad).toEqual([]);
  });
});
