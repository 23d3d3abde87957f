/**
 * Main's side of the main ⇄ service channel: calls, footage as a pull-based stream (the service
 * reads the next chunk only when the player wants it), event subscriptions, the tray status.
 * No `electron` import; main.ts gives it the utility process's port.
 */
import type { FootageKind } from '../common/api/http.js';
import type { ApiEvent } from '../common/api/types.js';
import type { CallOutcomeMsg, FromBackend, Port, ToBackend, TrayStatus } from './backend-protocol.js';

interface MediaHeadMsg {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
  error?: string;
}

type Pending =
  | { kind: 'call'; resolve(o: CallOutcomeMsg): void; reject(e: Error): void }
  | { kind: 'media'; resolve(h: MediaHeadMsg): void; reject(e: Error): void; controller?: ReadableStreamDefaultController<Uint8Array>; waiting?: () => void };

export class BackendClient {
  private seq = 0;
  private subSeq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly subs = new Map<number, (e: ApiEvent) => void>();
  private readonly trayListeners = new Set<(s: TrayStatus) => void>();
  private readonly logListeners = new Set<(line: string) => void>();
  private dead: string | null = null;
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private markFailed: (e: Error) => void = () => undefined;

  constructor(private readonly port: Port<FromBackend, ToBackend>) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.markFailed = reject;
    });
    // A failed start is reported through `ready`; an unobserved rejection must not crash main.
    this.ready.catch(() => undefined);
    port.onMessage((m) => this.receive(m));
  }

  private receive(m: FromBackend): void {
    switch (m.t) {
      case 'ready':
        this.markReady();
        return;
      case 'fatal':
        this.fail(m.message);
        return;
      case 'result': {
        const p = this.pending.get(m.id);
        if (p?.kind === 'call') {
          this.pending.delete(m.id);
          p.resolve(m.outcome);
        }
        return;
      }
      case 'head': {
        const p = this.pending.get(m.id);
        if (p?.kind !== 'media') return;
        if (!m.body) {
          this.pending.delete(m.id);
          p.resolve({ status: m.status, headers: m.headers, body: null, ...(m.error !== undefined ? { error: m.error } : {}) });
          return;
        }
        const id = m.id;
        const body = new ReadableStream<Uint8Array>(
          {
            start: (controller) => {
              p.controller = controller;
            },
            pull: () =>
              new Promise<void>((resolve) => {
                p.waiting = resolve;
                this.port.post({ t: 'pull', id });
              }),
            cancel: () => {
              this.pending.delete(id);
              this.port.post({ t: 'cancel', id });
            },
          },
          { highWaterMark: 1 },
        );
        p.resolve({ status: m.status, headers: m.headers, body });
        return;
      }
      case 'chunk': {
        const p = this.pending.get(m.id);
        if (p?.kind !== 'media' || !p.controller) return;
        p.controller.enqueue(m.data);
        p.waiting?.();
        return;
      }
      case 'end': {
        const p = this.pending.get(m.id);
        if (p?.kind !== 'media') return;
        this.pending.delete(m.id);
        try {
          p.controller?.close();
        } catch {
          // the reader went away
        }
        p.waiting?.();
        return;
      }
      case 'event':
        this.subs.get(m.sub)?.(m.event);
        return;
      case 'tray':
        for (const l of this.trayListeners) l(m.status);
        return;
      case 'log':
        for (const l of this.logListeners) l(m.line);
        return;
      case 'stopped':
        return;
    }
  }

  call(token: string | undefined, op: string, body: unknown): Promise<CallOutcomeMsg> {
    if (this.dead) return Promise.resolve({ result: { ok: false, error: { code: 'internal', message: this.dead } }, session: undefined });
    const id = ++this.seq;
    return new Promise<CallOutcomeMsg>((resolve, reject) => {
      this.pending.set(id, { kind: 'call', resolve, reject });
      this.port.post({ t: 'call', id, token, op, body });
    });
  }

  media(token: string | undefined, kind: FootageKind, mediaId: number, range: string | undefined): Promise<MediaHeadMsg> {
    if (this.dead) return Promise.resolve({ status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: null, error: this.dead });
    const id = ++this.seq;
    return new Promise<MediaHeadMsg>((resolve, reject) => {
      this.pending.set(id, { kind: 'media', resolve, reject });
      this.port.post({ t: 'media', id, token, kind, mediaId, range });
    });
  }

  subscribe(token: string | undefined, listener: (e: ApiEvent) => void): () => void {
    const sub = ++this.subSeq;
    this.subs.set(sub, listener);
    this.port.post({ t: 'subscribe', sub, token });
    return () => {
      this.subs.delete(sub);
      if (!this.dead) this.port.post({ t: 'unsubscribe', sub });
    };
  }

  onTray(listener: (s: TrayStatus) => void): () => void {
    this.trayListeners.add(listener);
    return () => this.trayListeners.delete(listener);
  }

  onLog(listener: (line: string) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  stop(): void {
    if (!this.dead) this.port.post({ t: 'stop' });
  }

  /** The service process is gone: every waiting call is answered, never left hanging. */
  fail(reason: string): void {
    this.dead = reason;
    this.markFailed(new Error(reason));
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.kind === 'call') p.resolve({ result: { ok: false, error: { code: 'internal', message: reason } }, session: undefined });
      else if (p.controller) {
        try {
          p.controller.error(new Error(reason));
        } catch {
          // already closed
        }
      } else p.resolve({ status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: null, error: reason });
    }
    for (const l of this.subs.values()) l({ type: 'session-ended', reason });
    this.subs.clear();
  }
}
