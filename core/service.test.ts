/**
 * The service on real trees: the daily full scan keeps its day across restarts, and a new day
 * folder with its first segment already in it (a recorder at midnight) is indexed within 2 s
 * by a running service with a real watcher (fs.watch per folder), round after round.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { DAY, HOUR, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { overwriteKeepingTimes, settleFolders, useRecorder } from '../test/recorder-fixture.js';
import type { ScanReport } from './indexer.js';
import { segmentsWithoutSize } from '../db/segments.js';
import { addRoot } from './roots.js';
import { RetentionService } from './service.js';

const ROUNDS = Math.max(10, Number(process.env.CUSTODIAN_ROUNDS ?? 10));

describe('the retention service', () => {
  const f = useRecorder();

  it('runs the full scan daily across restarts: an overwritten old recording is found a day after the last full scan', async () => {
    const files = writeSegments(f.root, 'entrance', f.clock.now - 3 * DAY, 48, HOUR);
    addRoot(f.ctx, { path: f.root });
    settleFolders(f.root, f.clock.now - HOUR);
    const run = async (untilFilled = false): Promise<ScanReport> => {
      const reports: ScanReport[] = [];
      const s = new RetentionService(f.ctx, { log: () => undefined, scanned: (r) => reports.push(...r) }, { watch: false, probe: false });
      await s.start();
      // Recordings named days ago in folders changed within the hour are indexed by name; the
      // running service fills their sizes and mtimes in the background (a few seconds here).
      const deadline = Date.now() + 10_000;
      while (untilFilled && segmentsWithoutSize(f.ctx.db, 0, 1).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await s.stop();
      return reports[0] as ScanReport;
    };
    expect(await run(true)).toMatchObject({ added: 48 });
    expect(segmentsWithoutSize(f.ctx.db, 0, 1)).toEqual([]);
    overwriteKeepingTimes(files[3] as string, 'the recorder wrote this over an old segment');
    // Restarted an hour later: a rescan, which cannot see the overwrite.
    f.clock.now += HOUR;
    expect(await run()).toMatchObject({ full: false, changed: 0 });
    // Restarted a day after the first scan: its first scan is the daily full one.
    f.clock.now += 24 * HOUR;
    expect(await run()).toMatchObject({ full: true, changed: 1, rewritten: 1 });
    f.clock.now += HOUR;
    expect(await run()).toMatchObject({ full: false });
  });

  /**
   * A live service on a real tree, round after round: `place(i)` names a file whose folder (and
   * perhaps the folders above it) does not exist yet; the round creates them and writes the file
   * at once, as a recorder does at midnight, and times how long until the service indexed it.
   */
  async function midnightRounds(layoutName: string, prepare: (ctx: { now: number }) => void, place: (i: number, now: number) => string): Promise<number[]> {
    // A live clock: the watcher and the settle time work on real time.
    const live: TestClock = {
      get now() {
        return Date.now();
      },
    };
    const ctx = testCtx(path.join(f.dir, 'live-data'), live);
    prepare({ now: Date.now() });
    addRoot(ctx, { path: f.root, layout: layoutName });
    const indexedAt = new Map<string, number>();
    const service = new RetentionService(ctx, { log: () => undefined, indexed: (file, result) => result === 'indexed' && !indexedAt.has(file) && indexedAt.set(file, performance.now()) }, { probe: false });
    const latencies: number[] = [];
    try {
      await service.start();
      const watchedAtStart = service.watchedFolders().length;
      for (let i = 0; i < ROUNDS; i++) {
        const file = place(i, Date.now());
        const t0 = performance.now();
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, `first segment of the day ${i}`);
        const deadline = t0 + 4_000;
        while (!indexedAt.has(file) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        latencies.push((indexedAt.get(file) ?? Number.POSITIVE_INFINITY) - t0);
      }
      // Bounded by what is written now: the folders watched at the start and those that appeared.
      expect(service.watchedFolders().length).toBeLessThanOrEqual(watchedAtStart + 3 * ROUNDS);
    } finally {
      await service.stop();
      ctx.close();
    }
    return latencies;
  }

  it(`indexes a recorder's first segment of the day, named now, in a new day folder within 2 s (${ROUNDS} rounds, real watcher)`, async () => {
    const layout = compileLayout('camera-date-time', 'Europe/Stockholm');
    // One camera a round: each has yesterday's folder, written until an hour ago; its camera
    // folder last changed when yesterday's folder appeared: the state just before midnight.
    const cameras = Array.from({ length: ROUNDS }, (_, i) => `cam${i}`);
    const latencies = await midnightRounds(
      'camera-date-time',
      ({ now }) => {
        for (const cam of cameras) writeSegments(f.root, cam, now - DAY - 2 * HOUR, 2, HOUR);
        settleFolders(f.root, now - DAY + HOUR);
        for (const cam of cameras) utimesSync(path.join(f.root, cam), new Date(now - 2 * DAY), new Date(now - 2 * DAY));
      },
      // Today's folder (a date none of the camera's folders has) and its first segment, starting now.
      (i, now) => path.join(f.root, ...formatLayoutPath(layout, cameras[i] as string, Math.floor(now / 1000) * 1000)),
    );
    const late = latencies.filter((ms) => ms > 2_000);
    expect(late, `latencies ${latencies.map((ms) => Math.round(ms)).join(', ')} ms`).toEqual([]);
  }, 60_000 + ROUNDS * 5_000);

  it(`indexes the first segment in a new Frigate day folder (day, hour and camera folders made at once) within 2 s (${ROUNDS} rounds)`, async () => {
    const layout = compileLayout('frigate', 'UTC');
    const cameras = ['front', 'yard', 'gate'];
    const latencies = await midnightRounds(
      'frigate',
      ({ now }) => {
        // Yesterday, an hour of 10-second segments per camera.
        for (const cam of cameras) writeSegments(f.root, cam, now - DAY - HOUR, 360, 10_000, { layout: 'frigate', timeZone: 'UTC' });
        settleFolders(f.root, now - DAY);
      },
      // Each round a day folder that is not there (the days before yesterday, then their hours),
      // with the hour and camera folders inside it and the day's first segment, all at once.
      (i, now) => {
        const day = Math.floor(now / DAY) * DAY - (2 + (i % 50)) * DAY + Math.floor(i / 50) * HOUR;
        return path.join(f.root, ...formatLayoutPath(layout, cameras[i % cameras.length] as string, day));
      },
    );
    const late = latencies.filter((ms) => ms > 2_000);
    expect(late, `latencies ${latencies.map((ms) => Math.round(ms)).join(', ')} ms`).toEqual([]);
  }, 60_000 + ROUNDS * 5_000);
});
