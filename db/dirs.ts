import { stmt, type Db, type ReadDb } from './open.js';

export interface DirRow {
  id: number;
  root_id: number;
  rel: string;
  mtime_ms: number | null;
  /**
   * The folder's identity as last listed (inode and device), as decimal text: inode numbers are
   * 64-bit (NTFS file ids routinely pass 2^53) and a JavaScript number would round them.
   */
  ino: string | null;
  dev: string | null;
}

/** A folder's identity from a bigint lstat (native/recorder-fs.ts folderIdentity). */
export interface StoredIdentity {
  readonly ino: bigint;
  readonly dev: bigint;
}

/** The text form a DirRow carries; the column is a signed 64-bit INTEGER. */
export function identityText(v: bigint): string {
  return String(BigInt.asIntN(64, v));
}

const COLS = 'id, root_id, rel, mtime_ms, CAST(ino AS TEXT) AS ino, CAST(dev AS TEXT) AS dev';

export function listDirs(db: ReadDb, rootId: number): DirRow[] {
  return stmt(db, `SELECT ${COLS} FROM dirs WHERE root_id = ?`).all(rootId) as DirRow[];
}

export function getDir(db: ReadDb, id: number): DirRow | undefined {
  return stmt(db, `SELECT ${COLS} FROM dirs WHERE id = ?`).get(id) as DirRow | undefined;
}

export function findDir(db: ReadDb, rootId: number, rel: string): DirRow | undefined {
  return stmt(db, `SELECT ${COLS} FROM dirs WHERE root_id = ? AND rel = ?`).get(rootId, rel) as DirRow | undefined;
}

export function upsertDir(db: Db, rootId: number, rel: string, mtimeMs: number | null): number {
  const row = stmt(
    db,
    `INSERT INTO dirs (root_id, rel, mtime_ms) VALUES (?, ?, ?)
     ON CONFLICT(root_id, rel) DO UPDATE SET mtime_ms = excluded.mtime_ms RETURNING id`,
  ).get(rootId, rel, mtimeMs) as { id: number };
  return row.id;
}

/**
 * What a scan saw when it listed a folder: its mtime (null: list it again next time, e.g. a
 * file in it was still being written) and its identity.
 */
export function setDirListed(db: Db, id: number, mtimeMs: number | null, identity: StoredIdentity | null): void {
  stmt(db, 'UPDATE dirs SET mtime_ms = ?, ino = ?, dev = ? WHERE id = ?').run(
    mtimeMs,
    identity ? BigInt.asIntN(64, identity.ino) : null,
    identity ? BigInt.asIntN(64, identity.dev) : null,
    id,
  );
}

/** Records the identity of a folder that was not listed (unchanged, first seen before identities were kept). */
export function setDirIdentity(db: Db, id: number, identity: StoredIdentity): void {
  stmt(db, 'UPDATE dirs SET ino = ?, dev = ? WHERE id = ?').run(BigInt.asIntN(64, identity.ino), BigInt.asIntN(64, identity.dev), id);
}

/** A folder that is gone but still holds rows (held recordings that vanished): list it in full if it comes back. */
export function forgetDirListing(db: Db, id: number): void {
  stmt(db, 'UPDATE dirs SET mtime_ms = NULL, ino = NULL, dev = NULL WHERE id = ?').run(id);
}

export function deleteDir(db: Db, id: number): void {
  stmt(db, 'DELETE FROM dirs WHERE id = ?').run(id);
}

/** Deletes a folder's row unless segments still point at it; true when it was deleted. */
export function deleteDirIfEmpty(db: Db, id: number): boolean {
  return stmt(db, 'DELETE FROM dirs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM segments WHERE dir_id = ?)').run(id, id).changes > 0;
}

/** Folders worth watching: changed since `sinceMs`, or not listed yet (created by the watcher). */
export function dirsChangedSince(db: ReadDb, rootId: number, sinceMs: number): Pick<DirRow, 'rel' | 'mtime_ms'>[] {
  return stmt(db, "SELECT rel, mtime_ms FROM dirs WHERE root_id = ? AND rel <> '' AND (mtime_ms IS NULL OR mtime_ms >= ?)").all(rootId, sinceMs) as Pick<DirRow, 'rel' | 'mtime_ms'>[];
}

export function countSegmentsInDir(db: ReadDb, dirId: number): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE dir_id = ?').get(dirId) as { n: number }).n;
}

/** Forgets a folder that was removed, with what was listed as unrecognised in it. */
export function deleteDirWithUnrecognised(db: Db, rootId: number, dirId: number, rel: string): void {
  stmt(db, 'DELETE FROM unrecognised WHERE root_id = ? AND dir_rel = ?').run(rootId, rel);
  stmt(db, 'DELETE FROM dirs WHERE id = ?').run(dirId);
}
