import { copyFileSync, existsSync, unlinkSync, mkdirSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { listOpenAlarms } from '../db/alarms.js';
import { getHold } from '../db/holds.js';
import { listDeletions } from '../db/deletions.js';
import { generateSegments } from '../fixtures/video.js';
import { sha256File } from '../native/hash.js';
import { DAY, tempDir, testCtx, type TestClock } from '../test/helpers.js';
import { setCamera } from './cameras.js';
import type { Ctx } from './context.js';
import { incidentDetail } from './incident-view.js';
import { archiveIncident, closeIncident, createIncident, extendIncident, findIncident, flagOverdue, reclassifyClip, verifyArchive } from './incidents.js';
import { scanAll } from './indexer.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { archiveDir } from './paths.js';
import { changeSetting } from './settings.js';

const TZ = 'Europe/Stockholm';

describe('incidents and the archive (real ffmpeg)', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let ctx: Ctx;
  const clock: TestClock = { now: 0 };
  let t0 = 0;
  const files: Record<string, string[]> = {};

  beforeAll(async () => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    t0 = clock.now - 2 * DAY;
    const layout = compileLayout('camera-date-time', TZ);
    for (const cam of ['staff-corridor', 'entrance']) {
      const segs = await generateSegments({ dir: path.join(t.dir, 'gen', cam), camera: cam, startMs: t0, count: 6, segmentSeconds: 10, timeZone: TZ, audio: cam === 'entrance' });
      files[cam] = segs.map((s) => {
        const dest = path.join(root, ...formatLayoutPath(layout, cam, s.startMs));
        mkdirSync(path.dirname(dest), { recursive: true });
        renameSync(s.path, dest);
        utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
        return dest;
      });
    }
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    addRoot(ctx, { path: root });
    changeSetting(ctx, 'massDeletionShare', 1);
    // The test moves time ahead with no recorder writing (the clock check is tested on its own).
    changeSetting(ctx, 'clockCheckHours', 366 * 24);
    scanAll(ctx);
    setCamera(ctx, 'staff-corridor', { zone: 'staff', name: 'Personalkorridor' });
    setCamera(ctx, 'entrance', { zone: 'visitor', name: 'Entré' });
  }, 120_000);
  afterAll(() => {
    ctx?.close();
    t?.cleanup();
  });

  it('refuses what the policy does not allow, with clear words', () => {
    const base = { title: 'Test', justification: 'Stöld av dator ur personalrummet', fromMs: t0, toMs: t0 + 30_000, cameras: ['entrance'] };
    expect(() => createIncident(ctx, { ...base, reason: 'curiosity' })).toThrow(/one of the policy's/);
    expect(() => createIncident(ctx, { ...base, reason: 'other', justification: 'just because, really' })).toThrow(/substance/);
    expect(() => createIncident(ctx, { ...base, reason: 'crime-on-premises', cameras: ['nope'] })).toThrow(/no camera "nope"/);
    expect(() => createIncident(ctx, { ...base, reason: 'crime-on-premises', fromMs: t0 + 1000, toMs: t0 })).toThrow(/ends before it starts/);
    expect(() => createIncident(ctx, { ...base, reason: 'crime-on-premises', fromMs: t0 - 30 * DAY, toMs: t0 })).toThrow(/longer than/);
    expect(() => createIncident(ctx, { ...base, reason: 'crime-on-premises', fromMs: t0 - 5 * DAY, toMs: t0 - 4 * DAY })).toThrow(/no recordings/);
  });

  it('holds the window at once, archives hashed clips apart by zone, then releases the hold', async () => {
    const inc = createIncident(ctx, { reason: 'crime-on-premises', justification: 'Misshandel i entrén, polisanmälan gjord', title: 'Bråk i entrén', fromMs: t0 + 15_000, toMs: t0 + 45_000, cameras: ['staff-corridor', 'entrance'] });
    expect(inc.ref).toMatch(/^INC-\d{4}-0001$/);
    expect(getHold(ctx.db, inc.hold_id ?? 0)?.released_ms).toBeNull();
    const fractions: number[] = [];
    const r = await archiveIncident(ctx, inc.ref, (p) => fractions.push(p.fraction));
    expect(fractions.at(-1)).toBe(1);
    expect(r.incident.status).toBe('archived');
    expect(getHold(ctx.db, inc.hold_id ?? 0)?.released_ms).not.toBeNull();
    const archive = archiveDir(ctx);
    expect(readdirSync(path.join(archive, inc.ref)).sort()).toEqual(['staff', 'visitor']);
    for (const clip of r.clips) {
      const file = path.join(archive, ...clip.rel_path.split('/'));
      expect(await sha256File(file)).toBe(clip.sha256);
      expect(clip.start_ms).toBeLessThanOrEqual(t0 + 15_000);
      expect(clip.start_ms).toBeGreaterThanOrEqual(t0 + 15_000 - 2_500);
      expect(clip.end_ms).toBeGreaterThanOrEqual(t0 + 44_000);
    }
    const d = incidentDetail(ctx, findIncident(ctx, inc.ref));
    const visitor = d.clips.find((c) => c.camera === 'entrance');
    expect(visitor?.subjects).toBe('visitor');
    expect(visitor?.sourceHadAudio).toBe(true);
    expect(visitor?.sources.map((s) => s.name)).toHaveLength(4);
    expect(visitor?.sources[0]?.sha256).toBe(await sha256File(files.entrance?.[1] as string));
    expect(d.history.map((h) => h.action)).toEqual(expect.arrayContaining(['incident.created', 'clip.archived', 'incident.archived']));
    expect(listOpenAlarms(ctx.db).some((a) => a.kind === 'audio-present')).toBe(true);

    // The recorder's own footage ages out normally; the clips stay.
    clock.now += 70 * DAY;
    const s = sweep(ctx);
    expect(s.deleted).toBe(12);
    expect(existsSync(files.entrance?.[2] as string)).toBe(false);
    expect((await verifyArchive(ctx, inc.ref)).problems).toEqual([]);

    // Overdue for the DPO, until extended.
    expect(flagOverdue(ctx).map((i) => i.ref)).toContain(inc.ref);
    extendIncident(ctx, inc.ref, clock.now + 10 * DAY, 'Polisen har begärt mer tid');
    expect(flagOverdue(ctx).map((i) => i.ref)).not.toContain(inc.ref);

    // Reclassifying moves the file; tampering is detected; closing deletes and logs.
    const staffClip = r.clips.find((c) => c.camera_id === 'staff-corridor');
    const moved = reclassifyClip(ctx, staffClip?.id ?? 0, 'mixed', 'visitor seen in the corridor');
    expect(existsSync(path.join(archive, ...moved.rel_path.split('/')))).toBe(true);
    expect(moved.rel_path).toContain('/mixed/');
    writeFileSync(path.join(archive, ...moved.rel_path.split('/')), 'tampered');
    const v = await verifyArchive(ctx, inc.ref);
    expect(v.problems.map((p) => p.problem)).toEqual(['changed']);
    // A changed clip is not the file Custodian wrote: closing deletes the other clip and leaves
    // the changed one (issue 10: only files recorded by name, size and hash are deleted).
    const tampered = path.join(archive, ...moved.rel_path.split('/'));
    const first = await closeIncident(ctx, inc.ref, 'Ärendet avslutat utan överlämning');
    expect(first.incident.status).not.toBe('deleted');
    expect(first.deletion.failed.map((f) => f.path)).toEqual([tampered]);
    expect(existsSync(tampered)).toBe(true);
    expect(listOpenAlarms(ctx.db).some((a) => a.kind === 'delete-failed' && a.message.includes(inc.ref))).toBe(true);
    // A person takes the changed file away; closing again finishes, and the log says so.
    unlinkSync(tampered);
    const closed = await closeIncident(ctx, inc.ref, 'Ärendet avslutat utan överlämning');
    expect(closed.incident.status).toBe('deleted');
    expect(existsSync(path.join(archive, inc.ref))).toBe(false);
    const log = listDeletions(ctx.db, 0, 100).filter((x) => x.incident_ref === inc.ref);
    expect(log).toHaveLength(2);
    expect(log.every((x) => x.kind === 'clip' && x.sha256 !== null && /closed without handover/.test(x.reason))).toBe(true);
    expect(log.map((x) => x.outcome).sort()).toEqual(['already-gone', 'deleted']);
  }, 120_000);

  it('keeps the hold and marks no clip complete when a source is corrupt, and resumes once fixed', async () => {
    clock.now = Math.floor(Date.now() / 1000) * 1000;
    // Fresh segments for a third camera, one of them corrupt.
    const layout = compileLayout('camera-date-time', TZ);
    const start = clock.now - DAY;
    const segs = await generateSegments({ dir: path.join(t.dir, 'gen', 'server-room'), camera: 'server-room', startMs: start, count: 3, segmentSeconds: 10, timeZone: TZ });
    const dests = segs.map((s) => {
      const dest = path.join(root, ...formatLayoutPath(layout, 'server-room', s.startMs));
      mkdirSync(path.dirname(dest), { recursive: true });
      renameSync(s.path, dest);
      utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
      return dest;
    });
    scanAll(ctx);
    const good = path.join(t.dir, 'good.mp4');
    copyFileSync(dests[1] as string, good);
    writeFileSync(dests[1] as string, Buffer.alloc(5000, 7));
    const inc = createIncident(ctx, { reason: 'crime-against-organisation', justification: 'Intrång i serverrummet', title: 'Serverrum', fromMs: start, toMs: start + 30_000, cameras: ['server-room'] });
    await expect(archiveIncident(ctx, inc.ref)).rejects.toThrow(/server-room|corrupt|not a video|Invalid/i);
    const after = findIncident(ctx, inc.ref);
    expect(after.status).toBe('open');
    expect(getHold(ctx.db, after.hold_id ?? 0)?.released_ms).toBeNull();
    const d = incidentDetail(ctx, after);
    expect(d.clips.every((c) => c.status !== 'complete')).toBe(true);
    const dir = path.join(archiveDir(ctx), inc.ref, 'mixed');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    copyFileSync(good, dests[1] as string);
    const r = await archiveIncident(ctx, inc.ref);
    expect(r.incident.status).toBe('archived');
    expect(r.clips.filter((c) => c.status === 'complete')).toHaveLength(1);
  }, 120_000);
});
