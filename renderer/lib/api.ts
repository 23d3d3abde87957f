/**
 * The renderer's one way to the core: a caller typed from the contract (common/api/contract.ts)
 * plus the pushed events. In browser mode it is the HTTP client (renderer/api/client.ts); in the
 * desktop app the preload's bridge. Stores take it as a parameter so tests can pass a fake.
 */
import type { OperationName, RequestOf, ResponseOf } from '../../common/api/contract.js';
import type { ApiEvent, ApiFailure, ApiResult } from '../../common/api/types.js';
import type { FileTransfers } from '../api/client.js';
import { isMsg, translator, type Msg } from '../../common/i18n/catalog.js';
import { currentLanguage } from '../i18n/index.js';

export type { FileTransfers };

export interface Api {
  call<Op extends OperationName>(op: Op, request: RequestOf<Op>): Promise<ApiResult<ResponseOf<Op>>>;
  /** Progress and status pushed by the server (SSE) or the main process (IPC). */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Uploads and downloads (browser mode); absent where the transport has none (the desktop app, for now). */
  files?: FileTransfers;
}

export class ApiError extends Error {
  readonly code: ApiFailure['error']['code'];
  /** The sentence as the catalogue has it, so it is worded in the language the page shows (not the server's guess). */
  readonly msg: Msg | undefined;
  constructor(failure: ApiFailure) {
    const msg = isMsg(failure.error.msg) ? failure.error.msg : undefined;
    super(msg ? translator(currentLanguage())(msg) : failure.error.message);
    this.name = 'ApiError';
    this.code = failure.error.code;
    this.msg = msg;
  }
}

/** Unwraps a result or throws an ApiError carrying the code and the person-readable message. */
export async function unwrap<T>(p: Promise<ApiResult<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new ApiError(r);
  return r.data;
}

export function errorText(e: unknown): string {
  // Worded again now: the language may have changed since the answer came.
  if (e instanceof ApiError && e.msg) return translator(currentLanguage())(e.msg);
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorCode(e: unknown): string | null {
  return e instanceof ApiError ? e.code : null;
}

/** An ISO 8601 time from the API as UTC milliseconds (NaN-safe: null stays null). */
export function isoMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}
