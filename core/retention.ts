/**
 * The retention sweep (POLICY P2): every segment whose end is older than the retention period is
 * deleted, unless a hold keeps it. This module decides WHAT is due and whether deletion may go
 * ahead at all (one sweeper, a clock that tells the truth, roots online, no alarm pausing it, no
 * mass deletion); the deletion door (core/deletion/recordings.ts) does the deleting, with every
 * check that makes an unlink safe. Rules D1–D9 in ARCHITECTURE.md.
 *
 *   mark (state 'deleting', hold check in the picking statement)  → the journal
 *   → per batch, under the write lock: lease, root, holds again, unlink, fsync, record
 *
 * A dry run computes the same answer and writes nothing (no alarm, no lease, no state) except one
 * "previewed" audit event.
 */
import { english, type Msg } from '../common/i18n/catalog.js';
import { textMsg } from '../common/i18n/words.js';
import { DueClock, retentionBounds, retentionCutoff, retentionDueAt } from '../common/time.js';
import { markAlarmUsed, unusedAckedAlarm } from '../db/alarms.js';
import { listRoots, type RootRow } from '../db/roots.js';
import {
  boundaryBand,
  countSegments,
  countSurelyDue,
  liveUnheld,
  liveUnheldIds,
  markForDeletion,
  markedSegmentIds,
  oldestUnheldEnd,
  pickDueIds,
  pickDueSegments,
  segmentsInState,
} from '../db/segments.js';
import { finishSweep, insertSweep, lastSweep } from '../db/sweeps.js';
import { blockingAlarms, conditionEnded, permitCovers, raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { deleteOrphanedThumbnails } from './deletion/thumbnails.js';
import { Lease, LeaseLost } from './deletion/lease.js';
import { RecordingDeleter } from './deletion/recordings.js';
import { RootGuard } from './deletion/root-guard.js';
import { holdCopyRefusal } from './hold-copies.js';
import { segmentFile } from './paths.js';
import { checkClock } from './retention-clock.js';
import { storeRefusalFor } from './store-watch.js';

export interface SweepItem {
  root: number;
  camera: string;
  path: string;
  startMs: number;
  endMs: number;
  dueMs: number;
}

export interface SweepRootReport {
  root: number;
  path: string;
  online: boolean;
  due: number;
  deleted: number;
  held: number;
  /** English, for logs and older clients; `refusal` is the sentence as a catalogue Msg. */
  refused: string | null;
  refusal: Msg | null;
  /** The alarm behind the refusal, if one was raised or stands. */
  refusalAlarm?: number | undefined;
}

export interface SweepReport {
  sweep: number | null;
  dryRun: boolean;
  cutoffMs: number;
  due: number;
  deleted: number;
  held: number;
  /** Could not be deleted now (file in use, share gone): tried again next sweep. */
  deferred: number;
  /** Left alone because they are not regular files inside the root, or changed since indexed. */
  leftAlone: { path: string; reason: string }[];
  /** Why deletion did not (fully) go ahead, in English; `refusals` as catalogue Msgs. */
  refused: string | null;
  refusals: Msg[];
  /** Ids of the alarms that stand behind the refusal (none: it raised no alarm). */
  alarms: number[];
  roots: SweepRootReport[];
  /** When the next unheld recording becomes due (null: nothing indexed). */
  nextDueMs: number | null;
  /** Dry run: what would go (first 1000). */
  items: SweepItem[];
  recovered: number;
  durationMs: number;
}

/** A mark (journal) transaction takes at most this many segments. */
const CHUNK = 1000;
const PREVIEW_MAX = 1000;

export function nextDueMs(ctx: Ctx): number | null {
  const s = ctx.settings();
  const end = oldestUnheldEnd(ctx.db);
  return end === null ? null : retentionDueAt(end, s.retentionMonths, s.siteTimeZone);
}

function refuse(report: SweepReport, msg: Msg, alarmIds: readonly number[] = []): void {
  report.refusals.push(msg);
  report.alarms.push(...alarmIds);
}

export function sweep(ctx: Ctx, opts: { dryRun?: boolean } = {}): SweepReport {
  const dryRun = opts.dryRun ?? false;
  const t0 = performance.now();
  const now = ctx.now();
  const s = ctx.settings();
  const cutoff = retentionCutoff(now, s.retentionMonths, s.siteTimeZone);
  const report: SweepReport = { sweep: null, dryRun, cutoffMs: cutoff, due: 0, deleted: 0, held: 0, deferred: 0, leftAlone: [], refused: null, refusals: [], alarms: [], roots: [], nextDueMs: null, items: [], recovered: 0, durationMs: 0 };

  const lease = dryRun ? null : Lease.take(ctx);
  if (!dryRun && !lease) {
    refuse(report, { key: 'deletion:refusedLease' });
    return done(ctx, report, t0);
  }
  try {
    const machine = ctx.machine();
    const roots = listRoots(ctx.db);
    const guards = new Map<number, RootGuard | ReturnType<typeof RootGuard.open>>();
    for (const r of roots) guards.set(r.id, RootGuard.open(ctx, r));
    const online = roots.filter((r) => guards.get(r.id) instanceof RootGuard);

    const clock = checkClock(ctx, { last: lastSweep(ctx.db), machine, onlineRoots: online, dryRun });
    if (!clock.ok) refuse(report, clock.refusal, clock.alarm === null ? [] : [clock.alarm]);
    if (clock.ok) {
      const blocking = blockingAlarms(ctx).filter((a) => a.root_id === null);
      const first = blocking[0];
      if (first) refuse(report, { key: 'deletion:refusedAlarm', params: { alarm: first.id, kind: first.kind } }, blocking.map((a) => a.id));
    }
    const go = report.refusals.length === 0;
    const sweepId = dryRun || !go ? null : insertSweep(ctx.db, { startedMs: now, cutoffMs: cutoff, actor: ctx.actor.name, uptimeMs: machine.uptimeMs, bootId: machine.bootId });
    report.sweep = sweepId;

    for (const root of roots) {
      const r: SweepRootReport = { root: root.id, path: root.path, online: true, due: 0, deleted: 0, held: 0, refused: null, refusal: null };
      report.roots.push(r);
      const guard = guards.get(root.id);
      if (!(guard instanceof RootGuard)) {
        // Safety rule 1: nothing in an offline root (or one that is not the root registered) is deleted.
        r.online = false;
        r.refusal = guard?.msg ?? null;
        if (!dryRun && guard) r.refusalAlarm = raiseRootAlarm(ctx, root, guard);
        continue;
      }
      sweepRoot(ctx, { root, guard, lease, sweepId, now, go, dryRun, report, r });
    }
    for (const r of report.roots) {
      if (r.refusal) {
        r.refused = english(r.refusal);
        refuse(report, { key: 'core:rootRefusal', params: { root: r.path, reason: r.refusal } }, r.refusalAlarm ? [r.refusalAlarm] : []);
      }
    }
    report.nextDueMs = nextDueMs(ctx);
    // A sweeper stalled after its last chunk (paused VM) whose lease another took meanwhile does
    // not report success: the verdict is checked, not assumed (attack 6, round 1).
    if (lease) ctx.db.transaction(() => lease.renewOrStop()).immediate();
    // Stills of recordings that left the index go with them, through the door (issue 15).
    if (sweepId !== null) deleteOrphanedThumbnails(ctx);
    if (sweepId !== null) {
      finishSweep(ctx.db, sweepId, { finishedMs: ctx.now(), due: report.due, deleted: report.deleted, held: report.held, deferred: report.deferred, refused: report.refusals.map((m) => english(m)).join('; ') || null });
    }
  } catch (e) {
    if (!(e instanceof LeaseLost)) throw e;
    refuse(report, { key: 'deletion:refusedLeaseLost' });
  } finally {
    lease?.drop();
  }
  return done(ctx, report, t0);
}

function done(ctx: Ctx, report: SweepReport, t0: number): SweepReport {
  report.refused = report.refusals.length > 0 ? report.refusals.map((m) => english(m)).join('; ') : null;
  report.nextDueMs ??= nextDueMs(ctx);
  report.durationMs = Math.round(performance.now() - t0);
  if (report.dryRun) {
    audit(ctx, 'sweep.previewed', { due: report.due, held: report.held, refused: report.refused });
  } else if (report.sweep !== null || report.refusals.length > 0) {
    audit(ctx, 'sweep', { sweep: report.sweep, cutoffMs: report.cutoffMs, due: report.due, deleted: report.deleted, held: report.held, deferred: report.deferred, leftAlone: report.leftAlone.length, refused: report.refused, recovered: report.recovered });
  }
  return report;
}

function raiseRootAlarm(ctx: Ctx, root: RootRow, g: Exclude<ReturnType<typeof RootGuard.open>, RootGuard>): number {
  const params = { root: root.path, reason: textMsg(g.reason) };
  if (g.kind === 'root-identity') {
    return raiseAlarm(ctx, { kind: 'root-identity', key: `root-identity:${root.id}`, rootId: root.id, msg: { key: 'deletion:alarmRootIdentity', params }, details: { root: root.id, reason: g.reason } });
  }
  return raiseAlarm(ctx, { kind: 'root-offline', key: `root-offline:${root.id}`, rootId: root.id, msg: { key: 'alarm:rootOffline', params }, details: { root: root.id } });
}

interface RootRun {
  root: RootRow;
  guard: RootGuard;
  lease: Lease | null;
  sweepId: number | null;
  now: number;
  /** False when a sweep-wide refusal stands: count, preview, delete nothing. */
  go: boolean;
  dryRun: boolean;
  report: SweepReport;
  r: SweepRootReport;
}

function sweepRoot(ctx: Ctx, run: RootRun): void {
  const { root, now, report, r } = run;
  const s = ctx.settings();
  const bounds = retentionBounds(now, s.retentionMonths, s.siteTimeZone);
  const dueClock = new DueClock(s.retentionMonths, s.siteTimeZone);
  // Surely due: one count. Near the boundary (month ends): each end checked exactly.
  const sure = countSurelyDue(ctx.db, root.id, bounds.sure);
  const band = boundaryBand(ctx.db, root.id, bounds.sure, bounds.top).filter((b) => dueClock.dueAt(b.end_ms) <= now);
  const bandHeld = band.filter((b) => b.held).length;
  r.held = sure.held + bandHeld;
  r.due = sure.n - sure.held + band.length - bandHeld;
  const bandIds = band.filter((b) => !b.held).map((b) => b.id);
  report.held += r.held;
  report.due += r.due;
  if (run.dryRun) {
    const room = PREVIEW_MAX - report.items.length;
    const rows = [...pickDueSegments(ctx.db, root.id, bounds.sure, room), ...liveUnheld(ctx.db, bandIds.slice(0, room))].slice(0, room);
    for (const seg of rows) report.items.push({ root: root.id, camera: seg.camera_id, path: segmentFile(ctx, seg) ?? seg.name, startMs: seg.start_ms, endMs: seg.end_ms, dueMs: dueClock.dueAt(seg.end_ms) });
  }
  const interrupted = run.dryRun ? [] : markedSegmentIds(ctx.db, root.id);
  if (r.due === 0 && interrupted.length === 0) return;

  // Safety rule 2b: a sweep that would delete a large share of a root at once waits for a person.
  const total = countSegments(ctx.db, root.id);
  const share = total > 0 ? r.due / total : 0;
  const key = `mass-deletion:${root.id}`;
  if (share > s.massDeletionShare) {
    const acked = unusedAckedAlarm(ctx.db, key, now - 7 * 86_400_000);
    // The permission covers the deletion the person saw (a tenth more at most), not a larger one.
    const permit = acked && permitCovers(acked, 'due', r.due, (n) => Math.max(10, n / 10)) ? acked : undefined;
    if (!permit) {
      r.refusal = { key: 'deletion:refusedMassDeletion', params: { share: Math.round(share * 100) } };
      if (!run.dryRun) {
        r.refusalAlarm = raiseAlarm(ctx, {
          kind: 'mass-deletion',
          key,
          rootId: root.id,
          msg: { key: 'alarm:massDeletion', params: { due: r.due, total, root: root.path, share: Math.round(share * 100), allowed: Math.round(s.massDeletionShare * 100) } },
          details: { root: root.id, due: r.due, total, share, cutoffMs: report.cutoffMs },
        });
      }
      return;
    }
    if (!run.dryRun && run.go) {
      markAlarmUsed(ctx.db, permit.id, now);
      audit(ctx, 'sweep.mass-deletion-approved', { root: root.id, alarm: permit.id, due: r.due });
    }
  }
  if (run.dryRun || !run.go || !run.lease) return;
  const rootAlarms = blockingAlarms(ctx, root.id);
  if (rootAlarms.length > 0) {
    r.refusal = { key: 'deletion:refusedRootAlarm' };
    r.refusalAlarm = rootAlarms[0]?.id;
    return;
  }
  // A ring or database store in the root (issue 16): nothing in it goes, alarm acknowledged or not.
  const store = storeRefusalFor(ctx, root.id);
  if (store) {
    r.refusal = store;
    return;
  }
  // The root's signed hold copy knows holds the database lost (changed or rolled back from outside).
  const copy = holdCopyRefusal(ctx, root);
  if (copy) {
    r.refusal = copy.msg;
    r.refusalAlarm = copy.alarm;
    return;
  }

  const deleter = new RecordingDeleter(ctx, { root, guard: run.guard, lease: run.lease, sweepId: run.sweepId, due: dueClock });
  try {
    // An interrupted sweep's marks first (its unlinks that happened are deletions, not "gone").
    deleter.adoptInterrupted(interrupted);
    report.recovered += interrupted.length;
    let ok = deleter.deleteMarked(interrupted);
    // Rows this sweep has handled are never picked again by it: a recovered row whose file the
    // interrupted sweep unlinked goes back to present until the end of the root (then logged).
    const skip = new Set<number>(interrupted);
    let bandAt = 0;
    while (ok) {
      // Mark (journal) a chunk: the hold check is in the statement that picks, in this transaction.
      const marked = ctx.db
        .transaction(() => {
          run.lease?.renewOrStop();
          // Picked in this transaction: live and unheld by the pick's own statement.
          const live = pickDueIds(ctx.db, root.id, bounds.sure, CHUNK + skip.size).filter((id) => !skip.has(id)).slice(0, CHUNK);
          // The band's next ids (a cursor: shift() on 100k ids was quadratic), looked at before
          // the sweep began, so checked again here.
          const band = bandIds.slice(bandAt, bandAt + CHUNK - live.length);
          bandAt += band.length;
          live.push(...liveUnheldIds(ctx.db, band));
          markForDeletion(ctx.db, live);
          return live;
        })
        .immediate();
      if (marked.length === 0) break;
      ok = deleter.deleteMarked(marked);
      // Of this chunk, only the rows the door put back (left alone, found gone) can be picked
      // again: they join the skip set. (Adding every id marked made each pick read all of the
      // sweep's earlier chunks again: quadratic, 12 of 40 s on 138k due.)
      for (const seg of segmentsInState(ctx.db, marked, 'present')) skip.add(seg.id);
    }
  } finally {
    deleter.finish();
  }
  const res = deleter.result;
  r.deleted = res.deleted;
  report.deleted += res.deleted;
  report.deferred += res.deferred;
  report.leftAlone.push(...res.leftAlone);
  if (res.stopped) {
    r.refusal = res.stopped;
    r.refusalAlarm = res.stoppedAlarm ?? undefined;
  }
  const deferredKey = `delete-failed:${root.id}`;
  if (res.deferred > 0) {
    const params = { count: res.deferred, reason: res.deferredReason ?? '' };
    raiseAlarm(ctx, { kind: 'delete-failed', key: deferredKey, rootId: root.id, message: english({ key: 'deletion:alarmDeleteDeferred', params }), details: { root: root.id, deferred: res.deferred, msg: { key: 'deletion:alarmDeleteDeferred', params } } });
  } else {
    conditionEnded(ctx, deferredKey);
  }
}
