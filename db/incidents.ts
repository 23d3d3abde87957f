import { stmt, type Db, type ReadDb } from './open.js';

export type IncidentStatus = 'open' | 'archived' | 'handed-over' | 'deleted';

export interface IncidentRow {
  id: number;
  ref: string;
  year: number;
  seq: number;
  title: string;
  reason: 'crime-against-organisation' | 'crime-on-premises' | 'other';
  justification: string;
  from_ms: number;
  to_ms: number;
  review_by_ms: number;
  status: IncidentStatus;
  hold_id: number | null;
  gaps: string;
  created_ms: number;
  created_by: string;
  closed_ms: number | null;
  closed_reason: string | null;
  cameras: string;
}

export type Subjects = 'staff' | 'visitor' | 'mixed';

export interface ClipRow {
  id: number;
  incident_id: number;
  camera_id: string;
  run_index: number;
  subjects: Subjects;
  rel_path: string;
  from_ms: number;
  to_ms: number;
  start_ms: number | null;
  end_ms: number | null;
  sha256: string | null;
  size: number | null;
  status: 'pending' | 'complete' | 'failed' | 'deleted';
  error: string | null;
  source_had_audio: number | null;
  created_ms: number;
  completed_ms: number | null;
}

export interface ClipSourceRow {
  clip_id: number;
  ord: number;
  name: string;
  path: string;
  sha256: string;
  size: number;
  start_ms: number;
  end_ms: number;
}

const SELECT = `SELECT i.*, (SELECT group_concat(camera_id, ',') FROM incident_cameras WHERE incident_id = i.id) AS cameras FROM incidents i`;

export function nextIncidentSeq(db: ReadDb, year: number): number {
  const r = stmt(db, 'SELECT MAX(seq) AS m FROM incidents WHERE year = ?').get(year) as { m: number | null };
  return (r.m ?? 0) + 1;
}

export function insertIncident(
  db: Db,
  i: { ref: string; year: number; seq: number; title: string; reason: IncidentRow['reason']; justification: string; fromMs: number; toMs: number; reviewByMs: number; holdId: number | null; gaps: string; createdMs: number; createdBy: string; cameras: readonly string[] },
): number {
  const id = Number(
    stmt(
      db,
      `INSERT INTO incidents (ref, year, seq, title, reason, justification, from_ms, to_ms, review_by_ms, hold_id, gaps, created_ms, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(i.ref, i.year, i.seq, i.title, i.reason, i.justification, i.fromMs, i.toMs, i.reviewByMs, i.holdId, i.gaps, i.createdMs, i.createdBy).lastInsertRowid,
  );
  const ins = stmt(db, 'INSERT INTO incident_cameras (incident_id, camera_id) VALUES (?, ?)');
  for (const c of new Set(i.cameras)) ins.run(id, c);
  return id;
}

export function getIncidentByRef(db: ReadDb, ref: string): IncidentRow | undefined {
  return stmt(db, `${SELECT} WHERE i.ref = ?`).get(ref) as IncidentRow | undefined;
}

export function getIncident(db: ReadDb, id: number): IncidentRow | undefined {
  return stmt(db, `${SELECT} WHERE i.id = ?`).get(id) as IncidentRow | undefined;
}

export function listIncidents(db: ReadDb): IncidentRow[] {
  return stmt(db, `${SELECT} ORDER BY i.created_ms DESC`).all() as IncidentRow[];
}

export function setIncidentStatus(db: Db, id: number, status: IncidentStatus): void {
  stmt(db, 'UPDATE incidents SET status = ? WHERE id = ?').run(status, id);
}

export function setIncidentReview(db: Db, id: number, reviewByMs: number): void {
  stmt(db, 'UPDATE incidents SET review_by_ms = ? WHERE id = ?').run(reviewByMs, id);
}

export function setIncidentGaps(db: Db, id: number, gaps: string): void {
  stmt(db, 'UPDATE incidents SET gaps = ? WHERE id = ?').run(gaps, id);
}

export function setIncidentHold(db: Db, id: number, holdId: number | null): void {
  stmt(db, 'UPDATE incidents SET hold_id = ? WHERE id = ?').run(holdId, id);
}

export function closeIncidentRow(db: Db, id: number, atMs: number, reason: string): void {
  stmt(db, 'UPDATE incidents SET closed_ms = ?, closed_reason = ? WHERE id = ?').run(atMs, reason, id);
}

export function clipsOf(db: ReadDb, incidentId: number): ClipRow[] {
  return stmt(db, 'SELECT * FROM clips WHERE incident_id = ? ORDER BY camera_id, run_index').all(incidentId) as ClipRow[];
}

export function getClip(db: ReadDb, id: number): ClipRow | undefined {
  return stmt(db, 'SELECT * FROM clips WHERE id = ?').get(id) as ClipRow | undefined;
}

export function upsertPendingClip(
  db: Db,
  c: { incidentId: number; cameraId: string; runIndex: number; subjects: Subjects; relPath: string; fromMs: number; toMs: number; createdMs: number },
): ClipRow {
  stmt(
    db,
    `INSERT INTO clips (incident_id, camera_id, run_index, subjects, rel_path, from_ms, to_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(incident_id, camera_id, run_index) DO NOTHING`,
  ).run(c.incidentId, c.cameraId, c.runIndex, c.subjects, c.relPath, c.fromMs, c.toMs, c.createdMs);
  return stmt(db, 'SELECT * FROM clips WHERE incident_id = ? AND camera_id = ? AND run_index = ?').get(c.incidentId, c.cameraId, c.runIndex) as ClipRow;
}

export function completeClip(
  db: Db,
  id: number,
  r: { startMs: number; endMs: number; sha256: string; size: number; sourceHadAudio: boolean; atMs: number; sources: readonly Omit<ClipSourceRow, 'clip_id' | 'ord'>[] },
): void {
  stmt(db, 'DELETE FROM clip_sources WHERE clip_id = ?').run(id);
  const ins = stmt(db, 'INSERT INTO clip_sources (clip_id, ord, name, path, sha256, size, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  r.sources.forEach((s, i) => ins.run(id, i, s.name, s.path, s.sha256, s.size, s.start_ms, s.end_ms));
  stmt(db, "UPDATE clips SET status = 'complete', error = NULL, start_ms = ?, end_ms = ?, sha256 = ?, size = ?, source_had_audio = ?, completed_ms = ? WHERE id = ?").run(
    r.startMs,
    r.endMs,
    r.sha256,
    r.size,
    r.sourceHadAudio ? 1 : 0,
    r.atMs,
    id,
  );
}

export function failClip(db: Db, id: number, error: string): void {
  stmt(db, "UPDATE clips SET status = 'failed', error = ? WHERE id = ?").run(error, id);
}

export function setClipDeleted(db: Db, id: number): void {
  stmt(db, "UPDATE clips SET status = 'deleted' WHERE id = ?").run(id);
}

export function setClipSubjects(db: Db, id: number, subjects: Subjects, relPath: string): void {
  stmt(db, 'UPDATE clips SET subjects = ?, rel_path = ? WHERE id = ?').run(subjects, relPath, id);
}

export function clipSources(db: ReadDb, clipId: number): ClipSourceRow[] {
  return stmt(db, 'SELECT * FROM clip_sources WHERE clip_id = ? ORDER BY ord').all(clipId) as ClipSourceRow[];
}

export interface IncidentProgressRow {
  ref: string;
  status: IncidentRow['status'];
  clips: number;
  complete: number;
  failed: number;
  /** Packages exported, handed over, discarded or deleted: changes when any of them does. */
  packages: number;
}

/** Per incident: its status, how many clips it has and how many are archived or failed, and its packages (for live pages). */
export function incidentProgress(db: ReadDb): IncidentProgressRow[] {
  return stmt(
    db,
    `SELECT i.ref, i.status,
       (SELECT COUNT(*) FROM clips c WHERE c.incident_id = i.id) AS clips,
       (SELECT COUNT(*) FROM clips c WHERE c.incident_id = i.id AND c.status = 'complete') AS complete,
       (SELECT COUNT(*) FROM clips c WHERE c.incident_id = i.id AND c.status = 'failed') AS failed,
       (SELECT COUNT(*) + COUNT(p.discarded_ms) + COUNT(p.deleted_ms) FROM packages p WHERE p.incident_id = i.id)
         + (SELECT COUNT(*) FROM handovers h WHERE h.incident_id = i.id) AS packages
     FROM incidents i ORDER BY i.id`,
  ).all() as IncidentProgressRow[];
}
