/**
 * Queries for `custodian check`: the record read against itself (holds against the deletion
 * log, the log against the index). Each returns the offending rows, at most `limit`.
 */
import { stmt, type ReadDb } from './open.js';

export interface HeldDeletion {
  deletion: number;
  path: string;
  camera_id: string | null;
  deleted_ms: number;
  hold: number;
}

/**
 * Recordings deleted while a hold that covered them was in force (created before the deletion
 * and not released by then): by the hold's cameras and window, or by its pins.
 */
export function deletionsUnderHold(db: ReadDb, limit: number): HeldDeletion[] {
  return stmt(
    db,
    `SELECT d.id AS deletion, d.path, d.camera_id, d.deleted_ms, h.id AS hold
     FROM deletions d JOIN holds h ON h.created_ms < d.deleted_ms AND (h.released_ms IS NULL OR h.released_ms > d.deleted_ms)
     WHERE d.kind = 'segment' AND d.outcome = 'deleted' AND (
       EXISTS (SELECT 1 FROM hold_cameras hc WHERE hc.hold_id = h.id AND hc.camera_id = d.camera_id AND h.from_ms < d.to_ms AND h.to_ms > d.from_ms)
       OR EXISTS (SELECT 1 FROM hold_pins hp WHERE hp.hold_id = h.id AND hp.segment_id = d.segment_id))
     ORDER BY d.id LIMIT ?`,
  ).all(limit) as HeldDeletion[];
}

/** The same recording (segment id, or path and start) recorded as gone more than once. */
export function duplicateDeletions(db: ReadDb, limit: number): { path: string; n: number }[] {
  return stmt(
    db,
    `SELECT path, COUNT(*) AS n FROM deletions WHERE outcome != 'pending' AND kind = 'segment'
     GROUP BY path, from_ms HAVING n > 1 ORDER BY path LIMIT ?`,
  ).all(limit) as { path: string; n: number }[];
}

export interface LiveSegmentPath {
  id: number;
  root_id: number;
  root: string;
  rel: string;
  name: string;
  state: string;
  start_ms: number;
}

/** Every live segment with where it is, for the disk walk (iterated: a million rows). */
export function iterateLiveSegments(db: ReadDb): IterableIterator<LiveSegmentPath> {
  return stmt(
    db,
    `SELECT s.id, s.root_id, r.path AS root, d.rel, s.name, s.state, s.start_ms FROM segments s
     JOIN dirs d ON d.id = s.dir_id JOIN roots r ON r.id = s.root_id WHERE s.missing_ms IS NULL`,
  ).iterate() as IterableIterator<LiveSegmentPath>;
}

/** Deleted recordings whose path is indexed again as the same recording (same start). */
export function deletedButIndexed(db: ReadDb, limit: number): { deletion: number; path: string }[] {
  return stmt(
    db,
    `SELECT d.id AS deletion, d.path FROM deletions d JOIN segments s ON s.root_id = d.root_id AND s.start_ms = d.from_ms AND s.camera_id = d.camera_id
     WHERE d.kind = 'segment' AND d.outcome = 'deleted' ORDER BY d.id LIMIT ?`,
  ).all(limit) as { deletion: number; path: string }[];
}

/** Paths of recorded deletions of recordings, with the root they were in (to check containment). */
export function iterateSegmentDeletionPaths(db: ReadDb): IterableIterator<{ id: number; root_id: number | null; path: string }> {
  return stmt(db, "SELECT id, root_id, path FROM deletions WHERE kind = 'segment'").iterate() as IterableIterator<{ id: number; root_id: number | null; path: string }>;
}

export function countInFlight(db: ReadDb): { marked: number; journal: number } {
  const marked = (stmt(db, "SELECT COUNT(*) AS n FROM segments WHERE state = 'deleting'").get() as { n: number }).n;
  const journal = (stmt(db, 'SELECT COUNT(*) AS n FROM deletion_journal').get() as { n: number }).n;
  return { marked, journal };
}

export function heldMissing(db: ReadDb): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE missing_ms IS NOT NULL').get() as { n: number }).n;
}
