/**
 * Export packages and the record of every file of every copy Custodian wrote (package_files):
 * what exists, where, who it was for, and whether it was handed over (see db/handovers.ts),
 * discarded, or deleted.
 */
import { stmt, type Db, type ReadDb } from './open.js';

export type PackageLocation = 'data' | 'out';

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
  /** 'data': inside Custodian's data folder; 'out': written elsewhere with --out; null: before migration 008. */
  location: PackageLocation | null;
  key_fingerprint: string | null;
  dir_dev: number | null;
  dir_ino: number | null;
  discarded_ms: number | null;
  discarded_by: string | null;
  discard_reason: string | null;
}

export interface PackageFileRow {
  id: number;
  package_id: number;
  copy: 'folder' | 'zip';
  rel_path: string;
  clip_id: number | null;
  size: number;
  sha256: string;
  deleted_ms: number | null;
}

export type NewPackage = Pick<PackageRow, 'package_id' | 'incident_id' | 'audience' | 'dir' | 'zip_path' | 'manifest_sha256' | 'files' | 'created_ms' | 'created_by' | 'location' | 'key_fingerprint'> & {
  /** The folder's identity as written (bigint from the writer, stored as the signed 64-bit value). */
  dir_dev: number | bigint | null;
  dir_ino: number | bigint | null;
};

/** Identity columns as SQLite stores them: the exact signed 64-bit value. */
export function identityColumn(v: number | bigint | null): bigint | number | null {
  return typeof v === 'bigint' ? BigInt.asIntN(64, v) : v;
}

/**
 * The identity recorded for a package copy's folder, exact (read as bigint: a number would round
 * an inode past 2^53); null when none was recorded (packages before migration 008).
 */
export function packageDirIdentity(db: ReadDb, id: number, table: 'packages' | 'request_packages' = 'packages'): { dev: bigint; ino: bigint } | null {
  // Not the shared statement cache: safeIntegers changes how this statement reads every column.
  const sql = table === 'packages' ? 'SELECT dir_dev, dir_ino FROM packages WHERE id = ?' : 'SELECT dir_dev, dir_ino FROM request_packages WHERE id = ?';
  const row = db.prepare(sql).safeIntegers(true).get(BigInt(id)) as { dir_dev: bigint | null; dir_ino: bigint | null } | undefined;
  return row && row.dir_dev !== null && row.dir_ino !== null ? { dev: row.dir_dev, ino: row.dir_ino } : null;
}

/** Inserts the package and the record of each file it wrote, in the caller's transaction. */
export function insertPackage(db: Db, p: NewPackage, written: readonly Pick<PackageFileRow, 'copy' | 'rel_path' | 'clip_id' | 'size' | 'sha256'>[] = []): number {
  const id = Number(
    stmt(
      db,
      'INSERT INTO packages (package_id, incident_id, audience, dir, zip_path, manifest_sha256, files, created_ms, created_by, location, key_fingerprint, dir_dev, dir_ino) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(p.package_id, p.incident_id, p.audience, p.dir, p.zip_path, p.manifest_sha256, p.files, p.created_ms, p.created_by, p.location, p.key_fingerprint, identityColumn(p.dir_dev), identityColumn(p.dir_ino)).lastInsertRowid,
  );
  const ins = stmt(db, 'INSERT INTO package_files (package_id, copy, rel_path, clip_id, size, sha256) VALUES (?, ?, ?, ?, ?, ?)');
  for (const f of written) ins.run(id, f.copy, f.rel_path, f.clip_id, f.size, f.sha256);
  return id;
}

export function packagesOf(db: ReadDb, incidentId: number): PackageRow[] {
  return stmt(db, 'SELECT * FROM packages WHERE incident_id = ? ORDER BY id').all(incidentId) as PackageRow[];
}

export function findPackage(db: ReadDb, packageId: string): PackageRow | undefined {
  return stmt(db, 'SELECT * FROM packages WHERE package_id = ?').get(packageId) as PackageRow | undefined;
}

export function getPackage(db: ReadDb, id: number): PackageRow | undefined {
  return stmt(db, 'SELECT * FROM packages WHERE id = ?').get(id) as PackageRow | undefined;
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

export function markPackageDiscarded(db: Db, id: number, atMs: number, by: string, reason: string): void {
  stmt(db, 'UPDATE packages SET discarded_ms = ?, discarded_by = ?, discard_reason = ? WHERE id = ? AND discarded_ms IS NULL').run(atMs, by, reason, id);
}

/** The recorded files of one package (both copies, folder first), in path order. */
export function packageFiles(db: ReadDb, packageRowId: number): PackageFileRow[] {
  return stmt(db, "SELECT * FROM package_files WHERE package_id = ? ORDER BY copy = 'zip', rel_path").all(packageRowId) as PackageFileRow[];
}

/** Marks one recorded file gone (deleted by the door, or found gone). */
export function markPackageFileDeleted(db: Db, fileId: number, atMs: number): void {
  stmt(db, 'UPDATE package_files SET deleted_ms = ? WHERE id = ? AND deleted_ms IS NULL').run(atMs, fileId);
}

/** The archived clips (ids) an incident's packages for `audience` were made from. */
export function clipIdsInPackages(db: ReadDb, incidentId: number, audience: PackageRow['audience']): number[] {
  return (
    stmt(db, "SELECT DISTINCT f.clip_id AS id FROM package_files f JOIN packages p ON p.id = f.package_id WHERE p.incident_id = ? AND p.audience = ? AND f.copy = 'folder' AND f.clip_id IS NOT NULL ORDER BY 1").all(incidentId, audience) as { id: number }[]
  ).map((r) => r.id);
}

/** Packages whose copy Custodian still holds in its data folder (not yet deleted), oldest first. */
export function heldPackages(db: ReadDb): PackageRow[] {
  return stmt(db, "SELECT * FROM packages WHERE location = 'data' AND deleted_ms IS NULL ORDER BY id").all() as PackageRow[];
}
