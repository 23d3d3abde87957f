/** Recordings that were already past their due time when first indexed (migration 011). */
import { stmt, type Db, type ReadDb } from './open.js';

export interface OverdueAtIndexRow {
  id: number;
  root_id: number;
  camera_id: string;
  first_segment_id: number;
  last_segment_id: number;
  segments: number;
  oldest_end_ms: number;
  newest_end_ms: number;
  indexed_ms: number;
}

export function insertOverdueAtIndex(db: Db, r: Omit<OverdueAtIndexRow, 'id'>): void {
  stmt(
    db,
    'INSERT INTO overdue_at_index (root_id, camera_id, first_segment_id, last_segment_id, segments, oldest_end_ms, newest_end_ms, indexed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(r.root_id, r.camera_id, r.first_segment_id, r.last_segment_id, r.segments, r.oldest_end_ms, r.newest_end_ms, r.indexed_ms);
}

export function listOverdueAtIndex(db: ReadDb, sinceMs: number): OverdueAtIndexRow[] {
  return stmt(db, 'SELECT * FROM overdue_at_index WHERE indexed_ms >= ? ORDER BY id').all(sinceMs) as OverdueAtIndexRow[];
}

/**
 * SQL expression: when the segment of deletion row `d` was first indexed, if it was already
 * overdue then (else NULL). The range with the largest first id at or below the segment's id is
 * the only candidate (ranges do not overlap unless SQLite reused a deleted row's id); the camera,
 * the root, the end time and "indexed before it was marked" guard against such a reuse.
 */
export const OVERDUE_AT_INDEX_SQL = `(SELECT CASE WHEN o.last_segment_id >= d.segment_id AND o.indexed_ms <= d.marked_ms
    AND d.to_ms BETWEEN o.oldest_end_ms - 86400000 AND o.newest_end_ms + 86400000 THEN o.indexed_ms END
  FROM overdue_at_index o WHERE o.root_id = d.root_id AND o.camera_id = d.camera_id AND o.first_segment_id <= d.segment_id
  ORDER BY o.first_segment_id DESC LIMIT 1)`;
