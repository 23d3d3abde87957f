/**
 * Who is logged in and what they may do. The screens a role sees come from what its work needs
 * (POLICY: officers find and archive footage, HR reads what was handed to HR, the DPO reads the
 * logs, the admin runs the site) intersected with the operations the server says it may call;
 * the server checks every call again, the UI only hides what would be refused.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OperationName } from '../../common/api/contract.js';
import type { SessionView } from '../../common/api/types.js';
import type { Action, Role } from '../../common/permissions.js';
import { errorCode, errorText, unwrap, type Api } from '../lib/api.js';

export const SCREENS = ['overview', 'cameras', 'incidents', 'requests', 'dpo', 'settings', 'verify'] as const;
export type Screen = (typeof SCREENS)[number];

/** What each role's work needs, in the order the navigation shows it. */
const WORK: Readonly<Record<Role, readonly Screen[]>> = {
  officer: ['overview', 'cameras', 'incidents', 'requests', 'verify'],
  hr: ['incidents', 'verify'],
  dpo: ['dpo', 'requests', 'incidents', 'verify'],
  admin: ['overview', 'settings', 'verify'],
};

/** The operation a screen cannot work without. */
const NEEDS: Readonly<Record<Screen, OperationName>> = {
  overview: 'status',
  cameras: 'segments.list',
  incidents: 'incidents.list',
  requests: 'requests.list',
  dpo: 'logs.deletions',
  settings: 'settings.set',
  verify: 'packages.verifyStart',
};

export function screensFor(s: SessionView): Screen[] {
  const ops = new Set(s.operations);
  return WORK[s.user.role].filter((screen) => ops.has(NEEDS[screen]) && (screen !== 'cameras' || s.footage));
}

/** May this session do `op` (an operation, or a transfer such as a package download)? */
export function can(s: SessionView | null, op: Action): boolean {
  return s !== null && s.operations.includes(op);
}

export interface SessionState {
  phase: 'checking' | 'anonymous' | 'ready';
  session: SessionView | null;
  error: string | null;
  /** Why the last session ended (expired, logged out elsewhere), shown on the login screen. */
  ended: string | null;
  busy: boolean;
  restore(): Promise<void>;
  login(name: string, password: string): Promise<boolean>;
  logout(): Promise<void>;
  /** The server said the session is gone (401 or a session-ended event). */
  expire(reason: string): void;
}

export type SessionStore = StoreApi<SessionState>;

export function createSessionStore(api: Api): SessionStore {
  return createStore<SessionState>()((set, get) => ({
    phase: 'checking',
    session: null,
    error: null,
    ended: null,
    busy: false,
    async restore() {
      const r = await api.call('session.me', {});
      if (r.ok) set({ phase: 'ready', session: r.data, error: null });
      else set({ phase: 'anonymous', session: null });
    },
    async login(name, password) {
      set({ busy: true, error: null });
      try {
        const s = await unwrap(api.call('auth.login', { name, password }));
        set({ phase: 'ready', session: s, busy: false, ended: null });
        return true;
      } catch (e) {
        set({ busy: false, error: errorCode(e) === 'unauthenticated' || errorCode(e) === 'invalid_request' ? 'login.failed' : errorText(e) });
        return false;
      }
    },
    async logout() {
      if (get().session) await api.call('auth.logout', {});
      set({ phase: 'anonymous', session: null, error: null, ended: null });
    },
    expire(reason) {
      if (get().phase !== 'ready') return;
      set({ phase: 'anonymous', session: null, ended: reason });
    },
  }));
}
