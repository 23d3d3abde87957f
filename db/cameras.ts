import { stmt, type Db, type ReadDb } from './open.js';

export interface CameraRow {
  id: string;
  name: string | null;
  zone: 'staff' | 'visitor' | 'mixed';
  classified: number;
  masks: string;
  first_seen_ms: number;
}

export function listCameras(db: ReadDb): CameraRow[] {
  return stmt(db, 'SELECT * FROM cameras ORDER BY id').all() as CameraRow[];
}

export function getCamera(db: ReadDb, id: string): CameraRow | undefined {
  return stmt(db, 'SELECT * FROM cameras WHERE id = ?').get(id) as CameraRow | undefined;
}

/** New cameras start as `mixed` and unclassified until a person sets their zone. */
export function ensureCamera(db: Db, id: string, seenMs: number): void {
  stmt(db, 'INSERT INTO cameras (id, first_seen_ms) VALUES (?, ?) ON CONFLICT(id) DO NOTHING').run(id, seenMs);
}

export function updateCamera(
  db: Db,
  id: string,
  patch: { name?: string | null; zone?: CameraRow['zone']; masks?: string },
): void {
  if (patch.name !== undefined) stmt(db, 'UPDATE cameras SET name = ? WHERE id = ?').run(patch.name, id);
  if (patch.zone !== undefined) stmt(db, 'UPDATE cameras SET zone = ?, classified = 1 WHERE id = ?').run(patch.zone, id);
  if (patch.masks !== undefined) stmt(db, 'UPDATE cameras SET masks = ? WHERE id = ?').run(patch.masks, id);
}
