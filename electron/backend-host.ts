/**
 * The service process's side of the main ⇄ service channel: answers API calls through core's
 * one call path (CustodianApi: session, permission matrix, request schema), streams footage
 * opened by core (by id, inside its root or the archive, never through a link) a chunk at a
 * time as main pulls it, forwards events to subscribed windows, and reports the tray status.
 * No `electron` import: the same host runs under plain Node in the tests.
 */
import { closeSync, readSync } from 'node:fs';
import { HTTP_STATUS } from '../common/api/http.js';
import { isCustodianError, type ErrorCode } from '../common/errors.js';
import type { CustodianApi } from '../core/api/index.js';
import { CHUNK_BYTES, type FromBackend, type Port, type ToBackend, type TrayStatus } from './backend-protocol.js';
import { mediaHead } from './protocol.js';

interface OpenStream {
  fd: number;
  pos: number;
  end: number;
}

export class BackendHost {
  private readonly streams = new Map<number, OpenStream>();
  private readonly subs = new Map<number, () => void>();
  private readonly off: () => void;

  constructor(
    private readonly api: CustodianApi,
    private readonly port: Port<ToBackend, FromBackend>,
    private readonly hooks: { stop?: () => Promise<void>; trayStatus?: () => TrayStatus } = {},
  ) {
    this.off = port.onMessage((m) => void this.handle(m));
  }

  private post(m: FromBackend): void {
    this.port.post(m);
  }

  async handle(m: ToBackend): Promise<void> {
    switch (m.t) {
      case 'call': {
        const outcome = await this.api.call(m.token, m.op, m.body);
        this.post({ t: 'result', id: m.id, outcome: { result: outcome.result, session: outcome.session } });
        return;
      }
      case 'media':
        this.openMedia(m);
        return;
      case 'pull':
        this.pull(m.id);
        return;
      case 'cancel':
        this.close(m.id);
        return;
      case 'subscribe':
        try {
          const off = this.api.subscribe(m.token, (event) => this.post({ t: 'event', sub: m.sub, event }));
          this.subs.set(m.sub, off);
        } catch {
          this.post({ t: 'event', sub: m.sub, event: { type: 'session-ended', reason: 'not logged in' } });
        }
        return;
      case 'unsubscribe':
        this.subs.get(m.sub)?.();
        this.subs.delete(m.sub);
        return;
      case 'stop':
        this.dispose();
        await this.hooks.stop?.();
        this.post({ t: 'stopped' });
        return;
    }
  }

  private openMedia(m: Extract<ToBackend, { t: 'media' }>): void {
    let f;
    try {
      f = this.api.openFootage(m.token, m.kind, m.mediaId);
    } catch (e) {
      const code: ErrorCode = isCustodianError(e) ? e.code : 'internal';
      const message = isCustodianError(e) ? e.message : 'internal error';
      this.post({ t: 'head', id: m.id, status: HTTP_STATUS[code], headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: false, error: message });
      return;
    }
    const head = mediaHead(f.size, f.contentType, m.range);
    if (head.start === undefined || head.end === undefined) {
      closeSync(f.fd);
      this.post({ t: 'head', id: m.id, status: head.status, headers: head.headers, body: false });
      return;
    }
    this.streams.set(m.id, { fd: f.fd, pos: head.start, end: head.end });
    this.post({ t: 'head', id: m.id, status: head.status, headers: head.headers, body: true });
  }

  private pull(id: number): void {
    const s = this.streams.get(id);
    if (!s) {
      this.post({ t: 'end', id });
      return;
    }
    const want = Math.min(CHUNK_BYTES, s.end - s.pos + 1);
    if (want <= 0) {
      this.close(id);
      this.post({ t: 'end', id });
      return;
    }
    const buf = new Uint8Array(want);
    let n = 0;
    try {
      n = readSync(s.fd, buf, 0, want, s.pos);
    } catch {
      n = 0;
    }
    if (n <= 0) {
      this.close(id);
      this.post({ t: 'end', id });
      return;
    }
    s.pos += n;
    this.post({ t: 'chunk', id, data: n === want ? buf : buf.subarray(0, n) });
  }

  private close(id: number): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.streams.delete(id);
    try {
      closeSync(s.fd);
    } catch {
      // already closed
    }
  }

  /** Pushes the tray's status line (main shows it without a session: it names no person). */
  pushTray(): void {
    const st = this.hooks.trayStatus?.();
    if (st) this.post({ t: 'tray', status: st });
  }

  get openStreams(): number {
    return this.streams.size;
  }

  dispose(): void {
    this.off();
    for (const id of [...this.streams.keys()]) this.close(id);
    for (const off of this.subs.values()) off();
    this.subs.clear();
  }
}
