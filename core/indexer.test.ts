import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { SAMPLE_FILES, samplePath } from '../fixtures/samples.js';
import { probeSome } from './probe-queue.js';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SENTINEL_FILE } from '../common/domain.js';
import { listOpenAlarms } from '../db/alarms.js';
import { countSegments, segmentsForCamera } from '../db/segments.js';
import { DAY, HOUR, MINUTE, tempDir, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { acknowledgeAlarm } from './alarms.js';
import type { Ctx } from './context.js';
import { indexFile, scanAll } from './indexer.js';
import { addRoot } from './roots.js';

describe('indexer', () => {
  let t: ReturnType<typeof tempDir>;
  let root: string;
  let ctx: Ctx;
  const clock: TestClock = { now: Date.now() };

  beforeEach(() => {
    t = tempDir();
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    clock.now = Math.floor(Date.now() / 60_000) * 60_000;
    ctx = testCtx(path.join(t.dir, 'data'), clock);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  it('indexes every segment, counts what it does not recognise and touches nothing', () => {
    writeSegments(root, 'entrance', clock.now - 3 * DAY, 30, 10 * MINUTE);
    writeSegments(root, 'server-room', clock.now - 3 * DAY, 20, 10 * MINUTE);
    writeFileSync(path.join(root, 'entrance', 'notes.txt'), 'hello');
    mkdirSync(path.join(root, 'entrance', 'weird folder'), { recursive: true });
    writeFileSync(path.join(root, 'entrance', 'weird folder', 'x.mp4'), '');
    writeFileSync(path.join(root, 'stray.mp4'), '');
    writeFileSync(Buffer.from(path.join(root, 'entrance', 'bad-\xff-name.mp4'), 'latin1'), '');
    symlinkSync('/etc', path.join(root, 'entrance', 'link-out'));
    const r = addRoot(ctx, { path: root });
    const [rep] = scanAll(ctx);
    expect(rep?.added).toBe(50);
    expect(countSegments(ctx.db, r.id)).toBe(50);
    const reasons = rep?.newlyUnrecognised.map((u) => `${path.basename(u.path)}: ${u.reason}`).join('\n') ?? '';
    expect(reasons).toMatch(/notes\.txt/);
    expect(reasons).toMatch(/stray\.mp4/);
    expect(reasons).toMatch(/link-out: symbolic link/);
    expect(reasons).toMatch(/not valid UTF-8/);
    expect(rep?.unrecognised).toBeGreaterThanOrEqual(5);
  });

  it('gives each segment an end no later than the next one starts', () => {
    writeSegments(root, 'entrance', clock.now - 2 * DAY, 10, 10 * MINUTE);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    const segs = segmentsForCamera(ctx.db, 'entrance', 0, clock.now, HOUR);
    expect(segs).toHaveLength(10);
    for (let i = 0; i + 1 < segs.length; i++) expect(segs[i]?.end_ms).toBeLessThanOrEqual(segs[i + 1]?.start_ms ?? 0);
    expect((segs[9]?.end_ms ?? 0) - (segs[9]?.start_ms ?? 0)).toBe(10 * MINUTE);
  });

  it('a rescan with nothing changed adds nothing and sees what went missing', () => {
    const files = writeSegments(root, 'entrance', clock.now - 5 * DAY, 40, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    clock.now += 2 * MINUTE;
    const again = scanAll(ctx)[0];
    expect(again?.added).toBe(0);
    expect(again?.missing).toBe(0);
    unlinkSync(files[3] as string);
    // Make the folder's change visible even on file systems with coarse mtimes.
    const dir = path.dirname(files[3] as string);
    utimesSync(dir, new Date(), new Date(Date.now() + 5000));
    const third = scanAll(ctx)[0];
    expect(third?.missing).toBe(1);
    expect(countSegments(ctx.db)).toBe(39);
  });

  it('an offline root (sentinel gone) changes nothing and raises an alarm', () => {
    writeSegments(root, 'entrance', clock.now - 2 * DAY, 12, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    renameSync(root, `${root}-unmounted`);
    mkdirSync(root); // an empty mount point
    const r = scanAll(ctx)[0];
    expect(r?.online).toBe(false);
    expect(countSegments(ctx.db)).toBe(12);
    expect(listOpenAlarms(ctx.db).map((a) => a.kind)).toContain('root-offline');
  });

  it('refuses to mark a mass disappearance missing until a person acknowledges it', () => {
    writeSegments(root, 'entrance', clock.now - 4 * DAY, 48, HOUR);
    addRoot(ctx, { path: root });
    scanAll(ctx);
    rmSync(path.join(root, 'entrance'), { recursive: true });
    const r = scanAll(ctx)[0];
    expect(r?.missing).toBe(0);
    expect(r?.missingRefused).toBe(48);
    expect(countSegments(ctx.db)).toBe(48);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.kind === 'mass-missing');
    expect(alarm).toBeDefined();
    // Still refused on the next pass; applied once acknowledged.
    expect(scanAll(ctx)[0]?.missingRefused).toBe(48);
    acknowledgeAlarm(ctx, alarm?.id ?? 0, 'recorder wiped on purpose');
    expect(scanAll(ctx)[0]?.missing).toBe(48);
    expect(countSegments(ctx.db)).toBe(0);
  });

  it('leaves a file that is still being written for later', () => {
    const files = writeSegments(root, 'entrance', clock.now - 30 * MINUTE, 3, 10 * MINUTE);
    const last = files[2] as string;
    utimesSync(last, new Date(clock.now), new Date(clock.now)); // still growing
    addRoot(ctx, { path: root });
    const r = scanAll(ctx)[0];
    expect(r?.added).toBe(2);
    expect(r?.pending).toBe(1);
    clock.now += 30_000;
    const rootRow = { ...addRootRow(ctx) };
    expect(indexFile(ctx, rootRow, last)).toBe('indexed');
    expect(countSegments(ctx.db)).toBe(3);
  });

  it('probes in the background: real, corrupt, empty and with-audio segments each get the right verdict', async () => {
    const files = writeSegments(root, 'reception', clock.now - 2 * DAY, 4, 10 * MINUTE);
    const samples: (keyof typeof SAMPLE_FILES)[] = ['normal', 'corrupt', 'zeroByte', 'withAudio'];
    files.forEach((f, i) => {
      copyFileSync(samplePath(samples[i] as keyof typeof SAMPLE_FILES), f);
      const end = new Date(clock.now - 2 * DAY + (i + 1) * 10 * MINUTE);
      utimesSync(f, end, end);
    });
    addRoot(ctx, { path: root });
    scanAll(ctx);
    const r = await probeSome(ctx, 10);
    expect(r).toMatchObject({ probed: 4, audio: 1, errors: 2 });
    const rows = ctx.db.prepare('SELECT name, probe_error, has_audio, duration_ms, end_source FROM segments ORDER BY start_ms').all() as { name: string; probe_error: string | null; has_audio: number | null; duration_ms: number | null; end_source: string }[];
    expect(rows[0]).toMatchObject({ probe_error: null, has_audio: 0, end_source: 'probe' });
    expect(rows[1]?.probe_error).toMatch(/moov atom|not a readable|Invalid/i);
    expect(rows[2]?.probe_error).toMatch(/empty/);
    expect(rows[3]?.has_audio).toBe(1);
    expect(listOpenAlarms(ctx.db).find((a) => a.kind === 'audio-present')?.message).toMatch(/no audio/);
    // Nothing was changed on disk by probing.
    expect(files.every((f) => existsSync(f))).toBe(true);
  });

  it('refuses a root that is a file, and does not loop on a symlink loop', () => {
    const file = path.join(t.dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => addRoot(ctx, { path: file })).toThrow(/is a file, not a folder/);
    writeSegments(root, 'entrance', clock.now - 2 * DAY, 3, HOUR);
    symlinkSync(root, path.join(root, 'entrance', 'loop'));
    addRoot(ctx, { path: root });
    const r = scanAll(ctx)[0];
    expect(r?.added).toBe(3);
    expect(r?.newlyUnrecognised.some((u) => u.path.endsWith('loop') && /symbolic link/.test(u.reason))).toBe(true);
  });

  it('never follows the sentinel or indexes it', () => {
    writeSegments(root, 'entrance', clock.now - 2 * DAY, 2, HOUR);
    addRoot(ctx, { path: root });
    const r = scanAll(ctx)[0];
    expect(r?.newlyUnrecognised.some((u) => u.path.endsWith(SENTINEL_FILE))).toBe(false);
  });
});

function addRootRow(ctx: Ctx) {
  const row = ctx.db.prepare('SELECT * FROM roots LIMIT 1').get() as Parameters<typeof indexFile>[1];
  return row;
}
