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
import { addRoot } from './roots.js';
import { RetentionService } from './service.js';

const ROUNDS = Math.max(10, Number(process.env.CUSTODIAN_ROUNDS ?? 10));

describe('the retention service', () => {
  const f = useRecorder();

  it('runs the full scan daily across restarts: an overwritten old recording is found a day after the last full scan', async () => {
    const files = writeSegments(f.root, 'entrance', f.clock.now - 3 * DAY, 48, HOUR);
    addRoot(f.ctx, { path: f.root });
    settleFolders(f.root, f.clock.now - HOUR);
    const run = async (): Promise<ScanReport> => {
      const reports: ScanReport[] = [];
      const s = new RetentionService(f.ctx, { log: () => undefined, scanned: (r) => reports.push(...r) }, { watch: false, probe: false });
      await s.start();
      await s.stop();
      return reports[0] as ScanReport;
    };
    expect(await run()).toMatchObject({ added: 48 });
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

  it(`indexes a recorder's new day folder and its first segment within 2 s (${ROUNDS} rounds, real watcher)`, async () => {
    // A live clock: the watcher and the settle time work on real time.
    const live: TestClock = {
      get now() {
        return Date.now();
      },
    };
    const ctx = testCtx(path.join(f.dir, 'live-data'), live);
    const layout = compileLayout('camera-date-time', 'Europe/Stockholm');
    const cameras = Array.from({ length: 10 }, (_, i) => `cam${i}`);
    const now = Date.now();
    // Yesterday's folders were written until an hour ago; each camera folder last changed when
    // yesterday's folder appeared, a day ago: the state of a recorder just before midnight.
    for (const cam of cameras) writeSegments(f.root, cam, now - 3 * HOUR, 2, HOUR);
    settleFolders(f.root, now - HOUR);
    for (const cam of cameras) utimesSync(path.join(f.root, cam), new Date(now - 25 * HOUR), new Date(now - 25 * HOUR));
    addRoot(ctx, { path: f.root });
    const indexedAt = new Map<string, number>();
    const service = new RetentionService(ctx, { log: () => undefined, indexed: (file, result) => result === 'indexed' && !indexedAt.has(file) && indexedAt.set(file, performance.now()) }, { probe: false });
    const latencies: number[] = [];
    try {
      await service.start();
      for (let i = 0; i < ROUNDS; i++) {
        const cam = cameras[i % cameras.length] as string;
        // A day folder that is not there yet (each round another), its first segment.
        const start = now - (i + 2) * DAY;
        const file = path.join(f.root, ...formatLayoutPath(layout, cam, start));
        const t0 = performance.now();
        mkdirSync(path.dirname(file));
        writeFileSync(file, `first segment of the day ${i}`);
        const deadline = t0 + 4_000;
        while (!indexedAt.has(file) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        latencies.push((indexedAt.get(file) ?? Number.POSITIVE_INFINITY) - t0);
      }
    } finally {
      await service.stop();
      ctx.close();
    }
    const late = latencies.filter((ms) => ms > 2_000);
    expect(late, `latencies ${latencies.map((ms) => Math.round(ms)).join(', ')} ms`).toEqual([]);
  }, 60_000 + ROUNDS * 5_000);
});
