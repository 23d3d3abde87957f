import { stmt, type Db, type ReadDb } from './open.js';

export interface RootRow {
  id: number;
  path: string;
  sentinel_uuid: string;
  layout: string;
  layout_tz: string | null;
  added_ms: number;
  online: number;
  offline_reason: string | null;
  last_scan_ms: number | null;
  last_full_scan_ms: number | null;
  /** Identity of the root folder and of its sentinel file when they were trusted (006). */
  root_ino: number | null;
  sentinel_ino: number | null;
}

export function listRoots(db: ReadDb): RootRow[] {
  return stmt(db, 'SELECT * FROM roots ORDER BY id').all() as RootRow[];
}

export function getRoot(db: ReadDb, id: number): RootRow | undefined {
  return stmt(db, 'SELECT * FROM roots WHERE id = ?').get(id) as RootRow | undefined;
}

export function findRootByPath(db: ReadDb, path: string): RootRow | undefined {
  return stmt(db, 'SELECT * FROM roots WHERE path = ?').get(path) as RootRow | undefined;
}

export function insertRoot(
  db: Db,
  r: { path: string; sentinelUuid: string; layout: string; layoutTz: string | null; addedMs: number },
): number {
  const info = stmt(db, 'INSERT INTO roots (path, sentinel_uuid, layout, layout_tz, added_ms) VALUES (?, ?, ?, ?, ?)').run(
    r.path,
    r.sentinelUuid,
    r.layout,
    r.layoutTz,
    r.addedMs,
  );
  return Number(info.lastInsertRowid);
}

/** Records the identity a root is trusted with (at registration, first use, or a person's confirmation). */
export function setRootIdentity(db: Db, id: number, rootIno: number, sentinelIno: number): void {
  stmt(db, 'UPDATE roots SET root_ino = ?, sentinel_ino = ? WHERE id = ?').run(rootIno, sentinelIno, id);
}

export function setRootOnline(db: Db, id: number, online: boolean, reason: string | null): void {
  stmt(db, 'UPDATE roots SET online = ?, offline_reason = ? WHERE id = ?').run(online ? 1 : 0, reason, id);
}

export function markRootScanned(db: Db, id: number, atMs: number, full: boolean): void {
  if (full) stmt(db, 'UPDATE roots SET last_scan_ms = ?, last_full_scan_ms = ? WHERE id = ?').run(atMs, atMs, id);
  else stmt(db, 'UPDATE roots SET last_scan_ms = ? WHERE id = ?').run(atMs, id);
}

/** Forgets a root's index (the files stay where they are). */
export function deleteRoot(db: Db, id: number): void {
  stmt(db, 'DELETE FROM segments WHERE root_id = ?').run(id);
  stmt(db, 'DELETE FROM unrecognised WHERE root_id = ?').run(id);
  stmt(db, 'DELETE FROM dirs WHERE root_id = ?').run(id);
  stmt(db, 'DELETE FROM roots WHERE id = ?').run(id);
}
