/** Where the person is (screen, incident), which language, and passing notices. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Lang } from '../lib/format.js';
import { SCREENS, type Screen } from './session.js';

export interface Route {
  screen: Screen;
  /** The incident open in the incidents screen. */
  ref?: string;
}

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface UiState {
  route: Route;
  lang: Lang;
  /** The site's time zone (from the status, for roles that may read it). */
  tz: string;
  notices: Notice[];
  go(route: Route): void;
  setLang(lang: Lang): void;
  setTz(tz: string): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

export type UiStore = StoreApi<UiState>;

/** `#/incidents/INC-2026-0001` ⇄ {screen:'incidents', ref:'INC-2026-0001'}. */
export function parseHash(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  const screen = parts[0];
  if (!screen || !(SCREENS as readonly string[]).includes(screen)) return null;
  const ref = parts[1];
  return ref && /^[A-Za-z0-9-]{1,40}$/.test(ref) ? { screen: screen as Screen, ref } : { screen: screen as Screen };
}

export function formatHash(r: Route): string {
  return `#/${r.screen}${r.ref ? `/${encodeURIComponent(r.ref)}` : ''}`;
}

let noticeSeq = 0;
export const NOTICE_INFO_MS = 6_000;
export const NOTICE_ERROR_MS = 15_000;

export function createUiStore(initialLang: Lang = 'sv'): UiStore {
  return createStore<UiState>()((set, get) => ({
    route: { screen: 'overview' },
    lang: initialLang,
    tz: 'Europe/Stockholm',
    notices: [],
    go(route) {
      set({ route });
    },
    setLang(lang) {
      set({ lang });
    },
    setTz(tz) {
      set({ tz });
    },
    notify(kind, text) {
      const id = ++noticeSeq;
      set({ notices: [...get().notices.slice(-3), { id, kind, text }] });
      // Every notice goes away by itself (an error stays long enough to read twice); the same
      // sentence is also where the action happened (the form's own error text).
      setTimeout(() => get().dismiss(id), kind === 'info' ? NOTICE_INFO_MS : NOTICE_ERROR_MS);
    },
    dismiss(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
  }));
}
