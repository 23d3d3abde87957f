import { copyFileSync, mkdirSync, readdirSync, readFileSync, readSync, closeSync, rmSync, symlinkSync, utimesSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES, isOperationName, isPublicOperation, type GuardedOperation } from '../../common/api/contract.js';
import { EXAMPLES } from '../../common/api/examples.js';
import type { ApiEvent, ApiResult } from '../../common/api/types.js';
import { compileLayout, formatLayoutPath } from '../../common/layout.js';
import { ACTIONS, PERMISSIONS, ROLES, may, type Role } from '../../common/permissions.js';
import { listAudit } from '../../db/audit.js';
import { samplePath } from '../../fixtures/samples.js';
import { DAY, tempDir, testCtx, type TestClock } from '../../test/helpers.js';
import { verifyAuditChain } from '../audit.js';
import type { Ctx } from '../context.js';
import { scanAll } from '../indexer.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';
import { CustodianApi } from './api.js';
import { loginEveryRole } from './test-logins.js';

const TZ = 'Europe/Stockholm';
const PASSWORD = 'matrix test password';

/** A recorder with `count` real 4-second H.264 segments of camera "entrance" from t0. */
function makeRecorder(root: string, t0: number, count: number): string[] {
  const layout = compileLayout('camera-date-time', TZ);
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = t0 + i * 4000;
    const file = path.join(root, ...formatLayoutPath(layout, 'entrance', start));
    mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(samplePath('normal'), file);
    utimesSync(file, new Date(start + 4000), new Date(start + 4000));
    files.push(file);
  }
  return files;
}

describe('the API in core: permissions, parsing, audit', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let api: CustodianApi;
  let files: string[];
  const clock: TestClock = { now: 0 };
  let t0 = 0;
  const tokens = {} as Record<Role, string>;
  const call = async (role: Role | null, op: string, body: unknown): Promise<ApiResult<unknown>> => (await api.call(role ? tokens[role] : undefined, op, body)).result;
  const ok = async <T>(role: Role, op: string, body: unknown): Promise<T> => {
    const r = await call(role, op, body);
    if (!r.ok) throw new Error(`${op} as ${role}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  const audits = (action: string) => listAudit(ctx.db, { sinceMs: 0, action, limit: 10_000 });

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    t0 = clock.now - 3 * DAY;
    const root = path.join(t.dir, 'rec');
    files = makeRecorder(root, t0, 6);
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    changeSetting(ctx, 'massDeletionShare', 1);
    scanAll(ctx);
    api = new CustodianApi(ctx);
    Object.assign(tokens, await loginEveryRole(ctx, api, PASSWORD));
  }, 120_000);
  afterAll(() => {
    api?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('every operation that needs a session is in the matrix, and only those', () => {
    const guarded = OPERATION_NAMES.filter((op) => !isPublicOperation(op));
    // Besides the operations: what travels outside the JSON calls (footage, package zips, receipts).
    expect(new Set(ACTIONS)).toEqual(new Set([...guarded, 'footage.view', 'packages.download', 'receipts.download']));
    expect(OPERATION_NAMES.filter(isPublicOperation)).toEqual(['auth.login']);
  });

  describe('the whole role × operation matrix, generated from it', () => {
    const ops = (ACTIONS.filter((a) => isOperationName(a) && a !== 'auth.logout') as GuardedOperation[]).sort();
    for (const role of ROLES) {
      for (const op of ops) {
        const allowed = may(role, op);
        it(`${role} ${allowed ? 'may' : 'may not'} ${op}`, async () => {
          const r = await call(role, op, EXAMPLES[op]);
          if (allowed) {
            // Permitted, parsed, and answered (or refused for what the example names: not_found, conflict).
            if (!r.ok) expect(['not_found', 'conflict']).toContain(r.error.code);
          } else {
            expect(r).toMatchObject({ ok: false, error: { code: 'forbidden', message: `The ${role} role may not use ${op}.` } });
          }
        });
      }
    }
    it('without a session every guarded operation is unauthenticated, before anything else', async () => {
      for (const op of [...ops, 'auth.logout' as const]) {
        const r = await call(null, op, EXAMPLES[op]);
        expect(r.ok ? 'ok' : r.error.code).toBe('unauthenticated');
      }
    });
    it('footage: only the roles the matrix names may stream it', () => {
      for (const role of ROLES) {
        const seg = ctx.db.prepare('SELECT id FROM segments ORDER BY start_ms LIMIT 1').get() as { id: number };
        if (may(role, 'footage.view')) {
          const f = api.openFootage(tokens[role], 'segment', seg.id);
          closeSync(f.fd);
        } else {
          expect(() => api.openFootage(tokens[role], 'segment', seg.id)).toThrow(expect.objectContaining({ code: 'forbidden' }));
        }
      }
      expect(PERMISSIONS['footage.view']).toEqual(['officer']);
    });
  });

  it('refuses malformed requests with invalid_request and a sentence saying what is wrong', async () => {
    expect(await call('officer', 'holds.add', { cameras: [], from: 'x', to: 'y', reason: 'r', extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const r = await call('officer', 'segments.list', { camera: 'entrance', from: true, to: 5 });
    expect(r.ok ? '' : r.error.message).toMatch(/^The request is not valid: from: /);
    expect(await call('officer', 'segments.list', 'not an object')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await call('officer', 'segments.list', { camera: 'entrance', from: 'yesterday', to: 'today' })).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/not a date-time/) } });
    expect(await call('officer', 'no.such.op', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('officer', '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('officer', 'toString', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Permission is checked before the request is even parsed: a forbidden caller learns nothing.
    expect(await call('hr', 'holds.add', { nonsense: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('segments of a camera in a range come with holds, the retention line and held flags', async () => {
    const hold = await ok<{ id: number }>('officer', 'holds.add', { cameras: ['entrance'], from: t0 + 4000, to: t0 + 8000, reason: 'keep the second segment' });
    const v = await ok<{ segments: { id: number; startMs: number; held: boolean }[]; holds: { id: number }[]; retentionCutoffMs: number; truncated: boolean }>('dpo', 'segments.list', {
      camera: 'entrance',
      from: t0,
      to: t0 + 60_000,
    });
    expect(v.segments.map((s) => s.startMs)).toEqual([0, 1, 2, 3, 4, 5].map((i) => t0 + i * 4000));
    expect(v.segments.map((s) => s.held)).toEqual([false, true, false, false, false, false]);
    expect(v.holds.map((h) => h.id)).toEqual([hold.id]);
    expect(v.retentionCutoffMs).toBeLessThan(t0);
    expect(v.truncated).toBe(false);
    expect((await ok<{ segments: unknown[]; truncated: boolean }>('officer', 'segments.list', { camera: 'entrance', from: t0, to: t0 + 60_000, limit: 2 })).truncated).toBe(true);
    expect(await call('officer', 'segments.list', { camera: 'entrance', from: t0, to: t0 + 40 * DAY })).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/31 days/) } });
    expect(await call('officer', 'segments.list', { camera: 'nope', from: t0, to: t0 + 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await ok('officer', 'holds.release', { id: hold.id, reason: 'no longer needed' });
    expect(audits('hold.added').at(-1)?.actor).toBe('officer');
    expect(audits('hold.released').at(-1)?.actor).toBe('officer');
  });

  it('a playback URL is given only for footage that can be streamed, and each viewing is audit-logged with the user once per session', async () => {
    // The third segment: not viewed in this session yet.
    const seg = ctx.db.prepare('SELECT id FROM segments ORDER BY start_ms LIMIT 1 OFFSET 2').get() as { id: number };
    const before = audits('footage.viewed').length;
    const p = await ok<{ url: string; size: number; contentType: string; camera: string }>('officer', 'playback.url', { kind: 'segment', id: seg.id });
    expect(p).toMatchObject({ url: `/media/segment/${seg.id}`, contentType: 'video/mp4', camera: 'entrance', size: readFileSync(files[2] as string).length });
    const f = api.openFootage(tokens.officer, 'segment', seg.id);
    const buf = Buffer.alloc(8);
    readSync(f.fd, buf, 0, 8, 0);
    closeSync(f.fd);
    expect(buf.subarray(4, 8).toString()).toBe('ftyp');
    const viewed = audits('footage.viewed').slice(before);
    expect(viewed).toHaveLength(1);
    expect(viewed[0]?.actor).toBe('officer');
    expect(JSON.parse(viewed[0]?.details ?? '{}')).toMatchObject({ segment: seg.id, camera: 'entrance' });
    expect(await call('officer', 'playback.url', { kind: 'segment', id: 424242 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(verifyAuditChain(ctx.db).ok).toBe(true);
  });

  it('footage reached through a symbolic link is refused, whether the file or a folder is the link', async () => {
    const secret = path.join(t.dir, 'secret.mp4');
    writeFileSync(secret, 'SECRET-BYTES');
    const rows = ctx.db.prepare('SELECT id FROM segments ORDER BY start_ms').all() as { id: number }[];
    const victim = files[5] as string;
    const keep = `${victim}.keep`;
    renameSync(victim, keep);
    symlinkSync(secret, victim);
    try {
      expect(() => api.openFootage(tokens.officer, 'segment', rows[5]?.id ?? 0)).toThrow(expect.objectContaining({ code: 'forbidden', message: expect.stringMatching(/symbolic link/) }));
      expect(await call('officer', 'playback.url', { kind: 'segment', id: rows[5]?.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      rmSync(victim);
      renameSync(keep, victim);
    }
    // A date folder swapped for a link to a folder outside the root holding a file of the same name.
    const dateDir = path.dirname(victim);
    const outside = path.join(t.dir, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, path.basename(victim)), 'SECRET-BYTES');
    renameSync(dateDir, `${dateDir}.keep`);
    symlinkSync(outside, dateDir);
    try {
      expect(() => api.openFootage(tokens.officer, 'segment', rows[5]?.id ?? 0)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    } finally {
      rmSync(dateDir);
      renameSync(`${dateDir}.keep`, dateDir);
    }
    const f = api.openFootage(tokens.officer, 'segment', rows[5]?.id ?? 0);
    closeSync(f.fd);
  });

  it('an incident made, archived (with progress events), shown, played and closed through the API; HR sees none of it', async () => {
    const events: ApiEvent[] = [];
    const unsubscribe = api.subscribe(tokens.officer, (e) => events.push(e));
    const inc = await ok<{ ref: string; status: string }>('officer', 'incidents.create', {
      reason: 'crime-on-premises',
      justification: 'Skadegörelse i entrén, polisanmälan gjord',
      title: 'Skadegörelse',
      from: t0 + 2000,
      to: t0 + 14_000,
      cameras: ['entrance'],
    });
    expect(inc.status).toBe('open');
    const detail = await ok<{ status: string; clips: { id: number; status: string; sha256: string }[] }>('officer', 'incidents.archive', { ref: inc.ref });
    unsubscribe();
    expect(detail.status).toBe('archived');
    expect(detail.clips.length).toBeGreaterThan(0);
    const progress = events.filter((e): e is Extract<ApiEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ task: 'archive', ref: inc.ref, fraction: 1 });
    expect(events[0]?.type).toBe('status'); // who may see the status gets it on subscribing

    const clip = detail.clips[0] as { id: number };
    const p = await ok<{ url: string; kind: string }>('officer', 'playback.url', { kind: 'clip', id: clip.id });
    expect(p.url).toBe(`/media/clip/${clip.id}`);
    expect(JSON.parse(audits('footage.viewed').at(-1)?.details ?? '{}')).toMatchObject({ clip: clip.id });

    expect((await ok<{ incidents: { ref: string }[] }>('dpo', 'incidents.list', {})).incidents.map((i) => i.ref)).toContain(inc.ref);
    expect((await ok<{ incidents: unknown[] }>('hr', 'incidents.list', {})).incidents).toEqual([]);
    expect(await call('hr', 'incidents.show', { ref: inc.ref })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('dpo', 'incidents.close', { ref: inc.ref, reason: 'the DPO may not do this' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const closed = await ok<{ status: string; deleted: number }>('officer', 'incidents.close', { ref: inc.ref, reason: 'settled without a police report' });
    expect(closed).toMatchObject({ status: 'deleted', deleted: detail.clips.length });
    expect(audits('incident.closed').at(-1)?.actor).toBe('officer');
    const log = await ok<{ deletions: { incident: string | null; kind: string }[] }>('dpo', 'logs.deletions', {});
    expect(log.deletions.filter((d) => d.incident === inc.ref && d.kind === 'clip')).toHaveLength(detail.clips.length);
  });

  it('export and handover through the API: the package stays inside the data folder, HR then sees exactly the incident handed to HR', async () => {
    await ok('admin', 'cameras.set', { id: 'entrance', zone: 'staff' });
    const make = async (title: string) =>
      (await ok<{ ref: string }>('officer', 'incidents.create', { reason: 'crime-against-organisation', justification: 'Stöld ur personalrummet, anmäld', title, from: t0 + 1000, to: t0 + 9000, cameras: ['entrance'] })).ref;
    const toHr = await make('Till HR');
    const toPolice = await make('Till polisen');
    for (const ref of [toHr, toPolice]) await ok('officer', 'incidents.archive', { ref });
    const events: ApiEvent[] = [];
    const off = api.subscribe(tokens.officer, (e) => events.push(e));
    const pkg = await ok<{ packageId: string; dir: string; files: number }>('officer', 'exports.create', { ref: toHr, audience: 'hr' });
    off();
    expect(pkg.files).toBeGreaterThan(0);
    expect(pkg.dir.startsWith(path.join(ctx.dataDir, 'exports') + path.sep)).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.task === 'export' && e.ref === toHr)).toBe(true);
    expect(audits('export').at(-1)?.actor).toBe('officer');
    expect(await call('officer', 'handover.record', { ref: toHr, to: 'hr', packageId: pkg.packageId, recipient: 'x', reference: 'HR-1' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const h = await ok<{ incident: { status: string }; handover: { to: string; recordedBy: string }; deleted: number }>('officer', 'handover.record', {
      ref: toHr,
      to: 'hr',
      packageId: pkg.packageId,
      recipient: 'Eva Ek',
      reference: 'HR-2026-17',
    });
    // Handed over, then its archived material deleted at once (POLICY P5).
    expect(h).toMatchObject({ incident: { status: 'deleted' }, handover: { to: 'hr', recordedBy: 'officer' } });
    expect(h.deleted).toBeGreaterThan(0);
    const police = await ok<{ packageId: string }>('officer', 'exports.create', { ref: toPolice, audience: 'police' });
    await ok('officer', 'handover.record', { ref: toPolice, to: 'police', packageId: police.packageId, recipient: 'Insp. Berg', reference: 'K-123456-26' });

    expect((await ok<{ incidents: { ref: string }[] }>('hr', 'incidents.list', {})).incidents.map((i) => i.ref)).toEqual([toHr]);
    expect((await ok<{ ref: string; status: string }>('hr', 'incidents.show', { ref: toHr })).status).toBe('deleted');
    expect(await call('hr', 'incidents.show', { ref: toPolice })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const log = await ok<{ handovers: { incident: string; to: string }[] }>('dpo', 'logs.handovers', {});
    expect(log.handovers.map((x) => [x.incident, x.to])).toEqual([
      [toHr, 'hr'],
      [toPolice, 'police'],
    ]);
    const report = await ok<{ verdicts: { clause: string }[]; handovers: unknown[] }>('dpo', 'reports.compliance', {});
    expect(report.verdicts.map((v) => v.clause)).toEqual(['P2', 'P4', 'P5', 'P7', 'G1']);
    expect(report.handovers).toHaveLength(2);
  });

  it('two recipients through the API: each package handed over on its own, downloads and receipts, "verify a package" as HR', async () => {
    const ref = (await ok<{ ref: string }>('officer', 'incidents.create', { reason: 'crime-against-organisation', justification: 'Stöld ur personalrummet, polisanmäld', title: 'Två mottagare', from: t0 + 1000, to: t0 + 9000, cameras: ['entrance'] })).ref;
    await ok('officer', 'incidents.archive', { ref });
    const police = await ok<{ packageId: string; dir: string; zipPath: string | null; fingerprint: string; location: string }>('officer', 'exports.create', { ref, audience: 'police', zip: true });
    const hr = await ok<{ packageId: string; dir: string; fingerprint: string }>('officer', 'exports.create', { ref, audience: 'hr' });
    expect(police.location).toBe('data');
    type Detail = { status: string; packages: { packageId: string; audience: string; state: string; fingerprint: string | null; held: boolean; handover: { id: number; reference: string } | null }[]; clips: { path: string }[] };
    let d = await ok<Detail>('officer', 'incidents.show', { ref });
    expect(d.packages.map((x) => `${x.audience}:${x.state}:${x.fingerprint === police.fingerprint}:${x.held}`)).toEqual(['police:pending:true:true', 'hr:pending:true:true']);

    const ph = await ok<{ materialDeleted: boolean; pending: { audience: string }[]; handover: { id: number; keyFingerprint: string } }>('officer', 'handover.record', { ref, to: 'police', packageId: police.packageId, recipient: 'Insp. Berg', reference: 'K-2026-77' });
    expect(ph).toMatchObject({ materialDeleted: false, pending: [{ audience: 'hr' }], handover: { keyFingerprint: police.fingerprint } });
    d = await ok<Detail>('officer', 'incidents.show', { ref });
    expect(d.status).toBe('archived');
    expect(d.packages.map((x) => `${x.audience}:${x.state}`)).toEqual(['police:handed-over', 'hr:pending']);

    // The officer downloads the packages Custodian holds, as zips that verify; each download is logged.
    const save = async (stream: NodeJS.ReadableStream, name: string): Promise<string> => {
      const file = path.join(t.dir, name);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
      writeFileSync(file, Buffer.concat(chunks));
      return file;
    };
    const { verifyPackage } = await import('../../native/package-verify.js');
    const site = [{ fingerprint: police.fingerprint, source: 'site' as const }];
    const policeZip = await save(api.openPackageDownload(tokens.officer, police.packageId).stream, 'police-download.zip');
    expect((await verifyPackage(policeZip, site)).verdict).toBe('valid');
    const hrZip = await save(api.openPackageDownload(tokens.officer, hr.packageId).stream, 'hr-download.zip'); // no zip was made: zipped as it streams
    const hrCheck = await verifyPackage(hrZip, site);
    expect(hrCheck.problems).toEqual([]);
    expect(hrCheck.verdict).toBe('valid');
    expect(audits('package.downloaded').map((a) => JSON.parse(a.details).package)).toEqual([police.packageId, hr.packageId]);
    for (const role of ['hr', 'dpo', 'admin'] as const) expect(() => api.openPackageDownload(tokens[role], hr.packageId)).toThrow(expect.objectContaining({ code: 'forbidden' }));

    // HR checks the package it was given, file by file, against this site's key; a changed page is named.
    const upload = async (role: Role, dir: string, change?: string): Promise<{ verdict: string; fingerprint: string | null; problems: { file: string; kind: string }[]; known: { state: string } | null }> => {
      const s = await ok<{ uploadId: string; uploadUrl: string }>(role, 'packages.verifyStart', { kind: 'folder', name: 'paket' });
      expect(s.uploadUrl).toBe(`/upload/${s.uploadId}`);
      const { Readable } = await import('node:stream');
      const walk = (rel: string): string[] => readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(rel, e.name)) : [path.join(rel, e.name)]));
      for (const f of walk('')) {
        let bytes = readFileSync(path.join(dir, f));
        if (f === change) bytes = Buffer.concat([bytes, Buffer.from('<!-- changed -->')]);
        await api.receiveUpload(tokens[role], s.uploadId, `paket/${f.split(path.sep).join('/')}`, Readable.from([bytes]));
      }
      return ok(role, 'packages.verifyFinish', { uploadId: s.uploadId });
    };
    const good = await upload('hr', hr.dir);
    expect(good).toMatchObject({ verdict: 'valid', fingerprint: hr.fingerprint, problems: [], known: { state: 'pending' } });
    const bad = await upload('hr', hr.dir, 'index.html');
    expect(bad.verdict).toBe('invalid');
    expect(bad.problems.map((p) => `${p.kind} ${p.file}`)).toContain('changed index.html');
    const zipUp = await ok<{ uploadId: string }>('dpo', 'packages.verifyStart', { kind: 'zip', name: 'police.zip' });
    const { Readable } = await import('node:stream');
    await api.receiveUpload(tokens.dpo, zipUp.uploadId, 'police.zip', Readable.from([readFileSync(policeZip)]));
    expect(await call('hr', 'packages.verifyFinish', { uploadId: zipUp.uploadId })).toMatchObject({ ok: false, error: { code: 'not_found' } }); // another session's
    expect((await ok<{ verdict: string }>('dpo', 'packages.verifyFinish', { uploadId: zipUp.uploadId })).verdict).toBe('valid');
    expect(readdirSync(path.join(ctx.dataDir, 'verify-uploads'))).toEqual([]); // the uploaded zip is gone
    expect(audits('package.verified').length).toBe(3);

    const hh = await ok<{ materialDeleted: boolean; pending: unknown[]; failed: unknown[] }>('officer', 'handover.record', { ref, to: 'hr', packageId: hr.packageId, recipient: 'Eva Ek', reference: 'HR-2026-31' });
    expect(hh).toMatchObject({ materialDeleted: true, pending: [], failed: [] });
    d = await ok<Detail>('officer', 'incidents.show', { ref });
    expect(d.status).toBe('deleted');
    expect(d.packages.every((x) => !x.held && x.state === 'handed-over')).toBe(true);
    expect(() => readFileSync(path.join(police.dir, 'manifest.json'))).toThrow(/ENOENT/);
    expect(() => api.openPackageDownload(tokens.officer, police.packageId)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(await call('officer', 'packages.discard', { packageId: hr.packageId, reason: 'too late to discard this one' })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Receipts stay downloadable for the officer and the DPO; not for HR.
    for (const x of d.packages) {
      const id = x.handover?.id ?? 0;
      expect((await api.openReceipt(tokens.dpo, id, 'pdf')).contentType).toBe('application/pdf');
      expect(readFileSync((await api.openReceipt(tokens.officer, id, 'html')).path, 'utf8')).toContain(x.handover?.reference ?? '?');
      await expect(api.openReceipt(tokens.hr, id, 'pdf')).rejects.toMatchObject({ code: 'forbidden' });
    }
    // HR sees the incident, and only HR's package.
    const hrView = await ok<Detail>('hr', 'incidents.show', { ref });
    expect(hrView.packages.map((x) => x.audience)).toEqual(['hr']);
    expect(JSON.stringify(hrView)).not.toContain('K-2026-77');
  }, 120_000);

  it('the deletion log comes a page at a time', async () => {
    type Page = { deletions: { id: number }[]; next: { at: number; id: number } | null };
    const all = await ok<Page>('dpo', 'logs.deletions', {});
    expect(all.deletions.length).toBeGreaterThan(0);
    expect(all.next).toBeNull();
    const first = await ok<Page>('dpo', 'logs.deletions', { limit: 1 });
    if (all.deletions.length > 1) {
      expect(first.next?.id).toBe(first.deletions[0]?.id);
      const rest = await ok<Page>('dpo', 'logs.deletions', { after: first.next ?? { at: 0, id: 0 } });
      expect([...first.deletions, ...rest.deletions].map((d) => d.id)).toEqual(all.deletions.map((d) => d.id));
    }
  });

  it('users through the API: added, re-roled and disabled by an admin, each change logged under the admin', async () => {
    const u = await ok<{ name: string; role: string }>('admin', 'users.add', { name: 'eva', role: 'hr', password: 'eva has a long password' });
    expect(u).toMatchObject({ name: 'eva', role: 'hr' });
    expect(await call('admin', 'users.add', { name: 'eva2', role: 'hr', password: 'short' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect((await ok<{ role: string }>('admin', 'users.setRole', { name: 'eva', role: 'dpo' })).role).toBe('dpo');
    const login = await api.call(undefined, 'auth.login', { name: 'eva', password: 'eva has a long password' });
    const evaToken = login.session && 'set' in login.session ? login.session.set : '';
    expect((await api.call(evaToken, 'session.me', {})).result).toMatchObject({ ok: true, data: { user: { name: 'eva', role: 'dpo' }, footage: false } });
    expect((await ok<{ disabled: boolean }>('admin', 'users.disable', { name: 'eva' })).disabled).toBe(true);
    expect((await api.call(evaToken, 'session.me', {})).result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(audits('user.disabled').at(-1)?.actor).toBe('admin');
    const users = await ok<{ users: { name: string }[] }>('dpo', 'users.list', {});
    expect(users.users.map((x) => x.name)).toEqual(['admin', 'dpo', 'eva', 'hr', 'officer']);
  });

  it('session.me tells each role what it may do; logout ends only that session', async () => {
    for (const role of ROLES) {
      const me = await ok<{ user: { role: string }; operations: string[]; footage: boolean }>(role, 'session.me', {});
      expect(me.user.role).toBe(role);
      expect(me.footage).toBe(may(role, 'footage.view'));
      expect(new Set(me.operations)).toEqual(new Set(ACTIONS.filter((a) => a !== 'footage.view' && may(role, a))));
    }
    const extra = await api.call(undefined, 'auth.login', { name: 'hr', password: PASSWORD });
    const token = extra.session && 'set' in extra.session ? extra.session.set : '';
    const out = await api.call(token, 'auth.logout', {});
    expect(out).toEqual({ result: { ok: true, data: { loggedOut: true } }, session: { clear: true } });
    expect((await api.call(token, 'session.me', {})).result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect((await call('hr', 'session.me', {})).ok).toBe(true);
  });

  it('settings through the API: an admin changes site settings, but not which programs run or where the archive is', async () => {
    expect(await ok('admin', 'settings.set', { key: 'sessionIdleMinutes', value: 45 })).toEqual({ key: 'sessionIdleMinutes', value: 45 });
    expect(await call('admin', 'settings.set', { key: 'sessionIdleMinutes', value: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    for (const key of ['ffmpegPath', 'ffprobePath', 'archiveDir']) {
      expect(await call('admin', 'settings.set', { key, value: '/tmp/evil' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/command line|custodian settings set/) } });
    }
    expect(ctx.settings().ffmpegPath).toBeNull();
    expect(audits('setting.changed').at(-1)?.actor).toBe('admin');
    await ok('admin', 'settings.set', { key: 'sessionIdleMinutes', value: 30 });
  });

  it('an unexpected failure is answered as internal without its details', async () => {
    const seen: unknown[] = [];
    const broken = new CustodianApi({ ...ctx, settings: () => { throw new Error('/secret/path exploded'); } }, { onInternalError: (_op, e) => seen.push(e) });
    const r = await broken.call(tokens.officer, 'settings.get', {});
    expect(r.result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r.result)).not.toContain('/secret/path');
    expect(seen).toHaveLength(1);
  });
});
