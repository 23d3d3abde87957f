/**
 * Moves on real trees: a camera folder renamed, a day folder moved to another camera and to
 * another root. The oracle is the tree the test built (which recording is where) and the ids it
 * read before the move; what must hold is what an officer would notice: the same recordings,
 * the same holds, nothing held deleted, and an alarm that says what happened.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../../common/layout.js';
import { listOpenAlarms } from '../../db/alarms.js';
import { DAY, HOUR, MINUTE } from '../../test/helpers.js';
import { useRecorder } from '../../test/recorder-fixture.js';
import { acknowledgeAlarm } from '../alarms.js';
import { verifyAuditChain } from '../audit.js';
import { checkHolds } from '../chain.js';
import type { Ctx } from '../context.js';
import { addHold, holds } from '../holds.js';
import { scanAll } from '../indexer.js';
import { sweep } from '../retention.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';

const layout = compileLayout('camera-date-time', 'Europe/Stockholm');

/** Every recording written by a test has its own size, as real video has. */
let nextSize = 16;

/** Writes `count` recordings, each of another size, mtime at their end. */
function record(root: string, camera: string, fromMs: number, count: number, stepMs: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = fromMs + i * stepMs;
    const file = path.join(root, ...formatLayoutPath(layout, camera, start));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(nextSize++));
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
  const f = useRecorder();

  it('a renamed camera folder keeps every row, its id and its hold; nothing held is swept; an alarm names both cameras', () => {
    // 70 days, 6-hourly: the oldest ~10 days are due.
    const entrance = record(f.root, 'entrance', f.clock.now - 70 * DAY, 280, 6 * HOUR - MINUTE);
    record(f.root, 'corridor', f.clock.now - 70 * DAY, 280, 6 * HOUR - MINUTE);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    changeSetting(f.ctx, 'massDeletionShare', 0.6);
    const hold = addHold(f.ctx, { cameras: ['entrance'], fromMs: f.clock.now - 70 * DAY, toMs: f.clock.now - 66 * DAY, reason: 'break-in at the entrance' });
    const before = idsOf(f.ctx, 'entrance');
    expect(before.size).toBe(280);

    renameSync(path.join(f.root, 'entrance'), path.join(f.root, 'entrance_c1'));
    f.clock.now += 2 * MINUTE;
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ moved: 280, added: 0, missing: 0, missingRefused: 0 });
    expect(idsOf(f.ctx, 'entrance').size).toBe(0);
    expect(idsOf(f.ctx, 'entrance_c1')).toEqual(before);
    // Half the f.root "vanished", yet it is one alarm about a move, not a mass disappearance.
    expect(alarmsOf(f.ctx, 'mass-missing')).toHaveLength(0);
    const moved = alarmsOf(f.ctx, 'camera-moved');
    expect(moved).toHaveLength(1);
    expect(moved[0]?.message).toMatch(/entrance\b.*entrance_c1/);
    expect(moved[0]?.details).toMatchObject({ from: 'entrance', to: 'entrance_c1', count: 280, msg: { key: 'scan:cameraMoved' } });
    expect(holds(f.ctx).find((h) => h.id === hold.id)?.cameras.split(',').sort()).toEqual(['entrance', 'entrance_c1']);

    const r = sweep(f.ctx);
    expect(r.refused).toBeNull();
    expect(r.deleted).toBeGreaterThan(0);
    const movedFiles = entrance.map((file) => file.replace(`${path.sep}entrance${path.sep}`, `${path.sep}entrance_c1${path.sep}`));
    // The held window (the first 16 recordings, 4 days of 6-hourly ones) is all still there.
    expect(movedFiles.slice(0, 16).every((file) => existsSync(file))).toBe(true);
    expect(movedFiles.slice(17, 30).some((file) => existsSync(file))).toBe(false);
    expect(verifyAuditChain(f.ctx.db).ok).toBe(true);
    expect(checkHolds(f.ctx.db), 'the camera the hold followed is recorded (hold.camera-followed)').toEqual([]);
    const events = f.ctx.db.prepare("SELECT details FROM audit WHERE action = 'scan.moved'").all() as { details: string }[];
    expect(events.map((e) => JSON.parse(e.details) as { from: string; to: string; count: number })).toEqual([
      expect.objectContaining({ from: 'entrance', to: 'entrance_c1', count: 280 }),
    ]);
  });

  it('whatever the share: one camera of ten renamed is still an alarm', () => {
    for (let c = 0; c < 10; c++) record(f.root, `cam${c}`, f.clock.now - 3 * DAY, 12, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    renameSync(path.join(f.root, 'cam3'), path.join(f.root, 'lobby'));
    f.clock.now += 2 * MINUTE;
    expect(scanAll(f.ctx)[0]).toMatchObject({ moved: 12, added: 0, missing: 0 });
    expect(alarmsOf(f.ctx, 'camera-moved').map((a) => [a.details.from, a.details.to])).toEqual([['cam3', 'lobby']]);
  });

  it('a day folder moved to another camera, and one moved to another f.root, keep their ids', () => {
    const rootB = path.join(f.dir, 'rec-b');
    mkdirSync(rootB);
    const entrance = record(f.root, 'entrance', f.clock.now - 4 * DAY, 95, HOUR);
    record(f.root, 'corridor', f.clock.now - 2 * DAY, 12, HOUR);
    record(rootB, 'yard', f.clock.now - 1 * DAY, 6, HOUR);
    addRoot(f.ctx, { path: f.root });
    const b = addRoot(f.ctx, { path: rootB });
    scanAll(f.ctx);
    const before = idsOf(f.ctx, 'entrance');
    const day1 = path.dirname(entrance[0] as string);
    const day2 = path.dirname(entrance[48] as string);
    const day1Ids = new Set(f.ctx.db.prepare("SELECT s.id FROM segments s JOIN dirs d ON d.id = s.dir_id WHERE d.rel = ?").all(`entrance/${path.basename(day1)}`).map((r) => (r as { id: number }).id));
    const day2Ids = new Set(f.ctx.db.prepare("SELECT s.id FROM segments s JOIN dirs d ON d.id = s.dir_id WHERE d.rel = ?").all(`entrance/${path.basename(day2)}`).map((r) => (r as { id: number }).id));
    expect(day1Ids.size).toBeGreaterThan(0);
    expect(day2Ids.size).toBeGreaterThan(0);
    renameSync(day1, path.join(f.root, 'corridor', path.basename(day1)));
    mkdirSync(path.join(rootB, 'entrance'));
    renameSync(day2, path.join(rootB, 'entrance', path.basename(day2)));
    f.clock.now += 2 * MINUTE;
    const reps = scanAll(f.ctx);
    expect(reps.reduce((n, r) => n + r.moved, 0)).toBe(day1Ids.size + day2Ids.size);
    expect(reps.reduce((n, r) => n + r.added + r.missing, 0)).toBe(0);
    const corridorIds = new Set(idsOf(f.ctx, 'corridor').values());
    for (const id of day1Ids) expect(corridorIds.has(id)).toBe(true);
    const inB = f.ctx.db.prepare('SELECT id FROM segments WHERE root_id = ? AND camera_id = ?').all(b.id, 'entrance') as { id: number }[];
    expect(new Set(inB.map((r) => r.id))).toEqual(day2Ids);
    // Every recording of the entrance is still indexed once, under its old id.
    const byId = f.ctx.db.prepare('SELECT start_ms, name FROM segments WHERE id = ?');
    for (const [k, id] of before) {
      const row = byId.get(id) as { start_ms: number; name: string } | undefined;
      expect(`${row?.start_ms}/${row?.name}`).toBe(k);
    }
    expect(alarmsOf(f.ctx, 'camera-moved').map((a) => [a.details.from, a.details.to])).toEqual([['entrance', 'corridor']]);
  });

  it('matches a move even when the new folder was inserted before the old one was seen missing', () => {
    // Root A is walked first and gets the folder; f.root B, walked second, lost it. With a waiting
    // limit of 1 the new files are inserted before the loss is known, so the rows are merged.
    const rootA = path.join(f.dir, 'a');
    const rootB = path.join(f.dir, 'b');
    mkdirSync(rootA);
    mkdirSync(rootB);
    addRoot(f.ctx, { path: rootA });
    addRoot(f.ctx, { path: rootB });
    const files = record(rootB, 'gate', f.clock.now - 2 * DAY, 24, HOUR);
    scanAll(f.ctx);
    const before = idsOf(f.ctx, 'gate');
    const hold = addHold(f.ctx, { cameras: ['gate'], fromMs: f.clock.now - 2 * DAY, toMs: f.clock.now - DAY, reason: 'theft from the gate' });
    f.ctx.db.prepare('INSERT OR IGNORE INTO hold_pins (segment_id, hold_id) SELECT id, ? FROM segments').run(hold.id);
    renameSync(path.join(rootB, 'gate'), path.join(rootA, 'gate'));
    f.clock.now += 2 * MINUTE;
    const reps = scanAll(f.ctx, { maxWaiting: 1 });
    expect(reps.reduce((n, r) => n + r.moved, 0)).toBe(24);
    expect(reps.reduce((n, r) => n + r.added + r.missing + r.heldMissing, 0)).toBe(0);
    expect(idsOf(f.ctx, 'gate')).toEqual(before);
    const pins = f.ctx.db.prepare('SELECT segment_id FROM hold_pins WHERE hold_id = ? ORDER BY segment_id').all(hold.id) as { segment_id: number }[];
    expect(pins.map((p) => p.segment_id)).toEqual([...before.values()].sort((x, y) => x - y));
    expect(files.every((file) => existsSync(file.replace(rootB, rootA)))).toBe(true);
  });

  it('a pinned recording takes its hold to the new camera even when the hold named another camera', () => {
    record(f.root, 'entrance', f.clock.now - 2 * DAY, 24, HOUR);
    record(f.root, 'corridor', f.clock.now - 2 * DAY, 24, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    const hold = addHold(f.ctx, { cameras: ['corridor'], fromMs: f.clock.now - 2 * DAY, toMs: f.clock.now - DAY, reason: 'pinned for a test' });
    const pinned = [...idsOf(f.ctx, 'entrance').values()][0] as number;
    f.ctx.db.prepare('INSERT OR IGNORE INTO hold_pins (segment_id, hold_id) VALUES (?, ?)').run(pinned, hold.id);
    renameSync(path.join(f.root, 'entrance'), path.join(f.root, 'front'));
    f.clock.now += 2 * MINUTE;
    scanAll(f.ctx);
    expect(holds(f.ctx).find((h) => h.id === hold.id)?.cameras.split(',').sort()).toEqual(['corridor', 'front']);
    expect(f.ctx.db.prepare('SELECT camera_id FROM segments WHERE id = ?').get(pinned)).toEqual({ camera_id: 'front' });
  });

  it('recordings that only look alike are not taken for a move: another camera at the same times is new', () => {
    record(f.root, 'entrance', f.clock.now - 2 * DAY, 24, HOUR);
    for (let c = 0; c < 8; c++) record(f.root, `cam${c}`, f.clock.now - 2 * DAY, 24, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    const before = idsOf(f.ctx, 'entrance');
    const maxBefore = (f.ctx.db.prepare('SELECT MAX(id) AS m FROM segments').get() as { m: number }).m;
    rmSync(path.join(f.root, 'entrance'), { recursive: true });
    // Same names, same start times, same mtimes, other sizes (other video): a new camera.
    record(f.root, 'new-camera', f.clock.now - 2 * DAY, 24, HOUR);
    f.clock.now += 2 * MINUTE;
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ moved: 0, added: 24, missing: 24 });
    const fresh = [...idsOf(f.ctx, 'new-camera').values()];
    expect(fresh.every((id) => id > maxBefore)).toBe(true);
    expect(fresh.some((id) => [...before.values()].includes(id))).toBe(false);
    expect(alarmsOf(f.ctx, 'camera-moved')).toHaveLength(0);
  });

  /** Six identical files (same size, same mtime) per camera, at the same times in every camera. */
  function lookAlikes(cameras: readonly string[], fromMs: number): Map<string, string[]> {
    const mtime = new Date(fromMs + 7 * HOUR);
    const out = new Map<string, string[]>();
    for (const camera of cameras) {
      const files: string[] = [];
      for (let i = 0; i < 6; i++) {
        const file = path.join(f.root, ...formatLayoutPath(layout, camera, fromMs + i * HOUR));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, 'same');
        utimesSync(file, mtime, mtime);
        files.push(file);
      }
      out.set(camera, files);
    }
    return out;
  }

  it('two vanished cameras with identical recordings and one new copy (new folders): ambiguous, so no move', () => {
    lookAlikes(['left', 'right'], f.clock.now - DAY);
    for (let c = 0; c < 8; c++) record(f.root, `cam${c}`, f.clock.now - DAY, 6, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    // A copy keeping times (cp -a): names, sizes, mtimes agree with both cameras; the folders are new.
    cpSync(path.join(f.root, 'left'), path.join(f.root, 'copy'), { recursive: true, preserveTimestamps: true });
    rmSync(path.join(f.root, 'left'), { recursive: true });
    rmSync(path.join(f.root, 'right'), { recursive: true });
    f.clock.now += 2 * MINUTE;
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ moved: 0, added: 6, missing: 12 });
  });

  it('two cameras with identical recordings renamed at once: each folder is recognised by its identity, the hold follows, nothing held is swept', () => {
    // 70 days ago: due. The two cameras' files are indistinguishable by name, time, size and mtime;
    // only the folders (renamed, so the same folders) say which is which.
    const from = f.clock.now - 70 * DAY;
    const files = lookAlikes(['left', 'right'], from);
    for (let c = 0; c < 4; c++) record(f.root, `cam${c}`, from, 6, HOUR);
    record(f.root, 'live', f.clock.now - HOUR, 1, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    changeSetting(f.ctx, 'massDeletionShare', 1);
    const hold = addHold(f.ctx, { cameras: ['left'], fromMs: from, toMs: from + 6 * HOUR, reason: 'fight at the left door' });
    const leftIds = idsOf(f.ctx, 'left');
    const rightIds = idsOf(f.ctx, 'right');
    renameSync(path.join(f.root, 'left'), path.join(f.root, 'door_left'));
    renameSync(path.join(f.root, 'right'), path.join(f.root, 'door_right'));
    f.clock.now += 2 * MINUTE;
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ moved: 12, missing: 0, heldMissing: 0 });
    expect(idsOf(f.ctx, 'door_left')).toEqual(leftIds);
    expect(idsOf(f.ctx, 'door_right')).toEqual(rightIds);
    expect(alarmsOf(f.ctx, 'camera-moved').map((a) => [a.details.from, a.details.to]).sort()).toEqual([['left', 'door_left'], ['right', 'door_right']]);
    expect(holds(f.ctx).find((h) => h.id === hold.id)?.cameras.split(',').sort()).toEqual(['door_left', 'left']);
    const r = sweep(f.ctx);
    expect(r.refused).toBeNull();
    const heldNow = (files.get('left') ?? []).map((file) => file.replace(`${path.sep}left${path.sep}`, `${path.sep}door_left${path.sep}`));
    expect(heldNow.filter((file) => !existsSync(file))).toEqual([]);
    // The unheld twin camera was due and went, so the sweep did run.
    expect((files.get('right') ?? []).map((file) => file.replace(`${path.sep}right${path.sep}`, `${path.sep}door_right${path.sep}`)).filter((file) => existsSync(file))).toEqual([]);
    const logged = f.ctx.db.prepare("SELECT path FROM deletions WHERE kind = 'segment'").all() as { path: string }[];
    expect(logged.filter((d) => d.path.includes('door_left') || d.path.includes(`${path.sep}left${path.sep}`))).toEqual([]);
  });

  it('held look-alikes copied to two new cameras at once (no folder identity, over the mass-missing share, acknowledged): every copy stays held; the missing held rows are never deleted nor logged', () => {
    const from = f.clock.now - 70 * DAY;
    const files = lookAlikes(['left', 'right'], from);
    record(f.root, 'live', f.clock.now - HOUR, 1, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    changeSetting(f.ctx, 'massDeletionShare', 1);
    addHold(f.ctx, { cameras: ['left'], fromMs: from, toMs: from + 6 * HOUR, reason: 'fight at the left door' });
    const leftIds = [...idsOf(f.ctx, 'left').values()];
    // A move across disks that does not keep times (cp -r, then rm -r): new folders, new mtimes.
    for (const [c, to] of [['left', 'door_left'], ['right', 'door_right']] as const) {
      cpSync(path.join(f.root, c), path.join(f.root, to), { recursive: true });
      rmSync(path.join(f.root, c), { recursive: true });
    }
    f.clock.now += 2 * MINUTE;
    const [first] = scanAll(f.ctx);
    // Each new file could be either camera's: no move, the held rows are kept missing, the copies are new.
    expect(first).toMatchObject({ moved: 0, heldMissing: 6 });
    expect([idsOf(f.ctx, 'door_left').size, idsOf(f.ctx, 'door_right').size]).toEqual([6, 6]);
    // The unheld half vanished over the share: refused until a person acknowledges it.
    expect(first?.missingRefused).toBe(6);
    expect(alarmsOf(f.ctx, 'mass-missing')).toHaveLength(1);
    for (const a of listOpenAlarms(f.ctx.db)) if (a.acked_ms === null) acknowledgeAlarm(f.ctx, a.id, 'the cameras were renamed');
    f.clock.now += 2 * MINUTE;
    scanAll(f.ctx);
    const r = sweep(f.ctx);
    expect(r.refused).toBeNull();
    const copies = ['door_left', 'door_right'].flatMap((to) => (files.get('left') ?? []).map((file) => file.replace(`${path.sep}left${path.sep}`, `${path.sep}${to}${path.sep}`)));
    // Either copy may be the held recording: both stay.
    expect(copies.filter((file) => !existsSync(file))).toEqual([]);
    const logged = f.ctx.db.prepare("SELECT segment_id, path FROM deletions WHERE kind = 'segment'").all() as { segment_id: number; path: string }[];
    expect(logged.filter((d) => leftIds.includes(d.segment_id) || d.path.includes('door_'))).toEqual([]);
    // The held rows are still there, missing, with the alarm that says so.
    const missing = f.ctx.db.prepare('SELECT id FROM segments WHERE missing_ms IS NOT NULL ORDER BY id').all() as { id: number }[];
    expect(missing.map((m) => m.id)).toEqual([...leftIds].sort((x, y) => x - y));
    expect(alarmsOf(f.ctx, 'held-missing')).toHaveLength(1);
  });
});
