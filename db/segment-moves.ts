/**
 * A recording that moved (its camera or day folder renamed, moved to another folder or root)
 * keeps its segment row: the row is pointed at the new place, so its id, and the hold pins on
 * that id, survive. The holds that kept it follow it to its new camera.
 */
import { stmt, type Db } from './open.js';

export interface NewPlace {
  readonly rootId: number;
  readonly dirId: number;
  readonly cameraId: string;
  readonly size: number | null;
  readonly mtimeMs: number | null;
}

/**
 * Points a segment row at where its file is now; it is no longer missing. False when the row
 * is gone or a sweep has marked it meanwhile (then it is not moved).
 */
export function moveSegment(db: Db, id: number, to: NewPlace): boolean {
  return (
    stmt(
      db,
      "UPDATE segments SET root_id = ?, dir_id = ?, camera_id = ?, size = COALESCE(?, size), mtime_ms = COALESCE(?, mtime_ms), missing_ms = NULL WHERE id = ? AND state = 'present'",
    ).run(to.rootId, to.dirId, to.cameraId, to.size, to.mtimeMs, id).changes > 0
  );
}

/**
 * Active holds that keep segment `id` (a pin, or `fromCamera` and a window over it) and do not
 * yet cover `toCamera` get it added: the moved recordings, and what that camera records later
 * in the window, stay held. Returns the holds extended.
 */
export function followHoldsToCamera(db: Db, id: number, fromCamera: string, toCamera: string): number[] {
  const holds = stmt(
    db,
    `SELECT h.id FROM holds h WHERE h.released_ms IS NULL
       AND NOT EXISTS (SELECT 1 FROM hold_cameras x WHERE x.hold_id = h.id AND x.camera_id = ?)
       AND (EXISTS (SELECT 1 FROM hold_pins p WHERE p.hold_id = h.id AND p.segment_id = ?)
            OR EXISTS (SELECT 1 FROM hold_cameras hc JOIN segments s ON s.id = ?
                       WHERE hc.hold_id = h.id AND hc.camera_id = ? AND h.from_ms < s.end_ms AND h.to_ms > s.start_ms))`,
  ).all(toCamera, id, id, fromCamera) as { id: number }[];
  const ins = stmt(db, 'INSERT OR IGNORE INTO hold_cameras (hold_id, camera_id) VALUES (?, ?)');
  for (const h of holds) ins.run(h.id, toCamera);
  return holds.map((h) => h.id);
}

/**
 * The same recording was indexed twice: once where it was (now missing, `keepId`) and again
 * where it is now (`dropId`). The row that was there first stays; pins on the other move to
 * it, and the other row goes (only the index row: the file is the kept row's file now).
 */
export function mergeIntoEarlierRow(db: Db, keepId: number, dropId: number): void {
  stmt(db, 'INSERT OR IGNORE INTO hold_pins (segment_id, hold_id) SELECT ?, hold_id FROM hold_pins WHERE segment_id = ?').run(keepId, dropId);
  stmt(db, 'DELETE FROM hold_pins WHERE segment_id = ?').run(dropId);
  stmt(db, "DELETE FROM segments WHERE id = ? AND state = 'present'").run(dropId);
}

/**
 * Pins `twinId` to every active hold that keeps segment `heldId` (by pin, or by camera and
 * window): a held recording missing from its place whose look-alike is indexed elsewhere keeps
 * that look-alike too, when the scan cannot tell which copy it is. Returns the pins added.
 */
export function pinToHoldsKeeping(db: Db, heldId: number, twinId: number): number {
  return stmt(
    db,
    `INSERT OR IGNORE INTO hold_pins (segment_id, hold_id)
     SELECT ?, h.id FROM holds h JOIN segments s ON s.id = ? WHERE h.released_ms IS NULL AND (
       EXISTS (SELECT 1 FROM hold_pins p WHERE p.hold_id = h.id AND p.segment_id = s.id)
       OR EXISTS (SELECT 1 FROM hold_cameras hc WHERE hc.hold_id = h.id AND hc.camera_id = s.camera_id AND h.from_ms < s.end_ms AND h.to_ms > s.start_ms))`,
  ).run(twinId, heldId).changes;
}
