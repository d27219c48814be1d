import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import * as apiModule from '../api';
import { deferred, makeJob, makeQuestion, makeThreadJob, runeSpan } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
import type { AskResult, Thread } from '../types';
import Report from './Report.svelte';

vi.mock('../api', async () => (await import('../../tests/fakeApi')).fakeApi());
const api = apiModule as unknown as FakeApi;

const html = `<h1>Heat pumps</h1>
<p>Field data shows good efficiency <a href="https://example.org/study">[1]</a>.</p>
<p><a href="javascript:alert(1)">bad</a> <a href="file:///etc/passwd">file</a> <a href="#sources">jump</a>
<a href="HTTP://EXAMPLE.COM/UPPER"><em>upper</em></a></p>
<h2 id="sources">Sources</h2><ol><li><a href="http://example.net/b">Example B</a></li></ol>`;

beforeEach(() => {
  api.reset();
  api.GetReport.mockResolvedValue({ questions: [],
    job: makeJob({ id: 'r1', status: 'completed', finished_at: '2026-03-01T10:40:00Z', cost_usd: 2.5 }),
    html,
    markdown: '# Heat pumps\n\nField data…',
    citations: [],
  });
});

async function setup() {
  const onback = vi.fn();
  const ondeleted = vi.fn();
  const onedit = vi.fn();
  render(Report, { id: 'r1', onback, ondeleted, onedit });
  const body = await screen.findByTestId('report-body');
  return { body, onback, ondeleted, onedit };
}

/** toolbarActions lists the job action buttons of the reader, in order. */
function toolbarActions(): string[] {
  return [...document.querySelectorAll<HTMLButtonElement>('.toolbar button[data-action]')].map((b) => b.textContent?.trim() ?? '');
}

function click(el: Element): boolean {
  // dispatchEvent returns false when the default (navigation) was prevented.
  return el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
}

describe('Report', () => {
  it('renders the sanitized html and the header', async () => {
    const { body } = await setup();
    expect(api.GetReport).toHaveBeenCalledWith('r1');
    expect(body.querySelector('h1')?.textContent).toBe('Heat pumps');
    expect(screen.getByText('$2.50', { exact: false })).toBeInTheDocument();
  });

  const links: { name: string; selector: string; opens: string | null }[] = [
    { name: 'https citation', selector: 'a[href="https://example.org/study"]', opens: 'https://example.org/study' },
    { name: 'http source', selector: 'a[href="http://example.net/b"]', opens: 'http://example.net/b' },
    { name: 'upper-case scheme, click on a child', selector: 'a[href^="HTTP"] em', opens: 'HTTP://EXAMPLE.COM/UPPER' },
    { name: 'javascript: link', selector: 'a[href^="javascript"]', opens: null },
    { name: 'file: link', selector: 'a[href^="file"]', opens: null },
    { name: 'in-page anchor', selector: 'a[href="#sources"]', opens: null },
  ];
  for (const c of links) {
    it(`intercepts a click on a ${c.name}`, async () => {
      const { body } = await setup();
      const el = body.querySelector(c.selector);
      expect(el, c.selector).not.toBeNull();
      const notPrevented = click(el!);
      expect(notPrevented, 'default action prevented').toBe(false);
      if (c.opens) expect(api.OpenURL).toHaveBeenCalledWith(c.opens);
      else expect(api.OpenURL, `OpenURL for ${c.name}`).not.toHaveBeenCalled();
    });
  }

  it('shows the reason of an incomplete report', async () => {
    api.GetReport.mockResolvedValue({ questions: [],
      job: makeJob({ id: 'r1', status: 'incomplete', error: 'max_output_tokens reached' }),
      html: '<p>partial</p>',
      markdown: 'partial',
      citations: [],
    });
    await setup();
    expect(screen.getByText(/This report is incomplete/)).toBeInTheDocument();
    expect(screen.getByText(/max_output_tokens reached/)).toBeInTheDocument();
  });

  it("copies what Export → Markdown writes (Go's Markdown export), not the raw report", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    api.ReportMarkdown.mockResolvedValue('# Heat pumps\n\n- **Model:** o3\n\nField data…\n\n## Sources\n');
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Copy as Markdown' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('# Heat pumps\n\n- **Model:** o3\n\nField data…\n\n## Sources\n'));
    expect(api.ReportMarkdown).toHaveBeenCalledWith('r1');
  });

  it('deletes only after confirmation', async () => {
    const { ondeleted } = await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(api.DeleteJob).not.toHaveBeenCalled();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog'), 'dialog after Esc').toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(ondeleted).toHaveBeenCalledWith('r1'));
    expect(api.DeleteJob).toHaveBeenCalledWith('r1');
  });

  it('offers exactly the job actions Go sent, except open', async () => {
    const { onedit } = await setup();
    expect(toolbarActions()).toEqual(['Edit as new', 'Delete']);
    await fireEvent.click(screen.getByRole('button', { name: 'Edit as new' }));
    expect(onedit).toHaveBeenCalledWith(expect.objectContaining({ id: 'r1' }));
  });

  it('offers no Delete when the job actions do not include it', async () => {
    api.GetReport.mockResolvedValue({ questions: [],
      job: makeJob({ id: 'r1', status: 'completed', actions: ['open'] }),
      html: '<p>x</p>',
      markdown: 'x',
      citations: [],
    });
    await setup();
    expect(toolbarActions()).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('shows "Show in folder" only when the report has a folder', async () => {
    await setup();
    expect(screen.queryByRole('button', { name: 'Show in folder' }), 'without report_path').toBeNull();
    api.GetReport.mockResolvedValue({ questions: [],
      job: makeJob({ id: 'r2', status: 'completed', report_path: '/data/reports/2026-03-01_heat_r2' }),
      html: '<p>x</p>',
      markdown: 'x',
      citations: [],
    });
    render(Report, { id: 'r2', onback: vi.fn(), ondeleted: vi.fn(), onedit: vi.fn() });
    await fireEvent.click(await screen.findByRole('button', { name: 'Show in folder' }));
    expect(api.RevealReport).toHaveBeenCalledWith('r2');
  });

  it('shows why a delete failed', async () => {
    api.DeleteJob.mockRejectedValue('job r1 is running: cancel it first');
    const { ondeleted } = await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await fireEvent.click(screen.getByTestId('confirm-button'));
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('error');
    expect(notice.textContent).toMatch(/Delete failed.*cancel it first/);
    expect(ondeleted).not.toHaveBeenCalled();
  });

  it('says so when the report cannot be opened', async () => {
    api.GetReport.mockRejectedValue('not found');
    render(Report, { id: 'zz', onback: vi.fn(), ondeleted: vi.fn(), onedit: vi.fn() });
    expect(await screen.findByText(/Could not open this report: not found/)).toBeInTheDocument();
  });
});

// --- Reading aids: find, contents, source preview, export ---

/** A report as Go renders it: markers <sup class="cite"><a href>[n]</a></sup> and one Sources list. */
const citedMarkdown = [
  '# Heat pumps',
  '',
  '😀 Cold climates are hard. Heat pumps keep a COP of 2.5 at -15 °C.',
  '',
  'Ground-source models do better. ([example.org](https://www.example.org/study)) Gas boilers were cheaper in 2020.',
].join('\n');
const citedHtml = `<h1>Heat pumps</h1>
<p>😀 Cold climates are hard. Heat pumps keep a COP of 2.5 at -15 °C.<sup class="cite"><a href="https://www.example.org/study">[1]</a></sup></p>
<p>Ground-source models do better.<sup class="cite"><a href="https://www.example.org/study">[1]</a></sup> Gas boilers were cheaper in 2020.<sup class="cite"><a href="https://stats.example.net/x">[2]</a></sup></p>
<section class="sources"><h2>Sources</h2><ol><li id="source-1" value="1"><a href="https://www.example.org/study">Nordic field study</a></li><li id="source-2" value="2"><a href="https://stats.example.net/x">Energy statistics</a></li></ol></section>`;
const afterGas = runeSpan(citedMarkdown, 'Gas boilers were cheaper in 2020.').end;
const citedCitations = [
  { index: 1, url: 'https://www.example.org/study', title: 'Nordic field study', ...runeSpan(citedMarkdown, 'Heat pumps keep a COP of 2.5 at -15 °C.') },
  // OpenAI often cites the inline link itself: the preview shows its sentence instead.
  { index: 1, url: 'https://www.example.org/study', title: 'Nordic field study', ...runeSpan(citedMarkdown, '([example.org](https://www.example.org/study))') },
  // An empty span without a title: the sentence before the marker, the title from the Sources list.
  { index: 2, url: 'https://stats.example.net/x', title: '', start: afterGas, end: afterGas },
];

function useCitedReport() {
  api.GetReport.mockResolvedValue({ questions: [],
    job: makeJob({ id: 'r1', status: 'completed', finished_at: '2026-03-01T10:40:00Z' }),
    html: citedHtml,
    markdown: citedMarkdown,
    citations: citedCitations,
  });
}

function markers(body: HTMLElement): HTMLAnchorElement[] {
  return [...body.querySelectorAll<HTMLAnchorElement>('sup.cite a')];
}

describe('Report: find', () => {
  const longHtml = `<h1>Heat pumps</h1><p>Heat pumps move heat. A heat pump in the cold</p><p>HEAT and <em>heat</em>.</p>`;
  beforeEach(() => {
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r1', status: 'completed' }), html: longHtml, markdown: 'x', citations: [] });
  });

  it('opens with Ctrl+F, counts, goes next and previous, and closes with Escape', async () => {
    const { body } = await setup();
    const back = screen.getByRole('button', { name: 'Copy as Markdown' });
    back.focus();
    expect(screen.queryByTestId('find-bar')).toBeNull();
    await fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    const input = (await screen.findByTestId('find-input')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement, 'focus in the find field').toBe(input));

    await fireEvent.input(input, { target: { value: 'heat' } });
    await fireEvent.keyDown(input, { key: 'Enter' }); // runs the pending search at once
    const countEl = screen.getByTestId('find-count');
    expect(countEl.textContent?.trim()).toBe('1 of 6');
    const marks = [...body.querySelectorAll('mark[data-find]')];
    expect(marks.map((m) => m.textContent)).toEqual(['Heat', 'Heat', 'heat', 'heat', 'HEAT', 'heat']);
    expect(marks[0].classList.contains('current')).toBe(true);

    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(countEl.textContent?.trim()).toBe('2 of 6');
    expect(marks[1].classList.contains('current')).toBe(true);
    await fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    await fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(countEl.textContent?.trim(), 'previous wraps around').toBe('6 of 6');

    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('find-bar')).toBeNull();
    expect(body.querySelectorAll('mark').length, 'marks removed').toBe(0);
    expect(body.querySelector('p')?.textContent).toBe('Heat pumps move heat. A heat pump in the cold');
    expect(document.activeElement, 'focus back where it was').toBe(back);
  });

  it('says when nothing matches and opens from the Find button too', async () => {
    await setup();
    await fireEvent.click(screen.getByTestId('find-open'));
    const input = await screen.findByTestId('find-input');
    await fireEvent.input(input, { target: { value: 'geothermal' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('find-count').textContent?.trim()).toBe('No matches');
    await fireEvent.click(screen.getByTestId('find-close'));
    expect(screen.queryByTestId('find-bar')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('find-open'));
  });

  it('caps the matches of a huge report', async () => {
    const para = `<p>${'heat '.repeat(500)}</p>`;
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r1', status: 'completed' }), html: para.repeat(10), markdown: 'x', citations: [] });
    const { body } = await setup();
    await fireEvent.keyDown(window, { key: 'f', metaKey: true });
    const input = await screen.findByTestId('find-input');
    await fireEvent.input(input, { target: { value: 'heat' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('find-count').textContent?.trim()).toBe('1 of 2000+');
    expect(body.querySelectorAll('mark[data-find]').length).toBe(2000);
  });
});

describe('Report: contents', () => {
  const tocHtml = `<h1>Heat pumps</h1><p>a</p><h2>Cold climates</h2><p>b</p><h3>Nordic <em>data</em></h3><p>c</p><h5>Too deep</h5><h4>Costs</h4>`;
  beforeEach(() => {
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r1', status: 'completed' }), html: tocHtml, markdown: 'x', citations: [] });
  });

  it('lists the h1 to h4 headings and scrolls to one on click', async () => {
    const { body } = await setup();
    const toc = await screen.findByTestId('report-toc');
    const items = within(toc).getAllByTestId('toc-item');
    expect(items.map((i) => [i.textContent, i.dataset.level])).toEqual([
      ['Heat pumps', '1'],
      ['Cold climates', '2'],
      ['Nordic data', '3'],
      ['Costs', '4'],
    ]);
    const h3 = body.querySelector('h3') as HTMLElement;
    const scrolled = vi.fn();
    h3.scrollIntoView = scrolled;
    await fireEvent.click(items[2]);
    expect(scrolled).toHaveBeenCalled();
    expect(document.activeElement, 'focus on the heading').toBe(h3);
    expect(items[2].getAttribute('aria-current')).toBe('location');
  });

  it('marks the section being read when the report scrolls', async () => {
    const { body } = await setup();
    const toc = await screen.findByTestId('report-toc');
    const tops = new Map<Element, number>();
    for (const h of body.querySelectorAll('h1, h2, h3, h4')) {
      (h as HTMLElement).getBoundingClientRect = () => ({ top: tops.get(h) ?? 0 }) as DOMRect;
    }
    const [h1, h2, h3, h4] = [...body.querySelectorAll('h1, h2, h3, h4')];
    const current = () => within(toc).getAllByTestId('toc-item').find((i) => i.getAttribute('aria-current'))?.textContent ?? '';
    tops.set(h1, -900).set(h2, -300).set(h3, 40).set(h4, 700);
    await fireEvent.scroll(window);
    await waitFor(() => expect(current()).toBe('Nordic data'));
    tops.set(h1, -100).set(h2, 300).set(h3, 700).set(h4, 1200);
    await fireEvent.scroll(window);
    await waitFor(() => expect(current()).toBe('Heat pumps'));
  });

  it('shows no contents for a report without headings', async () => {
    api.GetReport.mockResolvedValue({ questions: [], job: makeJob({ id: 'r1', status: 'completed' }), html: '<p>Just text.</p>', markdown: 'x', citations: [] });
    await setup();
    expect(screen.queryByTestId('report-toc')).toBeNull();
  });
});

describe('Report: source preview', () => {
  beforeEach(useCitedReport);

  it('shows the title, domain and cited passage on hover, and opens the source in the browser', async () => {
    const { body } = await setup();
    const [first] = markers(body);
    await fireEvent.mouseOver(first);
    const preview = await screen.findByTestId('source-preview');
    expect(within(preview).getByTestId('source-title').textContent).toBe('Nordic field study');
    expect(within(preview).getByTestId('source-domain').textContent).toBe('example.org');
    // Offsets are runes: the emoji before the passage does not shift it.
    expect(within(preview).getByTestId('source-passage').textContent).toBe('Heat pumps keep a COP of 2.5 at -15 °C.');
    await fireEvent.click(within(preview).getByTestId('source-open'));
    expect(api.OpenURL).toHaveBeenCalledWith('https://www.example.org/study');
    await waitFor(() => expect(screen.queryByTestId('source-preview')).toBeNull());
  });

  it('shows the sentence for a citation of the link itself, and the listed title for one without', async () => {
    const { body } = await setup();
    const [, second, third] = markers(body);
    await fireEvent.mouseOver(second);
    expect(within(await screen.findByTestId('source-preview')).getByTestId('source-passage').textContent).toBe('Ground-source models do better.');
    await fireEvent.mouseOut(second, { relatedTarget: body.querySelector('p') });
    expect(screen.queryByTestId('source-preview'), 'closed when the pointer leaves').toBeNull();

    await fireEvent.mouseOver(third);
    const preview = await screen.findByTestId('source-preview');
    expect(within(preview).getByTestId('source-title').textContent).toBe('Energy statistics');
    expect(within(preview).getByTestId('source-domain').textContent).toBe('stats.example.net');
    expect(within(preview).getByTestId('source-passage').textContent).toBe('Gas boilers were cheaper in 2020.');
  });

  it('pins the preview on click instead of leaving the report; Ctrl+click opens the source', async () => {
    const { body } = await setup();
    const [first] = markers(body);
    expect(click(first), 'default prevented').toBe(false);
    expect(api.OpenURL).not.toHaveBeenCalled();
    expect(await screen.findByTestId('source-preview')).toBeInTheDocument();
    await fireEvent.mouseOut(first, { relatedTarget: body.querySelector('p') });
    expect(screen.getByTestId('source-preview'), 'a clicked preview stays').toBeInTheDocument();
    await fireEvent.click(body.querySelector('h1')!);
    expect(screen.queryByTestId('source-preview'), 'a click elsewhere closes it').toBeNull();

    first.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    expect(api.OpenURL).toHaveBeenCalledWith('https://www.example.org/study');
  });

  it('works from the keyboard: focus shows it, Enter moves into it, Escape closes it and returns focus', async () => {
    const { body } = await setup();
    const [first] = markers(body);
    first.focus();
    const preview = await screen.findByTestId('source-preview');
    expect(first.getAttribute('aria-describedby')).toBe(preview.id);
    // Enter on a link is a click with detail 0.
    first.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, detail: 0 }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('source-open')));
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('source-preview')).toBeNull();
    expect(document.activeElement, 'focus back on the marker').toBe(first);
    expect(first.hasAttribute('aria-describedby')).toBe(false);
  });
});

describe('Report: export', () => {
  async function choose(format: string) {
    await fireEvent.click(screen.getByTestId('export-menu'));
    await fireEvent.click(document.querySelector(`[role="menuitem"][data-format="${format}"]`)!);
  }

  it('exports through Go, shows progress, then the path', async () => {
    const answer = deferred<{ path: string; format: string; bytes: number }>();
    api.ExportReport.mockReturnValue(answer.promise);
    await setup();
    await choose('pdf');
    expect(api.ExportReport).toHaveBeenCalledWith('r1', 'pdf');
    const button = screen.getByTestId('export-menu');
    await waitFor(() => expect(button.textContent).toMatch(/Exporting PDF…/));
    expect(button.getAttribute('aria-busy')).toBe('true');
    answer.resolve({ path: '/home/u/Heat pumps.pdf', format: 'pdf', bytes: 20480 });
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('info');
    expect(notice.textContent).toBe('Exported as PDF (.pdf) to /home/u/Heat pumps.pdf (20 KB).');
    expect(button.textContent).toMatch(/^Export/);
    expect(button.hasAttribute('aria-busy')).toBe(false);
  });

  it("shows Go's warning when the PDF could not draw some characters", async () => {
    const warning = 'The PDF could not draw 1 character(s) no embedded font has (shown as □): 𓀀. Export as HTML or DOCX to keep them.';
    api.ExportReport.mockResolvedValue({ path: '/tmp/r.pdf', format: 'pdf', bytes: 2048, missing: '𓀀', warning });
    await setup();
    await choose('pdf');
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('warn');
    expect(notice.textContent).toBe(`Exported as PDF (.pdf) to /tmp/r.pdf (2 KB). ${warning}`);
  });

  it('says nothing when the save dialog is cancelled, and shows an error', async () => {
    await setup();
    await choose('md');
    await waitFor(() => expect(api.ExportReport).toHaveBeenCalledWith('r1', 'md'));
    await waitFor(() => expect(screen.getByTestId('export-menu').textContent).toMatch(/^Export/));
    expect(screen.queryByTestId('notice')).toBeNull();

    api.ExportReport.mockRejectedValue('could not write /x.docx: permission denied');
    await choose('docx');
    const notice = await screen.findByTestId('notice');
    expect(notice.dataset.tone).toBe('error');
    expect(notice.textContent).toBe('Export failed: could not write /x.docx: permission denied');
  });
});

// --- The conversation: questions about the report, and its thread ---

describe('Report: questions', () => {
  const saved = makeQuestion({ id: 'q1', question: 'Which country leads?', answer: 'Norway [1].\nSweden is second <b>[2]</b>.', cost_usd: 0.0031 });

  beforeEach(() => {
    api.GetReport.mockResolvedValue({
      questions: [saved],
      job: makeJob({ id: 'r1', status: 'completed', finished_at: '2026-03-01T10:40:00Z', cost_usd: 2.5 }),
      html: '<h1>Heat pumps</h1><p>text</p>',
      markdown: '# Heat pumps',
      citations: [],
    });
  });

  it('lists the saved questions under the report, each answer as text with its line breaks, and its cost', async () => {
    await setup();
    const items = await screen.findAllByTestId('report-question');
    expect(items).toHaveLength(1);
    expect(within(items[0]).getByTestId('question-text').textContent).toBe('Which country leads?');
    expect(items[0].textContent).toMatch(/^Question: Which country leads\? Answer: Norway/);
    const answer = within(items[0]).getByTestId('question-answer');
    expect(answer.textContent).toBe('Norway [1].\nSweden is second <b>[2]</b>.');
    expect(answer.querySelector('b'), 'an answer is never HTML').toBeNull();
    expect(within(items[0]).getByTestId('question-cost').textContent).toBe(' · Cost <$0.01');
  });

  it('asks a question: busy while answered, then the answer is added with its cost and the box is cleared', async () => {
    const answer = deferred<AskResult>();
    api.Ask.mockReturnValue(answer.promise);
    await setup();
    const input = screen.getByLabelText('Ask about this report') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: '  What COP at -20 °C?  ' } });
    await fireEvent.click(screen.getByTestId('ask-button'));
    expect(api.Ask).toHaveBeenCalledWith('r1', 'What COP at -20 °C?');
    const button = screen.getByTestId('ask-button') as HTMLButtonElement;
    await waitFor(() => expect(button.textContent).toBe('Asking…'));
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId('ask-box').getAttribute('aria-busy')).toBe('true');
    answer.resolve({ question: makeQuestion({ id: 'q2', question: 'What COP at -20 °C?', answer: 'About 2 [1].', cost_usd: 0.02 }), cost_usd: 0.02 });
    await waitFor(() => expect(screen.getAllByTestId('report-question')).toHaveLength(2));
    const added = screen.getAllByTestId('report-question')[1];
    expect(added.dataset.questionId).toBe('q2');
    expect(within(added).getByTestId('question-answer').textContent).toBe('About 2 [1].');
    expect(within(added).getByTestId('question-cost').textContent).toBe(' · Cost $0.02');
    expect(screen.getByTestId('ask-done').textContent).toBe('Answered for $0.02; saved with the report.');
    expect(input.value).toBe('');
    expect(button.disabled).toBe(false);
  });

  it('says a question could not be sent without a network, and keeps it', async () => {
    api.Ask.mockRejectedValue('the helper model (gpt-4.1-mini) did not answer: Post "https://api.openai.com/v1/responses": dial tcp: lookup api.openai.com: no such host');
    await setup();
    const input = screen.getByLabelText('Ask about this report') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Which source is newest?' } });
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    const error = await screen.findByTestId('ask-error');
    expect(error.textContent).toMatch(/^The question could not be sent: there is no connection.*no such host.*Your question is kept/);
    expect(input.value).toBe('Which source is newest?');
    expect(screen.getAllByTestId('report-question')).toHaveLength(1);
  });

  it("shows Go's error in words for a refused question, and keeps it", async () => {
    api.Ask.mockRejectedValue('refused: the monthly budget of $10.00 is spent; nothing was sent');
    await setup();
    const input = screen.getByLabelText('Ask about this report') as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: 'Why?' } });
    await fireEvent.click(screen.getByTestId('ask-button'));
    expect((await screen.findByTestId('ask-error')).textContent).toBe(
      'The question could not be answered: refused: the monthly budget of $10.00 is spent; nothing was sent. Your question is kept below.',
    );
    expect(input.value).toBe('Why?');
  });

  it('asks nothing for an empty question', async () => {
    await setup();
    await fireEvent.input(screen.getByLabelText('Ask about this report'), { target: { value: '   ' } });
    await fireEvent.click(screen.getByTestId('ask-button'));
    expect(screen.getByTestId('ask-error').textContent).toMatch(/Write a question/);
    expect(api.Ask).not.toHaveBeenCalled();
  });

  it('says when the window is offline', async () => {
    await setup();
    window.dispatchEvent(new Event('offline'));
    await waitFor(() => expect(screen.getByTestId('ask-box').textContent).toMatch(/You are offline: the report can be read/));
    window.dispatchEvent(new Event('online'));
    await waitFor(() => expect(screen.getByTestId('ask-box').textContent).not.toMatch(/You are offline/));
  });
});

describe('Report: thread', () => {
  const parent = makeThreadJob({ id: 'p1', prompt: 'Heat pumps in cold climates', cost_usd: 2 });
  const me = makeThreadJob({ id: 'r1', prompt: 'What about district heating?', parent_id: 'p1', parent_context: 'previous_response', cost_usd: 1.5 });
  const later = makeThreadJob(
    { id: 'c2', prompt: 'And in Finland?', parent_id: 'r1', parent_context: 'report_fallback', cost_usd: 0.75 },
    { depth: 2 },
  );
  const running = makeThreadJob({ id: 'c3', prompt: 'And in Iceland?', parent_id: 'r1', status: 'running', cost_usd: 0 }, { depth: 2 });
  const thread: Thread = { root: 'p1', missing_parent: '', jobs: [parent, me, later, running], cost_usd: 4.25 };

  beforeEach(() => {
    api.GetReport.mockImplementation(async (id: string) => ({
      questions: [],
      job: ({ p1: parent, r1: me, c2: later } as Record<string, typeof me>)[id]?.job ?? makeJob({ id, status: 'completed' }),
      html: `<p>report ${id}</p>`,
      markdown: `report ${id}`,
      citations: [],
    }));
  });

  it('shows no panel for a report that is neither a follow-up nor followed up on', async () => {
    await setup();
    expect(api.Thread).toHaveBeenCalledWith('r1');
    expect(screen.queryByTestId('thread-panel')).toBeNull();
  });

  it('lists the parent and follow-ups with status and cost, the combined cost, and the fallback note', async () => {
    api.Thread.mockResolvedValue(thread);
    await setup();
    const panel = await screen.findByTestId('thread-panel');
    const rows = within(panel).getAllByTestId('thread-job');
    expect(rows.map((r) => r.dataset.jobId)).toEqual(['p1', 'r1', 'c2', 'c3']);
    expect(rows[1].dataset.current).toBe('true');
    expect(rows[1].textContent).toContain('(this report)');
    expect(rows[0].textContent).toMatch(/Completed.*Heat pumps in cold climates.*first research · \$2\.00/);
    expect(rows[2].textContent).toMatch(/follow-up · \$0\.75/);
    expect(within(panel).getByTestId('thread-cost').textContent?.trim()).toBe('4 reports · $4.25 in all');
    const notes = within(panel).getAllByTestId('thread-fallback');
    expect(notes).toHaveLength(1);
    expect(rows[2].contains(notes[0])).toBe(true);
    expect(notes[0].textContent).toMatch(/no longer kept the earlier response, so the earlier report was sent as context/);
    // Only finished jobs link to a report; the open one is not a link.
    expect(within(panel).getAllByTestId('thread-open').map((b) => b.textContent)).toEqual(['Heat pumps in cold climates', 'And in Finland?']);
    expect(rows[3].textContent).toMatch(/Running/);
  });

  it('opens another report of the thread in the reader', async () => {
    api.Thread.mockResolvedValue(thread);
    await setup();
    const panel = await screen.findByTestId('thread-panel');
    await fireEvent.click(within(panel).getByRole('button', { name: 'Heat pumps in cold climates' }));
    await waitFor(() => expect(screen.getByTestId('report-body').textContent).toBe('report p1'));
    expect(api.GetReport).toHaveBeenLastCalledWith('p1');
    expect(api.Thread).toHaveBeenLastCalledWith('p1');
    await waitFor(() => expect(screen.getByTestId('thread-panel').querySelector('[data-current="true"]')?.getAttribute('data-job-id')).toBe('p1'));
  });

  it('hands the link to onopen when the app gives one', async () => {
    api.Thread.mockResolvedValue(thread);
    const onopen = vi.fn();
    render(Report, { id: 'r1', onback: vi.fn(), ondeleted: vi.fn(), onedit: vi.fn(), onopen });
    await fireEvent.click(await screen.findByRole('button', { name: 'And in Finland?' }));
    expect(onopen).toHaveBeenCalledWith('c2');
    expect(api.GetReport).toHaveBeenCalledTimes(1);
  });

  it('asks for the thread again when a follow-up of this report appears or changes', async () => {
    await setup();
    await waitFor(() => expect(api.Thread).toHaveBeenCalledTimes(1));
    api.Thread.mockResolvedValue({ ...thread, jobs: [parent, me, running], cost_usd: 3.5 });
    api.emit('job:updated', makeJob({ id: 'other', parent_id: 'zz' }));
    expect(api.Thread).toHaveBeenCalledTimes(1);
    api.emit('job:updated', running.job);
    await waitFor(() => expect(api.Thread).toHaveBeenCalledTimes(2));
    expect(api.Thread).toHaveBeenLastCalledWith('r1');
    expect((await screen.findByTestId('thread-cost')).textContent?.trim()).toBe('3 reports · $3.50 in all');
  });

  it('says the earlier research was deleted', async () => {
    api.Thread.mockResolvedValue({ root: 'r1', missing_parent: 'gone1', jobs: [{ ...me, depth: 0 }], cost_usd: 1.5 });
    await setup();
    expect((await screen.findByTestId('thread-missing-parent')).textContent).toMatch(/was deleted/);
  });
});
