// Pure formatting helpers shared by the views. No side effects, no state.

/**
 * errorMessage is the text of a rejected binding call. Go sends its error as
 * data, {kind, field, message} (research.AsView), as JSON in the Error's
 * message (Wails' runtime makes an Error of it); older code sends text.
 */
export function errorMessage(err: unknown): string {
  const v = errorData(err);
  if (v) return v.message;
  if (typeof err === 'string') return err;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** errorField is the input field a rejected binding call names ('' for none). */
export function errorField(err: unknown): string {
  return errorData(err)?.field ?? '';
}

interface ErrorData {
  kind: string;
  field: string;
  message: string;
}

function errorData(err: unknown): ErrorData | null {
  let v: unknown = err;
  const text = typeof err === 'string' ? err : err instanceof Error ? err.message : null;
  if (text !== null) {
    if (!text.startsWith('{')) return null;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
  }
  if (typeof v !== 'object' || v === null || typeof (v as { message?: unknown }).message !== 'string') return null;
  const e = v as { kind?: unknown; field?: unknown; message: string };
  return { kind: typeof e.kind === 'string' ? e.kind : '', field: typeof e.field === 'string' ? e.field : '', message: e.message };
}

/** modelAndProvider is "model · provider" by the display names Go sends with a job (its ids when it sends none). */
export function modelAndProvider(job: { provider: string; model: string; provider_display?: string; model_display?: string }): string {
  return `${job.model_display || job.model} · ${job.provider_display || job.provider}`;
}

/** parseTime reads an RFC 3339 time in ms; null for a missing, zero or unreadable one. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso || iso.startsWith('0001-01-01')) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** elapsed formats the time between two instants as "12:05" or "1:02:05". */
export function elapsed(fromIso: string | null | undefined, now: number): string {
  const t = parseTime(fromIso);
  if (t === null) return '';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** dateTime formats an RFC 3339 time for display in the user's locale. */
export function dateTime(iso: string | null | undefined): string {
  const t = parseTime(iso);
  if (t === null) return '—';
  return new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** usd formats a cost: "$1.23", "<$0.01" or "" when unknown (0). */
export function usd(v: number | null | undefined): string {
  if (!v) return '';
  if (v < 0.01) return '<$0.01';
  return `$${v.toFixed(2)}`;
}

/** count formats an integer with thousands separators. */
export function count(n: number | null | undefined): string {
  return (n ?? 0).toLocaleString('en-US');
}

/** isHttpURL reports whether href is an absolute http(s) URL (the only links Deepr opens). */
export function isHttpURL(href: string | null | undefined): href is string {
  return !!href && /^https?:\/\//i.test(href.trim());
}

/** byteLength is the UTF-8 size of s (the prompt limit is in bytes). */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}
