/** 004: export packages, handovers (append-only), and the redacted copies made for exports. */
export const sql = `
CREATE TABLE packages (
  id              INTEGER PRIMARY KEY,
  package_id      TEXT NOT NULL UNIQUE,
  incident_id     INTEGER NOT NULL REFERENCES incidents(id),
  audience        TEXT NOT NULL CHECK (audience IN ('police', 'hr', 'data-subject')),
  dir             TEXT NOT NULL,
  zip_path        TEXT,
  manifest_sha256 TEXT NOT NULL,
  files           INTEGER NOT NULL,
  created_ms      INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  deleted_ms      INTEGER
) STRICT;

CREATE TABLE handovers (
  id              INTEGER PRIMARY KEY,
  incident_id     INTEGER NOT NULL REFERENCES incidents(id),
  package_id      TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  audience        TEXT NOT NULL CHECK (audience IN ('police', 'hr', 'data-subject')),
  organisation    TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  reference       TEXT NOT NULL,
  method          TEXT NOT NULL,
  note            TEXT,
  handed_ms       INTEGER NOT NULL,
  recorded_by     TEXT NOT NULL,
  receipt_html    TEXT,
  receipt_pdf     TEXT
) STRICT;
CREATE UNIQUE INDEX handovers_one_per_incident ON handovers(incident_id);
CREATE TRIGGER handovers_no_update BEFORE UPDATE OF incident_id, package_id, manifest_sha256, audience, organisation, recipient, reference, method, note, handed_ms, recorded_by ON handovers
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;
-- The logs' own retention (POLICY G2) is the only thing that removes rows: pruning first records
-- a horizon here, and the triggers refuse to delete anything newer than it.
CREATE TABLE log_horizon (
  log       TEXT PRIMARY KEY CHECK (log IN ('handovers', 'deletions')),
  before_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER handovers_no_delete BEFORE DELETE ON handovers
WHEN OLD.handed_ms >= COALESCE((SELECT before_ms FROM log_horizon WHERE log = 'handovers'), 0)
BEGIN SELECT RAISE(ABORT, 'the handover log is append-only'); END;
CREATE TRIGGER deletions_no_delete BEFORE DELETE ON deletions
WHEN OLD.outcome != 'pending' AND OLD.deleted_ms >= COALESCE((SELECT before_ms FROM log_horizon WHERE log = 'deletions'), 0)
BEGIN SELECT RAISE(ABORT, 'the deletion log is append-only'); END;
`;
