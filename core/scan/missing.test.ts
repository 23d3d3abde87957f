/**
 * Held recordings that vanish from the disk are never forgotten; unheld ones leave the index
 * under the mass-missing guard. Real trees; the oracle is which files the test removed or put back.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { getAlarm, listOpenAlarms } from '../../db/alarms.js';
import { getRoot, type RootRow } from '../../db/roots.js';
import { DAY, HOUR, MINUTE, writeSegments } from '../../test/helpers.js';
import { useRecorder } from '../../test/recorder-fixture.js';
import type { Ctx } from '../context.js';
import { addHold, releaseHoldById } from '../holds.js';
import { scanAll } from '../indexer.js';
import { scanRoots } from './pass.js';
import { addRoot } from '../roots.js';
import { changeSetting } from '../settings.js';

interface Row {
  id: number;
  name: string;
  camera_id: string;
  missing_ms: number | null;
}

function rowOf(ctx: Ctx, camera: string, file: string): Row | undefined {
  return ctx.db.prepare('SELECT id, name, camera_id, missing_ms FROM segments WHERE camera_id = ? AND name = ? AND dir_id = (SELECT id FROM dirs WHERE rel = ?)').get(camera, path.basename(file), `${camera}/${path.basename(path.dirname(file))}`) as Row | undefined;
}

function heldMissingAlarm(ctx: Ctx) {
  return listOpenAlarms(ctx.db).find((a) => a.kind === 'held-missing');
}

describe('held recordings that vanish', () => {
  const f = useRecorder();
  let entrance: string[];

  beforeEach(() => {
    entrance = writeSegments(f.root, 'entrance', f.clock.now - 3 * DAY, 48, HOUR);
    for (let c = 0; c < 6; c++) writeSegments(f.root, `cam${c}`, f.clock.now - 3 * DAY, 48, HOUR);
    addRoot(f.ctx, { path: f.root });
    scanAll(f.ctx);
    // Holds the first 12 hours of the entrance.
    addHold(f.ctx, { cameras: ['entrance'], fromMs: f.clock.now - 3 * DAY, toMs: f.clock.now - 3 * DAY + 12 * HOUR, reason: 'assault in the lobby' });
    f.clock.now += 2 * MINUTE;
  });

  it('keep their rows, marked missing, with an alarm; unheld ones leave the index', () => {
    const held = entrance[2] as string;
    const unheld = entrance[30] as string;
    const heldRow = rowOf(f.ctx, 'entrance', held);
    unlinkSync(held);
    unlinkSync(unheld);
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ heldMissing: 1, missing: 1, missingRefused: 0 });
    const kept = rowOf(f.ctx, 'entrance', held);
    expect(kept?.id).toBe(heldRow?.id);
    expect(kept?.missing_ms).toBe(f.clock.now);
    expect(rowOf(f.ctx, 'entrance', unheld)).toBeUndefined();
    const alarm = heldMissingAlarm(f.ctx);
    expect(alarm?.message).toMatch(/1 held recording/);
    expect(JSON.parse(alarm?.details ?? '{}')).toMatchObject({ count: 1, cameras: ['entrance'], msg: { key: 'scan:heldMissing' } });
    // Still missing at the next scan: still kept, not counted again.
    f.clock.now += 2 * MINUTE;
    expect(scanAll(f.ctx)[0]).toMatchObject({ heldMissing: 0, missing: 0 });
    expect(rowOf(f.ctx, 'entrance', held)?.missing_ms).not.toBeNull();
  });

  it('turning up again where it was clears the mark and ends the alarm condition', () => {
    const held = entrance[3] as string;
    const parked = path.join(f.dir, 'parked.mp4');
    renameSync(held, parked);
    scanAll(f.ctx);
    const id = rowOf(f.ctx, 'entrance', held)?.id;
    const alarmId = heldMissingAlarm(f.ctx)?.id ?? 0;
    renameSync(parked, held);
    f.clock.now += 2 * MINUTE;
    expect(scanAll(f.ctx)[0]).toMatchObject({ found: 1, added: 0, heldMissing: 0 });
    expect(rowOf(f.ctx, 'entrance', held)).toMatchObject({ id, missing_ms: null });
    expect(getAlarm(f.ctx.db, alarmId)?.cleared_ms).not.toBeNull();
  });

  it('back in place while a copy appears elsewhere: the row stays where it was, the copy is new', () => {
    const held = entrance[6] as string;
    const parked = path.join(f.dir, 'parked.mp4');
    renameSync(held, parked);
    scanAll(f.ctx);
    const id = rowOf(f.ctx, 'entrance', held)?.id;
    // The copy is in a second root, scanned first: it is seen before the original's folder is listed.
    const other = path.join(f.dir, 'other-root');
    mkdirSync(other);
    const b = addRoot(f.ctx, { path: other });
    const copy = path.join(other, path.relative(f.root, held));
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(parked, copy);
    utimesSync(copy, statSync(parked).atime, statSync(parked).mtime);
    renameSync(parked, held);
    f.clock.now += 2 * MINUTE;
    const [inB, inA] = scanRoots(f.ctx, [getRoot(f.ctx.db, b.id) as RootRow, getRoot(f.ctx.db, 1) as RootRow]);
    expect(inA).toMatchObject({ found: 1, moved: 0 });
    expect(inB).toMatchObject({ moved: 0, added: 1 });
    const rows = f.ctx.db.prepare('SELECT id, root_id, missing_ms FROM segments WHERE start_ms = (SELECT start_ms FROM segments WHERE id = ?) AND camera_id = ? ORDER BY id').all(id, 'entrance');
    expect(rows).toEqual([
      { id, root_id: 1, missing_ms: null },
      { id: expect.any(Number), root_id: b.id, missing_ms: null },
    ]);
  });

  it('turning up in another camera folder later moves the same row there', () => {
    const held = entrance[4] as string;
    const parked = path.join(f.dir, 'parked.mp4');
    renameSync(held, parked);
    scanAll(f.ctx);
    const id = rowOf(f.ctx, 'entrance', held)?.id;
    // A day later someone finds it and puts it in the renamed camera's folder.
    const dest = held.replace(`${path.sep}entrance${path.sep}`, `${path.sep}entrance-old${path.sep}`);
    mkdirSync(path.dirname(dest), { recursive: true });
    renameSync(parked, dest);
    f.clock.now += DAY;
    expect(scanAll(f.ctx)[0]).toMatchObject({ found: 1, moved: 1, added: 0 });
    expect(rowOf(f.ctx, 'entrance-old', dest)).toMatchObject({ id, missing_ms: null });
  });

  it('a released hold lets the missing row go at the next scan', () => {
    const held = entrance[5] as string;
    unlinkSync(held);
    scanAll(f.ctx);
    expect(rowOf(f.ctx, 'entrance', held)).toBeDefined();
    const hold = f.ctx.db.prepare('SELECT id FROM holds').get() as { id: number };
    releaseHoldById(f.ctx, hold.id, 'case closed');
    f.clock.now += 2 * MINUTE;
    expect(scanAll(f.ctx)[0]).toMatchObject({ missing: 1 });
    expect(rowOf(f.ctx, 'entrance', held)).toBeUndefined();
    // The alarm stays for a person to acknowledge, with its condition ended.
    expect(heldMissingAlarm(f.ctx)?.cleared_ms).not.toBeNull();
  });

  it('a recording kept only by a pin (the hold names another camera now) is kept too', () => {
    const other = addHold(f.ctx, { cameras: ['cam0'], fromMs: f.clock.now - DAY, toMs: f.clock.now - DAY + HOUR, reason: 'pinned elsewhere' });
    const file = entrance[40] as string;
    const row = rowOf(f.ctx, 'entrance', file);
    f.ctx.db.prepare('INSERT OR IGNORE INTO hold_pins (segment_id, hold_id) VALUES (?, ?)').run(row?.id, other.id);
    unlinkSync(file);
    expect(scanAll(f.ctx)[0]).toMatchObject({ heldMissing: 1, missing: 0 });
    expect(rowOf(f.ctx, 'entrance', file)?.missing_ms).not.toBeNull();
  });

  it('a whole held camera vanishing: held rows kept; a later mass disappearance is refused by the guard', () => {
    rmSync(path.join(f.root, 'entrance'), { recursive: true });
    const [rep] = scanAll(f.ctx);
    // The 12 held hours stay; the 36 unheld are 36 of 336 (11 %), under the 20 % guard.
    expect(rep).toMatchObject({ heldMissing: 12, missing: 36, missingRefused: 0 });
    changeSetting(f.ctx, 'massMissingShare', 0.1);
    rmSync(path.join(f.root, 'cam1'), { recursive: true });
    f.clock.now += 2 * MINUTE;
    // 48 of the 288 on the disk (17 %) is over 10 %: not applied.
    expect(scanAll(f.ctx)[0]).toMatchObject({ missing: 0, missingRefused: 48, heldMissing: 0 });
    expect(listOpenAlarms(f.ctx.db).map((a) => a.kind).sort()).toEqual(['held-missing', 'mass-missing']);
    const n = f.ctx.db.prepare("SELECT COUNT(*) AS n FROM segments WHERE camera_id = 'entrance' AND missing_ms IS NOT NULL").get() as { n: number };
    expect(n.n).toBe(12);
    expect((f.ctx.db.prepare("SELECT COUNT(*) AS n FROM segments WHERE camera_id = 'cam1'").get() as { n: number }).n).toBe(48);
  });

  it('a root that is not a folder when walked (a share swapped for a link after its sentinel was read) marks nothing missing', () => {
    renameSync(f.root, `${f.root}-real`);
    symlinkSync(`${f.root}-real`, f.root);
    const [rep] = scanAll(f.ctx);
    expect(rep).toMatchObject({ missing: 0, missingRefused: 0, heldMissing: 0, dirsListed: 0 });
    // Refused as not the registered folder (root identity), or, if that check let it through, by the walk.
    expect(rep?.online === false || /could not be reached/.test(rep?.problems.join('\n') ?? '')).toBe(true);
    expect((f.ctx.db.prepare('SELECT COUNT(*) AS n FROM segments WHERE missing_ms IS NULL').get() as { n: number }).n).toBe(336);
  });
});
