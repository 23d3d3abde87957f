import { stmt, type Db, type ReadDb } from './open.js';
import { HELD_SQL } from './holds.js';

export type EndSource = 'probe' | 'mtime' | 'next' | 'estimate';

export interface SegmentRow {
  id: number;
  root_id: number;
  dir_id: number;
  name: string;
  camera_id: string;
  start_ms: number;
  end_ms: number;
  end_source: EndSource;
  size: number | null;
  mtime_ms: number | null;
  state: 'present' | 'deleting';
  probed_ms: number | null;
  duration_ms: number | null;
  video_codec: string | null;
  has_audio: number | null;
  probe_error: string | null;
}

export interface NewSegment {
  rootId: number;
  dirId: number;
  name: string;
  cameraId: string;
  startMs: number;
  endMs: number;
  endSource: EndSource;
  size: number | null;
  mtimeMs: number | null;
}

export function insertSegment(db: Db, s: NewSegment): number {
  const info = stmt(
    db,
    `INSERT INTO segments (root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.rootId, s.dirId, s.name, s.cameraId, s.startMs, s.endMs, s.endSource, s.size, s.mtimeMs);
  return Number(info.lastInsertRowid);
}

const COLS = '(root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms)';
const MULTI = 64;
const MULTI_SQL = `INSERT INTO segments ${COLS} VALUES ${Array(MULTI).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;

/**
 * Inserts many segments, 64 rows per statement (a cold index of a million files spends most of
 * its time here). Returns the new ids in order: rows of one statement get consecutive rowids.
 */
export function insertSegments(db: Db, rows: readonly NewSegment[]): number[] {
  const ids: number[] = [];
  let i = 0;
  const multi = rows.length >= MULTI ? stmt(db, MULTI_SQL) : null;
  const args: (string | number | null)[] = [];
  for (; multi && i + MULTI <= rows.length; i += MULTI) {
    args.length = 0;
    for (let k = i; k < i + MULTI; k++) {
      const r = rows[k] as NewSegment;
      args.push(r.rootId, r.dirId, r.name, r.cameraId, r.startMs, r.endMs, r.endSource, r.size, r.mtimeMs);
    }
    const last = Number(multi.run(...args).lastInsertRowid);
    for (let k = MULTI - 1; k >= 0; k--) ids.push(last - k);
  }
  for (; i < rows.length; i++) ids.push(insertSegment(db, rows[i] as NewSegment));
  return ids;
}

export function segmentsInDir(db: ReadDb, dirId: number): Pick<SegmentRow, 'id' | 'name' | 'size' | 'mtime_ms' | 'state'>[] {
  return stmt(db, 'SELECT id, name, size, mtime_ms, state FROM segments WHERE dir_id = ?').all(dirId) as Pick<
    SegmentRow,
    'id' | 'name' | 'size' | 'mtime_ms' | 'state'
  >[];
}

export function getSegment(db: ReadDb, id: number): SegmentRow | undefined {
  return stmt(db, 'SELECT * FROM segments WHERE id = ?').get(id) as SegmentRow | undefined;
}

export function deleteSegmentRow(db: Db, id: number): void {
  stmt(db, 'DELETE FROM segments WHERE id = ?').run(id);
}

export function updateSegmentFile(db: Db, id: number, size: number | null, mtimeMs: number | null): void {
  stmt(db, 'UPDATE segments SET size = ?, mtime_ms = ?, probed_ms = NULL WHERE id = ?').run(size, mtimeMs, id);
}

export function setSegmentEnd(db: Db, id: number, endMs: number, source: EndSource): void {
  stmt(db, 'UPDATE segments SET end_ms = ?, end_source = ? WHERE id = ?').run(endMs, source, id);
}

export function setSegmentState(db: Db, id: number, state: SegmentRow['state']): void {
  stmt(db, 'UPDATE segments SET state = ? WHERE id = ?').run(state, id);
}

export function setProbeResult(
  db: Db,
  id: number,
  r: { probedMs: number; durationMs: number | null; codec: string | null; hasAudio: boolean | null; error: string | null; size: number | null },
): void {
  stmt(
    db,
    `UPDATE segments SET probed_ms = ?, duration_ms = ?, video_codec = ?, has_audio = ?, probe_error = ?, size = COALESCE(?, size)
     WHERE id = ?`,
  ).run(r.probedMs, r.durationMs, r.codec, r.hasAudio === null ? null : r.hasAudio ? 1 : 0, r.error, r.size, id);
}

/** The segment of a camera that starts just before `startMs` (its end may need to shrink). */
export function previousSegment(db: ReadDb, cameraId: string, startMs: number): SegmentRow | undefined {
  return stmt(db, 'SELECT * FROM segments WHERE camera_id = ? AND start_ms < ? ORDER BY start_ms DESC LIMIT 1').get(
    cameraId,
    startMs,
  ) as SegmentRow | undefined;
}

export function nextSegmentStart(db: ReadDb, cameraId: string, startMs: number): number | undefined {
  const r = stmt(db, 'SELECT start_ms FROM segments WHERE camera_id = ? AND start_ms > ? ORDER BY start_ms LIMIT 1').get(
    cameraId,
    startMs,
  ) as { start_ms: number } | undefined;
  return r?.start_ms;
}

/** Segments of one camera overlapping [fromMs, toMs). Bounded below so the index is used. */
export function segmentsForCamera(db: ReadDb, cameraId: string, fromMs: number, toMs: number, maxSegmentMs: number): SegmentRow[] {
  return stmt(
    db,
    `SELECT * FROM segments WHERE camera_id = ? AND start_ms >= ? AND start_ms < ? AND end_ms > ? ORDER BY start_ms`,
  ).all(cameraId, fromMs - maxSegmentMs, toMs, fromMs) as SegmentRow[];
}

export interface CameraStats {
  camera_id: string;
  segments: number;
  oldest: number | null;
  newest: number | null;
  bytes: number | null;
}

export function cameraStats(db: ReadDb): CameraStats[] {
  return stmt(
    db,
    `SELECT camera_id, COUNT(*) AS segments, MIN(start_ms) AS oldest, MAX(end_ms) AS newest, SUM(size) AS bytes
     FROM segments GROUP BY camera_id ORDER BY camera_id`,
  ).all() as CameraStats[];
}

export function countSegments(db: ReadDb, rootId?: number): number {
  const row = (rootId === undefined
    ? stmt(db, 'SELECT COUNT(*) AS n FROM segments').get()
    : stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE root_id = ?').get(rootId)) as { n: number };
  return row.n;
}

/**
 * Unprobed segments, newest first by id (ids grow as segments are indexed), below `beforeId`.
 * Walking the primary key with a cursor keeps each call cheap on a million rows.
 */
export function unprobedSegments(db: ReadDb, limit: number, beforeId = Number.MAX_SAFE_INTEGER): SegmentRow[] {
  return stmt(db, 'SELECT * FROM segments WHERE id < ? AND probed_ms IS NULL ORDER BY id DESC LIMIT ?').all(beforeId, limit) as SegmentRow[];
}

/** Sets the state of many segments (ids as one JSON array parameter). */
export function setSegmentsState(db: Db, ids: readonly number[], state: SegmentRow['state']): void {
  if (ids.length === 0) return;
  stmt(db, 'UPDATE segments SET state = ? WHERE id IN (SELECT value FROM json_each(?))').run(state, JSON.stringify(ids));
}

export function deleteSegmentRows(db: Db, ids: readonly number[]): void {
  if (ids.length === 0) return;
  stmt(db, 'DELETE FROM segments WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
}

/** Of these ids, the ones still marked for deletion (a hold may have taken some back). */
export function stillDeleting(db: ReadDb, ids: readonly number[]): Set<number> {
  const rows = stmt(db, "SELECT id FROM segments WHERE id IN (SELECT value FROM json_each(?)) AND state = 'deleting'").all(JSON.stringify(ids)) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** The end of the oldest recording of a root that no hold keeps (the compliance report's "today"). */
export function oldestUnheldEnd(db: ReadDb, rootId: number): number | null {
  const r = stmt(db, `SELECT MIN(end_ms) AS m FROM segments s WHERE root_id = ? AND state = 'present' AND NOT ${HELD_SQL}`).get(rootId) as { m: number | null };
  return r.m;
}

/** Recordings with a sound track, per camera (POLICY P7). */
export function audioSegmentsByCamera(db: ReadDb): { camera: string; n: number }[] {
  return stmt(db, 'SELECT camera_id AS camera, COUNT(*) AS n FROM segments WHERE has_audio = 1 GROUP BY camera_id ORDER BY camera_id').all() as { camera: string; n: number }[];
}

/** Recordings that ended before `endedBeforeMs` whose sound track is unknown (not probed, or unreadable). */
export function countUnprobed(db: ReadDb, endedBeforeMs: number): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE has_audio IS NULL AND end_ms < ?').get(endedBeforeMs) as { n: number }).n;
}
