/**
 * Messages between the Electron main process and the service process (a utility process that
 * hosts the core: the API, the retention service, footage). Main never touches the database;
 * a long scan, sweep or export in the service process never freezes the window.
 */
import type { FootageKind } from '../common/api/http.js';
import type { ApiEvent, ApiResult } from '../common/api/types.js';

/** What a call did to the session: the token to keep, or that it ended (mirrors core's CallOutcome). */
export type SessionChange = { set: string } | { clear: true } | undefined;

export interface CallOutcomeMsg {
  result: ApiResult<unknown>;
  session: SessionChange;
}

export interface TrayStatus {
  rootsOnline: number;
  rootsTotal: number;
  /** ISO 8601 with the site's offset, or null when nothing is due. */
  nextDeletion: string | null;
  alarms: number;
  blocking: number;
}

export type ToBackend =
  | { t: 'call'; id: number; token: string | undefined; op: string; body: unknown }
  | { t: 'media'; id: number; token: string | undefined; kind: FootageKind; mediaId: number; range: string | undefined }
  | { t: 'pull'; id: number }
  | { t: 'cancel'; id: number }
  | { t: 'subscribe'; sub: number; token: string | undefined }
  | { t: 'unsubscribe'; sub: number }
  | { t: 'stop' };

export type FromBackend =
  | { t: 'ready' }
  | { t: 'fatal'; message: string }
  | { t: 'result'; id: number; outcome: CallOutcomeMsg }
  | { t: 'head'; id: number; status: number; headers: Record<string, string>; body: boolean; error?: string }
  | { t: 'chunk'; id: number; data: Uint8Array }
  | { t: 'end'; id: number }
  | { t: 'event'; sub: number; event: ApiEvent }
  | { t: 'tray'; status: TrayStatus }
  | { t: 'log'; line: string }
  | { t: 'stopped' };

/** A message channel, whatever carries it (Electron's parentPort, a Node child process, a test pair). */
export interface Port<In, Out> {
  post(msg: Out): void;
  onMessage(listener: (msg: In) => void): () => void;
}

/** Two connected in-memory ports (tests). Messages are delivered asynchronously, like real IPC. */
export function portPair<A, B>(): [Port<A, B>, Port<B, A>] {
  const toA = new Set<(m: A) => void>();
  const toB = new Set<(m: B) => void>();
  const a: Port<A, B> = {
    post: (m) => queueMicrotask(() => toB.forEach((l) => l(m))),
    onMessage: (l) => {
      toA.add(l);
      return () => toA.delete(l);
    },
  };
  const b: Port<B, A> = {
    post: (m) => queueMicrotask(() => toA.forEach((l) => l(m))),
    onMessage: (l) => {
      toB.add(l);
      return () => toB.delete(l);
    },
  };
  return [a, b];
}

export const CHUNK_BYTES = 256 * 1024;
