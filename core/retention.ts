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
import { refused as refusedError } from '../common/errors.js';
import { DueClock, retentionBounds, retentionCutoff, retentionDueAt } from '../common/time.js';
import { markAlarmUsed, unusedAckedAlarm } from '../db/alarms.js';
import { completeDeletion, completeDeletions, dropPendingDeletion, insertPendingDeletions, pendingDeletions } from '../db/deletions.js';
import { deleteDir, getDir, countSegmentsInDir } from '../db/dirs.js';
import { HELD_SQL } from '../db/holds.js';
import { stmt } from '../db/open.js';
import { listRoots, type RootRow } from '../db/roots.js';
import { countSegments, deleteSegmentRow, deleteSegmentRows, getSegment, setSegmentState, setSegmentsState, stillDeleting, type SegmentRow } from '../db/segments.js';
import { dropLease, finishSweep, insertSweep, lastSweep, leaseHolder, takeLease } from '../db/sweeps.js';
import { checkFolderInsideRoot, relComponents, removeEmptyDirs, unlinkInsideRoot, unlinkRegularFile } from '../native/recorder-fs.js';
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

/** Finishes deletions a crash interrupted: the journal says what was marked. */
export function recoverInterrupted(ctx: Ctx): number {
  const roots = new Map(listRoots(ctx.db).map((r) => [r.id, r]));
  let n = 0;
  for (const d of pendingDeletions(ctx.db, 'segment')) {
    const seg = d.segment_id !== null ? getSegment(ctx.db, d.segment_id) : undefined;
    if (!seg || seg.state !== 'deleting') {
      // Rescued by a hold, or its index row is already gone with the file (crash after record).
      if (!seg) completeDeletion(ctx.db, d.id, 'already-gone', ctx.now());
      else dropPendingDeletion(ctx.db, d.id);
      n++;
      continue;
    }
    const root = roots.get(seg.root_id);
    if (!root || !checkSentinel(root).online) continue;
    if (finishOne(ctx, root, seg, d.id) !== 'deferred') n++;
  }
  // Marked segments without a journal row cannot exist (both are written in one transaction),
  // but a segment left 'deleting' after a refused unlink is put back.
  for (const s of stmt(ctx.db, "SELECT s.* FROM segments s WHERE s.state = 'deleting' AND NOT EXISTS (SELECT 1 FROM deletions d WHERE d.segment_id = s.id AND d.outcome = 'pending')").all() as SegmentRow[]) {
    setSegmentState(ctx.db, s.id, 'present');
  }
  return n;
}

type FinishOutcome = 'deleted' | 'deferred' | 'left-alone';
const lastFinishReason = { text: '' };

function segmentPath(seg: Pick<SegmentRow, 'dir_id' | 'name'>, ctx: Ctx): string[] {
  const dir = getDir(ctx.db, seg.dir_id);
  return [...relComponents(dir?.rel ?? ''), seg.name];
}

function finishOne(ctx: Ctx, root: RootRow, seg: SegmentRow, deletionId: number): FinishOutcome {
  const comps = segmentPath(seg, ctx);
  const res = unlinkInsideRoot(root.path, comps);
  if (res.outcome === 'deleted' || res.outcome === 'already-gone') {
    ctx.db.transaction(() => {
      completeDeletion(ctx.db, deletionId, res.outcome === 'deleted' ? 'deleted' : 'already-gone', ctx.now());
      deleteSegmentRow(ctx.db, seg.id);
    })();
    return 'deleted';
  }
  if (res.outcome === 'refused') {
    ctx.db.transaction(() => {
      dropPendingDeletion(ctx.db, deletionId);
      setSegmentState(ctx.db, seg.id, 'present');
    })();
    lastFinishReason.text = res.reason;
    return 'left-alone';
  }
  lastFinishReason.text = res.reason;
  return 'deferred';
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
  const folders = new Map<number, { comps: string[]; abs: string; problem: ReturnType<typeof checkFolderInsideRoot> | undefined }>();
  const folderOf = (dirId: number) => {
    let f = folders.get(dirId);
    if (!f) {
      const comps = relComponents(getDir(ctx.db, dirId)?.rel ?? '');
      f = { comps, abs: path.join(root.path, ...comps), problem: undefined };
      folders.set(dirId, f);
    }
    return f;
  };
  const compsOf = (seg: SegmentRow): string[] => [...folderOf(seg.dir_id).comps, seg.name];
  const unlinkOne = (seg: SegmentRow) => {
    const f = folderOf(seg.dir_id);
    if (f.problem === undefined) f.problem = checkFolderInsideRoot(root.path, f.comps);
    if (f.problem) return f.problem.outcome === 'already-gone' ? { outcome: 'already-gone' as const } : f.problem;
    return unlinkRegularFile(path.join(f.abs, seg.name));
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
      const markedMs = ctx.now();
      const comps = picked.map(compsOf);
      setSegmentsState(ctx.db, picked.map((p) => p.id), 'deleting');
      const deletionIds = insertPendingDeletions(
        ctx.db,
        picked.map((seg) => ({
          kind: 'segment' as const,
          segment_id: seg.id,
          root_id: root.id,
          camera_id: seg.camera_id,
          path: path.join(folderOf(seg.dir_id).abs, seg.name),
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
        })),
      );
      return picked.map((seg, i) => ({ seg, comps: comps[i] as string[], deletionId: deletionIds[i] as number }));
    }).immediate();
    if (marked.length === 0) break;
    // Phase 2, unlink, all of the chunk; a hold that arrived since the mark has taken its
    // segments back to 'present', and those are left alone.
    const still = stillDeleting(ctx.db, marked.map((m) => m.seg.id));
    const deleted: number[] = [];
    const gone: number[] = [];
    const removedSegments: number[] = [];
    const dropped: number[] = [];
    const putBack: number[] = [];
    for (const m of marked) {
      if (!still.has(m.seg.id)) {
        dropped.push(m.deletionId);
        continue;
      }
      const res = unlinkOne(m.seg);
      if (res.outcome === 'deleted' || res.outcome === 'already-gone') {
        (res.outcome === 'deleted' ? deleted : gone).push(m.deletionId);
        removedSegments.push(m.seg.id);
        touchedDirs.add(m.seg.dir_id);
      } else if (res.outcome === 'refused') {
        dropped.push(m.deletionId);
        putBack.push(m.seg.id);
        report.leftAlone.push({ path: path.join(root.path, ...m.comps), reason: res.reason });
        skip.add(m.seg.id);
      } else {
        lastFinishReason.text = res.reason;
        report.deferred++;
        skip.add(m.seg.id);
      }
    }
    // Phase 3, record, in one transaction for the chunk. A crash before it leaves pending rows
    // whose files are gone: recoverInterrupted completes them as 'already-gone'.
    ctx.db.transaction(() => {
      const at = ctx.now();
      completeDeletions(ctx.db, deleted, 'deleted', at);
      completeDeletions(ctx.db, gone, 'already-gone', at);
      deleteSegmentRows(ctx.db, removedSegments);
      for (const id of dropped) dropPendingDeletion(ctx.db, id);
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

/** Throws the refusal as an error (for callers that want an exit code 3). */
export function assertNotRefused(report: SweepReport): void {
  if (report.refused) throw refusedError(`Sweep refused: ${report.refused}.`);
}
