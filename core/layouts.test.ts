/**
 * Each new preset against a tree that follows its recorder's documented naming, across both DST
 * changes of 2026 in Europe/Stockholm, indexed by the real scan. The oracle is the generator's
 * list of what it wrote (fixtures/preset-trees.ts), read by the documented rule for names
 * without an end in the autumn's repeated hour (the later occurrence): never the parser.
 */
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileLayout, LayoutMatcher } from '../common/layout.js';
import { makePresetTree } from '../fixtures/preset-trees.js';
import { tempDir, testCtx, type TestClock } from '../test/helpers.js';
import type { Ctx } from './context.js';
import { segmentsView } from './api/handlers.js';
import { scanAll } from './indexer.js';
import { segmentTime } from './layout-time.js';
import { addRoot } from './roots.js';

const TZ = 'Europe/Stockholm';
const SEG = 10 * 60;
const HOUR = 3_600_000;
// Six hours around each change (both at 01:00Z): 29 March (02:00 CET → 03:00 CEST), 25 October (03:00 CEST → 02:00 CET).
const WINDOWS = {
  spring: { fromMs: Date.UTC(2026, 2, 28, 22), toMs: Date.UTC(2026, 2, 29, 4) },
  autumn: { fromMs: Date.UTC(2026, 9, 24, 22), toMs: Date.UTC(2026, 9, 25, 4) },
} as const;
const REPEATED = { fromMs: Date.UTC(2026, 9, 25, 0), toMs: Date.UTC(2026, 9, 25, 1) };

interface Row {
  camera_id: string;
  start_ms: number;
  end_ms: number;
  name_end_ms: number | null;
  event_kind: string | null;
  time_from: string | null;
}

const key = (camera: string, start: number, end: number | null, kind: string | null | undefined): string =>
  `${camera} ${new Date(start).toISOString()} ${end === null ? '-' : new Date(end).toISOString()} ${kind ?? '-'}`;

describe('presets on trees in their documented naming, both DST changes, indexed by the scan', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  const clock: TestClock = { now: Date.UTC(2026, 10, 1) };
  beforeEach(() => {
    t = tempDir();
    ctx = testCtx(path.join(t.dir, 'data'), clock);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  const index = (layout: string, window: keyof typeof WINDOWS, layoutTimeZone?: string) => {
    const root = path.join(t.dir, `${layout}-${window}`);
    mkdirSync(root);
    const tree = makePresetTree({ root, layout, siteTimeZone: TZ, ...(layoutTimeZone ? { layoutTimeZone } : {}), ...WINDOWS[window], segmentSeconds: SEG });
    addRoot(ctx, { path: root, layout, ...(layoutTimeZone ? { layoutTimeZone } : {}) });
    const [report] = scanAll(ctx);
    const rows = ctx.db.prepare('SELECT camera_id, start_ms, end_ms, name_end_ms, event_kind, time_from FROM segments ORDER BY camera_id, start_ms').all() as Row[];
    return { tree, report, rows };
  };

  for (const window of ['spring', 'autumn'] as const) {
    it(`dahua (${window}): camera = device channel, start and end from the name, the flag as the event kind`, () => {
      const { tree, report, rows } = index('dahua', window);
      expect(report?.unrecognised).toBe(0);
      expect(rows.map((r) => key(r.camera_id, r.start_ms, r.name_end_ms, r.event_kind)).sort()).toEqual(tree.segments.map((s) => key(s.camera, s.startMs, s.endMs, s.kind)).sort());
      // The end the name states is the end indexed: not cut, not estimated.
      expect(rows.every((r) => r.end_ms === r.name_end_ms)).toBe(true);
      expect(new Set(rows.map((r) => r.event_kind))).toEqual(new Set(['scheduled', 'motion', 'alarm', 'smart']));
      // The API's timeline view carries them to the UI (the recording at the cursor).
      const first = tree.segments[0];
      if (!first) throw new Error('the generator wrote nothing');
      const view = segmentsView(ctx, first.camera, WINDOWS[window].fromMs, WINDOWS[window].toMs);
      const shown = view.segments.find((s) => s.startMs === first.startMs);
      expect(shown).toMatchObject({ nameEndMs: first.endMs, endMs: first.endMs, eventKind: first.kind, timeFrom: null });
      if (window === 'autumn') {
        // The segment that ends as the clocks go back has a name of its own, read in its first pass.
        expect(rows.some((r) => r.start_ms === Date.UTC(2026, 9, 25, 0, 50) && r.end_ms === Date.UTC(2026, 9, 25, 1))).toBe(true);
      }
    });

    it(`zoneminder-deep (${window}): monitor id, start from YY/MM/DD/HH/MM/SS; the id files, links and snapshots left alone`, () => {
      const { tree, report, rows } = index('zoneminder-deep', window);
      expect(report?.unrecognised).toBe(0);
      expect(tree.companions).toBe(tree.segments.length * 4);
      // Two events in the repeated hour share a folder (their ids differ): each file's own time says which pass it was.
      expect(rows.map((r) => `${r.camera_id} ${new Date(r.start_ms).toISOString()}`).sort()).toEqual(tree.segments.map((s) => `${s.camera} ${new Date(s.startMs).toISOString()}`).sort());
      if (window === 'autumn') expect(rows.filter((r) => r.start_ms >= REPEATED.fromMs && r.start_ms < REPEATED.toMs + HOUR)).toHaveLength(2 * 12);
      expect(rows.every((r) => r.name_end_ms === null && r.event_kind === null)).toBe(true);
    });

    it(`zoneminder-medium (${window}): only the day in the path; the time is the file's own (end = mtime, start = end less the MP4's duration)`, () => {
      const { tree, report, rows } = index('zoneminder-medium', window);
      expect(report?.unrecognised).toBe(0);
      expect(rows.map((r) => key(r.camera_id, r.start_ms, r.end_ms, null)).sort()).toEqual(tree.segments.map((s) => key(s.camera, s.startMs, s.endMs, null)).sort());
      expect(rows.every((r) => r.time_from === 'file')).toBe(true);
      const first = tree.segments[0];
      if (!first) throw new Error('the generator wrote nothing');
      const shown = segmentsView(ctx, first.camera, WINDOWS[window].fromMs - HOUR, WINDOWS[window].toMs + HOUR).segments.find((s) => s.startMs === first.startMs);
      expect(shown).toMatchObject({ timeFrom: 'file', nameEndMs: null, eventKind: null });
    });

    it(`motioneye (${window}): camera folder, day, HH-MM-SS; thumbnails left alone`, () => {
      const { tree, report, rows } = index('motioneye', window);
      expect(report?.unrecognised).toBe(0);
      expect(rows.map((r) => key(r.camera_id, r.start_ms, null, null)).sort()).toEqual(tree.segments.map((s) => key(s.camera, s.startMs, null, null)).sort());
    });

    it(`frigate-before-0.12 (${window}): month, day, hour, camera, MM.SS in UTC, nothing repeats`, () => {
      const { tree, rows } = index('frigate-before-0.12', window);
      expect(tree.result.overwritten).toEqual([]);
      expect(rows.map((r) => key(r.camera_id, r.start_ms, null, null)).sort()).toEqual(tree.segments.map((s) => key(s.camera, s.startMs, null, null)).sort());
      expect(rows).toHaveLength(2 * 36);
    });
  }

  it("frigate-before-0.12 with the container's TZ set: --layout-timezone reads the names in it", () => {
    const { tree, rows } = index('frigate-before-0.12', 'autumn', TZ);
    // Local names repeat in the autumn: the later segment keeps the name.
    expect(tree.result.overwritten.length).toBeGreaterThan(0);
    expect(rows.map((r) => key(r.camera_id, r.start_ms, null, null)).sort()).toEqual(tree.segments.map((s) => key(s.camera, s.startMs, null, null)).sort());
  });

  it('zoneminder-medium leaves alone a video whose own time is not on its folder\'s day, or that states no duration', () => {
    const root = path.join(t.dir, 'zm');
    mkdirSync(root);
    const tree = makePresetTree({ root, layout: 'zoneminder-medium', siteTimeZone: TZ, fromMs: Date.UTC(2026, 9, 20, 8), toMs: Date.UTC(2026, 9, 20, 9), segmentSeconds: SEG });
    // A video that states no duration (still being written, or not an MP4).
    const wrong = path.join(root, '3', '2026-10-22', '999');
    mkdirSync(wrong, { recursive: true });
    writeFileSync(path.join(wrong, '999-video.mp4'), Buffer.alloc(0));
    const closed = new Date(Date.UTC(2026, 9, 22, 10));
    utimesSync(path.join(wrong, '999-video.mp4'), closed, closed);
    // A real event copied under another day, its own time kept: it does not fall on that day.
    const first = tree.segments[0];
    if (!first) throw new Error('no segments');
    const moved = path.join(root, '3', '2026-10-23', '998');
    mkdirSync(moved, { recursive: true });
    copyFileSync(path.join(root, first.path), path.join(moved, '998-video.mp4'));
    utimesSync(path.join(moved, '998-video.mp4'), new Date(first.endMs), new Date(first.endMs));
    addRoot(ctx, { path: root, layout: 'zoneminder-medium' });
    const [report] = scanAll(ctx);
    expect(report?.added).toBe(tree.segments.length);
    expect(report?.unrecognised).toBe(2);
    expect(report?.newlyUnrecognised.map((u) => u.reason).sort()).toEqual([
      "the file's own time does not fall on the day its folder names",
      'the video states no duration (still being written, or not an MP4)',
    ]);
  });

  it("a name in the autumn's repeated hour: the file's time says which pass wrote it; without it, the later pass", () => {
    const m = new LayoutMatcher(compileLayout('camera-date-time', TZ));
    const parsed = m.parse(['gate', '2026-10-25', '02-10-00.mp4']);
    if (typeof parsed === 'string') throw new Error(parsed);
    const at = (mtime: number | null): number | string => {
      const r = segmentTime(parsed, '/nowhere', mtime === null ? null : { size: 1, mtimeMs: mtime });
      return typeof r === 'string' ? r : r.startMs;
    };
    expect(at(null)).toBe(Date.UTC(2026, 9, 25, 1, 10));
    // Closed at 00:20Z: it cannot have begun at 01:10Z, so it is the first pass.
    expect(at(Date.UTC(2026, 9, 25, 0, 20))).toBe(Date.UTC(2026, 9, 25, 0, 10));
    expect(at(Date.UTC(2026, 9, 25, 1, 20))).toBe(Date.UTC(2026, 9, 25, 1, 10));
  });
});
