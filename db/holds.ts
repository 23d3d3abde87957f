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
 * SQL fragment true when segment alias `s` is inside an active hold. Used inside the very
 * statement that picks what to delete, so a hold is never checked separately from the pick.
 */
export const HELD_SQL = `EXISTS (SELECT 1 FROM hold_cameras hc JOIN holds h ON h.id = hc.hold_id
  WHERE hc.camera_id = s.camera_id AND h.released_ms IS NULL AND h.from_ms < s.end_ms AND h.to_ms > s.start_ms)`;

/** Segments marked for deletion that a new hold now covers go back to present. */
export function rescueMarkedSegments(db: Db, cameras: readonly string[], fromMs: number, toMs: number): number {
  let n = 0;
  const sel = stmt(db, "SELECT id FROM segments WHERE camera_id = ? AND state = 'deleting' AND start_ms < ? AND end_ms > ?");
  const upd = stmt(db, "UPDATE segments SET state = 'present' WHERE id = ?");
  for (const c of cameras) {
    for (const r of sel.all(c, toMs, fromMs) as { id: number }[]) {
      upd.run(r.id);
      n++;
    }
  }
  return n;
}

/** Holds that pinned this recording by id when they were made (they follow it through renames). */
export function holdsPinning(db: ReadDb, segmentId: number): HoldRow[] {
  return stmt(db, `${SELECT} WHERE h.id IN (SELECT hold_id FROM hold_pins WHERE segment_id = ?) ORDER BY h.id`).all(segmentId) as HoldRow[];
}
