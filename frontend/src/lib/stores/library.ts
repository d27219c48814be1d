// The library store: the Library view's query, filters, sort, results and
// scroll position. It lives in the app, not in the view, so coming back
// from a report finds everything as it was left.
//
// - Searches go to Go (SearchReports) page by page (offset/limit, has_more);
//   Go counts every match (total).
//   Provider and cost are filtered here, over the loaded pages, because Go's
//   search has no such filters; while one is set, pages are larger.
// - Live while started (the Library is open): a job that finishes with a
//   report makes it fetch the first page again and merge it in front of what
//   it holds; updates of held jobs replace them; deleted jobs go.
// - Errors are Go's messages (a malformed query says what is wrong).

import { writable, type Readable } from 'svelte/store';
import * as api from '../api';
import { errorMessage } from '../format';
import type { Job, SearchHit, SearchRequest, SearchSort } from '../types';

export interface LibraryFilters {
  query: string;
  status: '' | 'completed' | 'incomplete';
  provider: string;
  model: string;
  /** Cost bounds in USD as typed ("" for none). */
  minCost: string;
  maxCost: string;
  since: string;
  until: string;
  sort: SearchSort;
}

export interface LibraryState {
  filters: LibraryFilters;
  /** Every loaded hit, in Go's order. */
  hits: SearchHit[];
  /** The loaded hits that pass the filters Go cannot apply (provider, cost). */
  visible: SearchHit[];
  hasMore: boolean;
  /** How many reports match in all, by Go's count (before the provider and cost filters). */
  total: number;
  loading: boolean;
  /** True once a search has answered. */
  searched: boolean;
  error: string;
}

export interface LibraryStore extends Readable<LibraryState> {
  /** start makes the store live (job events) and searches, or refreshes what it holds. It returns stop. */
  start(): () => void;
  /** set changes filters and searches again after delayMs (typing is debounced). */
  set(patch: Partial<LibraryFilters>, delayMs?: number): void;
  /** reset clears every filter and searches again. */
  reset(): void;
  /** more loads the next page. */
  more(): Promise<void>;
  /** refresh fetches the first page again and merges it with what is held. */
  refresh(): Promise<void>;
  /** The scroll position of the view, kept for when it comes back (not reactive). */
  scrollTop: number;
}

export const emptyFilters: LibraryFilters = {
  query: '', status: '', provider: '', model: '', minCost: '', maxCost: '', since: '', until: '', sort: 'relevance',
};

/** The page size, and the larger one while a filter Go cannot apply is set. */
export const pageSize = 50;
export const filteredPageSize = 200;

function costBound(s: string): number | null {
  const v = Number.parseFloat(s);
  return s.trim() === '' || Number.isNaN(v) ? null : v;
}

/** clientFiltered reports whether a filter that only this store applies is set. */
export function clientFiltered(f: LibraryFilters): boolean {
  return f.provider !== '' || costBound(f.minCost) !== null || costBound(f.maxCost) !== null;
}

/** passes applies the filters Go cannot (provider, cost) to one job. */
export function passes(f: LibraryFilters, j: Job): boolean {
  if (f.provider && j.provider !== f.provider) return false;
  const min = costBound(f.minCost);
  const max = costBound(f.maxCost);
  if (min !== null && (j.cost_usd ?? 0) < min) return false;
  if (max !== null && (j.cost_usd ?? 0) > max) return false;
  return true;
}

const finishedWithReport = (j: Job) => j.has_report;

export function createLibraryStore(opts: { liveDelayMs?: number } = {}): LibraryStore {
  const liveDelayMs = opts.liveDelayMs ?? 300;
  let filters: LibraryFilters = { ...emptyFilters };
  let hits: SearchHit[] = [];
  let hasMore = false;
  let total = 0;
  let loading = false;
  let searched = false;
  let error = '';
  let gen = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;

  const state = writable<LibraryState>(snapshot());
  function snapshot(): LibraryState {
    return { filters, hits, visible: hits.filter((h) => passes(filters, h.job)), hasMore, total, loading, searched, error };
  }
  const publish = () => state.set(snapshot());

  function request(offset: number, limit: number): SearchRequest {
    const f = filters;
    return { query: f.query.trim(), status: f.status, model: f.model, since: f.since, until: f.until, sort: f.sort, limit, offset };
  }

  const size = () => (clientFiltered(filters) ? filteredPageSize : pageSize);

  /** search runs one query: a new first page, the next page, or a first page merged in front. */
  async function search(mode: 'new' | 'more' | 'merge') {
    const mine = ++gen;
    const req = request(mode === 'more' ? hits.length : 0, size());
    loading = true;
    error = '';
    publish();
    try {
      const res = await api.SearchReports(req);
      if (mine !== gen) return;
      const page = res.hits ?? [];
      total = res.total ?? 0;
      if (mode === 'more') {
        const held = new Set(hits.map((h) => h.job.id));
        hits = [...hits, ...page.filter((h) => !held.has(h.job.id))];
        hasMore = !!res.has_more;
      } else if (mode === 'merge' && searched) {
        const fresh = new Set(page.map((h) => h.job.id));
        hits = [...page, ...hits.filter((h) => !fresh.has(h.job.id))];
        hasMore = hasMore || !!res.has_more;
      } else {
        hits = page;
        hasMore = !!res.has_more;
      }
      searched = true;
    } catch (err) {
      if (mine !== gen) return;
      error = errorMessage(err);
      if (mode === 'new') {
        hits = [];
        hasMore = false;
        total = 0;
      }
    } finally {
      if (mine === gen) {
        loading = false;
        publish();
      }
    }
  }

  function schedule(delayMs: number) {
    clearTimeout(timer);
    timer = setTimeout(() => void search('new'), delayMs);
  }

  function set(patch: Partial<LibraryFilters>, delayMs = 0) {
    const before = clientFiltered(filters);
    filters = { ...filters, ...patch };
    const onlyClient = Object.keys(patch).every((k) => k === 'provider' || k === 'minCost' || k === 'maxCost');
    publish();
    // Provider and cost apply to what is held at once; Go is asked again only
    // when the page size changes with them (or for any other filter).
    if (!onlyClient || before !== clientFiltered(filters)) schedule(delayMs);
  }

  function onUpdated(j: Job) {
    const i = hits.findIndex((h) => h.job.id === j.id);
    if (i >= 0) {
      if (j.version <= hits[i].job.version) return;
      hits = hits.map((h, k) => (k === i ? { ...h, job: j } : h));
      publish();
    } else if (finishedWithReport(j)) {
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => void search('merge'), liveDelayMs);
    }
  }

  function onDeleted(id: string) {
    const next = hits.filter((h) => h.job.id !== id);
    if (next.length === hits.length) return;
    hits = next;
    publish();
  }

  function start(): () => void {
    const unsubs = [api.on('job:updated', onUpdated), api.on('job:deleted', onDeleted)];
    void search(searched ? 'merge' : 'new');
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      unsubs.forEach((u) => u());
      clearTimeout(timer);
      clearTimeout(liveTimer);
    };
  }

  return {
    subscribe: state.subscribe,
    start,
    set,
    reset: () => set({ ...emptyFilters }),
    more: () => (loading || !hasMore ? Promise.resolve() : search('more')),
    refresh: () => search('merge'),
    scrollTop: 0,
  };
}
