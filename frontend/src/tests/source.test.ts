// Rules about the source itself (lessons.md): no EventsOff anywhere, {@html}
// only for the sanitized report and the escaped search snippets, and only
// src/lib/api.ts imports the generated Wails bindings. Settings' names,
// ranges and limits come from Go (Settings.fields): none is written here.

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
    expect(uses.sort()).toEqual(['lib/components/Library.svelte: hit.snippet_html', 'lib/components/ReportBody.svelte: report.html']);
  });

  it('imports the Wails bindings only from lib/api.ts', () => {
    const bad = sources.filter((s) => /from ['"][^'"]*wailsjs/.test(s.text) && s.path !== 'lib/api.ts').map((s) => s.path);
    expect(bad).toEqual([]);
  });

  const code = (text: string) => text.replace(/\/\/.*|<!--[\s\S]*?-->|\/\*[\s\S]*?\*\//g, '');

  it('names no setting variable in code (Go sends them)', () => {
    const bad = sources.filter((s) => /\bDEEPR_[A-Z_]+/.test(code(s.text))).map((s) => s.path);
    expect(bad).toEqual([]);
  });

  it('re-derives no job rule: active, has a report and go deeper come from Go (job.active, has_report, follow_up)', () => {
    const rule = /activeStatuses|status === 'completed' \|\| [a-z.]*status === 'incomplete'|status === 'queued' \|\| [a-z.]*status === 'submitting'/;
    const bad = sources.filter((s) => !s.path.includes('Spend') && rule.test(code(s.text))).map((s) => s.path);
    expect(bad).toEqual([]);
  });

  it("writes no tool-call limit: its range and default come with the model (ModelInfo.tool_calls)", () => {
    const bad = sources.filter((s) => /max_tool_calls|maxToolCalls/.test(s.text) && /\b(40|200)\b|1–200/.test(code(s.text))).map((s) => s.path);
    expect(bad).toEqual([]);
  });

  it("copies no setting's range and reads no error text in the Settings cards", () => {
    const cards = sources.filter((s) => /components\/(Settings|settings\/)/.test(s.path));
    expect(cards.length).toBeGreaterThan(4);
    const bad = cards
      .filter((s) => /\b(min|max)=["{]?\d|[<>]=? *\d{2,}|\b3600\b|new RegExp|\.match\(/.test(code(s.text)))
      .map((s) => s.path);
    expect(bad).toEqual([]);
  });
});
