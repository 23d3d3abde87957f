/**
 * The renderer's HTTP client (renderer/api/client.ts) against a real server on a real socket,
 * with a cookie jar standing in for the browser and a small fetch-based EventSource.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../common/api/types.js';
import { raiseAlarm } from '../core/alarms.js';
import type { Ctx } from '../core/context.js';
import { addRoot } from '../core/roots.js';
import { addUser } from '../core/users.js';
import { createHttpApi, type EventSourceLike } from '../renderer/api/client.js';
import { tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { CustodianServer } from './server.js';

/** What a browser does with cookies, for one origin. */
function cookieJar() {
  let cookie = '';
  const fetchWithJar = async (input: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      cookie = pair && !/=$/.test(pair) ? pair : '';
    }
    return res;
  };
  return { fetch: fetchWithJar, cookie: () => cookie };
}

/** A minimal EventSource over fetch (Node 20 has none). */
function fetchEventSource(url: string, cookie: () => string): EventSourceLike {
  const handlers = new Map<string, ((e: { data: string }) => void)[]>();
  const ctrl = new AbortController();
  const es: EventSourceLike & { readyState: number } = {
    readyState: 0,
    onerror: null,
    addEventListener(type, l) {
      handlers.set(type, [...(handlers.get(type) ?? []), l]);
    },
    close() {
      es.readyState = 2;
      ctrl.abort();
    },
  };
  void (async () => {
    try {
      const res = await fetch(url, { headers: { cookie: cookie(), accept: 'text/event-stream' }, signal: ctrl.signal });
      if (res.status !== 200 || !res.body) {
        es.readyState = 2;
        es.onerror?.({ status: res.status });
        return;
      }
      es.readyState = 1;
      const reader = res.body.getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += Buffer.from(value).toString('utf8');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) for (const l of handlers.get(type) ?? []) l({ data });
        }
      }
    } catch {
      // aborted
    }
    es.readyState = 2;
  })();
  return es;
}

describe('the renderer HTTP client against browser mode', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let server: CustodianServer;
  let base = '';
  const clock: TestClock = { now: Date.now() };

  beforeAll(async () => {
    t = tempDir();
    mkdirSync(path.join(t.dir, 'rec'));
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: path.join(t.dir, 'rec') });
    await addUser(ctx, { name: 'anna', role: 'officer', password: 'anna has a long password' });
    await addUser(ctx, { name: 'hugo', role: 'hr', password: 'hugo has a long password' });
    server = new CustodianServer({ ctx, port: 0, staticDir: null, statusIntervalMs: 50, heartbeatMs: 100 });
    base = (await server.start()).url;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    ctx?.close();
    t?.cleanup();
  });

  it('calls typed operations, answering the contract for success, refusal and a server that is gone', async () => {
    const jar = cookieJar();
    const api = createHttpApi({ baseUrl: base, fetch: jar.fetch });
    expect(await api.call('status', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const login = await api.call('auth.login', { name: 'hugo', password: 'hugo has a long password' });
    expect(login).toMatchObject({ ok: true, data: { user: { name: 'hugo', role: 'hr' }, footage: false } });
    expect(jar.cookie()).toMatch(/^custodian_session=/);
    const me = await api.call('session.me', {});
    expect(me.ok && me.data.operations).toEqual(expect.arrayContaining(['incidents.list', 'incidents.show']));
    expect(await api.call('status', {})).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'The hr role may not use status.' } });
    const list = await api.call('incidents.list', {});
    expect(list.ok && list.data.incidents).toEqual([]);
    expect(await api.call('auth.logout', {})).toEqual({ ok: true, data: { loggedOut: true } });
    expect(jar.cookie()).toBe('');
    expect(await api.call('incidents.list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });

    const gone = createHttpApi({ baseUrl: 'http://127.0.0.1:9' });
    expect(await gone.call('session.me', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/not answering/) } });
    const notApi = createHttpApi({ baseUrl: base, fetch: async () => new Response('<html>proxy error</html>', { status: 502 }) });
    expect(await notApi.call('session.me', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/HTTP 502/) } });
  });

  it('shares one event stream among listeners, follows the login, and ends with the session', async () => {
    const jar = cookieJar();
    let opened = 0;
    const api = createHttpApi({
      baseUrl: base,
      fetch: jar.fetch,
      eventSource: (url) => {
        opened++;
        return fetchEventSource(url, jar.cookie);
      },
    });
    const a: ApiEvent[] = [];
    const b: ApiEvent[] = [];
    const offA = api.subscribe((e) => a.push(e));
    api.subscribe((e) => b.push(e));
    expect(opened).toBe(1);
    await api.call('auth.login', { name: 'anna', password: 'anna has a long password' });
    expect(opened).toBe(2); // reopened with the new session
    const waitFor = async (pred: () => boolean): Promise<void> => {
      const until = Date.now() + 10_000;
      while (!pred()) {
        if (Date.now() > until) throw new Error(`timed out: ${JSON.stringify(a)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(() => a.some((e) => e.type === 'status'));
    raiseAlarm(ctx, { kind: 'disk-full', key: 'disk-full:client-test', message: 'Disk nearly full.' });
    await waitFor(() => b.some((e) => e.type === 'status' && e.alarms === 1));
    offA();
    await api.call('auth.logout', {});
    await waitFor(() => b.some((e) => e.type === 'session-ended'));
    expect(a.some((e) => e.type === 'session-ended')).toBe(false); // unsubscribed before
  });
});
