import { stmt, type Db, type ReadDb } from './open.js';

export interface UnrecognisedRow {
  root_id: number;
  dir_rel: string;
  name: string;
  reason: string;
}

export function replaceUnrecognisedInDir(db: Db, rootId: number, dirRel: string, rows: readonly { name: string; reason: string }[]): void {
  stmt(db, 'DELETE FROM unrecognised WHERE root_id = ? AND dir_rel = ?').run(rootId, dirRel);
  const ins = stmt(db, 'INSERT OR REPLACE INTO unrecognised (root_id, dir_rel, name, reason) VALUES (?, ?, ?, ?)');
  for (const r of rows) ins.run(rootId, dirRel, r.name, r.reason);
}

export function clearUnrecognisedUnder(db: Db, rootId: number, dirRel: string): void {
  stmt(db, "DELETE FROM unrecognised WHERE root_id = ? AND (dir_rel = ? OR dir_rel LIKE ? ESCAPE '\\')").run(
    rootId,
    dirRel,
    `${dirRel.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`,
  );
}

export function countUnrecognised(db: ReadDb, rootId?: number): number {
  const row = (rootId === undefined
    ? stmt(db, 'SELECT COUNT(*) AS n FROM unrecognised').get()
    : stmt(db, 'SELECT COUNT(*) AS n FROM unrecognised WHERE root_id = ?').get(rootId)) as { n: number };
  return row.n;
}

export function listUnrecognised(db: ReadDb, limit: number): UnrecognisedRow[] {
  return stmt(db, 'SELECT * FROM unrecognised ORDER BY root_id, dir_rel, name LIMIT ?').all(limit) as UnrecognisedRow[];
}
