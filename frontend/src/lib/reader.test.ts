import { describe, expect, it } from 'vitest';
import { currentHeading, domainOf, headingsOf, plainMarkdown, RuneText, sentenceAt, sourceOf } from './reader';

function dom(html: string): HTMLElement {
  const root = document.createElement('div');
  // Test input only: the reader itself never writes markup.
  root.innerHTML = html;
  document.body.append(root);
  return root;
}

describe('plainMarkdown', () => {
  const cases: [string, string][] = [
    ['Heat **pumps** work', 'Heat pumps work'],
    ['see [the study](https://x.org/a) now', 'see the study now'],
    ['## Costs\n\n- *cheap* `code`', 'Costs cheap code'],
    ['> quoted ~~old~~ text', 'quoted old text'],
    ['snake_case_name stays', 'snake_case_name stays'],
    ['1. first\n2. second', 'first second'],
  ];
  for (const [md, want] of cases) {
    it(JSON.stringify(md), () => expect(plainMarkdown(md)).toBe(want));
  }
});

describe('domainOf', () => {
  const cases: [string, string][] = [
    ['https://www.example.org/a?b', 'example.org'],
    ['http://stats.example.jp', 'stats.example.jp'],
    ['mailto:a@b.c', ''],
    ['not a url', ''],
    ['', ''],
  ];
  for (const [url, want] of cases) {
    it(JSON.stringify(url), () => expect(domainOf(url)).toBe(want));
  }
});

describe('RuneText', () => {
  const cases: { text: string; start: number; end: number; want: string; length: number }[] = [
    { text: 'plain text', start: 6, end: 10, want: 'text', length: 10 },
    { text: '😀 a 👍🏽 b', start: 2, end: 3, want: 'a', length: 8 },
    { text: '😀 a 👍🏽 b', start: 4, end: 6, want: '👍🏽', length: 8 },
    { text: 'Привет 世界 😀!', start: 7, end: 9, want: '世界', length: 12 },
    { text: 'x😀', start: 1, end: 99, want: '😀', length: 2 },
  ];
  for (const c of cases) {
    it(`${c.text} [${c.start}, ${c.end})`, () => {
      const r = new RuneText(c.text);
      expect(r.slice(c.start, c.end)).toBe(c.want);
      expect(r.length).toBe(c.length);
      expect(r.length, 'as Go counts runes').toBe(Array.from(c.text).length);
    });
  }
});

describe('sentenceAt', () => {
  const cases: { html: string; want: string }[] = [
    { html: '<p>First one. Second one here.<sup class="cite">[1]</sup> Third.</p>', want: 'Second one here.' },
    { html: '<p>Only sentence<sup class="cite">[1]</sup></p>', want: 'Only sentence' },
    { html: '<p>A. B is <em>bold</em> and done.<sup class="cite">[2]</sup><sup class="cite">[1]</sup></p>', want: 'B is bold and done.' },
    { html: '<p>最初の文です。ヒートポンプは寒冷地でも動く。<sup class="cite">[1]</sup></p>', want: 'ヒートポンプは寒冷地でも動く。' },
    { html: '<p><sup class="cite">[1]</sup> Opens the paragraph. Then more.</p>', want: 'Opens the paragraph.' },
    { html: '<ul><li>An item, cited<sup class="cite">[1]</sup></li></ul>', want: 'An item, cited' },
  ];
  for (const c of cases) {
    it(c.html, () => {
      const root = dom(c.html);
      const sups = root.querySelectorAll('sup.cite');
      expect(sentenceAt(sups[sups.length - 1])).toBe(c.want);
      root.remove();
    });
  }
});

describe('sourceOf', () => {
  it('takes the k-th citation of a URL for its k-th marker, in text order', () => {
    const md = 'Alpha fact. Beta fact.';
    const root = dom(
      '<p>Alpha fact.<sup class="cite"><a href="https://a.org/x">[1]</a></sup> Beta fact.<sup class="cite"><a href="https://a.org/x">[1]</a></sup></p>',
    );
    // Given out of order: the citations are matched by position, not by list order.
    const cites = [
      { index: 1, url: 'https://a.org/x', title: 'A', start: 12, end: 22 },
      { index: 1, url: 'https://a.org/x', title: 'A', start: 0, end: 11 },
    ];
    const [m1, m2] = [...root.querySelectorAll<HTMLElement>('sup.cite')];
    expect(sourceOf(m1, root, cites, new RuneText(md)).passage).toBe('Alpha fact.');
    expect(sourceOf(m2, root, cites, new RuneText(md)).passage).toBe('Beta fact.');
    root.remove();
  });

  it('falls back to the Sources list and the sentence when no citation matches', () => {
    const root = dom(
      '<p>Claim here.<sup class="cite">[3]</sup></p><section class="sources"><ol><li id="source-3" value="3">A printed book</li></ol></section>',
    );
    const info = sourceOf(root.querySelector<HTMLElement>('sup.cite')!, root, [], new RuneText(''));
    expect(info).toEqual({ num: 3, url: '', title: 'A printed book', domain: '', passage: 'Claim here.' });
    root.remove();
  });
});

describe('headingsOf and currentHeading', () => {
  it('lists h1 to h4 and finds the one at the reading line', () => {
    const root = dom('<h1>A</h1><h2> </h2><h3>B <em>c</em></h3><h5>deep</h5><h4>D</h4>');
    const hs = headingsOf(root);
    expect(hs.map((h) => [h.level, h.text])).toEqual([
      [1, 'A'],
      [3, 'B c'],
      [4, 'D'],
    ]);
    const tops = [-50, 60, 400];
    hs.forEach((h, i) => (h.el.getBoundingClientRect = () => ({ top: tops[i] }) as DOMRect));
    expect(currentHeading(hs, 80)).toBe(1);
    expect(currentHeading(hs, -100)).toBe(-1);
    expect(currentHeading(hs, 1000)).toBe(2);
    root.remove();
  });
});
