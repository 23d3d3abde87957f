/**
 * The desktop app's transport: the preload (electron/preload.cts) exposes `window.custodian`
 * with exactly two functions, and the main process routes each call to the core over IPC
 * channels generated from the contract. This wraps it in the same typed Api the HTTP client
 * gives browser mode.
 */
import type { ApiEvent, ApiResult } from '../../common/api/types.js';
import type { Api } from './api.js';

/** What the preload exposes (see electron/preload.cts). */
export interface CustodianBridge {
  call(operation: string, request: unknown): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
}

export function getBridge(): CustodianBridge | null {
  const w = window as unknown as { custodian?: CustodianBridge };
  return w.custodian && typeof w.custodian.call === 'function' ? w.custodian : null;
}

export function bridgeApi(bridge: CustodianBridge): Api {
  return {
    async call(op, request) {
      try {
        return (await bridge.call(op, request)) as ApiResult<never>;
      } catch (e) {
        return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
      }
    },
    subscribe(listener) {
      return bridge.subscribe((e) => listener(e as ApiEvent));
    },
  };
}
