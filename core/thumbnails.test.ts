/**
 * Timeline stills on real footage (ffmpeg on generated H.264): made from the first keyframe on
 * first use, cached and recorded; deleted through the door when their recording goes (the
 * sweep), only when they are the file Custodian wrote; a crash between mark and record finishes
 * as a deletion. And the camera's current picture for the mask editor, never kept.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenAlarms } from '../db/alarms.js';
import { auditByAction } from '../db/audit.js';
import { segmentsForCamera } from '../db/segments.js';
import { liveThumbnail, markThumbnailDeleting, thumbnailById, type ThumbnailRow } from '../db/thumbnails.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { DAY, HOUR, tempDir, testCtx, writeRealSegments, type TestClock } from '../test/helpers.js';
import type { Ctx } from './context.js';
import { deleteOrphanedThumbnails, thumbnailsDir } from './deletion/thumbnails.js';
import { scanAll } from './indexer.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { changeSetting } from './settings.js';
import { cameraFrame, THUMBNAIL_WIDTH, thumbnailOf } from './thumbnails.js';

const tools = resolveMediaTools();
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('timeline stills (real ffmpeg)', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  let t0 = 0;
  let ids: number[] = [];

  beforeAll(async () => {
    t = tempDir();
    const root = path.join(t.dir, 'rec');
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    t0 = clock.now - 2 * HOUR;
    await writeRealSegments(root, path.join(t.dir, 'gen'), ['entrance'], { startMs: t0, count: 4, segmentSeconds: 4 });
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    changeSetting(ctx, 'massDeletionShare', 1);
    // The test moves time ahead with no recorder writing (the clock check is tested on its own).
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    scanAll(ctx);
    ids = segmentsForCamera(ctx.db, 'entrance', t0 - HOUR, t0 + DAY, HOUR).map((s) => s.id);
  }, 120_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it("makes a recording's still from its first keyframe, records it, and serves the same bytes again", async () => {
    const id = ids[0] as number;
    const a = await thumbnailOf(ctx, id);
    expect(a.width).toBe(THUMBNAIL_WIDTH);
    expect(a.camera).toBe('entrance');
    expect(a.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const row = liveThumbnail(ctx.db, id) as ThumbnailRow;
    const file = path.join(thumbnailsDir(ctx), ...row.rel.split('/'));
    // The record is what is on disk (our own oracle: sha256sum of the file).
    expect(execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64)).toBe(row.sha256);
    expect(row.size).toBe(readFileSync(file).length);
    // ffmpeg reads it back as a picture of the size recorded.
    const probe = execFileSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
    expect(probe).toBe(`${row.width},${row.height}`);
    const b = await thumbnailOf(ctx, id);
    expect(sha(b.bytes)).toBe(sha(a.bytes));
    expect(readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp') || f.endsWith('.partial'))).toEqual([]);
    // Two asking at once make one still.
    const [c, d] = await Promise.all([thumbnailOf(ctx, ids[1] as number), thumbnailOf(ctx, ids[1] as number)]);
    expect(sha(c.bytes)).toBe(sha(d.bytes));
  }, 60_000);

  it('deletes the stills with their recordings at the sweep, by record, and logs each', async () => {
    await thumbnailOf(ctx, ids[2] as number);
    const rows = ids.slice(0, 3).map((id) => liveThumbnail(ctx.db, id) as ThumbnailRow);
    const files = rows.map((r) => path.join(thumbnailsDir(ctx), ...r.rel.split('/')));
    for (const f of files) expect(existsSync(f)).toBe(true);
    // A file Custodian did not write beside them stays.
    const stranger = path.join(path.dirname(files[0] as string), 'not-ours.jpg');
    writeFileSync(stranger, 'someone else');
    // Two months and a day later every recording is due.
    clock.now += 62 * DAY;
    const r = sweep(ctx);
    expect(r.deleted).toBe(ids.length);
    for (const f of files) expect(existsSync(f)).toBe(false);
    expect(existsSync(stranger)).toBe(true);
    for (const row of rows) {
      const after = thumbnailById(ctx.db, row.id) as ThumbnailRow;
      expect(after.state).toBe('deleted');
      expect(after.outcome).toBe('deleted');
      expect(after.deleted_ms).toBe(clock.now);
    }
    expect(auditByAction(ctx.db, 'thumbnails.deleted', 0, clock.now).at(-1)?.details).toMatch(/"deleted":3/);
    // The record of the deletion is final.
    expect(() => ctx.db.prepare("UPDATE thumbnails SET state = 'present' WHERE id = ?").run(rows[0]?.id)).toThrow(/final/);
    // And no still is made of a recording that is gone.
    await expect(thumbnailOf(ctx, ids[3] as number)).rejects.toMatchObject({ code: 'not_found' });
  }, 60_000);
});

describe('the deletion door for stills', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  let ids: number[] = [];

  beforeAll(async () => {
    t = tempDir();
    const root = path.join(t.dir, 'rec');
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    await writeRealSegments(root, path.join(t.dir, 'gen'), ['hall'], { startMs: clock.now - HOUR, count: 3, segmentSeconds: 3 });
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    ids = segmentsForCamera(ctx.db, 'hall', clock.now - 2 * HOUR, clock.now + HOUR, HOUR).map((s) => s.id);
    for (const id of ids) await thumbnailOf(ctx, id);
  }, 120_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  const forget = (id: number): void => {
    // The recording left the index (as the scan does when its file is gone for good).
    ctx.db.prepare('DELETE FROM segments WHERE id = ?').run(id);
  };

  it('leaves a still that is not the file it wrote, and says so in an alarm', () => {
    const row = liveThumbnail(ctx.db, ids[0] as number) as ThumbnailRow;
    const file = path.join(thumbnailsDir(ctx), ...row.rel.split('/'));
    writeFileSync(file, 'replaced by someone');
    forget(row.segment_id);
    const r = deleteOrphanedThumbnails(ctx);
    expect(r.deleted).toBe(0);
    expect(r.failed).toHaveLength(1);
    expect(existsSync(file)).toBe(true);
    expect(thumbnailById(ctx.db, row.id)?.state).toBe('present');
    expect(listOpenAlarms(ctx.db).some((a) => a.kind === 'foreign-files' && a.message.includes(file))).toBe(true);
  });

  it('finishes a deletion a crash interrupted after the unlink as a deletion, logged once', () => {
    const row = liveThumbnail(ctx.db, ids[1] as number) as ThumbnailRow;
    const file = path.join(thumbnailsDir(ctx), ...row.rel.split('/'));
    forget(row.segment_id);
    // Marked, unlinked, then the process died before recording it.
    markThumbnailDeleting(ctx.db, row.id, clock.now, 'recording deleted');
    execFileSync('rm', [file]);
    const r = deleteOrphanedThumbnails(ctx);
    expect(r).toMatchObject({ deleted: 1, alreadyGone: 0 });
    // (Only the still left alone above is still not deleted.)
    expect(r.failed.map((f) => f.path)).not.toContain(file);
    expect(thumbnailById(ctx.db, row.id)).toMatchObject({ state: 'deleted', outcome: 'deleted' });
    expect(deleteOrphanedThumbnails(ctx)).toMatchObject({ deleted: 0, alreadyGone: 0 });
  });

  it('a still that vanished on its own is logged as already gone, never as deleted', () => {
    const row = liveThumbnail(ctx.db, ids[2] as number) as ThumbnailRow;
    execFileSync('rm', [path.join(thumbnailsDir(ctx), ...row.rel.split('/'))]);
    forget(row.segment_id);
    expect(deleteOrphanedThumbnails(ctx)).toMatchObject({ deleted: 0, alreadyGone: 1 });
    expect(thumbnailById(ctx.db, row.id)).toMatchObject({ state: 'deleted', outcome: 'already-gone' });
  });

  it('refuses to forget a still that is still on disk', () => {
    const live = ctx.db.prepare("SELECT id FROM thumbnails WHERE state = 'present'").get() as { id: number };
    expect(() => ctx.db.prepare('DELETE FROM thumbnails WHERE id = ?').run(live.id)).toThrow(/cannot be forgotten/);
  });
});

describe("the camera's current picture for the mask editor", () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };

  beforeAll(async () => {
    t = tempDir();
    const root = path.join(t.dir, 'rec');
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    await writeRealSegments(root, path.join(t.dir, 'gen'), ['desk'], { startMs: clock.now - 10 * 60_000, count: 2, segmentSeconds: 3 });
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    scanAll(ctx);
  }, 120_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it('is a full-size PNG from the newest recording, and nothing of it is kept', async () => {
    const newest = segmentsForCamera(ctx.db, 'desk', 0, clock.now + HOUR, HOUR).at(-1);
    const f = await cameraFrame(ctx, 'desk');
    expect(f.segmentId).toBe(newest?.id);
    expect(f.mime).toBe('image/png');
    expect(f.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(f.width).toBeGreaterThanOrEqual(320);
    expect(readdirSync(path.join(ctx.dataDir, 'frames-work'))).toEqual([]);
    await expect(cameraFrame(ctx, 'no-such-camera')).rejects.toMatchObject({ code: 'not_found' });
  }, 60_000);
});
