import { stmt, type Db, type ReadDb } from './open.js';

export interface DeletionRow {
  id: number;
  kind: 'segment' | 'clip' | 'package';
  segment_id: number | null;
  root_id: number | null;
  camera_id: string | null;
  path: string;
  from_ms: number | null;
  to_ms: number | null;
  size: number | null;
  sha256: string | null;
  due_ms: number | null;
  marked_ms: number;
  deleted_ms: number | null;
  sweep_id: number | null;
  handover_id: number | null;
  incident_ref: string | null;
  reason: string;
  outcome: 'pending' | 'deleted' | 'already-gone';
  note: string | null;
}

export type NewDeletion = Omit<DeletionRow, 'id' | 'deleted_ms' | 'outcome' | 'note'>;

export function insertPendingDeletion(db: Db, d: NewDeletion): number {
  return Number(
    stmt(
      db,
      `INSERT INTO deletions (kind, segment_id, root_id, camera_id, path, from_ms, to_ms, size, sha256, due_ms, marked_ms, sweep_id, handover_id, incident_ref, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.kind, d.segment_id, d.root_id, d.camera_id, d.path, d.from_ms, d.to_ms, d.size, d.sha256, d.due_ms, d.marked_ms, d.sweep_id, d.handover_id, d.incident_ref, d.reason)
      .lastInsertRowid,
  );
}

export function completeDeletion(db: Db, id: number, outcome: 'deleted' | 'already-gone', atMs: number): void {
  stmt(db, 'UPDATE deletions SET outcome = ?, deleted_ms = ? WHERE id = ?').run(outcome, atMs, id);
}

/** A pending row whose unlink was refused or rescued by a hold: it never became a deletion. */
export function dropPendingDeletion(db: Db, id: number): void {
  stmt(db, "DELETE FROM deletions WHERE id = ? AND outcome = 'pending'").run(id);
}

export function listDeletions(db: ReadDb, sinceMs: number, limit: number): DeletionRow[] {
  return stmt(db, "SELECT * FROM deletions WHERE outcome != 'pending' AND deleted_ms >= ? ORDER BY id LIMIT ?").all(sinceMs, limit) as DeletionRow[];
}

export function iterateDeletions(db: ReadDb, sinceMs: number): IterableIterator<DeletionRow> {
  return stmt(db, "SELECT * FROM deletions WHERE outcome != 'pending' AND deleted_ms >= ? ORDER BY id").iterate(sinceMs) as IterableIterator<DeletionRow>;
}

export function countDeletionsByReason(db: ReadDb, sinceMs: number): { reason: string; n: number; bytes: number | null }[] {
  return stmt(
    db,
    "SELECT reason, COUNT(*) AS n, SUM(size) AS bytes FROM deletions WHERE outcome != 'pending' AND deleted_ms >= ? GROUP BY reason ORDER BY n DESC",
  ).all(sinceMs) as { reason: string; n: number; bytes: number | null }[];
}

const DEL_MULTI = 64;
/** Completes many pending rows at once (ids as one JSON array parameter). */
export type FinalDeletion = NewDeletion & { outcome: 'deleted' | 'already-gone'; deleted_ms: number; note: string | null };
const FIN_COLS = '(kind, segment_id, root_id, camera_id, path, from_ms, to_ms, size, sha256, due_ms, marked_ms, sweep_id, handover_id, incident_ref, reason, outcome, deleted_ms, note)';
const FIN_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const FIN_MULTI_SQL = `INSERT INTO deletions ${FIN_COLS} VALUES ${Array(DEL_MULTI).fill(FIN_ROW).join(', ')}`;

/**
 * Records deletions that have happened, 64 rows per statement. The retention sweep journals in
 * the segment row itself (state 'deleting'), so its log rows are written once, complete.
 */
export function insertFinalDeletions(db: Db, rows: readonly FinalDeletion[]): void {
  const args: (string | number | null)[] = [];
  let i = 0;
  const push = (d: FinalDeletion): void => {
    args.push(d.kind, d.segment_id, d.root_id, d.camera_id, d.path, d.from_ms, d.to_ms, d.size, d.sha256, d.due_ms, d.marked_ms, d.sweep_id, d.handover_id, d.incident_ref, d.reason, d.outcome, d.deleted_ms, d.note);
  };
  const multi = rows.length >= DEL_MULTI ? stmt(db, FIN_MULTI_SQL) : null;
  for (; multi && i + DEL_MULTI <= rows.length; i += DEL_MULTI) {
    args.length = 0;
    for (let k = i; k < i + DEL_MULTI; k++) push(rows[k] as FinalDeletion);
    multi.run(...args);
  }
  const one = stmt(db, `INSERT INTO deletions ${FIN_COLS} VALUES ${FIN_ROW}`);
  for (; i < rows.length; i++) {
    args.length = 0;
    push(rows[i] as FinalDeletion);
    one.run(...args);
  }
}

/**
 * Recordings deleted before they were due by the clock as it reads now: after a clock that ran
 * ahead is set right, these are the footage that went early (by camera, with their span).
 */
export function deletedBeforeDue(db: ReadDb, nowMs: number): { camera_id: string | null; n: number; from_ms: number | null; to_ms: number | null; latest_due_ms: number | null }[] {
  return stmt(
    db,
    `SELECT camera_id, COUNT(*) AS n, MIN(from_ms) AS from_ms, MAX(to_ms) AS to_ms, MAX(due_ms) AS latest_due_ms
     FROM deletions WHERE deleted_ms > ? AND kind = 'segment' AND outcome = 'deleted' AND due_ms > ? GROUP BY camera_id ORDER BY camera_id`,
  ).all(nowMs - 366 * 86_400_000, nowMs) as { camera_id: string | null; n: number; from_ms: number | null; to_ms: number | null; latest_due_ms: number | null }[];
}
