// Helpers of the report reader that read the rendered report (the sanitized
// HTML Go made, already in the DOM): its headings for the contents panel and
// what a numbered citation stands for, for the source preview. They only
// read the DOM; nothing here writes markup.

import type { Citation } from './types';

/** A heading of the report, for the contents panel. */
export interface Heading {
  /** 1 to 4 (h1 to h4). */
  level: number;
  text: string;
  el: HTMLElement;
}

/** headingsOf lists the h1 to h4 headings under root, in document order (empty ones are left out). */
export function headingsOf(root: HTMLElement): Heading[] {
  const out: Heading[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('h1, h2, h3, h4')) {
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (text) out.push({ level: Number(el.tagName.slice(1)), text, el });
  }
  return out;
}

/**
 * currentHeading returns the index of the heading the reader is in: the last
 * one whose top is at or above `line` (a viewport y), -1 before the first.
 * Headings are in document order, so their tops grow: a binary search reads
 * only a few of them (a huge report stays smooth while scrolling).
 */
export function currentHeading(headings: Heading[], line: number): number {
  let lo = 0;
  let hi = headings.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (headings[mid].el.getBoundingClientRect().top <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** What the preview of one citation marker shows. */
export interface SourceInfo {
  /** The number shown in the text ([n]). */
  num: number;
  /** The source URL ("" when the source has no web address). */
  url: string;
  title: string;
  /** The host of url without "www." ("" without a URL). */
  domain: string;
  /** The cited passage: the report text the citation covers, or the sentence the marker ends. */
  passage: string;
}

/**
 * RuneText reads a text by rune (code point) indexes, the offsets Go gives
 * citations, without splitting a 3 MB report into an array: a text without
 * surrogate pairs is indexed directly, another one is walked once per call.
 */
export class RuneText {
  readonly text: string;
  readonly #direct: boolean;
  #length = -1;

  constructor(text: string) {
    this.text = text;
    this.#direct = !/[\uD800-\uDFFF]/.test(text);
  }

  /** length is the number of runes. */
  get length(): number {
    if (this.#direct) return this.text.length;
    if (this.#length < 0) {
      let n = 0;
      for (let i = 0; i < this.text.length; i = this.#next(i)) n++;
      this.#length = n;
    }
    return this.#length;
  }

  #next(i: number): number {
    const c = this.text.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff && i + 1 < this.text.length ? i + 2 : i + 1;
  }

  /** slice returns the runes [start, end) (cut at the end of the text). */
  slice(start: number, end: number): string {
    if (this.#direct) return this.text.slice(start, end);
    let i = 0;
    let r = 0;
    for (; i < this.text.length && r < start; r++) i = this.#next(i);
    const from = i;
    for (; i < this.text.length && r < end; r++) i = this.#next(i);
    return this.text.slice(from, i);
  }
}

/** The longest passage shown, in characters. */
export const maxPassage = 500;

/** domainOf returns the host of an http(s) URL without a leading "www.", or "". */
export function domainOf(url: string): string {
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
    return u.hostname.replace(/^www\./i, '');
  } catch {
    return '';
  }
}

/** plainMarkdown turns a piece of report markdown into the text a reader sees (links, emphasis, code marks dropped). */
export function plainMarkdown(md: string): string {
  return md
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+)/gm, '')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/(^|[\s(])[*_](?=\S)|(?<=\S)[*_](?=$|[\s).,;:!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A span that is only a link ("([example.com](https://…))") says nothing: its sentence is shown instead. */
const loneLink = /^\s*\(?\s*\[[^\]]*\]\([^)]*\)\s*\)?[\s.,;:]*$/;

/** clip keeps at most max characters of s, cutting at the start (keep the end) or at the end. */
function clip(s: string, max: number, keepEnd: boolean): string {
  if (s.length <= max) return s;
  return keepEnd ? '…' + s.slice(s.length - max + 1).trimStart() : s.slice(0, max - 1).trimEnd() + '…';
}

const blocks = 'p, li, td, th, blockquote, dd, dt, h1, h2, h3, h4, h5, h6, figcaption, pre';
/** Sentence ends: ".", "!", "?" (and the CJK ones), maybe followed by a closing quote or bracket, then a space. */
const sentenceEnd = /[.!?。！？]["'”’)\]]*\s+|[。！？]/g;
/** Citation markers in the text ("[3]"), dropped from a passage. */
const markers = /\s*\[\d+\]/g;

/**
 * sentenceAt returns the sentence of the rendered text that the marker
 * ends (the text of its paragraph from the last sentence end before it),
 * or the one that follows it when the marker opens its paragraph.
 */
export function sentenceAt(marker: Element): string {
  const block = marker.parentElement?.closest(blocks) ?? marker.parentElement;
  if (!block) return '';
  const doc = marker.ownerDocument;
  const range = doc.createRange();
  range.selectNodeContents(block);
  range.setEndBefore(marker);
  const before = range.toString().replace(markers, '').replace(/\s+/g, ' ').trimEnd();
  let start = 0;
  for (const m of before.matchAll(sentenceEnd)) {
    if (m.index + m[0].length < before.length) start = m.index + m[0].length;
  }
  const sentence = before.slice(start).trim();
  if (sentence) return clip(sentence, maxPassage, true);
  range.selectNodeContents(block);
  range.setStartAfter(marker);
  const after = range.toString().replace(markers, '').replace(/\s+/g, ' ').trim();
  sentenceEnd.lastIndex = 0;
  const end = sentenceEnd.exec(after);
  sentenceEnd.lastIndex = 0;
  return clip(end ? after.slice(0, end.index + end[0].length).trim() : after, maxPassage, false);
}

/**
 * sourceOf says what a citation marker of the rendered report stands for.
 * Go renders a marker as <sup class="cite"><a href="URL">[n]</a></sup> and
 * numbers sources by URL, so the citations behind a marker are those of its
 * URL; the k-th marker of a URL in the text is its k-th citation in text
 * order. The passage is the markdown between the citation's offsets (rune
 * indexes into `markdown`), as plain text; when that is empty or only the
 * link itself, the sentence the marker ends. The title comes from the
 * citation, else from the Sources list.
 */
export function sourceOf(marker: HTMLElement, root: HTMLElement, citations: Citation[], markdown: RuneText): SourceInfo {
  const num = Number((marker.textContent ?? '').replace(/\D+/g, '')) || 0;
  const href = (marker.querySelector('a')?.getAttribute('href') ?? '').trim();
  const listed = num > 0 ? root.querySelector(`[id="source-${num}"]`) : null;
  const listedURL = (listed?.querySelector('a')?.getAttribute('href') ?? '').trim();
  const url = href || listedURL;

  let cite: Citation | undefined;
  if (url) {
    const mine = citations.filter((c) => (c.url ?? '').trim() === url);
    const spans = mine
      .filter((c) => c.start >= 0 && c.end >= c.start && c.end <= markdown.length)
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .filter((c, i, all) => i === 0 || c.start !== all[i - 1].start || c.end !== all[i - 1].end);
    let k = 0;
    for (const m of root.querySelectorAll('sup.cite')) {
      if (m === marker) break;
      if ((m.querySelector('a')?.getAttribute('href') ?? '').trim() === url) k++;
    }
    cite = spans[k] ?? spans[0] ?? mine[0];
  }

  const listedTitle = (listed?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const title = (cite?.title ?? '').trim() || listedTitle || url || `Source ${num}`;
  let passage = '';
  if (cite && cite.end > cite.start && cite.end <= markdown.length) {
    const raw = markdown.slice(cite.start, cite.end);
    if (!loneLink.test(raw)) passage = clip(plainMarkdown(raw).replace(markers, ''), maxPassage, false);
  }
  if (!passage) passage = sentenceAt(marker);
  return { num, url, title, domain: domainOf(url), passage };
}
