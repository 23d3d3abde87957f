/**
 * The retention sweep (POLICY P2): every segment whose end is older than the retention period
 * is deleted, unless a hold covers it. Deletion is two-phase and journaled:
 *   mark (state 'deleting' + a pending deletion row, in the transaction that checks holds)
 *   → unlink (only a regular file reached inside the root without a symlink)
 *   → record (deletion row completed, index row removed).
 * A crash at any point is finished by `recoverInterrupted` at the next sweep.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { DueClock, retentionBounds, retentionCutoff, retentionDueAt } from '../common/time.js';
import { markAlarmUsed, unusedAckedAlarm } from '../db/alarms.js';
import { insertFinalDeletions, type FinalDeletion } from '../db/deletions.js';
import { deleteDir, getDir, countSegmentsInDir } from '../db/dirs.js';
import { HELD_SQL } from '../db/holds.js';
import { stmt } from '../db/open.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { countSegments, deleteSegmentRow, deleteSegmentRows, getSegment, setSegmentState, setSegmentsState, stillDeleting, type SegmentRow } from '../db/segments.js';
import { dropLease, finishSweep, insertSweep, lastSweep, leaseHolder, takeLease } from '../db/sweeps.js';
import { checkFolderInsideRoot, folderEntryKinds, relComponents, removeEmptyDirs, unlinkInsideRoot, unlinkRegularFile } from '../native/recorder-fs.js';
import { blockingAlarms, conditionEnded, raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { checkSentinel } from './roots.js';

export interface SweepItem {
  root: number;
  camera: string;
  path: string;
  startMs: number;
  endMs: number;
  dueMs: number;
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
  /** Left alone because they are not regular files inside the root. */
  leftAlone: { path: string; reason: string }[];
  refused: string | null;
  roots: { root: number; path: string; online: boolean; due: number; deleted: number; held: number; refused: string | null }[];
  /** When the next unheld recording becomes due (null: nothing indexed). */
  nextDueMs: number | null;
  /** Dry run: what would go (first 1000). */
  items: SweepItem[];
  recovered: number;
  durationMs: number;
}

const LEASE_TTL_MS = 10 * 60_000;
const CHUNK = 1000;
const CLOCK_TOLERANCE_MS = 60_000;

/**
 * A lease held by a process on this machine that no longer exists (killed mid-sweep) is taken
 * over at once instead of waiting for it to expire.
 */
function takeOverDeadLease(ctx: Ctx, holder: string, now: number): boolean {
  const current = leaseHolder(ctx.db);
  if (!current) return takeLease(ctx.db, holder, now, LEASE_TTL_MS);
  const [host, pid] = current.holder.split(':');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false; // alive
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return false;
  }
  dropLease(ctx.db, current.holder);
  audit(ctx, 'sweep.lease-taken-over', { from: current.holder });
  return takeLease(ctx.db, holder, now, LEASE_TTL_MS);
}

function logRow(seg: SegmentRow, folderAbs: string, due: DueClock, sweepId: number | null, markedMs: number, outcome: 'deleted' | 'already-gone', at: number): FinalDeletion {
  return {
    kind: 'segment',
    segment_id: seg.id,
    root_id: seg.root_id,
    camera_id: seg.camera_id,
    path: path.join(folderAbs, seg.name),
    from_ms: seg.start_ms,
    to_ms: seg.end_ms,
    size: seg.size,
    sha256: null,
    due_ms: due.dueAt(seg.end_ms),
    marked_ms: markedMs,
    sweep_id: sweepId,
    handover_id: null,
    incident_ref: null,
    reason: 'retention',
    outcome,
    deleted_ms: at,
  };
}

/** Finishes deletions a crash interrupted: the journal says what was marked. */
export function recoverInterrupted(ctx: Ctx): number {
  const roots = new Map(listRoots(ctx.db).map((r) => [r.id, r]));
  let n = 0;
  // Segments a sweep marked but did not finish (crash, or a file that could not be deleted then).
  const s = ctx.settings();
  const due = new DueClock(s.retentionMonths, s.siteTimeZone);
  const marked = stmt(ctx.db, "SELECT * FROM segments WHERE state = 'deleting'").all() as SegmentRow[];
  for (const seg of marked) {
    const root = roots.get(seg.root_id);
    if (!root || !checkSentinel(root).online) continue;
    const comps = relComponents(getDir(ctx.db, seg.dir_id)?.rel ?? '');
    const res = unlinkInsideRoot(root.path, [...comps, seg.name]);
    if (res.outcome === 'deleted' || res.outcome === 'already-gone') {
      ctx.db.transaction(() => {
        const row = logRow(seg, path.join(root.path, ...comps), due, null, ctx.now(), res.outcome as 'deleted' | 'already-gone', ctx.now());
        insertFinalDeletions(ctx.db, [row]);
        deleteSegmentRow(ctx.db, seg.id);
      })();
      n++;
    } else if (res.outcome === 'refused') {
      setSegmentState(ctx.db, seg.id, 'present');
    }
  }
  return n;
}

const lastFinishReason = { text: '' };

function segmentPath(seg: Pick<SegmentRow, 'dir_id' | 'name'>, ctx: Ctx): string[] {
  const dir = getDir(ctx.db, seg.dir_id);
  return [...relComponents(dir?.rel ?? ''), seg.name];
}

export function nextDueMs(ctx: Ctx): number | null {
  const s = ctx.settings();
  const row = stmt(ctx.db, `SELECT end_ms FROM segments s WHERE state = 'present' AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT 1`).get() as
    | { end_ms: number }
    | undefined;
  return row ? retentionDueAt(row.end_ms, s.retentionMonths, s.siteTimeZone) : null;
}

export function sweep(ctx: Ctx, opts: { dryRun?: boolean } = {}): SweepReport {
  const dryRun = opts.dryRun ?? false;
  const now = ctx.now();
  const s = ctx.settings();
  const cutoff = retentionCutoff(now, s.retentionMonths, s.siteTimeZone);
  const bounds = retentionBounds(now, s.retentionMonths, s.siteTimeZone);
  const dueClock = new DueClock(s.retentionMonths, s.siteTimeZone);
  const report: SweepReport = { sweep: null, dryRun, cutoffMs: cutoff, due: 0, deleted: 0, held: 0, deferred: 0, leftAlone: [], refused: null, roots: [], nextDueMs: null, items: [], recovered: 0, durationMs: 0 };
  const t0 = performance.now();
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;

  if (!dryRun) {
    if (!takeLease(ctx.db, holder, now, LEASE_TTL_MS) && !takeOverDeadLease(ctx, holder, now)) {
      report.refused = 'another Custodian process is sweeping right now';
      report.nextDueMs = nextDueMs(ctx);
      return report;
    }
  }
  try {
    if (!dryRun) report.recovered = recoverInterrupted(ctx);

    // Safety rule 2a: a clock earlier than the last sweep's pauses deletion until a person looks.
    const last = lastSweep(ctx.db);
    if (last && now < last.started_ms - CLOCK_TOLERANCE_MS) {
      const permit = unusedAckedAlarm(ctx.db, 'clock-backwards', 0);
      if (permit && !dryRun) {
        markAlarmUsed(ctx.db, permit.id, now);
        audit(ctx, 'sweep.clock-approved', { alarm: permit.id });
      } else if (!permit) {
        raiseAlarm(ctx, {
          kind: 'clock-backwards',
          key: 'clock-backwards',
          message: `The clock says ${new Date(now).toISOString()}, earlier than the last sweep (${new Date(last.started_ms).toISOString()}). Deletion is paused until a person checks the clock and acknowledges this alarm.`,
          details: { now, lastSweep: last.started_ms },
        });
        report.refused = 'the clock moved backwards since the last sweep';
      }
    }
    if (!report.refused) {
      const blocking = blockingAlarms(ctx).filter((a) => a.root_id === null);
      if (blocking.length > 0) report.refused = `paused by alarm #${blocking[0]?.id}: ${blocking[0]?.message ?? ''}`;
    }

    const sweepId = dryRun || report.refused ? null : insertSweep(ctx.db, now, cutoff, ctx.actor.name);
    report.sweep = sweepId;
    for (const root of listRoots(ctx.db)) {
      const r = { root: root.id, path: root.path, online: true, due: 0, deleted: 0, held: 0, refused: null as string | null };
      report.roots.push(r);
      const online = checkSentinel(root);
      // Safety rule 1: nothing in an offline root is deleted.
      if (!online.online) {
        r.online = false;
        r.refused = `offline: ${online.reason}`;
        raiseAlarm(ctx, { kind: 'root-offline', key: `root-offline:${root.id}`, rootId: root.id, message: `Recording root ${root.path} is offline: ${online.reason}. Nothing in it is indexed or deleted until it is back.`, details: { root: root.id } });
        continue;
      }
      // Surely due: one count. Near the boundary (month ends): each end checked exactly.
      const dueRows = stmt(ctx.db, `SELECT COUNT(*) AS n, SUM(${HELD_SQL}) AS held FROM segments s WHERE root_id = ? AND end_ms <= ? AND state = 'present'`).get(root.id, bounds.sure) as {
        n: number;
        held: number | null;
      };
      const band = (stmt(ctx.db, `SELECT id, end_ms, ${HELD_SQL} AS held FROM segments s WHERE root_id = ? AND end_ms > ? AND end_ms <= ? AND state = 'present' ORDER BY end_ms`).all(root.id, bounds.sure, bounds.top) as {
        id: number;
        end_ms: number;
        held: number;
      }[]).filter((b) => dueClock.dueAt(b.end_ms) <= now);
      const bandHeld = band.filter((b) => b.held).length;
      r.held = (dueRows.held ?? 0) + bandHeld;
      r.due = dueRows.n - (dueRows.held ?? 0) + band.length - bandHeld;
      const bandIds = band.filter((b) => !b.held).map((b) => b.id);
      report.held += r.held;
      report.due += r.due;
      if (dryRun) {
        for (const seg of [...pickDue(ctx, root.id, bounds.sure, 1000 - report.items.length), ...bandIds.slice(0, 1000).map((id) => getSegment(ctx.db, id) as SegmentRow)].slice(0, 1000 - report.items.length)) {
          report.items.push({ root: root.id, camera: seg.camera_id, path: segmentAbs(ctx, root, seg), startMs: seg.start_ms, endMs: seg.end_ms, dueMs: retentionDueAt(seg.end_ms, s.retentionMonths, s.siteTimeZone) });
        }
      }
      if (r.due === 0) continue;
      const total = countSegments(ctx.db, root.id);
      const share = r.due / total;
      const key = `mass-deletion:${root.id}`;
      if (share > s.massDeletionShare) {
        const permit = unusedAckedAlarm(ctx.db, key, now - 7 * 86_400_000);
        if (!permit) {
          raiseAlarm(ctx, {
            kind: 'mass-deletion',
            key,
            rootId: root.id,
            message: `A sweep would delete ${r.due} of ${total} recordings in ${root.path} (${Math.round(share * 100)}%, more than the ${Math.round(s.massDeletionShare * 100)}% allowed at once). A clock set ahead, a wrong time zone or a wrong layout would do this. Check "custodian sweep --dry-run", then acknowledge the alarm to let it go ahead.`,
            details: { root: root.id, due: r.due, total, share, cutoffMs: cutoff },
          });
          r.refused = `would delete ${Math.round(share * 100)}% of the root at once`;
          continue;
        }
        if (!dryRun) {
          markAlarmUsed(ctx.db, permit.id, now);
          audit(ctx, 'sweep.mass-deletion-approved', { root: root.id, alarm: permit.id, due: r.due });
        }
      }
      if (dryRun || report.refused || sweepId === null) continue;
      if (blockingAlarms(ctx, root.id).length > 0) {
        r.refused = 'paused by an alarm on this root';
        continue;
      }
      deleteDue(ctx, root, bounds.sure, bandIds, sweepId, holder, r, report);
    }
    if (!report.refused && report.roots.some((r) => r.refused)) {
      report.refused = report.roots.filter((r) => r.refused).map((r) => `${r.path}: ${r.refused ?? ''}`).join('; ');
    }
    report.nextDueMs = nextDueMs(ctx);
    if (sweepId !== null) {
      finishSweep(ctx.db, sweepId, { finishedMs: ctx.now(), due: report.due, deleted: report.deleted, held: report.held, deferred: report.deferred, refused: report.refused });
    }
    if (!dryRun) {
      audit(ctx, 'sweep', { sweep: sweepId, cutoffMs: cutoff, due: report.due, deleted: report.deleted, held: report.held, deferred: report.deferred, leftAlone: report.leftAlone.length, refused: report.refused, recovered: report.recovered });
      if (report.deferred > 0) {
        raiseAlarm(ctx, { kind: 'delete-failed', key: 'delete-failed', message: `${report.deferred} recordings that are due could not be deleted now (${lastFinishReason.text}). Custodian tries again at every sweep.`, details: { deferred: report.deferred } });
      } else {
        conditionEnded(ctx, 'delete-failed');
      }
    }
    report.durationMs = Math.round(performance.now() - t0);
    return report;
  } finally {
    if (!dryRun) dropLease(ctx.db, holder);
  }
}

/** Segments surely due (ending at or before `sure`) and not held, oldest first. */
function pickDue(ctx: Ctx, rootId: number, sure: number, limit: number): SegmentRow[] {
  if (limit <= 0) return [];
  return stmt(ctx.db, `SELECT * FROM segments s WHERE root_id = ? AND end_ms <= ? AND state = 'present' AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT ?`).all(rootId, sure, limit) as SegmentRow[];
}

function segmentAbs(ctx: Ctx, root: RootRow, seg: SegmentRow): string {
  return path.join(root.path, ...segmentPath(seg, ctx));
}

function deleteDue(ctx: Ctx, root: RootRow, sure: number, bandIds: number[], sweepId: number, holder: string, r: SweepReport['roots'][number], report: SweepReport): void {
  const s = ctx.settings();
  const due = new DueClock(s.retentionMonths, s.siteTimeZone);
  const touchedDirs = new Set<number>();
  const skip = new Set<number>();
  // Each folder is resolved and checked (real folders inside the root, no links) once a sweep.
  const folders = new Map<number, { comps: string[]; abs: string; problem: ReturnType<typeof checkFolderInsideRoot> | undefined; kinds?: Map<string, 'file' | 'link' | 'other'> | null }>();
  const folderOf = (dirId: number) => {
    let f = folders.get(dirId);
    if (!f) {
      const comps = relComponents(getDir(ctx.db, dirId)?.rel ?? '');
      f = { comps, abs: path.join(root.path, ...comps), problem: undefined };
      folders.set(dirId, f);
    }
    return f;
  };
  const unlinkOne = (seg: SegmentRow) => {
    const f = folderOf(seg.dir_id);
    if (f.problem === undefined) f.problem = checkFolderInsideRoot(root.path, f.comps);
    if (f.problem) return f.problem.outcome === 'already-gone' ? { outcome: 'already-gone' as const } : f.problem;
    // One listing per folder says which names are regular files (safety rule 4) without an
    // lstat per file; a name the listing lacks is already gone.
    if (f.kinds === undefined) f.kinds = folderEntryKinds(f.abs);
    return unlinkRegularFile(path.join(f.abs, seg.name), f.kinds ? (f.kinds.get(seg.name) ?? 'absent') : undefined);
  };
  while (true) {
    takeLease(ctx.db, holder, ctx.now(), LEASE_TTL_MS);
    // Phase 1, mark: the hold check is in the statement that picks, inside this transaction.
    const marked = ctx.db.transaction(() => {
      let picked = pickDue(ctx, root.id, sure, CHUNK + skip.size).filter((seg) => !skip.has(seg.id)).slice(0, CHUNK);
      // Then the due ones near the boundary, each checked again for a hold in this transaction.
      const byId = stmt(ctx.db, `SELECT * FROM segments s WHERE id = ? AND state = 'present' AND NOT ${HELD_SQL}`);
      while (picked.length < CHUNK && bandIds.length > 0) {
        const seg = byId.get(bandIds.shift() as number) as SegmentRow | undefined;
        if (seg) picked = [...picked, seg];
      }
      // The segment row is the journal: 'deleting' until the file is gone and the log row written.
      setSegmentsState(ctx.db, picked.map((p) => p.id), 'deleting');
      return picked.map((seg) => ({ seg, markedMs: ctx.now() }));
    }).immediate();
    if (marked.length === 0) break;
    // Phase 2, unlink, all of the chunk; a hold that arrived since the mark has taken its
    // segments back to 'present', and those are left alone.
    const still = stillDeleting(ctx.db, marked.map((m) => m.seg.id));
    const done: FinalDeletion[] = [];
    const removedSegments: number[] = [];
    const putBack: number[] = [];
    for (const m of marked) {
      if (!still.has(m.seg.id)) continue; // a hold took it back after the mark
      const res = unlinkOne(m.seg);
      if (res.outcome === 'deleted' || res.outcome === 'already-gone') {
        done.push(logRow(m.seg, folderOf(m.seg.dir_id).abs, due, sweepId, m.markedMs, res.outcome, 0));
        removedSegments.push(m.seg.id);
        touchedDirs.add(m.seg.dir_id);
      } else if (res.outcome === 'refused') {
        putBack.push(m.seg.id);
        report.leftAlone.push({ path: path.join(folderOf(m.seg.dir_id).abs, m.seg.name), reason: res.reason });
        skip.add(m.seg.id);
      } else {
        // Stays marked: the next sweep's recovery tries again. Never reported as deleted.
        lastFinishReason.text = res.reason;
        report.deferred++;
        skip.add(m.seg.id);
      }
    }
    // Record the chunk in one transaction. A crash before it leaves 'deleting' rows whose files
    // are gone: recoverInterrupted records them as 'already-gone'.
    ctx.db.transaction(() => {
      const at = ctx.now();
      for (const d of done) d.deleted_ms = at;
      insertFinalDeletions(ctx.db, done);
      deleteSegmentRows(ctx.db, removedSegments);
      setSegmentsState(ctx.db, putBack, 'present');
    })();
    r.deleted += removedSegments.length;
    report.deleted += removedSegments.length;
  }
  // Empty date folders left behind go too (never the root itself).
  for (const dirId of touchedDirs) {
    const dir = getDir(ctx.db, dirId);
    if (!dir || countSegmentsInDir(ctx.db, dirId) > 0) continue;
    const comps = relComponents(dir.rel);
    const removed = removeEmptyDirs(root.path, comps);
    for (let k = 0; k < removed; k++) {
      const rel = comps.slice(0, comps.length - k).join('/');
      const row = stmt(ctx.db, 'SELECT id FROM dirs WHERE root_id = ? AND rel = ?').get(root.id, rel) as { id: number } | undefined;
      if (row) {
        stmt(ctx.db, 'DELETE FROM unrecognised WHERE root_id = ? AND dir_rel = ?').run(root.id, rel);
        deleteDir(ctx.db, row.id);
      }
    }
  }
}
