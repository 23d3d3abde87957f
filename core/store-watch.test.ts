/**
 * A store whose files must never be deleted one by one (a Hikvision ring, Milestone's database,
 * Moonfire's sample files, Scrypted's volume) that appears inside a registered root after it was
 * admitted: the scan raises a blocking `store-signature` alarm and the sweep deletes nothing in
 * that root, while another root is swept as usual. Checked on what a person would look at: the
 * files on disk, the segment index and the deletion log — not the alarm's own verdict. An
 * acknowledgement does not lift it; only the store going away (or the root) does.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOpenAlarms } from '../db/alarms.js';
import { listDeletions } from '../db/deletions.js';
import { makeStore, type StoreKind } from '../fixtures/store-trees.js';
import { DAY, HOUR, tempDir, testCtx, writeSegments, type TestClock } from '../test/helpers.js';
import { acknowledgeAlarm } from './alarms.js';
import type { Ctx } from './context.js';
import { scanAll } from './indexer.js';
import { sweep } from './retention.js';
import { addRoot } from './roots.js';
import { changeSetting } from './settings.js';

/** Every file under `dir` with its size (the test's own look at the disk). */
function onDisk(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.set(path.relative(dir, abs), statSync(abs).size);
    }
  };
  walk(dir);
  return out;
}

describe('a ring or database store found inside a registered root', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let storeRoot: string;
  let plainRoot: string;
  let storeRootId: number;
  let plainRootId: number;
  const clock: TestClock = { now: 0 };

  beforeEach(() => {
    t = tempDir();
    clock.now = Math.floor(Date.now() / 60_000) * 60_000;
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    storeRoot = path.join(t.dir, 'share-a');
    plainRoot = path.join(t.dir, 'share-b');
    mkdirSync(storeRoot);
    mkdirSync(plainRoot);
    // 80 days of 6-hourly recordings in each: the oldest ~20 days are due.
    writeSegments(storeRoot, 'entrance', clock.now - 80 * DAY, 320, 6 * HOUR);
    writeSegments(plainRoot, 'yard', clock.now - 80 * DAY, 320, 6 * HOUR);
    storeRootId = addRoot(ctx, { path: storeRoot }).id;
    plainRootId = addRoot(ctx, { path: plainRoot }).id;
    changeSetting(ctx, 'massDeletionShare', 0.5);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  const segmentsOf = (rootId: number): { id: number; dir_id: number; name: string; start_ms: number; end_ms: number }[] =>
    ctx.db.prepare('SELECT id, dir_id, name, start_ms, end_ms FROM segments WHERE root_id = ? ORDER BY id').all(rootId) as { id: number; dir_id: number; name: string; start_ms: number; end_ms: number }[];
  const deletedIn = (rootId: number): number => listDeletions(ctx.db, 0, 100_000).filter((d) => d.root_id === rootId).length;
  const storeAlarm = () => listOpenAlarms(ctx.db).find((a) => a.kind === 'store-signature' && a.root_id === storeRootId);

  const KINDS: readonly StoreKind[] = ['hikvision-sd', 'hikvision-nas', 'milestone', 'moonfire', 'scrypted'];
  for (const kind of KINDS) {
    it(`${kind}: the scan raises a blocking alarm naming the recorder; the sweep deletes nothing in that root`, () => {
      const written = makeStore(path.join(storeRoot, 'recorder'), kind, { files: 2, mtimeMs: clock.now - 70 * DAY });
      scanAll(ctx);
      const alarm = storeAlarm();
      expect(alarm, 'a store-signature alarm on the root').toBeDefined();
      const details = JSON.parse(alarm?.details ?? '{}') as { msg?: { key: string }; paths?: string[] };
      expect(details.msg?.key).toMatch(/^layouts:alarmStore\./);
      expect(details.paths?.every((p) => p.startsWith('recorder'))).toBe(true);

      const diskBefore = onDisk(storeRoot);
      const indexBefore = segmentsOf(storeRootId);
      // (the newest, still being written, is not indexed yet)
      expect(indexBefore.length).toBeGreaterThan(300);
      const r = sweep(ctx);
      // The other root is swept as usual: the pause is this root's, not the site's.
      expect(deletedIn(plainRootId)).toBeGreaterThan(50);
      expect(r.roots.find((x) => x.root === storeRootId)?.refusal?.key).toBe('deletion:refusedRootAlarm');
      // In the store's root: every file still there with its size, every row, no log line.
      expect(onDisk(storeRoot)).toEqual(diskBefore);
      for (const rel of written) expect(existsSync(path.join(storeRoot, 'recorder', rel))).toBe(true);
      expect(segmentsOf(storeRootId)).toEqual(indexBefore);
      expect(deletedIn(storeRootId)).toBe(0);

      // Acknowledged, the store is still there: the sweep still deletes nothing in the root.
      acknowledgeAlarm(ctx, alarm?.id ?? -1, 'seen');
      sweep(ctx);
      expect(onDisk(storeRoot)).toEqual(diskBefore);
      expect(deletedIn(storeRootId)).toBe(0);
      scanAll(ctx);
      expect(storeAlarm(), 'the next scan raises it again').toBeDefined();
      sweep(ctx);
      expect(deletedIn(storeRootId)).toBe(0);
    });
  }

  it('ends when the store is gone: the condition ends, and once acknowledged the root is swept again', () => {
    makeStore(path.join(storeRoot, 'nvr'), 'hikvision-nas', { files: 1 });
    scanAll(ctx);
    expect(storeAlarm()).toBeDefined();
    // The recorder is pointed elsewhere and its store taken away (by a person, not Custodian).
    rmSync(path.join(storeRoot, 'nvr'), { recursive: true });
    scanAll(ctx);
    const alarm = storeAlarm();
    expect(alarm?.cleared_ms).not.toBeNull();
    const indexed = segmentsOf(storeRootId).length;
    acknowledgeAlarm(ctx, alarm?.id ?? -1, 'recorder moved');
    sweep(ctx);
    expect(deletedIn(storeRootId)).toBeGreaterThan(50);
    expect(segmentsOf(storeRootId).length).toBe(indexed - deletedIn(storeRootId));
  });
});
