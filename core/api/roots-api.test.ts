/**
 * The settings page's "add a recording root" through the API: roots.propose looks and registers
 * nothing (no sentinel, no row, no segment), roots.add takes the layout a person confirmed and
 * only an administrator may do either; a store whose files must never be deleted one by one is
 * shown as refused and cannot be added with any layout.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../common/api/types.js';
import { SENTINEL_FILE } from '../../common/domain.js';
import type { LayoutProposal } from '../../common/layout-proposal.js';
import { ROLES, type Role } from '../../common/permissions.js';
import { listRoots } from '../../db/roots.js';
import { makePresetTree } from '../../fixtures/preset-trees.js';
import { makeStore } from '../../fixtures/store-trees.js';
import { tempDir, testCtx, type TestClock } from '../../test/helpers.js';
import type { Ctx } from '../context.js';
import { scanAll } from '../indexer.js';
import { addUser } from '../users.js';
import { CustodianApi } from './api.js';

const TZ = 'Europe/Stockholm';
const PASSWORD = 'roots api test password';

describe('roots.propose and roots.add (the settings page)', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let api: CustodianApi;
  const clock: TestClock = { now: Date.UTC(2026, 10, 21) };
  const tokens = {} as Record<Role, string>;
  const call = async (role: Role, op: string, body: unknown): Promise<ApiResult<unknown>> => (await api.call(tokens[role], op, body)).result;
  const ok = async <T>(role: Role, op: string, body: unknown): Promise<T> => {
    const r = await call(role, op, body);
    if (!r.ok) throw new Error(`${op} as ${role}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  const segmentCount = (): number => (ctx.db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n;

  beforeAll(async () => {
    t = tempDir();
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    api = new CustodianApi(ctx);
    for (const role of ROLES) {
      await addUser(ctx, { name: role, role, password: PASSWORD });
      const r = await api.call(undefined, 'auth.login', { name: role, password: PASSWORD });
      if (!r.session || !('set' in r.session)) throw new Error('no session token');
      tokens[role] = r.session.set;
    }
  }, 120_000);
  afterAll(() => {
    api?.close();
    ctx?.close();
    t?.cleanup();
  });

  it('proposes the preset and reads files as the recorder wrote them; nothing is registered until roots.add', async () => {
    const dir = path.join(t.dir, 'dahua');
    mkdirSync(dir);
    const tree = makePresetTree({ root: dir, layout: 'dahua', siteTimeZone: TZ, fromMs: Date.UTC(2026, 10, 20, 8), toMs: Date.UTC(2026, 10, 20, 10), segmentSeconds: 600 });
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(await call(role, 'roots.propose', { path: dir })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await call(role, 'roots.add', { path: dir, layout: 'dahua' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const p = await ok<LayoutProposal>('admin', 'roots.propose', { path: dir });
    expect(p.verdict).toBe('clear');
    expect(p.best?.layout).toBe('dahua');
    expect(p.best?.unplaced).toBe(0);
    // Each example row is a file the generator wrote, read as it wrote it (camera, start, end, kind).
    expect(p.best?.examples.length).toBeGreaterThan(0);
    for (const ex of p.best?.examples ?? []) {
      const wrote = tree.segments.find((s) => s.path === ex.path);
      expect(wrote, ex.path).toBeDefined();
      expect({ camera: ex.camera, startMs: ex.startMs, endMs: ex.endMs, kind: ex.kind }).toEqual({ camera: wrote?.camera, startMs: wrote?.startMs, endMs: wrote?.endMs, kind: wrote?.kind });
    }
    // Looking registered nothing: no sentinel, no root, and a scan indexes nothing.
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
    expect(listRoots(ctx.db)).toEqual([]);
    scanAll(ctx);
    expect(segmentCount()).toBe(0);

    const added = await ok<{ id: number; layout: string }>('admin', 'roots.add', { path: dir, layout: p.best?.layout });
    expect(added.layout).toBe('dahua');
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(true);
    scanAll(ctx);
    expect(segmentCount()).toBe(tree.segments.length);
  });

  it('a store is shown as refused, and roots.add refuses it with any layout', async () => {
    const dir = path.join(t.dir, 'hik');
    makeStore(dir, 'hikvision-nas');
    const p = await ok<LayoutProposal>('admin', 'roots.propose', { path: dir });
    expect(p.verdict).toBe('store');
    expect(p.store?.msg.key).toBe('layouts:store.hikvision');
    const r = await call('admin', 'roots.add', { path: dir, layout: 'camera-date-time' });
    expect(r).toMatchObject({ ok: false, error: { code: 'refused_by_safety_rule', message: expect.stringMatching(/Hikvision.*must not delete its files/) } });
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
  });

  it('a folder that does not exist, or a bad layout, is a clear error that registers nothing', async () => {
    expect(await call('admin', 'roots.propose', { path: path.join(t.dir, 'nope') })).toMatchObject({ ok: false });
    const dir = path.join(t.dir, 'empty');
    mkdirSync(dir);
    expect(await call('admin', 'roots.add', { path: dir, layout: '{camera}/{nonsense}' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(existsSync(path.join(dir, SENTINEL_FILE))).toBe(false);
  });
});
