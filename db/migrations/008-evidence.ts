/**
 * 008: evidence packages with several recipients per incident, and every package copy accounted
 * for (issue 12).
 * - handovers: one per package, no longer one per incident (the Police and HR each receive
 *   their own package and receipt). The key's fingerprint the package was verified against, and
 *   the recipient's copy (a folder written with --out), are on the row and the receipt.
 * - packages: where the copy is (`location`: 'data' = inside Custodian's data folder, which
 *   Custodian deletes with the material; 'out' = written elsewhere with --out, the recipient's
 *   once handed over; NULL = written before 008, files not recorded), the signing key's
 *   fingerprint, the folder's identity when written (so a deletion can tell it is the same
 *   folder), and a discard (a package that will not be handed over: who, when, why).
 * - package_files: every file of every copy Custodian wrote (the folder's files and the zip),
 *   with size and SHA-256: deletion removes exactly these, by record, never by walking a folder.
 */
export const sql = `
DROP INDEX handovers_one_per_incident;
CREATE UNIQUE INDEX handovers_one_per_package ON handovers(package_id);
CREATE INDEX handovers_incident ON handovers(incident_id);
ALTER TABLE handovers ADD COLUMN key_fingerprint TEXT;
ALTER TABLE handovers ADD COLUMN recipient_copy TEXT;

ALTER TABLE packages ADD COLUMN location TEXT CHECK (location IN ('data', 'out'));
ALTER TABLE packages ADD COLUMN key_fingerprint TEXT;
ALTER TABLE packages ADD COLUMN dir_dev INTEGER;
ALTER TABLE packages ADD COLUMN dir_ino INTEGER;
ALTER TABLE packages ADD COLUMN discarded_ms INTEGER;
ALTER TABLE packages ADD COLUMN discarded_by TEXT;
ALTER TABLE packages ADD COLUMN discard_reason TEXT;
CREATE INDEX packages_incident ON packages(incident_id);

CREATE TABLE package_files (
  -- the record the deletion door journals and logs (deletion_journal.record_id for kind 'package')
  id         INTEGER PRIMARY KEY,
  package_id INTEGER NOT NULL REFERENCES packages(id),
  copy       TEXT NOT NULL CHECK (copy IN ('folder', 'zip')),
  -- 'folder': relative to packages.dir, forward slashes; 'zip': the zip's file name beside the folder
  rel_path   TEXT NOT NULL,
  -- the archived clip a clip file was made from (copied, or masked for HR); NULL for the other files
  clip_id    INTEGER REFERENCES clips(id),
  size       INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  deleted_ms INTEGER,
  UNIQUE (package_id, copy, rel_path)
) STRICT;
-- A discard is final: once recorded, who, when and why cannot be changed.
CREATE TRIGGER packages_discard_final BEFORE UPDATE OF discarded_ms, discarded_by, discard_reason ON packages
WHEN OLD.discarded_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a package discard cannot be changed'); END;
CREATE TRIGGER package_files_no_rewrite BEFORE UPDATE OF id, package_id, copy, rel_path, clip_id, size, sha256 ON package_files
BEGIN SELECT RAISE(ABORT, 'the record of a package file cannot be rewritten'); END;
`;
