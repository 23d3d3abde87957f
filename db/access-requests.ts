/**
 * Access requests (migration 010): the request rows, their windows, the footage Custodian writes
 * for them (clips and their masked copies), the mask tracks being drawn, and the data subject's
 * package copies. Query functions take the handle first; decisions live in core/access-requests/.
 */
import { chainInserted } from './ledger.js';
import { stmt, type Db, type ReadDb } from './open.js';
import { identityColumn } from './packages.js';

export type RequestStatus = 'open' | 'ready' | 'answered' | 'withdrawn';
export type RequestOutcome = 'found' | 'not-found';
export type RequestLanguage = 'sv' | 'en';

export interface RequestRow {
  id: number;
  ref: string;
  year: number;
  seq: number;
  received_ms: number;
  requester_name: string;
  requester_contact: string;
  identity_checked_by: string;
  identity_method: string;
  description: string;
  language: RequestLanguage;
  due_ms: number;
  extended_due_ms: number | null;
  extension_reason: string | null;
  extension_told_ms: number | null;
  extended_ms: number | null;
  extended_by: string | null;
  status: RequestStatus;
  outcome: RequestOutcome | null;
  outcome_note: string | null;
  ready_ms: number | null;
  delivered_ms: number | null;
  delivery_method: string | null;
  delivered_by: string | null;
  delivery_note: string | null;
  withdrawn_ms: number | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
  material_deleted_ms: number | null;
  created_ms: number;
  created_by: string;
}

export interface WindowRow {
  id: number;
  request_id: number;
  from_ms: number;
  to_ms: number;
  hold_id: number | null;
  created_ms: number;
  /** Comma-separated, from request_window_cameras. */
  cameras: string;
}

export type RequestFileKind = 'clip' | 'masked';

export interface RequestFileRow {
  id: number;
  request_id: number;
  kind: RequestFileKind;
  camera_id: string | null;
  from_ms: number | null;
  to_ms: number | null;
  start_ms: number | null;
  end_ms: number | null;
  rel_path: string;
  sha256: string | null;
  size: number | null;
  status: 'pending' | 'complete' | 'failed' | 'deleted';
  error: string | null;
  derived_from: number | null;
  tracks: string | null;
  settings: string | null;
  source_had_audio: number | null;
  created_ms: number;
  created_by: string;
  completed_ms: number | null;
  superseded_ms: number | null;
}

export interface RequestFileSourceRow {
  file_id: number;
  ord: number;
  name: string;
  path: string;
  sha256: string;
  size: number;
  start_ms: number;
  end_ms: number;
}

export interface MaskRow {
  clip_id: number;
  tracks: string;
  origin: 'manual' | 'proposed' | 'corrected';
  proposal: string | null;
  updated_ms: number;
  updated_by: string;
}

export interface RequestPackageRow {
  id: number;
  package_id: string;
  request_id: number;
  dir: string;
  zip_path: string | null;
  manifest_sha256: string;
  files: number;
  location: 'data' | 'out';
  key_fingerprint: string;
  dir_dev: number | null;
  dir_ino: number | null;
  created_ms: number;
  created_by: string;
  superseded_ms: number | null;
  deleted_ms: number | null;
}

export interface RequestPackageFileRow {
  id: number;
  package_id: number;
  copy: 'folder' | 'zip';
  rel_path: string;
  file_id: number | null;
  size: number;
  sha256: string;
  deleted_ms: number | null;
}

// ---- Requests ----

export function nextRequestSeq(db: ReadDb, year: number): number {
  const r = stmt(db, 'SELECT MAX(seq) AS m FROM access_requests WHERE year = ?').get(year) as { m: number | null };
  return (r.m ?? 0) + 1;
}

export type NewRequest = Pick<
  RequestRow,
  'ref' | 'year' | 'seq' | 'received_ms' | 'requester_name' | 'requester_contact' | 'identity_checked_by' | 'identity_method' | 'description' | 'language' | 'due_ms' | 'created_ms' | 'created_by'
>;

export function insertRequest(db: Db, r: NewRequest): number {
  return Number(
    stmt(
      db,
      `INSERT INTO access_requests (ref, year, seq, received_ms, requester_name, requester_contact, identity_checked_by, identity_method, description, language, due_ms, created_ms, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.ref, r.year, r.seq, r.received_ms, r.requester_name, r.requester_contact, r.identity_checked_by, r.identity_method, r.description, r.language, r.due_ms, r.created_ms, r.created_by).lastInsertRowid,
  );
}

export function getRequest(db: ReadDb, id: number): RequestRow | undefined {
  return stmt(db, 'SELECT * FROM access_requests WHERE id = ?').get(id) as RequestRow | undefined;
}

export function getRequestByRef(db: ReadDb, ref: string): RequestRow | undefined {
  return stmt(db, 'SELECT * FROM access_requests WHERE ref = ?').get(ref) as RequestRow | undefined;
}

/** Every request, newest receipt first. */
export function listRequests(db: ReadDb): RequestRow[] {
  return stmt(db, 'SELECT * FROM access_requests ORDER BY received_ms DESC, id DESC').all() as RequestRow[];
}

/** Requests received in [fromMs, toMs], or still open then (the report's period). */
export function requestsTouching(db: ReadDb, fromMs: number, toMs: number): RequestRow[] {
  return stmt(
    db,
    `SELECT * FROM access_requests WHERE received_ms <= ? AND (received_ms >= ? OR COALESCE(delivered_ms, withdrawn_ms) IS NULL OR COALESCE(delivered_ms, withdrawn_ms) >= ?) ORDER BY received_ms, id`,
  ).all(toMs, fromMs, fromMs) as RequestRow[];
}

export function setRequestExtension(db: Db, id: number, e: { dueMs: number; reason: string; toldMs: number; atMs: number; by: string }): void {
  stmt(db, 'UPDATE access_requests SET extended_due_ms = ?, extension_reason = ?, extension_told_ms = ?, extended_ms = ?, extended_by = ? WHERE id = ?').run(e.dueMs, e.reason, e.toldMs, e.atMs, e.by, id);
}

export function setRequestOutcome(db: Db, id: number, outcome: RequestOutcome | null, note: string | null): void {
  stmt(db, 'UPDATE access_requests SET outcome = ?, outcome_note = ? WHERE id = ?').run(outcome, note, id);
}

export function setRequestReady(db: Db, id: number, atMs: number | null): void {
  stmt(db, `UPDATE access_requests SET status = CASE WHEN ? IS NULL THEN 'open' ELSE 'ready' END, ready_ms = ? WHERE id = ?`).run(atMs, atMs, id);
}

export function setRequestDelivered(db: Db, id: number, d: { atMs: number; method: string; by: string; note: string | null }): void {
  stmt(db, "UPDATE access_requests SET status = 'answered', delivered_ms = ?, delivery_method = ?, delivered_by = ?, delivery_note = ? WHERE id = ?").run(d.atMs, d.method, d.by, d.note, id);
}

export function setRequestWithdrawn(db: Db, id: number, w: { atMs: number; by: string; reason: string }): void {
  stmt(db, "UPDATE access_requests SET status = 'withdrawn', withdrawn_ms = ?, withdrawn_by = ?, withdrawn_reason = ? WHERE id = ?").run(w.atMs, w.by, w.reason, id);
}

export function setRequestMaterialDeleted(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE access_requests SET material_deleted_ms = ? WHERE id = ?').run(atMs, id);
}

/** The request a hold was made for (its windows' holds), if any. */
export function requestOfHold(db: ReadDb, holdId: number): RequestRow | undefined {
  return stmt(db, 'SELECT r.* FROM access_requests r JOIN request_windows w ON w.request_id = r.id WHERE w.hold_id = ?').get(holdId) as RequestRow | undefined;
}

// ---- Windows ----

export function insertWindow(db: Db, w: { requestId: number; fromMs: number; toMs: number; holdId: number | null; createdMs: number; cameras: readonly string[] }): number {
  const id = Number(stmt(db, 'INSERT INTO request_windows (request_id, from_ms, to_ms, hold_id, created_ms) VALUES (?, ?, ?, ?, ?)').run(w.requestId, w.fromMs, w.toMs, w.holdId, w.createdMs).lastInsertRowid);
  const ins = stmt(db, 'INSERT INTO request_window_cameras (window_id, camera_id) VALUES (?, ?)');
  for (const c of new Set(w.cameras)) ins.run(id, c);
  return id;
}

export function windowsOf(db: ReadDb, requestId: number): WindowRow[] {
  return stmt(
    db,
    `SELECT w.*, (SELECT group_concat(camera_id, ',') FROM request_window_cameras WHERE window_id = w.id) AS cameras FROM request_windows w WHERE w.request_id = ? ORDER BY w.id`,
  ).all(requestId) as WindowRow[];
}

// ---- Footage written for a request (clips and their masked copies) ----

export type NewRequestFile = Pick<RequestFileRow, 'request_id' | 'kind' | 'camera_id' | 'from_ms' | 'to_ms' | 'rel_path' | 'derived_from' | 'created_ms' | 'created_by'>;

export function insertPendingFile(db: Db, f: NewRequestFile): number {
  return Number(
    stmt(
      db,
      'INSERT INTO request_files (request_id, kind, camera_id, from_ms, to_ms, rel_path, derived_from, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(f.request_id, f.kind, f.camera_id, f.from_ms, f.to_ms, f.rel_path, f.derived_from, f.created_ms, f.created_by).lastInsertRowid,
  );
}

/** Where a pending file will be written (its name carries its id, so it is set after the insert). */
export function setFilePath(db: Db, id: number, relPath: string): void {
  stmt(db, "UPDATE request_files SET rel_path = ? WHERE id = ? AND status = 'pending'").run(relPath, id);
}

export function completeFile(
  db: Db,
  id: number,
  r: { startMs: number | null; endMs: number | null; sha256: string; size: number; atMs: number; tracks?: string | null; settings?: string | null; sourceHadAudio?: boolean | null; sources?: readonly Omit<RequestFileSourceRow, 'file_id' | 'ord'>[] },
): void {
  stmt(db, 'DELETE FROM request_file_sources WHERE file_id = ?').run(id);
  const ins = stmt(db, 'INSERT INTO request_file_sources (file_id, ord, name, path, sha256, size, start_ms, end_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  (r.sources ?? []).forEach((s, i) => ins.run(id, i, s.name, s.path, s.sha256, s.size, s.start_ms, s.end_ms));
  stmt(
    db,
    "UPDATE request_files SET status = 'complete', error = NULL, start_ms = ?, end_ms = ?, sha256 = ?, size = ?, tracks = ?, settings = ?, source_had_audio = ?, completed_ms = ? WHERE id = ?",
  ).run(r.startMs, r.endMs, r.sha256, r.size, r.tracks ?? null, r.settings ?? null, r.sourceHadAudio === undefined || r.sourceHadAudio === null ? null : r.sourceHadAudio ? 1 : 0, r.atMs, id);
}

export function failFile(db: Db, id: number, error: string): void {
  stmt(db, "UPDATE request_files SET status = 'failed', error = ? WHERE id = ?").run(error, id);
}

export function setFileDeleted(db: Db, id: number): void {
  stmt(db, "UPDATE request_files SET status = 'deleted' WHERE id = ?").run(id);
}

export function setFileSuperseded(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE request_files SET superseded_ms = ? WHERE id = ? AND superseded_ms IS NULL').run(atMs, id);
}

export function getFile(db: ReadDb, id: number): RequestFileRow | undefined {
  return stmt(db, 'SELECT * FROM request_files WHERE id = ?').get(id) as RequestFileRow | undefined;
}

export function filesOf(db: ReadDb, requestId: number): RequestFileRow[] {
  return stmt(db, 'SELECT * FROM request_files WHERE request_id = ? ORDER BY id').all(requestId) as RequestFileRow[];
}

export function fileSources(db: ReadDb, fileId: number): RequestFileSourceRow[] {
  return stmt(db, 'SELECT * FROM request_file_sources WHERE file_id = ? ORDER BY ord').all(fileId) as RequestFileSourceRow[];
}

// ---- Mask tracks being drawn ----

export function getMasks(db: ReadDb, clipId: number): MaskRow | undefined {
  return stmt(db, 'SELECT * FROM request_masks WHERE clip_id = ?').get(clipId) as MaskRow | undefined;
}

export function saveMasks(db: Db, m: MaskRow): void {
  stmt(
    db,
    `INSERT INTO request_masks (clip_id, tracks, origin, proposal, updated_ms, updated_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(clip_id) DO UPDATE SET tracks = excluded.tracks, origin = excluded.origin, proposal = COALESCE(excluded.proposal, request_masks.proposal), updated_ms = excluded.updated_ms, updated_by = excluded.updated_by`,
  ).run(m.clip_id, m.tracks, m.origin, m.proposal, m.updated_ms, m.updated_by);
}

// ---- The data subject's packages ----

export type NewRequestPackage = Omit<RequestPackageRow, 'id' | 'superseded_ms' | 'deleted_ms' | 'dir_dev' | 'dir_ino'> & { dir_dev: number | bigint | null; dir_ino: number | bigint | null };

export function insertRequestPackage(db: Db, p: NewRequestPackage, written: readonly Pick<RequestPackageFileRow, 'copy' | 'rel_path' | 'file_id' | 'size' | 'sha256'>[]): number {
  const id = Number(
    stmt(
      db,
      'INSERT INTO request_packages (package_id, request_id, dir, zip_path, manifest_sha256, files, location, key_fingerprint, dir_dev, dir_ino, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(p.package_id, p.request_id, p.dir, p.zip_path, p.manifest_sha256, p.files, p.location, p.key_fingerprint, identityColumn(p.dir_dev), identityColumn(p.dir_ino), p.created_ms, p.created_by).lastInsertRowid,
  );
  const ins = stmt(db, 'INSERT INTO request_package_files (package_id, copy, rel_path, file_id, size, sha256) VALUES (?, ?, ?, ?, ?, ?)');
  for (const f of written) ins.run(id, f.copy, f.rel_path, f.file_id, f.size, f.sha256);
  return id;
}

export function requestPackagesOf(db: ReadDb, requestId: number): RequestPackageRow[] {
  return stmt(db, 'SELECT * FROM request_packages WHERE request_id = ? ORDER BY id').all(requestId) as RequestPackageRow[];
}

export function findRequestPackage(db: ReadDb, packageId: string): RequestPackageRow | undefined {
  return stmt(db, 'SELECT * FROM request_packages WHERE package_id = ?').get(packageId) as RequestPackageRow | undefined;
}

export function getRequestPackage(db: ReadDb, id: number): RequestPackageRow | undefined {
  return stmt(db, 'SELECT * FROM request_packages WHERE id = ?').get(id) as RequestPackageRow | undefined;
}

export function setRequestPackageSuperseded(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE request_packages SET superseded_ms = ? WHERE id = ? AND superseded_ms IS NULL').run(atMs, id);
}

export function setRequestPackageDeleted(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE request_packages SET deleted_ms = ? WHERE id = ?').run(atMs, id);
}

export function requestPackageFiles(db: ReadDb, packageRowId: number): RequestPackageFileRow[] {
  return stmt(db, 'SELECT * FROM request_package_files WHERE package_id = ? ORDER BY id').all(packageRowId) as RequestPackageFileRow[];
}

export function setRequestPackageFileDeleted(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE request_package_files SET deleted_ms = ? WHERE id = ?').run(atMs, id);
}

// ---- The record's own retention ----

/** Requests closed (answered or withdrawn) before `beforeMs`: past their stated period. */
export function requestsClosedBefore(db: ReadDb, beforeMs: number): RequestRow[] {
  return stmt(db, "SELECT * FROM access_requests WHERE status IN ('answered', 'withdrawn') AND COALESCE(delivered_ms, withdrawn_ms, created_ms) < ? ORDER BY id").all(beforeMs) as RequestRow[];
}

/**
 * Removes a closed request's rows (after its files went through the deletion door). The
 * horizon is moved first, in the same transaction: the delete trigger refuses any request
 * closed at or after it, or not closed at all.
 */
export function pruneRequestRows(db: Db, requestId: number, beforeMs: number): void {
  stmt(db, 'INSERT INTO request_horizon (id, before_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET before_ms = MAX(before_ms, excluded.before_ms)').run(beforeMs);
  const files = `SELECT id FROM request_files WHERE request_id = ?`;
  stmt(db, `DELETE FROM request_package_files WHERE package_id IN (SELECT id FROM request_packages WHERE request_id = ?)`).run(requestId);
  stmt(db, 'DELETE FROM request_packages WHERE request_id = ?').run(requestId);
  stmt(db, `DELETE FROM request_masks WHERE clip_id IN (${files})`).run(requestId);
  stmt(db, `DELETE FROM request_file_sources WHERE file_id IN (${files})`).run(requestId);
  // Masked copies name their clip: they go first.
  stmt(db, 'DELETE FROM request_files WHERE request_id = ? AND derived_from IS NOT NULL').run(requestId);
  stmt(db, 'DELETE FROM request_files WHERE request_id = ?').run(requestId);
  stmt(db, 'DELETE FROM request_window_cameras WHERE window_id IN (SELECT id FROM request_windows WHERE request_id = ?)').run(requestId);
  stmt(db, 'DELETE FROM request_windows WHERE request_id = ?').run(requestId);
  stmt(db, 'DELETE FROM access_requests WHERE id = ?').run(requestId);
}

/** One chained snapshot of a request's deadline facts (request_records, migration 010). */
export interface RequestRecordRow {
  id: number;
  request_ref: string;
  event: 'received' | 'extended' | 'not-found' | 'answered' | 'reopened' | 'delivered' | 'withdrawn';
  at_ms: number;
  actor: string;
  status: RequestStatus;
  outcome: RequestOutcome | null;
  received_ms: number;
  due_ms: number;
  extended_due_ms: number | null;
  told_ms: number | null;
  delivered_ms: number | null;
  withdrawn_ms: number | null;
}

/** Writes a snapshot of the request as it is now and chains it, in the caller's transaction. */
export function insertRequestRecord(db: Db, r: RequestRow, event: RequestRecordRow['event'], atMs: number, actor: string): number {
  const id = Number(
    stmt(
      db,
      `INSERT INTO request_records (request_ref, event, at_ms, actor, status, outcome, received_ms, due_ms, extended_due_ms, told_ms, delivered_ms, withdrawn_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.ref, event, atMs, actor, r.status, r.outcome, r.received_ms, r.due_ms, r.extended_due_ms, r.extension_told_ms, r.delivered_ms, r.withdrawn_ms).lastInsertRowid,
  );
  chainInserted(db, 'request_records', id, id);
  return id;
}

export function requestRecordsOf(db: ReadDb, ref: string): RequestRecordRow[] {
  return stmt(db, 'SELECT * FROM request_records WHERE request_ref = ? ORDER BY id').all(ref) as RequestRecordRow[];
}
