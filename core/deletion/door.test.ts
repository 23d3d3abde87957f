/**
 * The deletion door on real trees and a real SQLite file: each rule (D1–D9, ARCHITECTURE.md)
 * attacked the way the world does it, with the disk, the index and the deletion log asserted
 * together. The multi-process races (a hold from another process mid-sweep, a swapper, a share
 * unmounted, a stalled sweeper, a faked clock) are in test/attacks/.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SENTINEL_FILE } from '../../common/domain.js';
import { listOpenAlarms } from '../../db/alarms.js';
import { listDeletions } from '../../db/deletions.js';
import { countSegments, markForDeletion } from '../../db/segments.js';
import { DAY, HOUR, MINUTE, tempDir, testCtx, writeSegments, type TestClock } from '../../test/helpers.js';
import { acknowledgeAlarm } from '../alarms.js';
import { checkInvariants } from '../check.js';
import { openCtx, type Ctx } from '../context.js';
import { addHold } from '../holds.js';
import { scanAll } from '../indexer.js';
import { sweep } from '../retention.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';
import { DueClock } from '../../common/time.js';
import { listRoots, type RootRow } from '../../db/roots.js';
import { Lease, LeaseLost } from './lease.js';
import { RecordingDeleter } from './recordings.js';
import { RootGuard } from './root-guard.js';

const idsOf = (ctx: Ctx, camera: string): number[] =>
  (ctx.db.prepare("SELECT id FROM segments WHERE camera_id = ? AND state = 'present' ORDER BY start_ms").all(camera) as { id: number }[]).map((r) => r.id);

describe('the deletion door', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let data: string;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  let old: string[];

  beforeEach(() => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    data = path.join(t.dir, 'data');
    mkdirSync(root);
    clock.now = Math.floor(Date.now() / 60_000) * 60_000;
    ctx = testCtx(data, clock);
    // 120 due recordings (70–65 days old), and a camera writing now.
    old = writeSegments(root, 'entrance', clock.now - 70 * DAY, 120, HOUR);
    writeSegments(root, 'live', clock.now - 3 * HOUR, 5, 30 * MINUTE);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    changeSetting(ctx, 'massDeletionShare', 1);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('D1: a hold committed after the journal marked its recordings keeps them; one unlinked before says so', () => {
    // A sweep marked these and was killed; one file it had already unlinked.
    const ids = idsOf(ctx, 'entrance').slice(0, 20);
    ctx.db.transaction(() => markForDeletion(ctx.db, ids))();
    unlinkSync(old[0] as string);
    // Then an officer holds the first ten hours, from another connection (another process).
    const officer = openCtx({ dataDir: data, now: () => clock.now });
    const hold = addHold(officer, { cameras: ['entrance'], fromMs: clock.now - 70 * DAY, toMs: clock.now - 70 * DAY + 10 * HOUR, reason: 'robbery at the entrance' });
    officer.close();
    const r = sweep(ctx);
    expect(r.refused).toBeNull();
    for (const f of old.slice(1, 10)) expect(existsSync(f), `held ${f}`).toBe(true);
    for (const f of old.slice(10, 20)) expect(existsSync(f)).toBe(false);
    const log = listDeletions(ctx.db, 0, 1000);
    const first = log.find((d) => d.path === old[0]);
    expect(first?.outcome).toBe('deleted');
    expect(first?.note).toMatch(new RegExp(`hold #${hold.id}`));
    expect(log.filter((d) => old.slice(1, 10).includes(d.path))).toEqual([]);
    expect(log.filter((d) => old.slice(10, 20).includes(d.path)).every((d) => d.outcome === 'deleted' && /interruption/.test(d.note ?? ''))).toBe(true);
    expect(checkInvariants(ctx).findings.filter((f) => f.severity === 'violation')).toEqual([]);
  });

  it('D2: a date folder that is a link is never deleted through; the root pauses with an alarm', () => {
    const decoy = path.join(t.dir, 'decoy');
    const day = path.dirname(old[0] as string);
    mkdirSync(decoy);
    for (const f of [old[0] as string, old[1] as string]) copyFileSync(f, path.join(decoy, path.basename(f)));
    renameSync(day, `${day}.moved`);
    symlinkSync(decoy, day);
    const r = sweep(ctx);
    expect(existsSync(path.join(decoy, path.basename(old[0] as string)))).toBe(true);
    expect(existsSync(path.join(decoy, path.basename(old[1] as string)))).toBe(true);
    expect(r.refused).toMatch(/swapped|link/);
    expect(listOpenAlarms(ctx.db).some((a) => a.kind === 'folder-changed')).toBe(true);
    // The real folder, renamed, is intact: nothing was deleted in it either.
    expect(existsSync(path.join(`${day}.moved`, path.basename(old[0] as string)))).toBe(true);
    expect(listDeletions(ctx.db, 0, 1000).filter((d) => d.path.startsWith(day))).toEqual([]);
  });

  it('D3: a sentinel copied onto an empty folder where the root was is not the root: nothing deleted or logged', () => {
    renameSync(root, `${root}.unmounted`);
    mkdirSync(root);
    copyFileSync(path.join(`${root}.unmounted`, SENTINEL_FILE), path.join(root, SENTINEL_FILE));
    const before = countSegments(ctx.db);
    const r = sweep(ctx);
    expect(r.deleted).toBe(0);
    expect(r.refused).toMatch(/not the one registered|not the folder/);
    expect(listDeletions(ctx.db, 0, 1000)).toEqual([]);
    expect(countSegments(ctx.db)).toBe(before);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'root-identity');
    expect(alarm).toBeDefined();
    // Someone acknowledges without looking: the new identity is accepted, but an empty disk
    // still logs nothing as deleted (its folders are not the folders indexed).
    acknowledgeAlarm(ctx, alarm?.id ?? 0, 'ok');
    const after = sweep(ctx);
    expect(after.deleted).toBe(0);
    expect(listDeletions(ctx.db, 0, 1000)).toEqual([]);
    expect(countSegments(ctx.db)).toBe(before);
  });

  it('D3: many due files gone at once are not logged; the root pauses until a person acknowledges', () => {
    changeSetting(ctx, 'massVanishedCount', 50);
    for (const f of old.slice(0, 80)) rmSync(f);
    const r = sweep(ctx);
    expect(r.refused).toMatch(/already gone/);
    expect(listDeletions(ctx.db, 0, 1000).filter((d) => d.outcome === 'already-gone')).toEqual([]);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'mass-vanished');
    expect(alarm).toBeDefined();
    // Still paused on the next sweep; nothing more deleted.
    const again = sweep(ctx);
    expect(again.deleted).toBe(0);
    for (const f of old.slice(80)) expect(existsSync(f)).toBe(true);
    acknowledgeAlarm(ctx, alarm?.id ?? 0, 'the recorder pruned them itself');
    expect(sweep(ctx).refused).not.toBeNull(); // still too many: a scan must reconcile first
  });

  it('D3: a few due files already gone are logged once as already-gone, the rest deleted', () => {
    for (const f of old.slice(0, 5)) rmSync(f);
    const r = sweep(ctx);
    expect(r.refused).toBeNull();
    const log = listDeletions(ctx.db, 0, 1000);
    expect(log.filter((d) => d.outcome === 'already-gone').map((d) => d.path).sort()).toEqual(old.slice(0, 5).sort());
    expect(log.filter((d) => d.outcome === 'deleted')).toHaveLength(r.deleted);
    expect(new Set(log.map((d) => d.path)).size).toBe(log.length);
  });

  it('D6: a file replaced under the same name since it was indexed is left alone', () => {
    writeFileSync(old[3] as string, 'a different, longer file the operator put here');
    const r = sweep(ctx);
    expect(existsSync(old[3] as string)).toBe(true);
    expect(r.leftAlone.map((l) => l.path)).toContain(old[3]);
  });

  it('D5: a sweeper whose lease was taken over stops before its next unlink', () => {
    const lease = Lease.take(ctx);
    expect(lease).not.toBeNull();
    const ids = idsOf(ctx, 'entrance').slice(0, 10);
    ctx.db.transaction(() => markForDeletion(ctx.db, ids))();
    // Another process took the sweep over (the lease expired while this one stalled).
    ctx.db.prepare("UPDATE sweep_lease SET holder = 'otherhost:1:x'").run();
    const guard = RootGuard.open(ctx, listRoots(ctx.db)[0] as RootRow);
    if (!(guard instanceof RootGuard)) throw new Error('root offline');
    const d = new RecordingDeleter(ctx, { root: guard.root, guard, lease: lease as Lease, sweepId: null, due: new DueClock(2, 'Europe/Stockholm') });
    expect(() => d.deleteMarked(ids)).toThrow(LeaseLost);
    for (const f of old.slice(0, 10)) expect(existsSync(f)).toBe(true);
    expect(listDeletions(ctx.db, 0, 100)).toEqual([]);
  });

  it('custodian check finds a held recording that the log says was deleted, and a path outside its root', () => {
    const hold = addHold(ctx, { cameras: ['entrance'], fromMs: clock.now - 70 * DAY, toMs: clock.now - 69 * DAY, reason: 'robbery at the entrance' });
    expect(checkInvariants(ctx).ok).toBe(true);
    // Behind Custodian's back: rows a buggy or hostile writer could leave.
    const ins = ctx.db.prepare("INSERT INTO deletions (kind, root_id, camera_id, path, from_ms, to_ms, marked_ms, deleted_ms, reason, outcome) VALUES ('segment', 1, ?, ?, ?, ?, ?, ?, 'retention', 'deleted')");
    ins.run('entrance', old[2], clock.now - 70 * DAY + 2 * HOUR, clock.now - 70 * DAY + 3 * HOUR, clock.now, clock.now + 1);
    ins.run('entrance', '/etc/passwd', clock.now - 60 * DAY, clock.now - 60 * DAY + HOUR, clock.now, clock.now + 1);
    const r = checkInvariants(ctx);
    expect(r.ok).toBe(false);
    expect(r.findings.find((f) => f.code === 'heldDeleted')?.examples[0]).toContain(`hold #${hold.id}`);
    expect(r.findings.find((f) => f.code === 'deletedOutsideRoot')?.examples).toEqual(['/etc/passwd']);
    expect(r.findings.find((f) => f.code === 'deletedButPresent')?.count).toBe(1);
  });

  it('D9: a dry run writes nothing but one audit event', () => {
    const dump = (): string => JSON.stringify(['alarms', 'sweeps', 'sweep_lease', 'deletions', 'segments', 'holds'].map((tbl) => ctx.db.prepare(`SELECT * FROM ${tbl}`).all()));
    changeSetting(ctx, 'massDeletionShare', 0.01);
    const before = dump();
    const auditBefore = (ctx.db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
    const r = sweep(ctx, { dryRun: true });
    expect(r.refused).toMatch(/at once/);
    expect(dump()).toBe(before);
    const added = ctx.db.prepare('SELECT action FROM audit WHERE id > ?').all(auditBefore) as { action: string }[];
    expect(added.map((a) => a.action)).toEqual(['sweep.previewed']);
  });
});

describe('the clock check', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  const machine = { uptimeMs: 1_000_000, bootId: 'boot-1' };

  beforeEach(() => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    clock.now = Math.floor(Date.now() / 60_000) * 60_000;
    ctx = openCtx({ dataDir: path.join(t.dir, 'data'), now: () => clock.now, machine: () => machine });
    writeSegments(root, 'entrance', clock.now - 70 * DAY, 70 * 24, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    changeSetting(ctx, 'massDeletionShare', 1);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('a wall clock that jumps ahead of the machine clock pauses deletion, saying how much would go early', () => {
    expect(sweep(ctx).refused).toBeNull();
    const kept = countSegments(ctx.db);
    // 12 days later by the wall clock, ten minutes by the machine's own clock.
    clock.now += 12 * DAY;
    machine.uptimeMs += 10 * MINUTE;
    const r = sweep(ctx);
    expect(r.refused).toMatch(/jumped 11 d 23 h/);
    expect(countSegments(ctx.db)).toBe(kept);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'clock-suspect');
    expect(alarm?.message).toMatch(/11 d 23 h/);
    expect((JSON.parse(alarm?.details ?? '{}') as { wouldGoEarly: number }).wouldGoEarly).toBeGreaterThan(200);
  });

  it('recorders whose newest recording ended long before "now" pause deletion (the clock is ahead or they are silent)', () => {
    expect(sweep(ctx).refused).toBeNull();
    clock.now += 3 * DAY;
    machine.uptimeMs += 3 * DAY; // a restart would lose this; the recorders still tell
    const r = sweep(ctx);
    expect(r.refused).toMatch(/newest recording/);
    expect(listOpenAlarms(ctx.db).find((a) => a.kind === 'clock-suspect')?.message).toMatch(/3 d/);
  });

  it('a clock set back after running ahead names the footage that went early', () => {
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    clock.now += 5 * DAY;
    machine.uptimeMs += 5 * DAY; // the machine believed it too (set before the service started)
    expect(sweep(ctx).deleted).toBeGreaterThan(0);
    clock.now -= 5 * DAY;
    machine.uptimeMs += MINUTE;
    const r = sweep(ctx);
    expect(r.refused).toMatch(/backwards/);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'clock-backwards');
    expect(alarm?.message).toMatch(/before they were due/);
    expect(alarm?.message).toMatch(/entrance/);
  });
});
