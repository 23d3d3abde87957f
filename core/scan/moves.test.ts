/**
 * Moves on real trees: a camera folder renamed, a day folder moved to another camera and to
 * another root. The oracle is the tree the test built (which recording is where) and the ids it
 * read before the move; what must hold is what an officer would notice: the same recordings,
 * the same holds, nothing held deleted, and an alarm that says what happened.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../../common/layout.js';
import { listOpenAlarms } from '../../db/alarms.js';
import { DAY, HOUR, MINUTE, tempDir, testCtx, type TestClock } from '../../test/helpers.js';
import { verifyAuditChain } from '../audit.js';
import type { Ctx } from '../context.js';
import { addHold, holds } from '../holds.js';
import { scanAll } from '../indexer.js';
import { sweep } from '../retention.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';

const layout = compileLayout('camera-date-time', 'Europe/Stockholm');

/** Writes `count` recordings of random size (as real video is), mtime at their end. */
function record(root: string, camera: string, fromMs: number, count: number, stepMs: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = fromMs + i * stepMs;
    const file = path.join(root, ...formatLayoutPath(layout, camera, start));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(16 + Math.floor(Math.random() * 2000)));
    const end = new Date(start + stepMs);
    utimesSync(file, end, end);
    out.push(file);
  }
  return out;
}

/** Recording identity → segment id, read straight from the table. */
function idsOf(ctx: Ctx, camera: string): Map<string, number> {
  const rows = ctx.db.prepare('SELECT id, name, start_ms FROM segments WHERE camera_id = ?').all(camera) as { id: number; name: string; start_ms: number }[];
  return new Map(rows.map((r) => [`${r.start_ms}/${r.name}`, r.id]));
}

function alarmsOf(ctx: Ctx, kind: string): { message: string; details: Record<string, unknown> }[] {
  return listOpenAlarms(ctx.db)
    .filter((a) => a.kind === kind)
    .map((a) => ({ message: a.message, details: JSON.parse(a.details) as Record<string, unknown> }));
}

describe('the scan recognises moved recordings', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };

  beforeEach(() => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    clock.now = Math.floor(Date.now() / MINUTE) * MINUTE;
    ctx = testCtx(path.join(t.dir, 'data'), clock);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('a renamed camera folder keeps every row, its id and its hold; nothing held is swept; an alarm names both cameras', () => {
    // 70 days, 6-hourly: the oldest ~10 days are due.
    const entrance = record(root, 'entrance', clock.now - 70 * DAY, 280, 6 * HOUR - MINUTE);
    record(root, 'corridor', clock.now - 70 * DAY, 280, 6 * HOUR - MINUTE);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    changeSetting(ctx, 'massDeletionShare', 0.6);
    const hold = addHold(ctx, { cameras: ['entrance'], fromMs: clock.now - 70 * DAY, toMs: clock.now - 66 * DAY, reason: 'break-in at the entrance' });
    const before = idsOf(ctx, 'entrance');
    expect(before.size).toBe(280);

    renameSync(path.join(root, 'entrance'), path.join(root, 'entrance_c1'));
    clock.now += 2 * MINUTE;
    const [rep] = scanAll(ctx);
    expect(rep).toMatchObject({ moved: 280, added: 0, missing: 0, missingRefused: 0 });
    expect(idsOf(ctx, 'entrance').size).toBe(0);
    expect(idsOf(ctx, 'entrance_c1')).toEqual(before);
    // Half the root "vanished", yet it is one alarm about a move, not a mass disappearance.
    expect(alarmsOf(ctx, 'mass-missing')).toHaveLength(0);
    const moved = alarmsOf(ctx, 'camera-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]?.message).toMatch(/entrance\b.*entrance_c1/);
    expect(moved[0]?.details).toMatchObject({ from: 'entrance', to: 'entrance_c1', count: 280, msg: { key: 'scan:cameraMoved' } });
    expect(holds(ctx).find((h) => h.id === hold.id)?.cameras.split(',').sort()).toEqual(['entrance', 'entrance_c1']);

    const r = sweep(ctx);
    expect(r.refused).toBeNull();
    expect(r.deleted).toBeGreaterThan(0);
    const movedFiles = entrance.map((f) => f.replace(`${path.sep}entrance${path.sep}`, `${path.sep}entrance_c1${path.sep}`));
    // The held window (the first 16 recordings, 4 days of 6-hourly ones) is all still there.
    expect(movedFiles.slice(0, 16).every((f) => existsSync(f))).toBe(true);
    expect(movedFiles.slice(17, 30).some((f) => existsSync(f))).toBe(false);
    expect(verifyAuditChain(ctx.db).ok).toBe(true);
    const events = ctx.db.prepare("SELECT details FROM audit WHERE action = 'scan.moved'").all() as { details: string }[];
    expect(events.map((e) => JSON.parse(e.details) as { from: string; to: string; count: number })).toEqual([
      expect.objectContaining({ from: 'entrance', to: 'entrance_c1', count: 280 }),
    ]);
  });

  it('whatever the share: one camera of ten renamed is still an alarm', () => {
    for (let c = 0; c < 10; c++) record(root, `cam${c}`, clock.now - 3 * DAY, 12, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    renameSync(path.join(root, 'cam3'), path.join(root, 'lobby'));
    clock.now += 2 * MINUTE;
    expect(scanAll(ctx)[0]).toMatchObject({ moved: 12, added: 0, missing: 0 });
    expect(alarmsOf(ctx, 'camera-moved').map((a) => [a.details.from, a.details.to])).toEqual([['cam3', 'lobby']]);
  });

  it('a day folder moved to another camera, and one moved to another root, keep their ids', () => {
    const rootB = path.join(t.dir, 'rec-b');
    mkdirSync(rootB);
    const entrance = record(root, 'entrance', clock.now - 4 * DAY, 95, HOUR);
    record(root, 'corridor', clock.now - 2 * DAY, 12, HOUR);
    record(rootB, 'yard', clock.now - 1 * DAY, 6, HOUR);
    addRoot(ctx, { path: root });
    const b = addRoot(ctx, { path: rootB });
    scanAll(ctx);
    const before = idsOf(ctx, 'entrance');
    const day1 = path.dirname(entrance[0] as string);
    const day2 = path.dirname(entrance[48] as string);
    const day1Ids = new Set(ctx.db.prepare("SELECT s.id FROM segments s JOIN dirs d ON d.id = s.dir_id WHERE d.rel = ?").all(`entrance/${path.basename(day1)}`).map((r) => (r as { id: number }).id));
    const day2Ids = new Set(ctx.db.prepare("SELECT s.id FROM segments s JOIN dirs d ON d.id = s.dir_id WHERE d.rel = ?").all(`entrance/${path.basename(day2)}`).map((r) => (r as { id: number }).id));
    expect(day1Ids.size).toBeGreaterThan(0);
    expect(day2Ids.size).toBeGreaterThan(0);
    renameSync(day1, path.join(root, 'corridor', path.basename(day1)));
    mkdirSync(path.join(rootB, 'entrance'));
    renameSync(day2, path.join(rootB, 'entrance', path.basename(day2)));
    clock.now += 2 * MINUTE;
    const reps = scanAll(ctx);
    expect(reps.reduce((n, r) => n + r.moved, 0)).toBe(day1Ids.size + day2Ids.size);
    expect(reps.reduce((n, r) => n + r.added + r.missing, 0)).toBe(0);
    const corridorIds = new Set(idsOf(ctx, 'corridor').values());
    for (const id of day1Ids) expect(corridorIds.has(id)).toBe(true);
    const inB = ctx.db.prepare('SELECT id FROM segments WHERE root_id = ? AND camera_id = ?').all(b.id, 'entrance') as { id: number }[];
    expect(new Set(inB.map((r) => r.id))).toEqual(day2Ids);
    // Every recording of the entrance is still indexed once, under its old id.
    const byId = ctx.db.prepare('SELECT start_ms, name FROM segments WHERE id = ?');
    for (const [k, id] of before) {
      const row = byId.get(id) as { start_ms: number; name: string } | undefined;
      expect(`${row?.start_ms}/${row?.name}`).toBe(k);
    }
    expect(alarmsOf(ctx, 'camera-moved').map((a) => [a.details.from, a.details.to])).toEqual([['entrance', 'corridor']]);
  });

  it('matches a move even when the new folder was inserted before the old one was seen missing', () => {
    // Root A is walked first and gets the folder; root B, walked second, lost it. With a waiting
    // limit of 1 the new files are inserted before the loss is known, so the rows are merged.
    const rootA = path.join(t.dir, 'a');
    const rootB = path.join(t.dir, 'b');
    mkdirSync(rootA);
    mkdirSync(rootB);
    addRoot(ctx, { path: rootA });
    addRoot(ctx, { path: rootB });
    const files = record(rootB, 'gate', clock.now - 2 * DAY, 24, HOUR);
    scanAll(ctx);
    const before = idsOf(ctx, 'gate');
    const hold = addHold(ctx, { cameras: ['gate'], fromMs: clock.now - 2 * DAY, toMs: clock.now - DAY, reason: 'theft from the gate' });
    ctx.db.prepare('INSERT INTO hold_pins (segment_id, hold_id) SELECT id, ? FROM segments').run(hold.id);
    renameSync(path.join(rootB, 'gate'), path.join(rootA, 'gate'));
    clock.now += 2 * MINUTE;
    const reps = scanAll(ctx, { maxWaiting: 1 });
    expect(reps.reduce((n, r) => n + r.moved, 0)).toBe(24);
    expect(reps.reduce((n, r) => n + r.added + r.missing + r.heldMissing, 0)).toBe(0);
    expect(idsOf(ctx, 'gate')).toEqual(before);
    const pins = ctx.db.prepare('SELECT segment_id FROM hold_pins WHERE hold_id = ? ORDER BY segment_id').all(hold.id) as { segment_id: number }[];
    expect(pins.map((p) => p.segment_id)).toEqual([...before.values()].sort((x, y) => x - y));
    expect(files.every((f) => existsSync(f.replace(rootB, rootA)))).toBe(true);
  });

  it('a pinned recording takes its hold to the new camera even when the hold named another camera', () => {
    record(root, 'entrance', clock.now - 2 * DAY, 24, HOUR);
    record(root, 'corridor', clock.now - 2 * DAY, 24, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    const hold = addHold(ctx, { cameras: ['corridor'], fromMs: clock.now - 2 * DAY, toMs: clock.now - DAY, reason: 'pinned for a test' });
    const pinned = [...idsOf(ctx, 'entrance').values()][0] as number;
    ctx.db.prepare('INSERT INTO hold_pins (segment_id, hold_id) VALUES (?, ?)').run(pinned, hold.id);
    renameSync(path.join(root, 'entrance'), path.join(root, 'front'));
    clock.now += 2 * MINUTE;
    scanAll(ctx);
    expect(holds(ctx).find((h) => h.id === hold.id)?.cameras.split(',').sort()).toEqual(['corridor', 'front']);
    expect(ctx.db.prepare('SELECT camera_id FROM segments WHERE id = ?').get(pinned)).toEqual({ camera_id: 'front' });
  });

  it('recordings that only look alike are not taken for a move: another camera at the same times is new', () => {
    record(root, 'entrance', clock.now - 2 * DAY, 24, HOUR);
    for (let c = 0; c < 8; c++) record(root, `cam${c}`, clock.now - 2 * DAY, 24, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    const before = idsOf(ctx, 'entrance');
    const maxBefore = (ctx.db.prepare('SELECT MAX(id) AS m FROM segments').get() as { m: number }).m;
    rmSync(path.join(root, 'entrance'), { recursive: true });
    // Same names, same start times, same mtimes, other sizes (other video): a new camera.
    record(root, 'new-camera', clock.now - 2 * DAY, 24, HOUR);
    clock.now += 2 * MINUTE;
    const [rep] = scanAll(ctx);
    expect(rep).toMatchObject({ moved: 0, added: 24, missing: 24 });
    const fresh = [...idsOf(ctx, 'new-camera').values()];
    expect(fresh.every((id) => id > maxBefore)).toBe(true);
    expect(fresh.some((id) => [...before.values()].includes(id))).toBe(false);
    expect(alarmsOf(ctx, 'camera-moved')).toHaveLength(0);
  });

  it('two vanished cameras with identical recordings and one new copy: ambiguous, so no move', () => {
    // Identical files (same size, same mtime) in two cameras: the copy could be either.
    const mtime = new Date(clock.now - 5 * HOUR);
    for (const camera of ['left', 'right']) {
      for (let i = 0; i < 6; i++) {
        const file = path.join(root, ...formatLayoutPath(layout, camera, clock.now - DAY + i * HOUR));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, 'same');
        utimesSync(file, mtime, mtime);
      }
    }
    for (let c = 0; c < 8; c++) record(root, `cam${c}`, clock.now - DAY, 6, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    renameSync(path.join(root, 'left'), path.join(root, 'copy'));
    rmSync(path.join(root, 'right'), { recursive: true });
    clock.now += 2 * MINUTE;
    const [rep] = scanAll(ctx);
    expect(rep).toMatchObject({ moved: 0, added: 6, missing: 12 });
  });
});
