import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../common/api/examples.js';
import { BODY_LIMIT_BYTES, CONTENT_SECURITY_POLICY, SESSION_COOKIE } from '../common/api/http.js';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { ACTIONS, ROLES, may, type Role } from '../common/permissions.js';
import { isOperationName, type GuardedOperation } from '../common/api/contract.js';
import { listAudit } from '../db/audit.js';
import { raiseAlarm } from '../core/alarms.js';
import type { Ctx } from '../core/context.js';
import { scanAll } from '../core/indexer.js';
import { addRoot } from '../core/roots.js';
import { changeSetting } from '../core/settings.js';
import { GATE_LIMITS, LoginGate } from '../core/login-gate.js';
import { addUser, disableUser, LOGIN_LIMIT } from '../core/users.js';
import { samplePath } from '../fixtures/samples.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { CustodianServer } from './server.js';

const TZ = 'Europe/Stockholm';
const PASSWORD = 'server test password';
const SECRET = 'TOP-SECRET-CONTENT-4711';

interface Res {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  rawPayload: Buffer;
  json(): unknown;
  cookies: { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string; maxAge?: number; expires?: Date }[];
}

describe('browser mode: the loopback server', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let server: CustodianServer;
  let port = 0;
  let host = '';
  const clock: TestClock = { now: 0 };
  const cookies = {} as Record<Role, string>;
  const files: string[] = [];
  let big = '';
  let segIds: number[] = [];
  let bigId = 0;
  let secretFile = '';

  const inject = async (opts: { method?: 'GET' | 'POST' | 'HEAD'; url: string; headers?: Record<string, string>; payload?: string | object; role?: Role; cookie?: string }): Promise<Res> => {
    const headers: Record<string, string> = { host, ...(opts.headers ?? {}) };
    const cookie = opts.cookie ?? (opts.role ? `${SESSION_COOKIE}=${cookies[opts.role]}` : undefined);
    if (cookie) headers.cookie = cookie;
    if (opts.payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const r = await server.app.inject({ method: opts.method ?? 'GET', url: opts.url, headers, ...(opts.payload !== undefined ? { payload: typeof opts.payload === 'string' ? opts.payload : JSON.stringify(opts.payload) } : {}) });
    return r as unknown as Res;
  };
  const api = (op: string, payload: unknown, role?: Role, headers?: Record<string, string>) => inject({ method: 'POST', url: `/api/${op}`, payload: payload as object, ...(role ? { role } : {}), ...(headers ? { headers } : {}) });
  const login = async (name: string, password: string) => {
    const r = await api('auth.login', { name, password });
    return { r, cookie: r.cookies.find((c) => c.name === SESSION_COOKIE) };
  };
  const audits = (action: string) => listAudit(ctx.db, { sinceMs: 0, action, limit: 100_000 });

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const t0 = clock.now - 2 * DAY;
    const root = path.join(t.dir, 'rec');
    const layout = compileLayout('camera-date-time', TZ);
    for (let i = 0; i < 4; i++) {
      const start = t0 + i * 4000;
      const file = path.join(root, ...formatLayoutPath(layout, 'entrance', start));
      mkdirSync(path.dirname(file), { recursive: true });
      copyFileSync(samplePath('normal'), file);
      utimesSync(file, new Date(start + 4000), new Date(start + 4000));
      files.push(file);
    }
    // A bigger file for range requests (the index does not read contents).
    big = path.join(root, ...formatLayoutPath(layout, 'lobby', t0));
    mkdirSync(path.dirname(big), { recursive: true });
    writeFileSync(big, randomBytes(3 * 1024 * 1024 + 17));
    utimesSync(big, new Date(t0 + 60_000), new Date(t0 + 60_000));
    secretFile = path.join(t.dir, 'secret.txt');
    writeFileSync(secretFile, SECRET);
    const ui = path.join(t.dir, 'ui');
    mkdirSync(path.join(ui, 'assets'), { recursive: true });
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>Custodian</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log("ui")');
    writeFileSync(path.join(ui, '.env'), SECRET);
    symlinkSync(secretFile, path.join(ui, 'leak.txt'));

    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    segIds = (ctx.db.prepare("SELECT id FROM segments WHERE camera_id = 'entrance' ORDER BY start_ms").all() as { id: number }[]).map((r) => r.id);
    bigId = (ctx.db.prepare("SELECT id FROM segments WHERE camera_id = 'lobby'").get() as { id: number }).id;
    for (const role of ROLES) await addUser(ctx, { name: role, role, password: PASSWORD });
    // The per-client back-off has its own tests (server/attacks.test.ts): here every inject() is one client.
    server = new CustodianServer({ ctx, port: 0, staticDir: ui, statusIntervalMs: 50, heartbeatMs: 100, loginGate: new LoginGate({ ...GATE_LIMITS, freeFailures: 1000 }) });
    port = (await server.start()).port;
    host = `127.0.0.1:${port}`;
    for (const role of ROLES) {
      const { cookie } = await login(role, PASSWORD);
      if (!cookie) throw new Error(`no cookie for ${role}`);
      cookies[role] = cookie.value;
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    ctx?.close();
    t?.cleanup();
  });

  it('refuses to listen anywhere but 127.0.0.1', () => {
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'localhost', '::1']) {
      expect(() => new CustodianServer({ ctx, host: h, staticDir: null })).toThrow(/only on 127\.0\.0\.1/);
    }
    expect(server.app.server.address()).toMatchObject({ address: '127.0.0.1', port });
  });

  it('logs in with an HttpOnly, SameSite=Strict session cookie and never puts the token in the body', async () => {
    const { r, cookie } = await login('officer', PASSWORD);
    expect(r.statusCode).toBe(200);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(r.body).not.toContain(cookie?.value ?? '-');
    expect(r.json()).toMatchObject({ ok: true, data: { user: { name: 'officer', role: 'officer' }, footage: true } });
    const bad = await login('officer', 'wrong wrong wrong');
    expect(bad.r.statusCode).toBe(401);
    expect(bad.r.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong user name or password.' } });
    expect(bad.cookie).toBeUndefined();
    const none = await api('status', {});
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('sets a strict Content-Security-Policy and hardening headers on pages, API answers and errors', async () => {
    for (const r of [await inject({ url: '/' }), await api('status', {}, 'officer'), await api('status', {}), await inject({ url: '/nope', headers: { host: 'evil.example' } })]) {
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect((await api('status', {}, 'officer')).headers['cache-control']).toBe('no-store');
  });

  describe('the role × operation matrix over HTTP, generated from the matrix', () => {
    const ops = (ACTIONS.filter((a) => isOperationName(a) && a !== 'auth.logout') as GuardedOperation[]).sort();
    for (const role of ROLES) {
      it(`${role}: exactly its operations are allowed`, async () => {
        for (const op of ops) {
          const r = await api(op, EXAMPLES[op], role);
          const body = r.json() as { ok: boolean; error?: { code: string } };
          if (may(role, op)) {
            expect([op, r.statusCode === 403 ? 'forbidden' : 'not forbidden']).toEqual([op, 'not forbidden']);
            if (!body.ok) expect([op, body.error?.code]).toEqual([op, expect.stringMatching(/^(not_found|conflict)$/)]);
          } else {
            expect([op, r.statusCode, body]).toEqual([op, 403, { ok: false, error: { code: 'forbidden', message: `The ${role} role may not use ${op}.`, msg: { key: 'server:roleMayNot', params: { role, operation: op } } } }]);
          }
        }
      });
    }
  });

  it('refuses a wrong Host (DNS rebinding) and a foreign Origin or site, before doing anything', async () => {
    const before = audits('login.failed').length + audits('login.succeeded').length;
    for (const h of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.2:${port}`, '']) {
      const r = await inject({ method: 'POST', url: '/api/auth.login', payload: { name: 'officer', password: PASSWORD }, headers: { host: h } });
      expect([h, r.statusCode]).toEqual([h, 421]);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(r.cookies).toHaveLength(0);
    }
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://127.0.0.1:${port}`]) {
      const r = await inject({ method: 'POST', url: '/api/auth.login', payload: { name: 'officer', password: PASSWORD }, headers: { origin } });
      expect([origin, r.statusCode]).toEqual([origin, 403]);
      expect(r.cookies).toHaveLength(0);
    }
    for (const site of ['cross-site', 'same-site']) {
      for (const url of [`/media/segment/${segIds[0]}`, `/%6Dedia/segment/${segIds[0]}`, `/medi%61/segment/${segIds[0]}`]) {
        const r = await inject({ url, role: 'officer', headers: { 'sec-fetch-site': site } });
        expect([url, r.statusCode]).toEqual([url, 403]);
        expect(r.rawPayload.includes(Buffer.from('ftyp'))).toBe(false);
      }
      const post = await inject({ method: 'POST', url: '/%61pi/session.me', payload: {}, role: 'officer', headers: { 'sec-fetch-site': site } });
      expect(post.statusCode).toBe(403);
    }
    expect(audits('login.failed').length + audits('login.succeeded').length).toBe(before);
    // Our own origin, as the browser sends it, is fine.
    const own = await inject({ method: 'POST', url: '/api/session.me', payload: {}, role: 'hr', headers: { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' } });
    expect(own.statusCode).toBe(200);
  });

  it('refuses malformed JSON, other content types and oversized bodies with invalid_request', async () => {
    const bad = await inject({ method: 'POST', url: '/api/holds.list', payload: '{"all": tru', role: 'officer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: 'The request body is not valid JSON.' } });
    const proto = await inject({ method: 'POST', url: '/api/holds.list', payload: '{"__proto__": {"x": 1}}', role: 'officer' });
    expect(proto.statusCode).toBe(400);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await inject({ method: 'POST', url: '/api/auth.login', payload: 'name=officer&password=x', headers: { 'content-type': type } });
      expect([type, r.statusCode]).toEqual([type, 415]);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    const huge = await api('holds.add', { cameras: ['entrance'], from: 0, to: 1, reason: 'x'.repeat(BODY_LIMIT_BYTES) }, 'officer');
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/larger than/) } });
    expect((await api('holds.list', { all: 'yes' }, 'officer')).json()).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await api('no.such.thing', {}, 'officer')).statusCode).toBe(404);
  });

  it('streams footage by range, exactly the bytes asked for, to the roles that may see it', async () => {
    const bytes = readFileSync(big);
    const size = bytes.length;
    const full = await inject({ url: `/media/segment/${bigId}`, role: 'officer' });
    expect(full.statusCode).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(Buffer.compare(full.rawPayload, bytes)).toBe(0);
    const cases: [string, number, number][] = [
      ['bytes=0-0', 0, 0],
      ['bytes=100-199', 100, 199],
      ['bytes=1048576-2097151', 1048576, 2097151],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ['bytes=-1000', size - 1000, size - 1],
      [`bytes=5-${size + 500}`, 5, size - 1],
    ];
    for (const [range, a, b] of cases) {
      const r = await inject({ url: `/media/segment/${bigId}`, role: 'officer', headers: { range } });
      expect([range, r.statusCode]).toEqual([range, 206]);
      expect(r.headers['content-range']).toBe(`bytes ${a}-${b}/${size}`);
      expect(Number(r.headers['content-length'])).toBe(b - a + 1);
      expect(Buffer.compare(r.rawPayload, bytes.subarray(a, b + 1))).toBe(0);
    }
    const past = await inject({ url: `/media/segment/${bigId}`, role: 'officer', headers: { range: `bytes=${size}-` } });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${size}`);
    const multi = await inject({ url: `/media/segment/${bigId}`, role: 'officer', headers: { range: 'bytes=0-1,5-6' } });
    expect(multi.statusCode).toBe(200);
    expect(multi.rawPayload.length).toBe(size);
    const head = await inject({ method: 'HEAD', url: `/media/segment/${bigId}`, role: 'officer' });
    expect(head.statusCode).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(size);

    for (const role of ROLES.filter((r) => !may(r, 'footage.view'))) {
      const r = await inject({ url: `/media/segment/${bigId}`, role, headers: { range: 'bytes=0-99' } });
      expect([role, r.statusCode]).toEqual([role, 403]);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(r.rawPayload.includes(bytes.subarray(0, 32))).toBe(false);
    }
    expect((await inject({ url: `/media/segment/${bigId}` })).statusCode).toBe(401);
    // Viewed once by the officer in this session: one audit event, however many ranges.
    const viewed = audits('footage.viewed').filter((a) => JSON.parse(a.details).segment === bigId);
    expect(viewed.map((a) => a.actor)).toEqual(['officer']);
  });

  it('path traversal in playback and static requests is refused and nothing leaks', async () => {
    const attempts = [
      '/media/segment/..%2F..%2Fsecret.txt',
      '/media/segment/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/media/segment/%2e%2e/%2e%2e/secret.txt',
      '/media/../secret.txt',
      '/media/segment/../../secret.txt',
      `/media/segment/${encodeURIComponent(secretFile)}`,
      `/media/segment/${secretFile}`,
      `/media/${encodeURIComponent(secretFile)}`,
      '/media//etc/passwd',
      '/media/segment/1%00',
      `/media/segment/${segIds[0]}%2F..%2F..%2Fsecret.txt`,
      `/media/clip/..%2F..%2F..%2Fsecret.txt`,
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/leak.txt',
      '/.env',
      `/${secretFile}`,
      `//${secretFile}`,
    ];
    for (const url of attempts) {
      const r = await inject({ url, role: 'officer', headers: { accept: 'text/html' } });
      expect([url, r.statusCode >= 400 || r.body.startsWith('<!doctype html><title>Custodian')]).toEqual([url, true]);
      expect([url, r.body.includes(SECRET)]).toEqual([url, false]);
      expect([url, r.body.includes(t.dir)]).toEqual([url, false]);
    }
    // A segment file swapped for a symbolic link to a file outside the root.
    const victim = files[3] as string;
    renameSync(victim, `${victim}.keep`);
    symlinkSync(secretFile, victim);
    try {
      const r = await inject({ url: `/media/segment/${segIds[3]}`, role: 'officer' });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(r.body).not.toContain(SECRET);
      expect(r.body).not.toContain(t.dir);
    } finally {
      rmSync(victim);
      renameSync(`${victim}.keep`, victim);
    }
    expect((await inject({ url: `/media/segment/${segIds[3]}`, role: 'officer' })).statusCode).toBe(200);
  });

  it('serves the UI: index.html for pages, its assets, 404 for the rest', async () => {
    const index = await inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>Custodian</title>');
    const route = await inject({ url: '/incidents/INC-2026-0001', headers: { accept: 'text/html' } });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>Custodian</title>');
    expect((await inject({ url: '/assets/app.js' })).body).toBe('console.log("ui")');
    expect((await inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
  });

  it('ends a session after the idle time and for a disabled user; a locked account stays locked over HTTP', async () => {
    changeSetting(ctx, 'sessionIdleMinutes', 5);
    const { cookie } = await login('dpo', PASSWORD);
    const c = `${SESSION_COOKIE}=${cookie?.value ?? ''}`;
    expect((await inject({ method: 'POST', url: '/api/session.me', payload: {}, cookie: c })).statusCode).toBe(200);
    clock.now += 6 * 60_000;
    const expired = await inject({ method: 'POST', url: '/api/session.me', payload: {}, cookie: c });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/5 minutes without use/) } });
    expect(expired.cookies.find((k) => k.name === SESSION_COOKIE)?.value).toBe(''); // the cookie is cleared
    changeSetting(ctx, 'sessionIdleMinutes', 30);
    // The other sessions were idle as long: log everyone in again.
    for (const role of ROLES) cookies[role] = (await login(role, PASSWORD)).cookie?.value ?? '';

    await addUser(ctx, { name: 'temp', role: 'officer', password: PASSWORD });
    const tmp = `${SESSION_COOKIE}=${(await login('temp', PASSWORD)).cookie?.value ?? ''}`;
    expect((await inject({ url: `/media/segment/${segIds[0]}`, cookie: tmp, headers: { range: 'bytes=0-3' } })).statusCode).toBe(206);
    disableUser(ctx, 'temp');
    expect((await inject({ url: `/media/segment/${segIds[0]}`, cookie: tmp, headers: { range: 'bytes=0-3' } })).statusCode).toBe(401);
    expect((await login('temp', PASSWORD)).r.statusCode).toBe(401);

    await addUser(ctx, { name: 'guessed', role: 'hr', password: PASSWORD });
    for (let i = 0; i < LOGIN_LIMIT.maxFailures; i++) expect((await login('guessed', `guess number ${i}`)).r.statusCode).toBe(401);
    const locked = await login('guessed', PASSWORD);
    expect(locked.r.statusCode).toBe(401);
    expect(locked.r.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/^Too many failed logins for this name: try again after \d\d:\d\d/) } });
    expect(locked.cookie).toBeUndefined();
  });

  it('over a real socket: login, API, range and server-sent events; stop closes everything it opened', async () => {
    const base = `http://127.0.0.1:${port}`;
    const lr = await fetch(`${base}/api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'officer', password: PASSWORD }) });
    expect(lr.status).toBe(200);
    const setCookie = lr.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0] ?? '';
    const st = await fetch(`${base}/api/status`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    expect(((await st.json()) as { data: { cameras: { id: string }[] } }).data.cameras.map((c) => c.id)).toEqual(['entrance', 'lobby']);
    const part = await fetch(`${base}/media/segment/${bigId}`, { headers: { cookie, range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), readFileSync(big).subarray(1000, 2000))).toBe(0);

    // Events: the status on connecting, a new status when something changes, then the end.
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
    const ev = await fetch(`${base}/api/events`, { headers: { cookie } });
    expect(ev.status).toBe(200);
    expect(ev.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(ev.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const reader = (ev.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = async (re: RegExp): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!re.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${re} in ${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
    };
    await until(/event: status\ndata: \{[^\n]*"alarms":0/);
    raiseAlarm(ctx, { kind: 'disk-full', key: 'disk-full:test', message: 'The archive disk is nearly full.' });
    await until(/event: status\ndata: \{[^\n]*"alarms":1/);
    await server.stop();
    await until(/event: session-ended/);
    const { done } = await reader.read();
    expect(done).toBe(true);
    await expect(fetch(`${base}/api/status`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' })).rejects.toThrow();
    // Started again on the same port for whatever runs after.
    server = new CustodianServer({ ctx, port, staticDir: path.join(t.dir, 'ui') });
    await server.start();
  });
});
