import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getHandover, handoversOf, insertHandover } from './handovers.js';
import { migrate, schemaVersion } from './open.js';
import { clipIdsInPackages, insertPackage, markPackageDiscarded, packageFiles, packagesOf } from './packages.js';

const HANDOVER = { manifest_sha256: 'm'.repeat(64), organisation: 'Polismyndigheten', recipient: 'Insp. Berg', reference: 'K-1', method: 'USB', note: null, handed_ms: 10, recorded_by: 'anna' };

describe('migration 008 (several recipients per incident, every package copy recorded)', () => {
  it('applies on a version-7 database with a package and its handover, keeping them, and then allows one handover per package', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 7);
    expect(schemaVersion(db)).toBe(7);
    db.prepare("INSERT INTO holds (from_ms, to_ms, reason, created_ms, created_by) VALUES (0, 10, 'r', 1, 'me')").run();
    db.prepare(
      "INSERT INTO incidents (ref, year, seq, title, reason, justification, from_ms, to_ms, review_by_ms, status, created_ms, created_by) VALUES ('INC-2026-0001', 2026, 1, 'Stöld', 'crime-against-organisation', 'polisanmäld stöld', 0, 10, 99, 'archived', 1, 'anna')",
    ).run();
    db.prepare("INSERT INTO clips (incident_id, camera_id, run_index, subjects, rel_path, from_ms, to_ms, status, created_ms) VALUES (1, 'c1', 0, 'staff', 'INC/staff/a.mp4', 0, 10, 'complete', 1)").run();
    db.prepare("INSERT INTO packages (package_id, incident_id, audience, dir, manifest_sha256, files, created_ms, created_by) VALUES ('old-police', 1, 'police', '/x/police', 'a', 1, 2, 'anna')").run();
    db.prepare("INSERT INTO packages (package_id, incident_id, audience, dir, manifest_sha256, files, created_ms, created_by) VALUES ('old-hr', 1, 'hr', '/x/hr', 'b', 1, 2, 'anna')").run();
    insertHandoverV4(db, 'old-police');
    // Before 008 an incident had one handover: the HR package could not be handed over.
    expect(() => insertHandoverV4(db, 'old-hr')).toThrow(/UNIQUE/);

    migrate(db, 8);
    expect(schemaVersion(db)).toBe(8);
    const old = packagesOf(db, 1);
    expect(old.map((p) => [p.package_id, p.location, p.key_fingerprint])).toEqual([
      ['old-police', null, null],
      ['old-hr', null, null],
    ]);
    expect(getHandover(db, 1)).toMatchObject({ package_id: 'old-police', reference: 'K-1', key_fingerprint: null, recipient_copy: null });
    // Now the HR package has its own handover, and a package cannot be handed over twice.
    insertHandover(db, { ...HANDOVER, incident_id: 1, package_id: 'old-hr', audience: 'hr', organisation: 'HR', reference: 'HR-7', key_fingerprint: 'f'.repeat(64), recipient_copy: '/media/usb/hr' });
    expect(handoversOf(db, 1).map((h) => h.package_id)).toEqual(['old-police', 'old-hr']);
    expect(() => insertHandover(db, { ...HANDOVER, incident_id: 1, package_id: 'old-hr', audience: 'hr', key_fingerprint: null, recipient_copy: null })).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE handovers SET reference = 'X' WHERE id = 2").run()).toThrow(/append-only/);

    // A new package with every file recorded.
    const id = insertPackage(
      db,
      { package_id: 'new', incident_id: 1, audience: 'hr', dir: '/data/exports/new', zip_path: '/data/exports/new.zip', manifest_sha256: 'c', files: 1, created_ms: 3, created_by: 'anna', location: 'data', key_fingerprint: 'f'.repeat(64), dir_dev: 2049, dir_ino: 1234 },
      [
        { copy: 'folder', rel_path: 'clips/a.mp4', clip_id: 1, size: 10, sha256: '1'.repeat(64) },
        { copy: 'folder', rel_path: 'index.html', clip_id: null, size: 5, sha256: '2'.repeat(64) },
        { copy: 'zip', rel_path: 'new.zip', clip_id: null, size: 20, sha256: '3'.repeat(64) },
      ],
    );
    expect(packageFiles(db, id).map((f) => `${f.copy}:${f.rel_path}`)).toEqual(['folder:clips/a.mp4', 'folder:index.html', 'zip:new.zip']);
    expect(clipIdsInPackages(db, 1, 'hr')).toEqual([1]);
    expect(() => db.prepare("UPDATE package_files SET sha256 = 'x' WHERE rel_path = 'index.html'").run()).toThrow(/cannot be rewritten/);
    expect(() => db.prepare("INSERT INTO packages (package_id, incident_id, audience, dir, manifest_sha256, files, created_ms, created_by, location) VALUES ('bad', 1, 'hr', '/x', 'd', 1, 2, 'anna', 'usb')").run()).toThrow(/CHECK/);
    markPackageDiscarded(db, id, 9, 'anna', 'made by mistake');
    expect(() => db.prepare('UPDATE packages SET discard_reason = ? WHERE id = ?').run('rewritten', id)).toThrow(/cannot be changed/);
    db.prepare('UPDATE package_files SET deleted_ms = 11 WHERE package_id = ?').run(id);
    expect(packageFiles(db, id).every((f) => f.deleted_ms === 11)).toBe(true);
  });
});

/** The handover insert as version 4–7 had it (no fingerprint or recipient's copy). */
function insertHandoverV4(db: Database.Database, packageId: string): void {
  db.prepare(
    'INSERT INTO handovers (incident_id, package_id, manifest_sha256, audience, organisation, recipient, reference, method, note, handed_ms, recorded_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(packageId, HANDOVER.manifest_sha256, packageId === 'old-hr' ? 'hr' : 'police', HANDOVER.organisation, HANDOVER.recipient, HANDOVER.reference, HANDOVER.method, HANDOVER.note, HANDOVER.handed_ms, HANDOVER.recorded_by);
}
