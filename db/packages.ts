import { stmt, type Db, type ReadDb } from './open.js';

export interface PackageRow {
  id: number;
  package_id: string;
  incident_id: number;
  audience: 'police' | 'hr' | 'data-subject';
  dir: string;
  zip_path: string | null;
  manifest_sha256: string;
  files: number;
  created_ms: number;
  created_by: string;
  deleted_ms: number | null;
}

export function insertPackage(db: Db, p: Omit<PackageRow, 'id' | 'deleted_ms'>): number {
  return Number(
    stmt(db, 'INSERT INTO packages (package_id, incident_id, audience, dir, zip_path, manifest_sha256, files, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      p.package_id,
      p.incident_id,
      p.audience,
      p.dir,
      p.zip_path,
      p.manifest_sha256,
      p.files,
      p.created_ms,
      p.created_by,
    ).lastInsertRowid,
  );
}

export function packagesOf(db: ReadDb, incidentId: number): PackageRow[] {
  return stmt(db, 'SELECT * FROM packages WHERE incident_id = ? ORDER BY id').all(incidentId) as PackageRow[];
}

export function findPackage(db: ReadDb, packageId: string): PackageRow | undefined {
  return stmt(db, 'SELECT * FROM packages WHERE package_id = ?').get(packageId) as PackageRow | undefined;
}

export function markPackageDeleted(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE packages SET deleted_ms = ? WHERE id = ?').run(atMs, id);
}

/** Every package exported in [fromMs, toMs], with its incident's reference. */
export function packagesCreated(db: ReadDb, fromMs: number, toMs: number): (PackageRow & { incident_ref: string })[] {
  return stmt(db, 'SELECT p.*, i.ref AS incident_ref FROM packages p JOIN incidents i ON i.id = p.incident_id WHERE p.created_ms BETWEEN ? AND ? ORDER BY p.id').all(fromMs, toMs) as (PackageRow & {
    incident_ref: string;
  })[];
}
