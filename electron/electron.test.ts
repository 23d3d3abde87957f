/**
 * The desktop shell's pure parts, under Node without `electron`: window options, navigation and
 * sender checks, the app scheme's path rules and Range answers, the IPC handlers generated from
 * the contract (the whole role × operation matrix through them, against a real core), sessions
 * kept in main, and footage streamed from the service process by pulls.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES, isOperationName, type GuardedOperation, type OperationName } from '../common/api/contract.js';
import { EXAMPLES } from '../common/api/examples.js';
import type { ApiEvent, ApiResult } from '../common/api/types.js';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { ACTIONS, ROLES, may, type Role } from '../common/permissions.js';
import { CustodianApi } from '../core/api/index.js';
import type { Ctx } from '../core/context.js';
import { scanAll } from '../core/indexer.js';
import { addRoot } from '../core/roots.js';
import { addUser } from '../core/users.js';
import { samplePath } from '../fixtures/samples.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { BackendClient } from './backend-client.js';
import { BackendHost } from './backend-host.js';
import { portPair, type FromBackend, type ToBackend } from './backend-protocol.js';
import { apiChannel, registerApiHandlers, type IpcEventLike, type IpcMainLike } from './ipc.js';
import { assetFile, classifyAppUrl, mediaHead } from './protocol.js';
import { allowNavigation, APP_ORIGIN, CONTENT_SECURITY_POLICY, IPC_PREFIX, isTrustedSender, mainWindowOptions, pageHeaders } from './security.js';
import { WindowSessions } from './sessions.js';
import { trayModel, wallTime } from './tray.js';

const PASSWORD = 'desktop test password';

describe('window options and navigation', () => {
  it('turns on every isolation Electron offers and nothing that weakens it', () => {
    const o = mainWindowOptions({ preload: '/app/preload.cjs' }, 'Custodian');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
    });
    expect(o.show).toBe(false);
  });

  it('allows only our own origin, in the top frame, to navigate or send IPC', () => {
    expect(allowNavigation(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const u of ['https://example.com/', 'file:///etc/passwd', 'custodian-app://evil/index.html', 'custodian-app://user:pw@app/', 'http://127.0.0.1:4780/', 'javascript:alert(1)', 'not a url']) {
      expect([u, allowNavigation(u)]).toEqual([u, false]);
    }
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('serves pages with the same strict CSP as browser mode', () => {
    const h = pageHeaders('text/html; charset=utf-8');
    expect(h['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*/);
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('the app scheme', () => {
  it('tells pages from footage and refuses anything that climbs out', () => {
    expect(classifyAppUrl(`${APP_ORIGIN}/`)).toEqual({ kind: 'asset', rel: 'index.html' });
    expect(classifyAppUrl(`${APP_ORIGIN}/assets/index-abc.js`)).toEqual({ kind: 'asset', rel: 'assets/index-abc.js' });
    expect(classifyAppUrl(`${APP_ORIGIN}/media/segment/42`)).toEqual({ kind: 'media', media: 'segment', id: 42 });
    expect(classifyAppUrl(`${APP_ORIGIN}/media/clip/7`)).toEqual({ kind: 'media', media: 'clip', id: 7 });
    // An access request's clip or masked copy (issue 14).
    expect(classifyAppUrl(`${APP_ORIGIN}/media/request-clip/3`)).toEqual({ kind: 'media', media: 'request-clip', id: 3 });
    for (const u of [
      `${APP_ORIGIN}/media/request-clip/0`,
      `${APP_ORIGIN}/media/request-clip/3/..`,
      `${APP_ORIGIN}/media/segment/0`,
      `${APP_ORIGIN}/media/segment/..%2f..%2fetc`,
      `${APP_ORIGIN}/media/segment/1/x`,
      `${APP_ORIGIN}/media/other/1`,
      `${APP_ORIGIN}/media/segment/-1`,
      `${APP_ORIGIN}/..%5c..%5cwindows`,
      `${APP_ORIGIN}/x%00y`,
      'custodian-app://other/index.html',
      'https://app/index.html',
    ]) {
      expect([u, classifyAppUrl(u).kind]).toEqual([u, 'refused']);
    }
    // The URL parser resolves dot segments (also encoded ones) before we see the path: it stays inside.
    expect(classifyAppUrl(`${APP_ORIGIN}/a/%2e%2e/%2e%2e/etc/passwd`)).toEqual({ kind: 'asset', rel: 'etc/passwd' });
  });

  it('finds assets only inside the built folder, never through a link out of it', () => {
    const t = tempDir();
    try {
      const dist = path.join(t.dir, 'dist-renderer');
      mkdirSync(path.join(dist, 'assets'), { recursive: true });
      writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
      writeFileSync(path.join(dist, 'assets', 'a.js'), '1');
      writeFileSync(path.join(t.dir, 'secret.txt'), 'secret');
      symlinkSync(path.join(t.dir, 'secret.txt'), path.join(dist, 'leak.txt'));
      expect(assetFile(dist, 'assets/a.js')).toBe(path.join(dist, 'assets', 'a.js'));
      expect(assetFile(dist, 'incidents')).toBe(path.join(dist, 'index.html'));
      expect(assetFile(dist, 'leak.txt')).toBeNull();
      expect(assetFile(dist, 'missing.js')).toBeNull();
      expect(assetFile(path.join(t.dir, 'nope'), 'index.html')).toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it('answers Range requests as browser mode does', () => {
    expect(mediaHead(1000, 'video/mp4', undefined)).toMatchObject({ status: 200, start: 0, end: 999, headers: { 'Content-Length': '1000', 'Accept-Ranges': 'bytes' } });
    expect(mediaHead(1000, 'video/mp4', 'bytes=100-199')).toMatchObject({ status: 206, start: 100, end: 199, headers: { 'Content-Range': 'bytes 100-199/1000', 'Content-Length': '100' } });
    expect(mediaHead(1000, 'video/mp4', 'bytes=-10')).toMatchObject({ status: 206, start: 990, end: 999 });
    expect(mediaHead(1000, 'video/mp4', 'bytes=900-')).toMatchObject({ status: 206, start: 900, end: 999 });
    expect(mediaHead(1000, 'video/mp4', 'bytes=1000-')).toMatchObject({ status: 416, headers: { 'Content-Range': 'bytes */1000' } });
    expect(mediaHead(0, 'video/mp4', undefined).start).toBeUndefined();
  });
});

describe('tray', () => {
  it('says in Swedish what retention is doing', () => {
    const m = trayModel({ rootsOnline: 1, rootsTotal: 2, nextDeletion: '2026-11-25T14:30:00+01:00', alarms: 2, blocking: 1 }, 'sv');
    expect(m.lines).toEqual(['Lagring: 1 av 2 anslutna', 'Nästa radering: 25 nov. 2026 14:30', 'Larm: 2', 'Raderingen är pausad – kvittera larmet']);
    expect(m.warn).toBe(true);
    expect(trayModel(null, 'en').lines).toEqual(['Starting the service …']);
    expect(wallTime('2026-03-29T03:00:00+02:00')).toBe('29 mars 2026 03:00');
    expect(wallTime('2026-03-29T03:00:00+02:00', 'en')).toBe('29 Mar 2026 03:00');
  });
});

/** An ipcMain stand-in: records handlers and invokes them as Electron would. */
function fakeIpc(): IpcMainLike & { handlers: Map<string, (e: IpcEventLike, ...a: unknown[]) => unknown>; invoke(channel: string, sender: number, url: string, ...args: unknown[]): Promise<unknown> } {
  const handlers = new Map<string, (e: IpcEventLike, ...a: unknown[]) => unknown>();
  return {
    handlers,
    handle: (c, l) => {
      if (handlers.has(c)) throw new Error(`second handler for ${c}`);
      handlers.set(c, l);
    },
    removeHandler: (c) => handlers.delete(c),
    async invoke(channel, sender, url, ...args) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return h({ sender: { id: sender }, senderFrame: { url, parent: null } }, ...args);
    },
  };
}

describe('IPC handlers generated from the contract', () => {
  it('registers exactly one handler per operation, all under one prefix, and removes them', () => {
    const ipc = fakeIpc();
    const reg = registerApiHandlers(ipc, { forward: async () => ({ ok: true, data: null }) });
    expect([...ipc.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map((op) => `${IPC_PREFIX}api:${op}`).sort());
    reg.dispose();
    expect(ipc.handlers.size).toBe(0);
  });

  it('checks the sender before it parses anything, then parses with the contract', async () => {
    const ipc = fakeIpc();
    const seen: unknown[] = [];
    registerApiHandlers(ipc, {
      forward: async (_s, op, req) => {
        seen.push([op, req]);
        return { ok: true, data: null };
      },
    });
    const bad = (await ipc.invoke(apiChannel('status'), 1, 'https://evil.example/', {})) as ApiResult<unknown>;
    expect(bad).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const malformed = (await ipc.invoke(apiChannel('holds.add'), 1, `${APP_ORIGIN}/index.html`, { cameras: 'x' })) as ApiResult<unknown>;
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const extra = (await ipc.invoke(apiChannel('status'), 1, `${APP_ORIGIN}/index.html`, { sneaky: 1 })) as ApiResult<unknown>;
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(seen).toEqual([]);
    await ipc.invoke(apiChannel('status'), 1, `${APP_ORIGIN}/index.html`, {});
    expect(seen).toEqual([['status', {}]]);
    await expect(ipc.invoke(`${IPC_PREFIX}api:nope`, 1, `${APP_ORIGIN}/index.html`, {})).rejects.toThrow(/No handler/);
  });
});

describe('main ⇄ service process, against a real core', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let api: CustodianApi;
  let host: BackendHost;
  let client: BackendClient;
  let ipc: ReturnType<typeof fakeIpc>;
  let sessions: WindowSessions;
  const events: [number, ApiEvent][] = [];
  const clock: TestClock = { now: 0 };
  let bigFile = '';
  let bigId = 0;
  const own = `${APP_ORIGIN}/index.html`;
  const windowOf: Record<Role, number> = { officer: 11, hr: 12, dpo: 13, admin: 14 };

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const root = path.join(t.dir, 'rec');
    const layout = compileLayout('camera-date-time', 'Europe/Stockholm');
    const t0 = clock.now - 2 * DAY;
    const small = path.join(root, ...formatLayoutPath(layout, 'entrance', t0));
    mkdirSync(path.dirname(small), { recursive: true });
    copyFileSync(samplePath('normal'), small);
    utimesSync(small, new Date(t0 + 4000), new Date(t0 + 4000));
    bigFile = path.join(root, ...formatLayoutPath(layout, 'lobby', t0));
    mkdirSync(path.dirname(bigFile), { recursive: true });
    writeFileSync(bigFile, randomBytes(1024 * 1024 + 4321));
    utimesSync(bigFile, new Date(t0 + 60_000), new Date(t0 + 60_000));
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    bigId = (ctx.db.prepare("SELECT id FROM segments WHERE camera_id = 'lobby'").get() as { id: number }).id;
    for (const role of ROLES) await addUser(ctx, { name: role, role, password: PASSWORD });
    api = new CustodianApi(ctx);
    const [mainSide, serviceSide] = portPair<FromBackend, ToBackend>();
    host = new BackendHost(api, serviceSide);
    client = new BackendClient(mainSide);
    sessions = new WindowSessions({ call: (tk, op, b) => client.call(tk, op, b), subscribe: (tk, l) => client.subscribe(tk, l) }, (id, e) => events.push([id, e]));
    ipc = fakeIpc();
    registerApiHandlers(ipc, sessions);
    for (const role of ROLES) {
      const r = (await ipc.invoke(apiChannel('auth.login'), windowOf[role], own, { name: role, password: PASSWORD })) as ApiResult<{ user: { role: string } }>;
      expect(r).toMatchObject({ ok: true, data: { user: { role } } });
    }
  }, 120_000);

  afterAll(() => {
    host?.dispose();
    api?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('keeps the session token in main: the page never sees it', async () => {
    const me = (await ipc.invoke(apiChannel('session.me'), windowOf.officer, own, {})) as ApiResult<unknown>;
    expect(JSON.stringify(me)).not.toContain(sessions.token(windowOf.officer) ?? '-');
    expect(sessions.size).toBe(ROLES.length);
    const anon = (await ipc.invoke(apiChannel('status'), 99, own, {})) as ApiResult<unknown>;
    expect(anon).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  describe('the role × operation matrix through IPC, generated from the matrix', () => {
    const ops = (ACTIONS.filter((a) => isOperationName(a) && a !== 'auth.logout') as GuardedOperation[]).sort();
    for (const role of ROLES) {
      it(`${role}: exactly its operations are allowed`, async () => {
        for (const op of ops) {
          const r = (await ipc.invoke(apiChannel(op as OperationName), windowOf[role], own, EXAMPLES[op])) as ApiResult<unknown>;
          if (may(role, op)) {
            if (!r.ok) expect([op, r.error.code]).toEqual([op, expect.stringMatching(/^(not_found|conflict|invalid_request)$/)]);
          } else {
            expect([op, r]).toEqual([op, { ok: false, error: { code: 'forbidden', message: `The ${role} role may not use ${op}.`, msg: { key: 'server:roleMayNot', params: { role, operation: op } } } }]);
          }
        }
      });
    }
  });

  const readAll = async (body: ReadableStream<Uint8Array> | null): Promise<Buffer> => {
    if (!body) return Buffer.alloc(0);
    const parts: Uint8Array[] = [];
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    return Buffer.concat(parts);
  };

  it('streams footage by pulls, exactly the bytes asked for, to the roles that may see it', async () => {
    const whole = readFileSync(bigFile);
    const full = await client.media(sessions.token(windowOf.officer), 'segment', bigId, undefined);
    expect(full.status).toBe(200);
    expect((await readAll(full.body)).equals(whole)).toBe(true);
    const part = await client.media(sessions.token(windowOf.officer), 'segment', bigId, 'bytes=300000-700000');
    expect(part.status).toBe(206);
    expect(part.headers['Content-Range']).toBe(`bytes 300000-700000/${whole.length}`);
    expect((await readAll(part.body)).equals(whole.subarray(300000, 700001))).toBe(true);
    const tail = await client.media(sessions.token(windowOf.officer), 'segment', bigId, 'bytes=-100');
    expect((await readAll(tail.body)).equals(whole.subarray(whole.length - 100))).toBe(true);
    const past = await client.media(sessions.token(windowOf.officer), 'segment', bigId, `bytes=${whole.length}-`);
    expect(past.status).toBe(416);
    for (const role of ['hr', 'dpo', 'admin'] as const) {
      const r = await client.media(sessions.token(windowOf[role]), 'segment', bigId, undefined);
      expect([role, r.status, r.body]).toEqual([role, 403, null]);
    }
    const anon = await client.media(undefined, 'segment', bigId, undefined);
    expect(anon.status).toBe(401);
    const missing = await client.media(sessions.token(windowOf.officer), 'segment', 999_999, undefined);
    expect(missing.status).toBe(404);
    expect(host.openStreams).toBe(0);
  });

  it('closes the file when the player stops reading', async () => {
    const r = await client.media(sessions.token(windowOf.officer), 'segment', bigId, undefined);
    const reader = r.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await new Promise((res) => setTimeout(res, 20));
    expect(host.openStreams).toBe(0);
  });

  it('ends a window session at logout, and answers every waiting call if the service dies', async () => {
    const out = (await ipc.invoke(apiChannel('auth.logout'), windowOf.hr, own, {})) as ApiResult<unknown>;
    expect(out).toMatchObject({ ok: true });
    expect(sessions.token(windowOf.hr)).toBeUndefined();
    const after = (await ipc.invoke(apiChannel('incidents.list'), windowOf.hr, own, {})) as ApiResult<unknown>;
    expect(after).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const [a, b] = portPair<FromBackend, ToBackend>();
    const lonely = new BackendClient(a);
    b.onMessage(() => undefined); // a service that never answers …
    const waiting = lonely.call(undefined, 'status', {});
    lonely.fail('the service process ended');
    await expect(waiting).resolves.toEqual({ result: { ok: false, error: { code: 'internal', message: 'the service process ended' } }, session: undefined });
  });
});
