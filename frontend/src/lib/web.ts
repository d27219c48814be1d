// The browser's transport (`deepr serve`). In the desktop window, Wails
// defines window.go (the bound App) and window.runtime (events) before
// the page runs. In a browser nothing does, so installWeb defines both
// over the server: a bound method is POST /api/call/{Method} with a JSON
// array of its arguments (the session cookie goes with it; nothing secret
// is kept in the page or in storage), and events come over one WebSocket
// that resumes where it left off. The generated bindings (wailsjs), api.ts
// and every component run unchanged on top.
//
// Removing every listener of an event is not offered (the page never does:
// each subscription cancels itself). Two methods are the browser's own: ExportReport downloads the file
// (instead of the window's save dialog), and OpenURL opens a new tab once
// Go has checked the link (App.OpenURL refuses anything but http(s)).

type Callback = (...data: unknown[]) => void;
interface Listener {
  cb: Callback;
  left: number; // -1: until removed
}

/** The event the stream's first frame raises when a snapshot must be fetched again (see live.ts). */
export const resyncEvent = 'deepr:resync';

interface Frame {
  epoch: string;
  seq: number;
  name: string;
  data?: unknown;
  resync?: boolean;
}

/** callGo calls a bound Go method; a Go error rejects with its message, as in the window. */
export async function callGo(method: string, args: unknown[], f: typeof fetch = fetch): Promise<unknown> {
  let resp: Response;
  try {
    resp = await f(`/api/call/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(args.map((a) => (a === undefined ? null : a))),
    });
  } catch {
    throw 'Deepr is not reachable: is deepr serve still running?';
  }
  if (resp.status === 401) throw 'Signed out: open the sign-in URL that deepr serve printed, then reload.';
  const body = await resp.json().catch(() => null);
  if (!resp.ok) throw (body && typeof body.error === 'string' && body.error) || `Deepr answered ${resp.status}`;
  return body;
}

/** fileName is the name in a Content-Disposition header ("" when none). */
export function fileName(disposition: string | null): string {
  const m = /filename="([^"]*)"/.exec(disposition ?? '');
  return m ? m[1] : '';
}

async function download(id: string, format: string): Promise<{ path: string; format: string; bytes: number }> {
  const resp = await fetch(`/api/export/${encodeURIComponent(id)}/${encodeURIComponent(format)}`, { credentials: 'same-origin' });
  if (!resp.ok) {
    const body = await resp.json().catch(() => null);
    throw (body && body.error) || `Deepr answered ${resp.status}`;
  }
  const name = fileName(resp.headers.get('Content-Disposition')) || `report.${format}`;
  const blob = await resp.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { path: `${name} in your downloads`, format, bytes: blob.size };
}

/** Events is the browser's window.runtime event half: listeners, and the stream that feeds them. */
export class Events {
  private listeners = new Map<string, Listener[]>();
  private epoch = '';
  private seq = 0;
  private socket: WebSocket | null = null;
  private retry = 500;
  private closed = false;

  constructor(
    private readonly url: () => string,
    private readonly doc: Document | undefined,
    private readonly open: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  on(name: string, cb: Callback, max: number): () => void {
    const l: Listener = { cb, left: max };
    const list = this.listeners.get(name) ?? [];
    list.push(l);
    this.listeners.set(name, list);
    return () => this.remove(name, l);
  }

  private remove(name: string, l: Listener) {
    const list = (this.listeners.get(name) ?? []).filter((x) => x !== l);
    if (list.length) this.listeners.set(name, list);
    else this.listeners.delete(name);
  }

  /** dispatch hands one event to its listeners. */
  dispatch(name: string, data?: unknown) {
    for (const l of [...(this.listeners.get(name) ?? [])]) {
      if (l.left > 0 && --l.left === 0) this.remove(name, l);
      try {
        if (data === undefined) l.cb();
        else l.cb(data);
      } catch (err) {
        console.error(`Deepr: a listener of ${name} failed`, err);
      }
    }
  }

  /** receive applies one frame of the stream: the hello, or an event newer than the last. */
  receive(f: Frame) {
    if (f.name === 'deepr:hello') {
      this.retry = 500;
      if (f.resync || f.epoch !== this.epoch) {
        this.epoch = f.epoch;
        this.seq = f.seq;
        this.doc?.dispatchEvent(new Event(resyncEvent));
      }
      return;
    }
    if (f.epoch !== this.epoch || f.seq <= this.seq) return; // never a repeat
    this.seq = f.seq;
    this.dispatch(f.name, f.data);
  }

  connect() {
    if (this.closed) return;
    const q = this.epoch ? `?epoch=${encodeURIComponent(this.epoch)}&seq=${this.seq}` : '';
    const ws = this.open(this.url() + q);
    this.socket = ws;
    ws.onmessage = (m) => {
      try {
        this.receive(JSON.parse(String(m.data)) as Frame);
      } catch (err) {
        console.error('Deepr: a bad event frame', err);
      }
    };
    ws.onclose = () => {
      if (this.socket !== ws || this.closed) return;
      this.socket = null;
      const wait = this.retry;
      this.retry = Math.min(this.retry * 2, 10_000);
      setTimeout(() => this.connect(), wait);
    };
  }

  close() {
    this.closed = true;
    this.socket?.close();
  }
}

/** installWeb defines window.go.main.App and window.runtime over the server. */
export function installWeb(win: Window & typeof globalThis) {
  const loc = win.location;
  const events = new Events(() => `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/events`, win.document);
  const own: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    ExportReport: (id, format) => download(String(id), String(format)),
    OpenURL: async (url) => {
      await callGo('OpenURL', [url]); // Go checks it is an http(s) link
      win.open(String(url).trim(), '_blank', 'noopener,noreferrer');
    },
  };
  const App = new Proxy(own, {
    get: (target, name) =>
      typeof name !== 'string' ? undefined : target[name] ?? ((...args: unknown[]) => callGo(name, args)),
  });
  const noop = () => {};
  const w = win as unknown as Record<string, unknown>;
  w.go = { main: { App } };
  w.runtime = {
    EventsOnMultiple: (name: string, cb: Callback, max: number) => events.on(name, cb, max),
    EventsEmit: noop,
    BrowserOpenURL: (url: string) => void own.OpenURL(url),
    LogPrint: noop, LogTrace: noop, LogDebug: noop, LogInfo: noop, LogWarning: noop, LogError: noop, LogFatal: noop,
    WindowReload: () => loc.reload(),
    WindowReloadApp: () => loc.reload(),
  };
  events.connect();
  return events;
}
