import { stmt, type Db, type ReadDb } from './open.js';

export interface HoldRow {
  id: number;
  from_ms: number;
  to_ms: number;
  reason: string;
  source: string;
  source_ref: string | null;
  created_ms: number;
  created_by: string;
  released_ms: number | null;
  released_by: string | null;
  release_reason: string | null;
  cameras: string;
}

const SELECT = `SELECT h.*, (SELECT group_concat(camera_id, ',') FROM hold_cameras WHERE hold_id = h.id) AS cameras FROM holds h`;

export function insertHold(
  db: Db,
  h: { fromMs: number; toMs: number; reason: string; source: string; sourceRef: string | null; createdMs: number; createdBy: string; cameras: readonly string[] },
): number {
  const info = stmt(db, 'INSERT INTO holds (from_ms, to_ms, reason, source, source_ref, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    h.fromMs,
    h.toMs,
    h.reason,
    h.source,
    h.sourceRef,
    h.createdMs,
    h.createdBy,
  );
  const id = Number(info.lastInsertRowid);
  const ins = stmt(db, 'INSERT INTO hold_cameras (hold_id, camera_id) VALUES (?, ?)');
  for (const c of new Set(h.cameras)) ins.run(id, c);
  return id;
}

export function getHold(db: ReadDb, id: number): HoldRow | undefined {
  return stmt(db, `${SELECT} WHERE h.id = ?`).get(id) as HoldRow | undefined;
}

export function listHolds(db: ReadDb, includeReleased: boolean): HoldRow[] {
  return stmt(db, `${SELECT} ${includeReleased ? '' : 'WHERE h.released_ms IS NULL'} ORDER BY h.id`).all() as HoldRow[];
}

export function releaseHold(db: Db, id: number, by: string, reason: string, nowMs: number): void {
  stmt(db, 'UPDATE holds SET released_ms = ?, released_by = ?, release_reason = ? WHERE id = ?').run(nowMs, by, reason, id);
}

/**
 * SQL fragment true when segment alias `s` is kept by an active hold: inside a hold's cameras
 * and window, or pinned by a hold (the recordings it covered when it was made, wherever they
 * are indexed now: a renamed camera folder keeps its pins). Used inside the very statements that
 * pick and delete, never checked separately from them.
 */
export const HELD_SQL = `(EXISTS (SELECT 1 FROM hold_cameras hc JOIN holds h ON h.id = hc.hold_id
  WHERE hc.camera_id = s.camera_id AND h.released_ms IS NULL AND h.from_ms < s.end_ms AND h.to_ms > s.start_ms)
  OR EXISTS (SELECT 1 FROM hold_pins hp JOIN holds h ON h.id = hp.hold_id WHERE hp.segment_id = s.id AND h.released_ms IS NULL))`;

/** Pins every indexed recording a new hold covers (its cameras and window) to the hold. */
export function pinCoveredSegments(db: Db, holdId: number, cameras: readonly string[], fromMs: number, toMs: number, maxSegmentMs: number): number {
  const ins = stmt(
    db,
    `INSERT OR IGNORE INTO hold_pins (segment_id, hold_id)
     SELECT id, ? FROM segments WHERE camera_id = ? AND start_ms >= ? AND start_ms < ? AND end_ms > ?`,
  );
  let n = 0;
  for (const c of new Set(cameras)) n += ins.run(holdId, c, fromMs - maxSegmentMs, toMs, fromMs).changes;
  return n;
}

/** A released hold no longer pins anything (the hold's row keeps its history). */
export function unpinHold(db: Db, holdId: number): void {
  stmt(db, 'DELETE FROM hold_pins WHERE hold_id = ?').run(holdId);
}

/** The active holds that keep one recording now (for the deletion log's note), oldest first. */
export function holdsKeeping(db: ReadDb, segmentId: number): { id: number; created_ms: number }[] {
  return stmt(
    db,
    `SELECT DISTINCT h.id, h.created_ms FROM holds h, segments s WHERE s.id = ? AND h.released_ms IS NULL AND (
       EXISTS (SELECT 1 FROM hold_cameras hc WHERE hc.hold_id = h.id AND hc.camera_id = s.camera_id AND h.from_ms < s.end_ms AND h.to_ms > s.start_ms)
       OR EXISTS (SELECT 1 FROM hold_pins hp WHERE hp.hold_id = h.id AND hp.segment_id = s.id)) ORDER BY h.created_ms`,
  ).all(segmentId) as { id: number; created_ms: number }[];
}

/** Holds that pinned this recording by id when they were made (they follow it through renames). */
export function holdsPinning(db: ReadDb, segmentId: number): HoldRow[] {
  return stmt(db, `${SELECT} WHERE h.id IN (SELECT hold_id FROM hold_pins WHERE segment_id = ?) ORDER BY h.id`).all(segmentId) as HoldRow[];
}
