/**
 * Browser mode's package transfers over real HTTP (a listening server, Node's fetch): "Verify a
 * package" uploads (a folder file by file, a zip of more than the JSON body limit), downloads of
 * a package copy as a zip and of receipts, each refused to roles the matrix does not name and to
 * requests from other sites.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, SESSION_COOKIE, packageDownloadPath, receiptDownloadPath } from '../common/api/http.js';
import type { VerifyStartView, VerifyView } from '../common/api/types.js';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { ROLES, type Role } from '../common/permissions.js';
import { listAudit } from '../db/audit.js';
import { setCamera } from '../core/cameras.js';
import type { Ctx } from '../core/context.js';
import { exportPackage, verifyPackageForSite } from '../core/exports.js';
import { recordHandover } from '../core/handover.js';
import { archiveIncident, createIncident } from '../core/incidents.js';
import { scanAll } from '../core/indexer.js';
import { addRoot } from '../core/roots.js';
import { siteKeys } from '../core/site.js';
import { addUser } from '../core/users.js';
import { samplePath } from '../fixtures/samples.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { CustodianServer } from './server.js';

const TZ = 'Europe/Stockholm';
const PASSWORD = 'package transfer password';

describe('browser mode: package uploads and downloads over HTTP', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let server: CustodianServer;
  let base = '';
  const clock: TestClock = { now: 0 };
  const cookies = {} as Record<Role, string>;
  let hr: Awaited<ReturnType<typeof exportPackage>>;
  let police: Awaited<ReturnType<typeof exportPackage>>;
  let handoverId = 0;

  const req = (role: Role | null, url: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${url}`, { ...init, headers: { ...(role ? { cookie: `${SESSION_COOKIE}=${cookies[role]}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const api = async <T>(role: Role, op: string, body: unknown): Promise<T> => {
    const r = await req(role, `/api/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const j = (await r.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!j.ok) throw new Error(`${op}: ${j.error?.message ?? ''}`);
    return j.data;
  };
  const put = (role: Role | null, url: string, bytes: Buffer, headers: Record<string, string> = {}): Promise<Response> =>
    req(role, url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...headers }, body: bytes });

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    const t0 = clock.now - 2 * DAY;
    const root = path.join(t.dir, 'rec');
    const layout = compileLayout('camera-date-time', TZ);
    for (let i = 0; i < 12; i++) {
      const start = t0 + i * 4000;
      const file = path.join(root, ...formatLayoutPath(layout, 'desk', start));
      mkdirSync(path.dirname(file), { recursive: true });
      copyFileSync(samplePath('normal'), file);
      utimesSync(file, new Date(start + 4000), new Date(start + 4000));
    }
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    setCamera(ctx, 'desk', { zone: 'staff' });
    const inc = createIncident(ctx, { reason: 'crime-against-organisation', justification: 'Stöld vid skrivbordet, polisanmäld', title: 'Stöld', fromMs: t0 + 500, toMs: t0 + 47_000, cameras: ['desk'] });
    await archiveIncident(ctx, inc.ref);
    hr = await exportPackage(ctx, inc.ref, { audience: 'hr', outDir: path.join(ctx.dataDir, 'exports', 'hr') });
    police = await exportPackage(ctx, inc.ref, { audience: 'police', outDir: path.join(ctx.dataDir, 'exports', 'police'), zip: true });
    handoverId = (await recordHandover(ctx, inc.ref, { to: 'police', reference: 'K-55', recipient: 'Insp. Holm', packageDir: police.dir })).handover.id;
    for (const role of ROLES) await addUser(ctx, { name: role, role, password: PASSWORD });
    server = new CustodianServer({ ctx, port: 0, staticDir: null });
    base = (await server.start()).url.replace(/\/$/, '');
    for (const role of ROLES) {
      const r = await fetch(`${base}/api/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: role, password: PASSWORD }) });
      const m = /custodian_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '');
      if (!m?.[1]) throw new Error(`no session for ${role}`);
      cookies[role] = m[1];
    }
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    ctx?.close();
    t?.cleanup();
  });

  it('HR uploads a package folder file by file and gets the verdict against this site\'s key', async () => {
    const s = await api<VerifyStartView>('hr', 'packages.verifyStart', { kind: 'folder', name: 'hr' });
    const walk = (rel: string): string[] => readdirSync(path.join(hr.dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]));
    for (const f of walk('')) {
      const r = await put('hr', `${s.uploadUrl}?path=${encodeURIComponent(`hr/${f}`)}`, readFileSync(path.join(hr.dir, f)));
      expect(r.status, await r.clone().text()).toBe(200);
    }
    const v = await api<VerifyView>('hr', 'packages.verifyFinish', { uploadId: s.uploadId });
    expect(v).toMatchObject({ verdict: 'valid', fingerprint: siteKeys(ctx).fingerprint, siteFingerprint: siteKeys(ctx).fingerprint, problems: [], packageId: hr.packageId, audience: 'hr' });
    expect(v.fingerprintCommand).toBe('openssl pkey -pubin -in site-public.pem -outform DER | sha256sum');
  });

  it('takes a zip larger than the JSON body limit as one streamed upload', async () => {
    const zip = readFileSync(police.zipPath as string);
    expect(zip.length).toBeGreaterThan(BODY_LIMIT_BYTES);
    const s = await api<VerifyStartView>('dpo', 'packages.verifyStart', { kind: 'zip', name: 'police.zip' });
    expect((await put('dpo', `${s.uploadUrl}?path=police.zip`, zip)).status).toBe(200);
    expect((await api<VerifyView>('dpo', 'packages.verifyFinish', { uploadId: s.uploadId })).verdict).toBe('valid');
  });

  it('refuses an upload without a session, from another site, to a path outside the package, or as JSON', async () => {
    const s = await api<VerifyStartView>('officer', 'packages.verifyStart', { kind: 'folder', name: 'x' });
    expect((await put(null, `${s.uploadUrl}?path=a.txt`, Buffer.from('x'))).status).toBe(401);
    expect((await put('officer', `${s.uploadUrl}?path=a.txt`, Buffer.from('x'), { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await put('officer', `${s.uploadUrl}?path=${encodeURIComponent('../../etc/passwd')}`, Buffer.from('x'))).status).toBe(400);
    expect((await put('hr', `${s.uploadUrl}?path=a.txt`, Buffer.from('x'))).status).toBe(404); // another session's upload
    const json = await req('officer', `${s.uploadUrl}?path=a.txt`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
  });

  it('gives the officer a held package as a zip that verifies, and logs the download; no other role', async () => {
    const r = await req('officer', packageDownloadPath(hr.packageId));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="hr\.zip"/);
    const file = path.join(t.dir, 'downloaded.zip');
    writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    expect((await verifyPackageForSite(ctx, file)).verdict).toBe('valid');
    expect(listAudit(ctx.db, { sinceMs: 0, action: 'package.downloaded', limit: 10 }).map((a) => a.actor)).toEqual(['officer']);
    for (const role of ['hr', 'dpo', 'admin'] as const) expect((await req(role, packageDownloadPath(hr.packageId))).status).toBe(403);
    expect((await req('officer', packageDownloadPath(hr.packageId), { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await req('officer', packageDownloadPath('no-such-package'))).status).toBe(404);
  });

  it('serves receipts to the officer and the DPO as PDF and HTML', async () => {
    const pdf = await req('dpo', receiptDownloadPath(handoverId, 'pdf'));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const html = await req('officer', receiptDownloadPath(handoverId, 'html'));
    expect(await html.text()).toContain('K-55');
    expect((await req('hr', receiptDownloadPath(handoverId, 'pdf'))).status).toBe(403);
    expect((await req('dpo', '/download/receipt/1.exe')).status).toBe(404);
    expect(listAudit(ctx.db, { sinceMs: 0, action: 'receipt.downloaded', limit: 10 }).map((a) => a.actor)).toEqual(['dpo', 'officer']);
  });
});
