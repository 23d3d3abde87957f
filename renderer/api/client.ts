/**
 * The typed HTTP client for the API contract (browser mode): `call(op, request)` POSTs JSON to
 * /api/<op> and answers the contract's `{ok:true, data} | {ok:false, error:{code, message}}`;
 * it never throws (a server that does not answer is an `internal` failure with a sentence).
 * `subscribe` listens to the server-sent events (progress, status, session-ended) over one
 * shared EventSource, however many listeners there are (browsers allow few connections per host).
 * The session is the HttpOnly cookie the server sets at login; this code never sees it.
 *
 * Runtime-neutral: only fetch and (when present) EventSource; no DOM types needed to compile.
 */
import type { OperationName, RequestOf, ResponseOf } from '../../common/api/contract.js';
import { API_PREFIX, EVENTS_PATH, LANG_HEADER } from '../../common/api/http.js';
import type { ApiEvent, ApiFailure, ApiResult } from '../../common/api/types.js';
import { ERROR_CODES } from '../../common/errors.js';
import { english, type Msg } from '../../common/i18n/catalog.js';

/** The part of EventSource this client uses (so it compiles without the DOM library). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
  onerror: ((event: unknown) => void) | null;
  readonly readyState: number;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

export interface HttpApiOptions {
  /** Where the server is; default '' (the page's own origin). */
  baseUrl?: string;
  /** Default: the global fetch. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Default: the global EventSource, sending the cookie. Without one, subscribe does nothing. */
  eventSource?: EventSourceFactory;
  /** The language the page shows now, sent with every call so the server words its answers in it. */
  language?: () => string;
}

/** Bytes that travel outside the JSON calls: package files uploaded to be verified, and downloads. */
export interface FileTransfers {
  /** PUTs one file's bytes to the upload address the server gave, under its path inside the package. */
  upload(uploadUrl: string, relPath: string, body: Blob): Promise<ApiResult<{ bytes: number }>>;
  /** The address of a download (a package zip, a receipt) for a link. */
  href(path: string): string;
}

export interface HttpApi {
  call<Op extends OperationName>(op: Op, request: RequestOf<Op>): Promise<ApiResult<ResponseOf<Op>>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  files: FileTransfers;
}

const EVENT_TYPES: readonly ApiEvent['type'][] = ['progress', 'status', 'session-ended', 'incident'];
const CLOSED = 2;

/** A failure this client makes itself (no answer, or not one): its sentence from the catalogue. */
function fail(key: string, params?: Msg['params']): ApiFailure {
  const msg: Msg = { key, ...(params ? { params } : {}) };
  return { ok: false, error: { code: 'internal', message: english(msg), msg } };
}

/** Is this what the contract says an answer looks like? (A proxy's error page is not.) */
function isResult(body: unknown): body is ApiResult<unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (b.ok === true) return 'data' in b;
  return b.ok === false && typeof b.error === 'object' && b.error !== null && (ERROR_CODES as readonly unknown[]).includes(b.error.code) && typeof b.error.message === 'string';
}

function defaultEventSource(): EventSourceFactory | null {
  const ES = (globalThis as { EventSource?: new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike }).EventSource;
  return ES ? (url) => new ES(url, { withCredentials: true }) : null;
}

export function createHttpApi(options: HttpApiOptions = {}): HttpApi {
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const makeSource = options.eventSource ?? defaultEventSource();
  const listeners = new Set<(event: ApiEvent) => void>();
  const langHeader = (): Record<string, string> => (options.language ? { [LANG_HEADER]: options.language() } : {});
  let source: EventSourceLike | null = null;
  /** The current stream has already said the session ended (so a logout does not say it twice). */
  let ended = false;

  const deliver = (event: ApiEvent): void => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch {
        // one listener's failure must not starve the others
      }
    }
  };

  const open = (): void => {
    if (source || !makeSource) return;
    const es = makeSource(`${base}${EVENTS_PATH}`);
    source = es;
    ended = false;
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (m) => {
        let event: ApiEvent;
        try {
          event = JSON.parse(m.data) as ApiEvent;
        } catch {
          return;
        }
        if (event.type === 'session-ended') {
          if (ended) return;
          ended = true;
        }
        deliver(event);
        if (event.type === 'session-ended') {
          es.close();
          if (source === es) source = null;
        }
      });
    }
    es.onerror = () => {
      // EventSource retries by itself; when it gives up (e.g. 401) a later subscribe opens anew.
      if (es.readyState === CLOSED && source === es) source = null;
    };
  };

  return {
    async call(op, request) {
      let res: Response;
      try {
        res = await doFetch(`${base}${API_PREFIX}${encodeURIComponent(op)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...langHeader() },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        return fail('ui:client.notAnswering');
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        return fail('ui:client.unreadable', { status: res.status });
      }
      if (!isResult(body)) return fail('ui:client.notAnAnswer', { status: res.status });
      if (body.ok && (op === 'auth.login' || op === 'auth.logout')) {
        // A new (or no) session: the event stream follows it.
        const wasOpen = source !== null;
        source?.close();
        source = null;
        if (op === 'auth.logout' && wasOpen && !ended) {
          ended = true;
          deliver({ type: 'session-ended', reason: 'logged out' });
        }
        if (op === 'auth.login' && listeners.size > 0) open();
      }
      return body as ApiResult<ResponseOf<typeof op>>;
    },
    files: {
      async upload(uploadUrl, relPath, body) {
        let res: Response;
        try {
          res = await doFetch(`${base}${uploadUrl}?path=${encodeURIComponent(relPath)}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...langHeader() }, body, credentials: 'same-origin' });
        } catch {
          return fail('ui:client.notAnswering');
        }
        let answer: unknown;
        try {
          answer = await res.json();
        } catch {
          return fail('ui:client.unreadable', { status: res.status });
        }
        return isResult(answer) ? (answer as ApiResult<{ bytes: number }>) : fail('ui:client.notAnAnswer', { status: res.status });
      },
      href: (path) => `${base}${path}`,
    },
    subscribe(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}
