import { HELD_SQL } from './holds.js';
import { stmt, type Db, type ReadDb } from './open.js';

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
  /** Set while a held recording is missing from the disk (its row is kept; see core/scan/missing.ts). */
  missing_ms: number | null;
  /** The end the file name states (migration 013). */
  name_end_ms: number | null;
  /** The event kind the file name states: scheduled, motion, alarm, smart or the recorder's code. */
  event_kind: string | null;
  /** 'file': the path names only the day; the start is the file's time less its duration. */
  time_from: 'file' | null;
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
  /** What the name says beyond the start (layouts with {end:…} or {kind}; see NameFacts). */
  readonly named?: NameFacts;
}

/** What a file's path says beyond its camera and start (migration 013). */
export interface NameFacts {
  readonly endMs?: number | null;
  readonly kind?: string | null;
  readonly timeFrom?: 'file' | null;
}

export function insertSegment(db: Db, s: NewSegment): number {
  const info = stmt(
    db,
    `INSERT INTO segments (root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms, name_end_ms, event_kind, time_from)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.rootId, s.dirId, s.name, s.cameraId, s.startMs, s.endMs, s.endSource, s.size, s.mtimeMs, s.named?.endMs ?? null, s.named?.kind ?? null, s.named?.timeFrom ?? null);
  return Number(info.lastInsertRowid);
}

const COLS = '(root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms)';
const COLS_NAMED = '(root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms, name_end_ms, event_kind, time_from)';
const MULTI = 64;
const rowsOf = (n: number, width: number): string => Array(n).fill(`(${Array(width).fill('?').join(', ')})`).join(', ');
/** One statement for each group size (1–64 rows): a group's rest goes in one statement, not row by row. */
const MULTI_SQL = Array.from({ length: MULTI + 1 }, (_, n) => `INSERT INTO segments ${COLS} VALUES ${rowsOf(n, 9)}`);
// Names that say more than the start (Dahua's end and kind) take three more values a row; the
// rest keep the shorter statement, the cold index's hot path.
const MULTI_NAMED_SQL = Array.from({ length: MULTI + 1 }, (_, n) => `INSERT INTO segments ${COLS_NAMED} VALUES ${rowsOf(n, 12)}`);

/**
 * Inserts many segments, up to 64 rows per statement (a cold index of a million files spends
 * most of its time here); the rest of a group goes in one statement of its own size. Returns the
 * new ids in order: rows of one statement get consecutive rowids.
 */
export function insertSegments(db: Db, rows: readonly NewSegment[]): number[] {
  const ids: number[] = [];
  const named = rows.some((r) => r.named !== undefined);
  const args: (string | number | null)[] = [];
  for (let i = 0; i < rows.length; ) {
    const n = Math.min(MULTI, rows.length - i);
    if (n === 1) {
      ids.push(insertSegment(db, rows[i] as NewSegment));
      i++;
      continue;
    }
    args.length = 0;
    for (let k = i; k < i + n; k++) {
      const r = rows[k] as NewSegment;
      args.push(r.rootId, r.dirId, r.name, r.cameraId, r.startMs, r.endMs, r.endSource, r.size, r.mtimeMs);
      if (named) args.push(r.named?.endMs ?? null, r.named?.kind ?? null, r.named?.timeFrom ?? null);
    }
    const last = Number(stmt(db, (named ? MULTI_NAMED_SQL : MULTI_SQL)[n] as string).run(...args).lastInsertRowid);
    for (let k = n - 1; k >= 0; k--) ids.push(last - k);
    i += n;
  }
  return ids;
}

/** What a scan needs of a segment to recognise it elsewhere (a lost row, a twin). */
export type ScanSegment = Pick<SegmentRow, 'id' | 'root_id' | 'dir_id' | 'name' | 'camera_id' | 'start_ms' | 'end_ms' | 'size' | 'mtime_ms' | 'state' | 'missing_ms'>;
const SCAN_COLS = 'id, root_id, dir_id, name, camera_id, start_ms, end_ms, size, mtime_ms, state, missing_ms';

/** What a scan needs of each row of a listed folder (read for every folder it lists: kept small). */
export type ListedSegment = Pick<SegmentRow, 'id' | 'name' | 'size' | 'mtime_ms' | 'state' | 'missing_ms'>;

export function segmentsInDir(db: ReadDb, dirId: number): ListedSegment[] {
  return stmt(db, 'SELECT id, name, size, mtime_ms, state, missing_ms FROM segments WHERE dir_id = ?').all(dirId) as ListedSegment[];
}

/** Every row of a folder, as the move matcher reads them (a folder that vanished). */
export function scanSegmentsInDir(db: ReadDb, dirId: number): ScanSegment[] {
  return stmt(db, `SELECT ${SCAN_COLS} FROM segments WHERE dir_id = ?`).all(dirId) as ScanSegment[];
}

export function scanSegment(db: ReadDb, id: number): ScanSegment | undefined {
  return stmt(db, `SELECT ${SCAN_COLS} FROM segments WHERE id = ?`).get(id) as ScanSegment | undefined;
}

/** Whether a folder has a row for this file name (the unique index on (dir_id, name)). */
export function hasSegmentNamed(db: ReadDb, dirId: number, name: string): boolean {
  return stmt(db, 'SELECT 1 FROM segments WHERE dir_id = ? AND name = ?').get(dirId, name) !== undefined;
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

// --- The retention sweep's queries. "Deletable" always means: on disk as far as the index knows,
// not kept by any active hold (HELD_SQL), checked in the statement that picks.

const LIVE = `state = 'present' AND missing_ms IS NULL`;

/** Segments surely due (ending at or before `sure`) and not held, oldest first. */
export function pickDueSegments(db: ReadDb, rootId: number, sure: number, limit: number): SegmentRow[] {
  if (limit <= 0) return [];
  return stmt(db, `SELECT * FROM segments s WHERE root_id = ? AND end_ms <= ? AND ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT ?`).all(rootId, sure, limit) as SegmentRow[];
}

/** The ids of what pickDueSegments picks (the sweep marks ids; reading whole rows there cost a second a 100k). */
export function pickDueIds(db: ReadDb, rootId: number, sure: number, limit: number): number[] {
  if (limit <= 0) return [];
  return stmt(db, `SELECT id FROM segments s WHERE root_id = ? AND end_ms <= ? AND ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT ?`)
    .pluck()
    .all(rootId, sure, limit) as number[];
}

/** How many segments of a root end at or before `sure`, and how many of those are held. */
export function countSurelyDue(db: ReadDb, rootId: number, sure: number): { n: number; held: number } {
  const r = stmt(db, `SELECT COUNT(*) AS n, COALESCE(SUM(${HELD_SQL}), 0) AS held FROM segments s WHERE root_id = ? AND end_ms <= ? AND ${LIVE}`).get(rootId, sure) as { n: number; held: number };
  return r;
}

/** Segments ending in (sure, top]: due or not depends on each end exactly (month ends). */
export function boundaryBand(db: ReadDb, rootId: number, sure: number, top: number): { id: number; end_ms: number; held: number }[] {
  return stmt(db, `SELECT id, end_ms, ${HELD_SQL} AS held FROM segments s WHERE root_id = ? AND end_ms > ? AND end_ms <= ? AND ${LIVE} ORDER BY end_ms`).all(rootId, sure, top) as {
    id: number;
    end_ms: number;
    held: number;
  }[];
}

/** Of these ids, the rows still live and not held (for a dry run's list, and the band). */
export function liveUnheld(db: ReadDb, ids: readonly number[]): SegmentRow[] {
  if (ids.length === 0) return [];
  return stmt(db, `SELECT * FROM segments s WHERE id IN (SELECT value FROM json_each(?)) AND ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms`).all(JSON.stringify(ids)) as SegmentRow[];
}

/** liveUnheld's ids only, in the same order (the sweep marks ids). */
export function liveUnheldIds(db: ReadDb, ids: readonly number[]): number[] {
  if (ids.length === 0) return [];
  return stmt(db, `SELECT id FROM segments s WHERE id IN (SELECT value FROM json_each(?)) AND ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms`)
    .pluck()
    .all(JSON.stringify(ids)) as number[];
}

/**
 * Of these ids, the rows still marked for deletion and not held NOW. Run inside the write
 * transaction that then unlinks them: no hold can commit between this check and the unlink.
 */
export function markedAndUnheld(db: ReadDb, ids: readonly number[]): SegmentRow[] {
  if (ids.length === 0) return [];
  return stmt(db, `SELECT * FROM segments s WHERE id IN (SELECT value FROM json_each(?)) AND state = 'deleting' AND missing_ms IS NULL AND NOT ${HELD_SQL}`).all(JSON.stringify(ids)) as SegmentRow[];
}

/** Ids of a root's segments a sweep marked and did not finish (a crash, a file that could not be deleted then). */
export function markedSegmentIds(db: ReadDb, rootId: number): number[] {
  return (stmt(db, "SELECT id FROM segments WHERE state = 'deleting' AND root_id = ? ORDER BY id").all(rootId) as { id: number }[]).map((r) => r.id);
}

/** Of these ids, the rows in `state` (held or not). */
export function segmentsInState(db: ReadDb, ids: readonly number[], state: SegmentRow['state']): SegmentRow[] {
  if (ids.length === 0) return [];
  return stmt(db, 'SELECT * FROM segments WHERE id IN (SELECT value FROM json_each(?)) AND state = ?').all(JSON.stringify(ids), state) as SegmentRow[];
}

/** Marks live rows for deletion (the journal entry before any unlink); returns those marked. */
export function markForDeletion(db: Db, ids: readonly number[]): number {
  if (ids.length === 0) return 0;
  return stmt(db, `UPDATE segments SET state = 'deleting' WHERE id IN (SELECT value FROM json_each(?)) AND ${LIVE}`).run(JSON.stringify(ids)).changes;
}

/** The end of the oldest live, unheld recording (the next one to fall due), of one root or all. */
export function oldestUnheldEnd(db: ReadDb, rootId?: number): number | null {
  const r = (rootId === undefined
    ? stmt(db, `SELECT end_ms FROM segments s WHERE ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT 1`).get()
    : stmt(db, `SELECT end_ms FROM segments s WHERE root_id = ? AND ${LIVE} AND NOT ${HELD_SQL} ORDER BY end_ms LIMIT 1`).get(rootId)) as { end_ms: number } | undefined;
  return r?.end_ms ?? null;
}

/** When the newest recording on a root ended (its start comes from its name: the recorder's clock). */
export function newestEnd(db: ReadDb, rootId: number): number | null {
  const r = stmt(db, 'SELECT end_ms FROM segments WHERE root_id = ? ORDER BY end_ms DESC LIMIT 1').get(rootId) as { end_ms: number } | undefined;
  return r?.end_ms ?? null;
}

/** Live, unheld recordings ending in (fromEnd, toEnd]: what a clock error of that size would take. */
export function countUnheldEndingBetween(db: ReadDb, fromEnd: number, toEnd: number): { n: number; bytes: number | null; cameras: string | null } {
  return stmt(
    db,
    `SELECT COUNT(*) AS n, SUM(size) AS bytes, group_concat(DISTINCT camera_id) AS cameras FROM segments s WHERE end_ms > ? AND end_ms <= ? AND ${LIVE} AND NOT ${HELD_SQL}`,
  ).get(fromEnd, toEnd) as { n: number; bytes: number | null; cameras: string | null };
}

/** Segments indexed without a stat (names only), from `afterId` upwards. */
export function segmentsWithoutSize(db: ReadDb, afterId: number, limit: number): Pick<SegmentRow, 'id' | 'root_id' | 'dir_id' | 'name'>[] {
  return stmt(db, 'SELECT id, root_id, dir_id, name FROM segments WHERE id > ? AND size IS NULL ORDER BY id LIMIT ?').all(afterId, limit) as Pick<SegmentRow, 'id' | 'root_id' | 'dir_id' | 'name'>[];
}

/** Size and mtime as found on disk (-1: looked and could not stat it). */
export function setSegmentFacts(db: Db, id: number, size: number, mtimeMs: number | null): void {
  stmt(db, 'UPDATE segments SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, id);
}

export function countWithAudio(db: ReadDb): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE has_audio = 1').get() as { n: number }).n;
}

export function countMarked(db: ReadDb): number {
  return (stmt(db, "SELECT COUNT(*) AS n FROM segments WHERE state = 'deleting'").get() as { n: number }).n;
}

/** Whether the index holds any segment at all (a first index of an empty table is built differently). */
export function hasSegments(db: ReadDb): boolean {
  return stmt(db, 'SELECT 1 FROM segments LIMIT 1').get() !== undefined;
}

/** The highest segment id (rows inserted later have higher ids: INTEGER PRIMARY KEY). */
export function maxSegmentId(db: ReadDb): number {
  return (stmt(db, 'SELECT COALESCE(MAX(id), 0) AS m FROM segments').get() as { m: number }).m;
}

/** Whether any segment is marked missing (stops at the first; reads the table when there is none). */
export function anyMissingSegments(db: ReadDb): boolean {
  return stmt(db, 'SELECT 1 FROM segments WHERE missing_ms IS NOT NULL LIMIT 1').get() !== undefined;
}

/** Held recordings that are missing from the disk, in every root (a scan looks for them wherever it lists). */
export function missingSegments(db: ReadDb, rootId?: number): ScanSegment[] {
  return (rootId === undefined
    ? stmt(db, `SELECT ${SCAN_COLS} FROM segments WHERE missing_ms IS NOT NULL`).all()
    : stmt(db, `SELECT ${SCAN_COLS} FROM segments WHERE missing_ms IS NOT NULL AND root_id = ?`).all(rootId)) as ScanSegment[];
}


/** Of these ids, the segments an active hold keeps (by pin, or by camera and window). */
export function heldAmong(db: ReadDb, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = stmt(db, `SELECT s.id FROM segments s WHERE s.id IN (SELECT value FROM json_each(?)) AND ${HELD_SQL}`).all(JSON.stringify(ids)) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** Of these ids, the segments an archived clip was cut from (its clip not deleted): same camera, name and start. */
export function archivedSourceAmong(db: ReadDb, ids: readonly number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const rows = stmt(
    db,
    `SELECT s.id FROM segments s WHERE s.id IN (SELECT value FROM json_each(?)) AND EXISTS (
       SELECT 1 FROM clip_sources cs JOIN clips c ON c.id = cs.clip_id
       WHERE c.status <> 'deleted' AND c.camera_id = s.camera_id AND cs.name = s.name AND cs.start_ms = s.start_ms)`,
  ).all(JSON.stringify(ids)) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** Held recordings that vanished keep their rows, marked with the time they were first found missing. */
export function markSegmentsMissing(db: Db, ids: readonly number[], nowMs: number): void {
  if (ids.length === 0) return;
  stmt(db, 'UPDATE segments SET missing_ms = ? WHERE id IN (SELECT value FROM json_each(?)) AND missing_ms IS NULL').run(nowMs, JSON.stringify(ids));
}

/** A missing recording was found again where it was. */
export function clearSegmentMissing(db: Db, id: number): void {
  stmt(db, 'UPDATE segments SET missing_ms = NULL WHERE id = ?').run(id);
}

/** Missing recordings of a root that no active hold keeps any more: they leave the index. */
export function unheldMissingIn(db: ReadDb, rootId: number): number[] {
  const rows = stmt(db, `SELECT s.id FROM segments s WHERE s.root_id = ? AND s.missing_ms IS NOT NULL AND NOT ${HELD_SQL}`).all(rootId) as { id: number }[];
  return rows.map((r) => r.id);
}

/**
 * Segments of any camera with this start and file name (the same recording seen elsewhere, or
 * another camera's segment of the same moment), inserted after `afterId`. One index probe per
 * camera on (camera_id, start_ms): CROSS JOIN keeps cameras the outer loop (with a plain JOIN
 * SQLite walked the rowids above `afterId`, all of them: 128 ms a new segment on 1 M).
 */
export function segmentsNamed(db: ReadDb, name: string, startMs: number, afterId = 0): ScanSegment[] {
  return stmt(
    db,
    `SELECT ${SCAN_COLS.split(', ').map((c) => `s.${c}`).join(', ')} FROM cameras c CROSS JOIN segments s ON s.camera_id = c.id AND s.start_ms = ? AND s.name = ? WHERE s.id > ?`,
  ).all(startMs, name, afterId) as ScanSegment[];
}

/**
 * The folders holding each camera's newest recordings in a root (by start time, newest first,
 * up to `perCamera` folders a camera): where its recorder is writing now. A few index probes per
 * camera on (camera_id, start_ms), whatever the size of the index.
 */
export function newestFolders(db: ReadDb, rootId: number, perCamera: number): number[] {
  const out: number[] = [];
  const cams = stmt(db, 'SELECT id FROM cameras').all() as { id: string }[];
  for (const { id } of cams) {
    let before = Number.MAX_SAFE_INTEGER;
    for (let k = 0; k < perCamera; k++) {
      const r = stmt(db, 'SELECT dir_id, start_ms FROM segments WHERE camera_id = ? AND start_ms < ? AND root_id = ? ORDER BY start_ms DESC LIMIT 1').get(id, before, rootId) as
        | { dir_id: number; start_ms: number }
        | undefined;
      if (!r) break;
      out.push(r.dir_id);
      // The next folder back starts before this folder's first recording.
      before = (stmt(db, 'SELECT MIN(start_ms) AS m FROM segments WHERE dir_id = ?').get(r.dir_id) as { m: number }).m;
    }
  }
  return out;
}

/** Recordings with a sound track, per camera (POLICY P7). */
export function audioSegmentsByCamera(db: ReadDb): { camera: string; n: number }[] {
  return stmt(db, 'SELECT camera_id AS camera, COUNT(*) AS n FROM segments WHERE has_audio = 1 GROUP BY camera_id ORDER BY camera_id').all() as { camera: string; n: number }[];
}

/** Recordings that ended before `endedBeforeMs` whose sound track is unknown (not probed, or unreadable). */
export function countUnprobed(db: ReadDb, endedBeforeMs: number): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE has_audio IS NULL AND end_ms < ?').get(endedBeforeMs) as { n: number }).n;
}
