/**
 * Sessions of the desktop windows, kept in the main process: the page never holds its token
 * (the browser-mode cookie is HttpOnly for the same reason). A login through a window stores
 * the token the core issued for that window; a logout, an expiry or the window closing drops it
 * and its event subscription. No `electron` import.
 */
import type { ApiEvent, ApiResult } from '../common/api/types.js';
import type { OperationName } from '../common/api/contract.js';
import type { CallOutcomeMsg } from './backend-protocol.js';
import type { ApiForwarder } from './ipc.js';

export interface SessionBackend {
  call(token: string | undefined, op: string, body: unknown): Promise<CallOutcomeMsg>;
  subscribe(token: string | undefined, listener: (e: ApiEvent) => void): () => void;
}

export class WindowSessions implements ApiForwarder {
  private readonly tokens = new Map<number, string>();
  private readonly subs = new Map<number, () => void>();

  constructor(
    private readonly backend: SessionBackend,
    private readonly send: (senderId: number, event: ApiEvent) => void,
  ) {}

  token(senderId: number): string | undefined {
    return this.tokens.get(senderId);
  }

  async forward(senderId: number, op: OperationName, request: unknown): Promise<ApiResult<unknown>> {
    const outcome = await this.backend.call(this.tokens.get(senderId), op, request);
    const change = outcome.session;
    if (change && 'set' in change) {
      this.drop(senderId);
      this.tokens.set(senderId, change.set);
      this.subs.set(senderId, this.backend.subscribe(change.set, (e) => {
        if (e.type === 'session-ended') this.drop(senderId);
        this.send(senderId, e);
      }));
    } else if (change && 'clear' in change) {
      this.drop(senderId);
    }
    return outcome.result;
  }

  /** Forgets a window's session (logout, expiry); with `logout` also ends it in the core. */
  drop(senderId: number, logout = false): void {
    const token = this.tokens.get(senderId);
    this.subs.get(senderId)?.();
    this.subs.delete(senderId);
    this.tokens.delete(senderId);
    if (logout && token) void this.backend.call(token, 'auth.logout', {});
  }

  get size(): number {
    return this.tokens.size;
  }
}
