/**
 * Property test over random recorders, holds, releases, clock moves and sweeps, on real files
 * and a real (in-memory) SQLite index:
 *  - no held segment is ever deleted;
 *  - after a sweep that was not refused, no unheld segment that is due remains;
 *  - nothing outside the root is touched, and the index equals the files on disk.
 * The oracle is the test's own: which file is held comes from the holds the test made and the
 * times it wrote into the file names, and "due" from date-fns directly (never the product's SQL
 * or its retention functions).
 * CUSTODIAN_PROPERTY_RUNS overrides the number of cases (default 1,000; npm run test:long: 10,000).
 */
import fc from 'fast-check';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TZDate } from '@date-fns/tz';
import { addMonths } from 'date-fns';
import { listOpenAlarms } from '../db/alarms.js';
import { DAY, fastTempBase, MINUTE, tempDir, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { acknowledgeAlarm } from './alarms.js';
import { addHold, releaseHoldById } from './holds.js';
import { scanAll } from './indexer.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { changeSetting } from './settings.js';

// 1,000 cases in CI (about a minute on 2 idle cores); `npm run test:long` runs 10,000.
const RUNS = Number(process.env.CUSTODIAN_PROPERTY_RUNS ?? 1_000);
const BASE = Date.parse('2026-11-25T12:00:00Z');

const cameraArb = fc.record({
  count: fc.integer({ min: 1, max: 6 }),
  firstDaysAgo: fc.integer({ min: 0, max: 100 }),
  stepMinutes: fc.integer({ min: 10, max: 60 * 24 * 10 }),
});
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('hold' as const), camera: fc.integer({ min: 0, max: 2 }), fromDaysAgo: fc.integer({ min: 0, max: 110 }), lengthDays: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('release' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('clock' as const), minutes: fc.integer({ min: -3 * 24 * 60, max: 40 * 24 * 60 }) }),
  fc.record({ kind: fc.constant('sweep' as const) }),
  fc.record({ kind: fc.constant('ack' as const) }),
  fc.record({ kind: fc.constant('scan' as const) }),
);

describe('retention properties', () => {
  let t: ReturnType<typeof tempDir>;
  let n = 0;
  beforeAll(() => {
    t = tempDir('custodian-prop-', fastTempBase());
  });
  afterAll(() => t.cleanup());

  it(`holds are never deleted and due segments never survive a sweep (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.array(cameraArb, { minLength: 1, maxLength: 3 }), fc.array(opArb, { minLength: 1, maxLength: 8 }), (cams, ops) => {
        const caseDir = path.join(t.dir, String(n++));
        const root = path.join(caseDir, 'rec');
        mkdirSync(root, { recursive: true });
        const outside = path.join(caseDir, 'outside.txt');
        writeFileSync(outside, 'not ours');
        symlinkSync(outside, path.join(root, 'link.mp4'));
        const clock: TestClock = { now: BASE };
        const ctx = testCtx(path.join(caseDir, 'data'), clock, true);
        try {
          const files = new Map<string, string[]>();
          // What the test knows of each file: its camera, start (from its name) and longest end.
          const facts: { file: string; camera: string; start: number; end: number }[] = [];
          cams.forEach((c, i) => {
            const id = `cam${i}`;
            const step = c.stepMinutes * MINUTE;
            const written = writeSegments(root, id, BASE - c.firstDaysAgo * DAY, c.count, step);
            files.set(id, written);
            // The recorder writes segments of at most an hour (maxSegmentMinutes): the end is no later.
            written.forEach((file, k) => facts.push({ file, camera: id, start: BASE - c.firstDaysAgo * DAY + k * step, end: BASE - c.firstDaysAgo * DAY + k * step + Math.min(step, 60 * MINUTE) }));
          });
          addRoot(ctx, { path: root });
          changeSetting(ctx, 'massDeletionShare', 1);
          // Time here jumps ahead with no recorder writing: the clock check (tested on its own) would refuse.
          changeSetting(ctx, 'clockCheckHours', 366 * 24);
          scanAll(ctx);
          const holds: { id: number; camera: string; from: number; to: number }[] = [];
          const isHeld = (f: (typeof facts)[number]): boolean => holds.some((h) => h.camera === f.camera && h.from < f.end && h.to > f.start);
          const dueAt = (end: number): number => addMonths(new TZDate(end, 'Europe/Stockholm'), 2).getTime();
          for (const op of ops) {
            if (op.kind === 'hold') {
              const cam = `cam${op.camera % cams.length}`;
              const from = BASE - op.fromDaysAgo * DAY;
              if (!ctx.db.prepare('SELECT 1 FROM cameras WHERE id = ?').get(cam)) continue; // only its file being written
              holds.push({ id: addHold(ctx, { cameras: [cam], fromMs: from, toMs: from + op.lengthDays * DAY, reason: 'property' }).id, camera: cam, from, to: from + op.lengthDays * DAY });
            } else if (op.kind === 'release' && holds.length > 0) {
              const h = holds.splice(op.which % holds.length, 1)[0] as (typeof holds)[number];
              releaseHoldById(ctx, h.id, 'property');
            } else if (op.kind === 'clock') {
              clock.now += op.minutes * MINUTE;
            } else if (op.kind === 'scan') {
              scanAll(ctx);
            } else if (op.kind === 'ack') {
              for (const a of listOpenAlarms(ctx.db)) acknowledgeAlarm(ctx, a.id, 'property');
            } else if (op.kind === 'sweep') {
              const heldNow = facts.filter((f) => existsSync(f.file) && isHeld(f));
              const r = sweep(ctx);
              for (const f of heldNow) expect(existsSync(f.file), `held ${f.file} deleted`).toBe(true);
              if (r.refused === null) {
                // Every unheld file still on disk and indexed is not yet due (its end at the latest).
                const indexed = new Set((ctx.db.prepare('SELECT id FROM segments').all() as { id: number }[]).map((row) => pathOf(ctx, row.id)));
                for (const f of facts) {
                  if (!existsSync(f.file) || !indexed.has(f.file) || isHeld(f)) continue;
                  // The index's end is no later than f.end, so due by f.end is due for the product too.
                  if (dueAt(f.end) <= clock.now) expect.fail(`${f.file} (ended by ${new Date(f.end).toISOString()}) was due and is still there`);
                }
              }
            }
          }
          expect(existsSync(outside)).toBe(true);
          // After a rescan the index equals the files on disk (but files still being written).
          scanAll(ctx);
          const indexed = new Set((ctx.db.prepare('SELECT id FROM segments').all() as { id: number }[]).map((r) => pathOf(ctx, r.id)));
          const onDisk = [...files.values()].flat().filter((f) => existsSync(f));
          for (const f of indexed) expect(onDisk).toContain(f);
          for (const f of onDisk) if (!indexed.has(f)) expect(statSync(f).mtimeMs, `${f} not indexed`).toBeGreaterThan(clock.now - 2_000);
        } finally {
          ctx.close();
          rmSync(caseDir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});

function pathOf(ctx: ReturnType<typeof testCtx>, id: number): string {
  const r = ctx.db.prepare('SELECT r.path AS root, d.rel AS rel, s.name AS name FROM segments s JOIN dirs d ON d.id = s.dir_id JOIN roots r ON r.id = s.root_id WHERE s.id = ?').get(id) as { root: string; rel: string; name: string };
  return path.join(r.root, ...r.rel.split('/'), r.name);
}
