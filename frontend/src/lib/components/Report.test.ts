import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import * as apiModule from '../api';
import { makeJob } from '../../tests/fixtures';
import type { FakeApi } from '../../tests/fakeApi';
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
  api.GetReport.mockResolvedValue({
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
    api.GetReport.mockResolvedValue({
      job: makeJob({ id: 'r1', status: 'incomplete', error: 'max_output_tokens reached' }),
      html: '<p>partial</p>',
      markdown: 'partial',
      citations: [],
    });
    await setup();
    expect(screen.getByText(/This report is incomplete/)).toBeInTheDocument();
    expect(screen.getByText(/max_output_tokens reached/)).toBeInTheDocument();
  });

  it('copies the markdown', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Copy as Markdown' }));
    expect(writeText).toHaveBeenCalledWith('# Heat pumps\n\nField data…');
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
    api.GetReport.mockResolvedValue({
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
    api.GetReport.mockResolvedValue({
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
