/**
 * Timeline thumbnails (migration 012): one still per recording, its file under the data folder's
 * thumbnails/ recorded with size and SHA-256. The row is the journal (state 'deleting' before the
 * unlink) and the log (state 'deleted', with when and how) of its deletion.
 */
import { stmt, type Db, type ReadDb } from './open.js';

export interface ThumbnailRow {
  id: number;
  segment_id: number;
  camera_id: string;
  at_ms: number;
  rel: string;
  size: number;
  sha256: string;
  width: number;
  height: number;
  created_ms: number;
  state: 'present' | 'deleting' | 'deleted';
  marked_ms: number | null;
  deleted_ms: number | null;
  outcome: 'deleted' | 'already-gone' | null;
  reason: string | null;
}

export type NewThumbnail = Pick<ThumbnailRow, 'segment_id' | 'camera_id' | 'at_ms' | 'rel' | 'size' | 'sha256' | 'width' | 'height' | 'created_ms'>;

/** The live (not deleted) still of a recording, if one was made. */
export function liveThumbnail(db: ReadDb, segmentId: number): ThumbnailRow | undefined {
  return stmt(db, "SELECT * FROM thumbnails WHERE segment_id = ? AND state != 'deleted'").get(segmentId) as ThumbnailRow | undefined;
}

/** Records a still just written (its segment must still be in the index: checked in the same statement). */
export function insertThumbnail(db: Db, t: NewThumbnail): ThumbnailRow | undefined {
  const r = stmt(
    db,
    `INSERT INTO thumbnails (segment_id, camera_id, at_ms, rel, size, sha256, width, height, created_ms)
     SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM segments WHERE id = ? AND state = 'present')`,
  ).run(t.segment_id, t.camera_id, t.at_ms, t.rel, t.size, t.sha256, t.width, t.height, t.created_ms, t.segment_id);
  return r.changes === 0 ? undefined : (stmt(db, 'SELECT * FROM thumbnails WHERE id = ?').get(r.lastInsertRowid) as ThumbnailRow);
}

/** Stills whose recording is no longer in the index (deleted, or gone from the disk), and those a crash left marked. */
export function orphanedThumbnails(db: ReadDb, limit: number): ThumbnailRow[] {
  return stmt(
    db,
    // A recording is the same one only with the same camera and start: a row id can be reused
    // by a later recording once the highest one was deleted.
    `SELECT t.* FROM thumbnails t LEFT JOIN segments s ON s.id = t.segment_id AND s.camera_id = t.camera_id AND s.start_ms = t.at_ms
     WHERE t.state != 'deleted' AND (t.state = 'deleting' OR s.id IS NULL) ORDER BY t.id LIMIT ?`,
  ).all(limit) as ThumbnailRow[];
}

export function markThumbnailDeleting(db: Db, id: number, atMs: number, reason: string): void {
  stmt(db, "UPDATE thumbnails SET state = 'deleting', marked_ms = COALESCE(marked_ms, ?), reason = COALESCE(reason, ?) WHERE id = ? AND state != 'deleted'").run(atMs, reason, id);
}

/** A marked still that turned out not to be Custodian's file: back to present (it is not deleted, and not tried again as if it were). */
export function unmarkThumbnail(db: Db, id: number): void {
  stmt(db, "UPDATE thumbnails SET state = 'present', marked_ms = NULL, reason = NULL WHERE id = ? AND state = 'deleting'").run(id);
}

export function recordThumbnailDeleted(db: Db, id: number, atMs: number, outcome: 'deleted' | 'already-gone'): void {
  stmt(db, "UPDATE thumbnails SET state = 'deleted', deleted_ms = ?, outcome = ? WHERE id = ? AND state = 'deleting'").run(atMs, outcome, id);
}

export function countLiveThumbnails(db: ReadDb): number {
  return (stmt(db, "SELECT COUNT(*) AS n FROM thumbnails WHERE state != 'deleted'").get() as { n: number }).n;
}

export function thumbnailById(db: ReadDb, id: number): ThumbnailRow | undefined {
  return stmt(db, 'SELECT * FROM thumbnails WHERE id = ?').get(id) as ThumbnailRow | undefined;
}
