/**
 * The deletion door for recordings. The sweep decides which segments are due and marks them
 * (state 'deleting': the segment row is the journal); this module is the only code that unlinks
 * them, and it owns every check that makes an unlink safe:
 *
 * - Each small batch runs in ONE write transaction (BEGIN IMMEDIATE) that renews the sweep lease
 *   (fencing), confirms the root (sentinel and identity), checks holds again, unlinks, and writes
 *   the deletion log rows. A hold needs that same write lock to commit, so a hold that an officer
 *   has been told is saved cannot be overtaken by an unlink (rule D1).
 * - A file is unlinked only in the folder that was indexed, reached from the root without a link,
 *   through a folder handle that cannot be redirected, after confirming the path still leads to
 *   that folder (rule D2); only a regular file whose size and mtime are those indexed (rule D6).
 * - A file found already gone is logged only while the root is demonstrably online and its
 *   folder is the same folder; when many are gone, nothing is logged and the root is paused
 *   with an alarm (rule D3).
 * - Folders are fsynced before the transaction that records their unlinks commits (rule D7).
 */
import path from 'node:path';
import { english, type Msg } from '../../common/i18n/catalog.js';
import { textMsg } from '../../common/i18n/words.js';
import type { DueClock } from '../../common/time.js';
import { insertFinalDeletions, type FinalDeletion } from '../../db/deletions.js';
import { deleteDirWithUnrecognised, getDir, countSegmentsInDir, findDir } from '../../db/dirs.js';
import { holdsKeeping } from '../../db/holds.js';
import type { RootRow } from '../../db/roots.js';
import { deleteSegmentRows, markedAndUnheld, segmentsInState, setSegmentsState, type SegmentRow } from '../../db/segments.js';
import { openGovernedFolder, removeEmptyFolders, type GovernedFolder, type OpenProblem } from '../../native/governed-fs.js';
import { relComponents } from '../../native/recorder-fs.js';
import { raiseAlarm } from '../alarms.js';
import type { Ctx } from '../context.js';
import { LeaseLost, type Lease } from './lease.js';
import type { GuardProblem, RootGuard } from './root-guard.js';

/**
 * A batch holds the write lock for at most this long (looking), or this many files. Each batch
 * ends with one journal commit of the file system (the folders' fsync, D7), ≈ 10 ms here: with
 * 256 files a batch that alone cost more per file than `find -delete`'s whole unlink. A batch
 * as large as the sweep's chunk (1,000) syncs four times less; the time budget still bounds
 * how long a hold waits for the lock.
 */
const BATCH_BUDGET_MS = 50;
const BATCH_MAX = 1_000;

export interface RecordingsScope {
  readonly root: RootRow;
  readonly guard: RootGuard;
  readonly lease: Lease;
  readonly sweepId: number | null;
  readonly due: DueClock;
}

export interface RecordingsResult {
  deleted: number;
  /** Could not be deleted now (in use, share gone): stays marked, tried again next sweep. */
  deferred: number;
  deferredReason: string | null;
  leftAlone: { path: string; reason: string }[];
  /** Why deletion in this root stopped early (root gone, folder swapped, many vanished), if it did. */
  stopped: Msg | null;
  /** The alarm raised when it stopped. */
  stoppedAlarm: number | null;
}

interface Folder {
  comps: string[];
  abs: string;
  open: GovernedFolder | OpenProblem;
  /** Confirmed still reachable in the current batch. */
  confirmedIn: number;
}

interface Vanished {
  seg: SegmentRow;
  /** Marked by an earlier, interrupted sweep: its absence is that sweep's unlink. */
  recovered: boolean;
}

const isOpen = (f: GovernedFolder | OpenProblem): f is GovernedFolder => 'unlink' in f;

export class RecordingDeleter {
  private readonly folders = new Map<number, Folder>();
  private readonly touched = new Set<number>();
  /** Recordings found already gone, by id (one entry each, the first sighting's). */
  private readonly vanished = new Map<number, Vanished>();
  private batchNo = 0;
  /** Rows marked before this sweep began: an interrupted sweep's journal. */
  private readonly recovered = new Set<number>();
  private recoveredAtStart = 0;
  readonly result: RecordingsResult = { deleted: 0, deferred: 0, deferredReason: null, leftAlone: [], stopped: null, stoppedAlarm: null };

  constructor(
    private readonly ctx: Ctx,
    private readonly scope: RecordingsScope,
  ) {}

  /** Rows an earlier sweep marked and did not finish are retried first, as that sweep's work. */
  adoptInterrupted(ids: readonly number[]): void {
    for (const id of ids) this.recovered.add(id);
    this.recoveredAtStart = this.recovered.size;
  }

  /** How many already-gone files this root may have before the sweep stops and says so. */
  private vanishLimit(): number {
    return this.ctx.settings().massVanishedCount + Math.min(this.recoveredAtStart, BATCH_MAX);
  }

  /**
   * Deletes marked segments (ids in state 'deleting'). Returns false when deletion in this root
   * must stop (see result.stopped). Throws LeaseLost when another sweeper took over.
   */
  deleteMarked(ids: readonly number[]): boolean {
    let queue = [...ids];
    while (queue.length > 0 && this.result.stopped === null) {
      const batch = queue.slice(0, BATCH_MAX);
      const rest = queue.slice(BATCH_MAX);
      const notReached = this.ctx.db.transaction(() => this.batch(batch)).immediate();
      queue = [...notReached, ...rest];
    }
    if (this.result.stopped !== null) this.putBack(queue);
    return this.result.stopped === null;
  }

  /** One batch under the write lock. Returns the ids it did not reach within its time budget. */
  private batch(ids: readonly number[]): number[] {
    const t0 = performance.now();
    this.batchNo++;
    this.scope.lease.renewOrStop();
    const g = this.scope.guard.check();
    if (g !== true) {
      this.stopForRoot(g);
      return [...ids];
    }
    const fresh = ids.filter((id) => !this.recovered.has(id));
    const old = ids.filter((id) => this.recovered.has(id));
    // D1: holds are checked here, under the write lock, right before the unlinks.
    const deletable = markedAndUnheld(this.ctx.db, fresh);
    const deletableIds = new Set(deletable.map((s) => s.id));
    const rescued = fresh.filter((id) => !deletableIds.has(id));
    // An interrupted sweep's rows: held now means "keep it" if the file is still there.
    const oldRows = segmentsInState(this.ctx.db, old, 'deleting');
    // Oldest first: the deletion log then reads in the order recordings fell due.
    const rows = [...deletable, ...oldRows].sort((a, b) => a.end_ms - b.end_ms || a.id - b.id);

    const done: FinalDeletion[] = [];
    const doneIds: number[] = [];
    const backToPresent: number[] = [...rescued];
    const notReached: number[] = [];
    const syncNeeded = new Set<Folder>();
    const at = this.ctx.now();
    // Pass 1: look at every file of the batch (no unlink yet), so that a batch in which many
    // have vanished deletes nothing at all, whatever the order.
    const toUnlink: { seg: SegmentRow; f: Folder & { open: GovernedFolder }; recovered: boolean }[] = [];
    for (const seg of rows) {
      if (this.result.stopped !== null || performance.now() - t0 > BATCH_BUDGET_MS) {
        notReached.push(seg.id);
        continue;
      }
      const recovered = this.recovered.has(seg.id);
      if (recovered && !this.dueNow(seg)) {
        backToPresent.push(seg.id);
        continue;
      }
      const f = this.folder(seg);
      if (!isOpen(f.open)) {
        if (f.open.outcome === 'absent') {
          // The whole folder is gone: not "the same folder", so never logged here; the scan decides.
          this.noteVanished(seg, false);
          backToPresent.push(seg.id);
        } else if (f.open.outcome === 'retry-later') {
          this.defer(f.open.reason);
        } else {
          this.folderChanged(f, f.open.reason);
          notReached.push(seg.id);
        }
        continue;
      }
      if (f.confirmedIn !== this.batchNo) {
        const same = f.open.stillReachable();
        if (same !== true) {
          this.folderChanged(f, same.reason);
          notReached.push(seg.id);
          continue;
        }
        f.confirmedIn = this.batchNo;
      }
      const e = f.open.entry(seg.name);
      const shown = (): string => path.join(f.abs, seg.name); // for what is said, rarely needed
      if (e.kind === 'absent') {
        this.noteVanished(seg, recovered);
        backToPresent.push(seg.id);
      } else if (e.kind === 'error') {
        this.defer(`${e.code} while checking ${shown()}`);
      } else if (e.kind !== 'file') {
        this.result.leftAlone.push({ path: shown(), reason: e.kind === 'link' ? 'symbolic link (never followed)' : 'not a regular file' });
        backToPresent.push(seg.id);
      } else if (recovered && holdsKeeping(this.ctx.db, seg.id).length > 0) {
        backToPresent.push(seg.id); // still there and held now: the hold keeps it
      } else if ((seg.size !== null && e.size !== seg.size) || (seg.mtime_ms !== null && e.mtimeMs !== seg.mtime_ms)) {
        // D6: only the file that was indexed (a same-name file written since is not it).
        this.result.leftAlone.push({ path: shown(), reason: english({ key: 'deletion:changedSinceIndexed' }) });
        backToPresent.push(seg.id);
      } else {
        toUnlink.push({ seg, f: f as Folder & { open: GovernedFolder }, recovered });
      }
    }
    if (this.vanished.size > this.vanishLimit()) {
      this.stop('mass-vanished');
      notReached.push(...toUnlink.map((u) => u.seg.id));
      toUnlink.length = 0;
    }
    // Pass 2: the unlinks, still under the same write lock.
    // The last file unlinked in each folder since its place was last confirmed: if the next
    // check finds the folder moved, that unlink may have landed just after the move (POSIX has
    // no "unlink only if the folder is still there"), and its record says so.
    const lastIn = new Map<Folder, FinalDeletion>();
    const moved = (f: Folder, reason: string): void => {
      const row = lastIn.get(f);
      if (row) row.note = english({ key: 'deletion:noteFolderMovedAsDeleted' });
      this.folderChanged(f, reason);
    };
    for (const { seg, f, recovered } of toUnlink) {
      if (this.result.stopped !== null) {
        notReached.push(seg.id);
        continue;
      }
      const u = f.open.unlink(seg.name);
      if (u.outcome !== 'deleted' && u.outcome !== 'already-gone') {
        // The door confirms the folder's place before each unlink: a folder swapped or moved
        // out of the root mid-batch stops deletion there with the alarm, as in pass 1.
        const same = f.open.stillReachable();
        if (same !== true) {
          moved(f, same.reason);
          notReached.push(seg.id);
          continue;
        }
      }
      if (u.outcome === 'deleted') {
        const row = this.logRow(seg, f.abs, 'deleted', at, recovered ? english({ key: 'deletion:noteRecovered' }) : null);
        lastIn.set(f, row);
        done.push(row);
        doneIds.push(seg.id);
        syncNeeded.add(f);
        this.touched.add(seg.dir_id);
      } else if (u.outcome === 'already-gone') {
        this.noteVanished(seg, recovered);
        backToPresent.push(seg.id);
      } else if (u.outcome === 'retry-later') {
        this.defer(u.reason);
      } else {
        this.result.leftAlone.push({ path: path.join(f.abs, seg.name), reason: u.reason });
        backToPresent.push(seg.id);
      }
    }
    // Each folder's last unlink is confirmed too: the folder still where it was afterwards.
    for (const f of syncNeeded) {
      if (!isOpen(f.open) || this.result.stopped !== null) continue;
      const same = f.open.stillReachable();
      if (same !== true) moved(f, same.reason);
    }
    // D7: the unlinks are made durable before the record of them commits.
    for (const f of syncNeeded) if (isOpen(f.open)) f.open.sync();
    insertFinalDeletions(this.ctx.db, done);
    deleteSegmentRows(this.ctx.db, doneIds);
    setSegmentsState(this.ctx.db, backToPresent, 'present');
    for (const id of backToPresent) this.recovered.delete(id);
    this.result.deleted += doneIds.length;
    return notReached;
  }

  /**
   * At the end of the root: files found already gone are logged, but only when few, only while
   * the root is still demonstrably online, and only in folders still the same (D3). Otherwise
   * they stay in the index for the scan (with its own mass-missing guard) to decide.
   */
  finish(): void {
    try {
      this.logVanished();
    } catch (e) {
      // Another sweeper took over: it will find these again and decide.
      if (!(e instanceof LeaseLost)) throw e;
    } finally {
      for (const f of this.folders.values()) if (isOpen(f.open)) f.open.close();
    }
    this.removeEmptyFolders();
  }

  private logVanished(): void {
    if (this.result.stopped === null && this.vanished.size > 0) {
      this.ctx.db
        .transaction(() => {
          this.scope.lease.renewOrStop();
          if (this.scope.guard.check() !== true) return;
          const at = this.ctx.now();
          const rows: FinalDeletion[] = [];
          const ids: number[] = [];
          const confirmed = new Set<Folder>();
          for (const v of this.vanished.values()) {
            const f = this.folders.get(v.seg.dir_id);
            if (!f || !isOpen(f.open)) continue;
            if (!confirmed.has(f)) {
              if (f.open.stillReachable() !== true) continue;
              confirmed.add(f);
            }
            if (f.open.entry(v.seg.name).kind !== 'absent') continue;
            if (segmentsInState(this.ctx.db, [v.seg.id], 'present').length === 0) continue;
            // An interrupted sweep's unlink is a deletion (the journal says so); if a hold covers
            // the recording now, the record says the unlink came first. A held recording that is
            // simply gone is not logged here: the scan keeps it and raises held-missing.
            const keeping = holdsKeeping(this.ctx.db, v.seg.id);
            if (!v.recovered && keeping.length > 0) continue;
            const note = v.recovered
              ? keeping[0]
                ? english({ key: 'deletion:noteBeforeHold', params: { hold: keeping[0].id } })
                : english({ key: 'deletion:noteRecovered' })
              : null;
            rows.push(this.logRow(v.seg, f.abs, v.recovered ? 'deleted' : 'already-gone', at, note));
            ids.push(v.seg.id);
            this.touched.add(v.seg.dir_id);
          }
          insertFinalDeletions(this.ctx.db, rows);
          deleteSegmentRows(this.ctx.db, ids);
          this.result.deleted += rows.filter((r) => r.outcome === 'deleted').length;
        })
        .immediate();
    }
  }

  /** One entry per recording, whatever number of times this sweep met it gone (the first says whether it was an interrupted sweep's). */
  private noteVanished(seg: SegmentRow, recovered: boolean): void {
    if (!this.vanished.has(seg.id)) this.vanished.set(seg.id, { seg, recovered });
  }

  private dueNow(seg: SegmentRow): boolean {
    return this.scope.due.dueAt(seg.end_ms) <= this.ctx.now();
  }

  private folder(seg: SegmentRow): Folder {
    let f = this.folders.get(seg.dir_id);
    if (!f) {
      const dir = getDir(this.ctx.db, seg.dir_id);
      const comps = relComponents(dir?.rel ?? '');
      const expected = dir && dir.ino !== null && dir.dev !== null ? { ino: BigInt(dir.ino), dev: BigInt(dir.dev) } : null;
      f = { comps, abs: path.join(this.scope.root.path, ...comps), open: openGovernedFolder(this.scope.root.path, comps, expected), confirmedIn: 0 };
      this.folders.set(seg.dir_id, f);
    }
    return f;
  }

  private logRow(seg: SegmentRow, folderAbs: string, outcome: 'deleted' | 'already-gone', at: number, note: string | null): FinalDeletion {
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
      due_ms: this.scope.due.dueAt(seg.end_ms),
      marked_ms: at,
      sweep_id: this.scope.sweepId,
      handover_id: null,
      incident_ref: null,
      reason: 'retention',
      outcome,
      deleted_ms: at,
      note,
    };
  }

  private defer(reason: string): void {
    this.result.deferred++;
    this.result.deferredReason ??= reason;
  }

  private folderChanged(f: Folder, reason: string): void {
    if (this.result.stopped !== null) return;
    // A folder out of reach because the whole root went (unmounted, swapped) is the root's
    // alarm, which names the cause the officer must look at, not the folder's.
    const g = this.scope.guard.check();
    if (g !== true) {
      this.stopForRoot(g);
      return;
    }
    const params = { folder: f.abs, root: this.scope.root.path, reason };
    this.result.stoppedAlarm = raiseAlarm(this.ctx, {
      kind: 'folder-changed',
      key: `folder-changed:${this.scope.root.id}`,
      rootId: this.scope.root.id,
      message: english({ key: 'deletion:alarmFolderChanged', params }),
      details: { root: this.scope.root.id, folder: f.abs, reason, msg: { key: 'deletion:alarmFolderChanged', params } },
    });
    this.result.stopped = { key: 'deletion:refusedFolderChanged', params: { folder: f.abs } };
  }

  private stopForRoot(g: GuardProblem): void {
    const params = { root: this.scope.root.path, reason: textMsg(g.reason) };
    const key = g.kind === 'root-identity' ? 'deletion:alarmRootIdentity' : 'alarm:rootOffline';
    this.result.stoppedAlarm = raiseAlarm(this.ctx, {
      kind: g.kind,
      key: `${g.kind}:${this.scope.root.id}`,
      rootId: this.scope.root.id,
      msg: { key, params },
      details: { root: this.scope.root.id, reason: g.reason },
    });
    this.result.stopped = g.msg;
  }

  private stop(kind: 'mass-vanished'): void {
    if (this.result.stopped !== null) return;
    const params = { count: this.vanished.size, root: this.scope.root.path };
    this.result.stoppedAlarm = raiseAlarm(this.ctx, {
      kind,
      key: `${kind}:${this.scope.root.id}`,
      rootId: this.scope.root.id,
      message: english({ key: 'deletion:alarmMassVanished', params }),
      details: { root: this.scope.root.id, vanished: this.vanished.size, msg: { key: 'deletion:alarmMassVanished', params } },
    });
    this.result.stopped = { key: 'deletion:refusedMassVanished', params: { count: this.vanished.size } };
  }

  /** Marked rows this sweep will not reach go back to present (the journal stays honest). */
  private putBack(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.ctx.db.transaction(() => setSegmentsState(this.ctx.db, ids, 'present')).immediate();
  }

  /** Folders left empty go too, never the root itself. */
  private removeEmptyFolders(): void {
    const gone: string[] = [];
    for (const dirId of this.touched) {
      const dir = getDir(this.ctx.db, dirId);
      if (!dir || countSegmentsInDir(this.ctx.db, dirId) > 0) continue;
      const comps = relComponents(dir.rel);
      const removed = removeEmptyFolders(this.scope.root.path, comps);
      for (let k = 0; k < removed; k++) gone.push(comps.slice(0, comps.length - k).join('/'));
    }
    // Their rows in one transaction (one commit each cost 7 ms: 3.5 s for a first install's
    // 480 day folders). A crash before it leaves rows of folders that are gone: the scan forgets them.
    this.ctx.db.transaction(() => {
      for (const rel of gone) {
        const row = findDir(this.ctx.db, this.scope.root.id, rel);
        if (row) deleteDirWithUnrecognised(this.ctx.db, this.scope.root.id, row.id, rel);
      }
    })();
  }
}
