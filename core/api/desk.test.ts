/**
 * The security desk's operations through the API (issue 15): stills only for the roles that may
 * see them, each viewing audit-logged; an administrator's password reset that ends the user's
 * sessions; incident events pushed when another process archives; timeline windows that stay
 * drawn after a hold is released; the report naming a setting changed away from the policy.
 */
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiResult, SegmentsView, StillView, UserView } from '../../common/api/types.js';
import type { Role } from '../../common/permissions.js';
import { auditByAction } from '../../db/audit.js';
import { DAY, HOUR, tempDir, testCtx, writeRealSegments, type TestClock } from '../../test/helpers.js';
import type { Ctx } from '../context.js';
import { addHold, releaseHoldById } from '../holds.js';
import { archiveIncident, createIncident } from '../incidents.js';
import { scanAll } from '../indexer.js';
import { complianceReport } from '../reports.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';
import { addUser } from '../users.js';
import { setCamera } from '../cameras.js';
import { CustodianApi } from './api.js';
import { loginEveryRole } from './test-logins.js';

const PASSWORD = 'desk test password';

describe('the desk through the API', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let api: CustodianApi;
  const clock: TestClock = { now: 0 };
  let t0 = 0;
  const tokens = {} as Record<Role, string>;
  const call = async (role: Role, op: string, body: unknown): Promise<ApiResult<unknown>> => (await api.call(tokens[role], op, body)).result;
  const ok = async <T,>(role: Role, op: string, body: unknown): Promise<T> => {
    const r = await call(role, op, body);
    if (!r.ok) throw new Error(`${op} as ${role}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  const segmentIds = async (): Promise<number[]> => (await ok<SegmentsView>('officer', 'segments.list', { camera: 'entrance', from: t0 - HOUR, to: t0 + HOUR })).segments.map((s) => s.id);

  beforeAll(async () => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    t0 = clock.now - 2 * HOUR;
    const root = path.join(t.dir, 'rec');
    await writeRealSegments(root, path.join(t.dir, 'gen'), ['entrance', 'hall'], { startMs: t0, count: 3, segmentSeconds: 3 });
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    setCamera(ctx, 'entrance', { name: 'Entré', zone: 'visitor' });
    api = new CustodianApi(ctx);
    Object.assign(tokens, await loginEveryRole(ctx, api, PASSWORD));
  }, 120_000);
  afterAll(() => {
    api?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('gives the officer a still of a recording as a JPEG data URL, audit-logged once as a viewing', async () => {
    const [id] = await segmentIds();
    const s = await ok<StillView>('officer', 'thumbnails.get', { segment: id });
    expect(s).toMatchObject({ segment: id, camera: 'entrance', width: 240 });
    expect(s.image).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    await ok('officer', 'thumbnails.get', { segment: id });
    const views = auditByAction(ctx.db, 'footage.viewed', 0, clock.now + 1).filter((a) => a.details.includes('"still":"thumbnail"'));
    expect(views).toHaveLength(1);
    expect(views[0]?.actor).toBe('officer');
    for (const role of ['hr', 'dpo', 'admin'] as const) expect(await call(role, 'thumbnails.get', { segment: id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  }, 60_000);

  it("gives the administrator the camera's picture to draw masks on, and nobody else", async () => {
    const f = await ok<StillView>('admin', 'cameras.frame', { camera: 'hall' });
    expect(f.image).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(auditByAction(ctx.db, 'footage.viewed', 0, clock.now + 1).some((a) => a.actor === 'admin' && a.details.includes('"still":"mask-frame"'))).toBe(true);
    for (const role of ['officer', 'hr', 'dpo'] as const) expect(await call(role, 'cameras.frame', { camera: 'hall' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('admin', 'cameras.frame', { camera: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  }, 60_000);

  it("lets the administrator reset a user's password: the old one stops working and their sessions end", async () => {
    await addUser(ctx, { name: 'guard2', role: 'officer', password: PASSWORD });
    const login = await api.call(undefined, 'auth.login', { name: 'guard2', password: PASSWORD });
    const token = login.session && 'set' in login.session ? login.session.set : '';
    expect((await api.call(token, 'session.me', {})).result.ok).toBe(true);
    expect(await call('officer', 'users.setPassword', { name: 'guard2', password: 'a brand new password' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('admin', 'users.setPassword', { name: 'guard2', password: 'short' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const u = await ok<UserView>('admin', 'users.setPassword', { name: 'guard2', password: 'a brand new password' });
    expect(u.name).toBe('guard2');
    expect((await api.call(token, 'session.me', {})).result).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect((await api.call(undefined, 'auth.login', { name: 'guard2', password: PASSWORD })).result.ok).toBe(false);
    expect((await api.call(undefined, 'auth.login', { name: 'guard2', password: 'a brand new password' })).result.ok).toBe(true);
  });

  it('pushes incident events as clips are archived, also by another process, and names cameras with their zone', async () => {
    const events: ApiEvent[] = [];
    const off = api.subscribe(tokens.officer, (e) => events.push(e));
    const hrEvents: ApiEvent[] = [];
    const offHr = api.subscribe(tokens.hr, (e) => hrEvents.push(e));
    api.pushIncidents();
    const inc = createIncident(ctx, { reason: 'crime-on-premises', justification: 'Stöld ur kassan vid entrén', title: 'Kassan', fromMs: t0, toMs: t0 + 9000, cameras: ['entrance', 'hall'] });
    api.pushIncidents();
    // The service (another Ctx on the same database, as another process would be) archives.
    const other = testCtx(ctx.dataDir, clock);
    try {
      await archiveIncident(other, inc.ref);
    } finally {
      other.close();
    }
    api.pushIncidents();
    const mine = events.filter((e): e is Extract<ApiEvent, { type: 'incident' }> => e.type === 'incident' && e.ref === inc.ref);
    expect(mine.map((e) => [e.status, e.complete, e.clips])).toEqual([
      ['open', 0, 0],
      ['archived', 2, 2],
    ]);
    expect(hrEvents.some((e) => e.type === 'incident')).toBe(false);
    off();
    offHr();
    const shown = await ok<{ cameraInfo: { id: string; name: string | null; zone: string }[] }>('officer', 'incidents.show', { ref: inc.ref });
    expect(shown.cameraInfo).toEqual([
      { id: 'entrance', name: 'Entré', zone: 'visitor' },
      { id: 'hall', name: null, zone: 'mixed' },
    ]);
  }, 60_000);

  it('draws incident windows and holds on the timeline, released ones too, titles only for readers of incidents', async () => {
    const h = addHold(ctx, { cameras: ['entrance'], fromMs: t0 + 1000, toMs: t0 + 2000, reason: 'Polisen bad om det' });
    releaseHoldById(ctx, h.id, 'Polisen hämtade materialet');
    const v = await ok<SegmentsView>('officer', 'segments.list', { camera: 'entrance', from: t0 - HOUR, to: t0 + HOUR });
    expect(v.windows.map((w) => [w.kind, w.released, w.title])).toEqual([
      ['incident', true, 'Kassan'],
      ['hold', true, 'Polisen bad om det'],
    ]);
    // The incident's own hold is not drawn twice; the incident's archive released it.
    expect(v.holds).toEqual([]);
    const admin = await ok<SegmentsView>('admin', 'segments.list', { camera: 'entrance', from: t0 - HOUR, to: t0 + HOUR });
    expect(admin.windows.map((w) => w.title)).toEqual([null, null]);
  });

  it('names a retention changed away from the policy, and a loosened audience rule, in the compliance report', async () => {
    changeSetting(ctx, 'retentionMonths', 3);
    const rules = ctx.settings().audienceRules;
    changeSetting(ctx, 'audienceRules', { ...rules, hr: { ...rules.hr, visitor: 'mask' } });
    const r = await complianceReport(ctx, { fromMs: clock.now - DAY, toMs: clock.now + 1 });
    const p2 = r.verdicts.find((v) => v.clause === 'P2');
    const p4 = r.verdicts.find((v) => v.clause === 'P4');
    expect(p2?.status).toBe('not-held');
    expect(p2?.facts.filter((f) => f.key.startsWith('report:p2.setting')).map((f) => [f.key, f.severity])).toEqual([
      ['report:p2.setting.retention', 'deviation'],
      ['report:p2.setting.changed', 'deviation'],
    ]);
    expect(p4?.facts.find((f) => f.key === 'report:p4.setting.changed')).toMatchObject({ severity: 'deviation', params: { by: 'os:' + execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), looser: 1 } });
    changeSetting(ctx, 'retentionMonths', 2);
    const back = await complianceReport(ctx, { fromMs: clock.now - DAY, toMs: clock.now + 1 });
    // Back to the policy: today's setting is fine, but the period still shows the change away and back.
    expect(back.verdicts.find((v) => v.clause === 'P2')?.facts.filter((f) => f.key.startsWith('report:p2.setting')).map((f) => f.severity)).toEqual(['deviation', 'info']);
  });
});
