/**
 * A fake of the contract-typed Api for store and view tests: answers from a table of handlers,
 * records every call, and lets a test push events.
 */
import type { OperationName, RequestOf, ResponseOf } from '../../common/api/contract.js';
import type { ApiEvent, ApiResult } from '../../common/api/types.js';
import type { Api } from './api.js';

export type FakeHandlers = { [Op in OperationName]?: (req: RequestOf<Op>) => ResponseOf<Op> | ApiResult<ResponseOf<Op>> | Promise<ResponseOf<Op>> };

export interface FakeApi extends Api {
  calls: { op: OperationName; request: unknown }[];
  emit(e: ApiEvent): void;
}

function isResult(x: unknown): x is ApiResult<unknown> {
  return typeof x === 'object' && x !== null && 'ok' in x && typeof (x as { ok: unknown }).ok === 'boolean';
}

export function fakeApi(handlers: FakeHandlers): FakeApi {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: { op: OperationName; request: unknown }[] = [];
  return {
    calls,
    async call(op, request) {
      calls.push({ op, request });
      const h = handlers[op] as ((req: unknown) => unknown) | undefined;
      if (!h) return { ok: false, error: { code: 'forbidden', message: `no fake for ${op}` } };
      try {
        const out = await h(request);
        return (isResult(out) ? out : { ok: true, data: out }) as ApiResult<ResponseOf<typeof op>>;
      } catch (e) {
        return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
      }
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
    files: {
      upload: async () => ({ ok: true, data: { bytes: 0 } }),
      href: (path) => path,
    },
  };
}
