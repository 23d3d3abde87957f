import { existsSync, mkdirSync, readdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOpenAlarms } from '../db/alarms.js';
import { listDeletions } from '../db/deletions.js';
import { countSegments } from '../db/segments.js';
import { DAY, HOUR, tempDir, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { acknowledgeAlarm } from './alarms.js';
import { verifyAuditChain } from './audit.js';
import type { Ctx } from './context.js';
import { addHold, releaseHoldById } from './holds.js';
import { scanAll } from './indexer.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { changeSetting } from './settings.js';

describe('retention sweep', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  // 80 days of 6-hourly recordings for two cameras: the oldest ~20 days are due.
  let entrance: string[];
  let corridor: string[];

  beforeEach(() => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    clock.now = Math.floor(Date.now() / 60_000) * 60_000;
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    entrance = writeSegments(root, 'entrance', clock.now - 80 * DAY, 320, 6 * HOUR);
    corridor = writeSegments(root, 'staff-corridor', clock.now - 80 * DAY, 320, 6 * HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    changeSetting(ctx, 'massDeletionShare', 0.5);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('deletes exactly what is older than two calendar months, logs it, and keeps the rest', () => {
    const dry = sweep(ctx, { dryRun: true });
    expect(dry.due).toBeGreaterThan(100);
    expect(entrance.every((f) => existsSync(f))).toBe(true);
    const r = sweep(ctx);
    expect(r.refused).toBeNull();
    expect(r.deleted).toBe(dry.due);
    const gone = entrance.filter((f) => !existsSync(f)).length + corridor.filter((f) => !existsSync(f)).length;
    expect(gone).toBe(r.deleted);
    // Everything left ends after the cutoff; everything gone ended before it.
    const remaining = ctx.db.prepare('SELECT MIN(end_ms) AS m FROM segments').get() as { m: number };
    expect(remaining.m).toBeGreaterThan(r.cutoffMs);
    const log = listDeletions(ctx.db, 0, 10_000);
    expect(log).toHaveLength(r.deleted);
    expect(log.every((d) => d.reason === 'retention' && d.outcome === 'deleted' && d.due_ms !== null && d.due_ms <= clock.now)).toBe(true);
    // Date folders emptied by the sweep are removed, the root and camera folders stay.
    const days = readdirSync(path.join(root, 'entrance'));
    expect(days.length).toBeLessThan(81);
    expect(existsSync(root)).toBe(true);
    expect(verifyAuditChain(ctx.db).ok).toBe(true);
    expect(sweep(ctx).deleted).toBe(0);
  });

  it('never deletes a held recording, and deletes it once the hold is released', () => {
    const hold = addHold(ctx, { cameras: ['entrance'], fromMs: clock.now - 80 * DAY, toMs: clock.now - 70 * DAY, reason: 'incident test' });
    const r = sweep(ctx);
    expect(r.held).toBeGreaterThan(0);
    const heldFiles = entrance.slice(0, 40);
    expect(heldFiles.every((f) => existsSync(f))).toBe(true);
    expect(corridor.slice(0, 40).some((f) => existsSync(f))).toBe(false);
    releaseHoldById(ctx, hold.id, 'investigation over');
    sweep(ctx);
    expect(heldFiles.some((f) => existsSync(f))).toBe(false);
  });

  it('deletes nothing in an offline root and says why (exit 3 in the CLI)', () => {
    const before = countSegments(ctx.db);
    const onDisk = readdirSync(path.join(root, 'entrance')).length;
    renameSync(root, `${root}-gone`);
    mkdirSync(root);
    const r = sweep(ctx);
    expect(r.deleted).toBe(0);
    expect(r.refused).toMatch(/offline/);
    expect(countSegments(ctx.db)).toBe(before);
    // Nothing of the root that went away was touched (counted before it went, not a constant).
    expect(readdirSync(path.join(`${root}-gone`, 'entrance')).length).toBe(onDisk);
  });

  it('pauses when the clock went backwards, until a person acknowledges', () => {
    sweep(ctx);
    clock.now -= 3 * DAY;
    const r = sweep(ctx);
    expect(r.refused).toMatch(/clock/);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'clock-backwards');
    expect(alarm).toBeDefined();
    acknowledgeAlarm(ctx, alarm?.id ?? 0, 'clock checked');
    expect(sweep(ctx).refused).toBeNull();
  });

  it('pauses a mass deletion (clock set a year ahead) until acknowledged', () => {
    changeSetting(ctx, 'massDeletionShare', 0.25);
    clock.now += 365 * DAY;
    const r = sweep(ctx);
    expect(r.refused).toMatch(/at once/);
    expect(r.deleted).toBe(0);
    expect(entrance.every((f) => existsSync(f))).toBe(true);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'mass-deletion');
    expect(alarm?.message).toMatch(/clock set ahead/);
  });

  it('leaves alone a segment that became a symlink pointing out of the root', () => {
    const outside = path.join(t.dir, 'precious.txt');
    writeFileSync(outside, 'must survive');
    const victim = entrance[0] as string;
    unlinkSync(victim);
    symlinkSync(outside, victim);
    const r = sweep(ctx);
    expect(existsSync(outside)).toBe(true);
    expect(r.leftAlone.map((l) => l.path)).toContain(victim);
    expect(r.leftAlone[0]?.reason).toMatch(/symbolic link/);
  });

  it('only one process sweeps at a time (the lease)', () => {
    ctx.db.prepare('INSERT INTO sweep_lease (id, holder, expires_ms) VALUES (1, ?, ?)').run('other-process', clock.now + 60_000);
    const r = sweep(ctx);
    expect(r.refused).toMatch(/another Custodian process/);
    expect(r.deleted).toBe(0);
  });
});
