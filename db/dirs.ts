import { stmt, type Db, type ReadDb } from './open.js';

export interface DirRow {
  id: number;
  root_id: number;
  rel: string;
  mtime_ms: number | null;
  /** The folder's identity when last listed (006); null before. */
  ino: number | null;
  dev: number | null;
}

export function listDirs(db: ReadDb, rootId: number): DirRow[] {
  return stmt(db, 'SELECT * FROM dirs WHERE root_id = ?').all(rootId) as DirRow[];
}

export function getDir(db: ReadDb, id: number): DirRow | undefined {
  return stmt(db, 'SELECT * FROM dirs WHERE id = ?').get(id) as DirRow | undefined;
}

export function findDir(db: ReadDb, rootId: number, rel: string): DirRow | undefined {
  return stmt(db, 'SELECT * FROM dirs WHERE root_id = ? AND rel = ?').get(rootId, rel) as DirRow | undefined;
}

export function upsertDir(db: Db, rootId: number, rel: string, mtimeMs: number | null): number {
  const row = stmt(
    db,
    `INSERT INTO dirs (root_id, rel, mtime_ms) VALUES (?, ?, ?)
     ON CONFLICT(root_id, rel) DO UPDATE SET mtime_ms = excluded.mtime_ms RETURNING id`,
  ).get(rootId, rel, mtimeMs) as { id: number };
  return row.id;
}

export function deleteDir(db: Db, id: number): void {
  stmt(db, 'DELETE FROM dirs WHERE id = ?').run(id);
}

export function countSegmentsInDir(db: ReadDb, dirId: number): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM segments WHERE dir_id = ?').get(dirId) as { n: number }).n;
}

/** Forgets a folder that was removed, with what was listed as unrecognised in it. */
export function deleteDirWithUnrecognised(db: Db, rootId: number, dirId: number, rel: string): void {
  stmt(db, 'DELETE FROM unrecognised WHERE root_id = ? AND dir_rel = ?').run(rootId, rel);
  stmt(db, 'DELETE FROM dirs WHERE id = ?').run(dirId);
}
