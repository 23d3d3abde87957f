/**
 * 010: access requests (POLICY G1, GDPR art. 12 and 15; issue 14). A person asks for the footage
 * of themselves; the request freezes the windows they name (holds), runs on a one-month clock
 * (one extension), is reviewed (spans archived as clips), masked (every other person burned
 * out), answered (a signed package for the data subject and a letter) and delivered; then its
 * material is deleted through the deletion door and its own record is kept for a stated period.
 * - access_requests: one row per request. Its receipt, deadline and reference never change; an
 *   extension and a delivery are written once (triggers). Rows are removed only by pruning,
 *   behind request_horizon (as the logs are, POLICY G2).
 * - request_windows (+ cameras): the times and places the requester gave, each with its hold.
 * - request_files: the footage Custodian writes for a request into the archive folder, recorded
 *   like archived clips (path, size, SHA-256): the clips cut from the recorder ('clip', with
 *   their sources in request_file_sources) and their masked copies ('masked': the mask tracks
 *   burned in and the clip they came from). The deletion door deletes them by these records.
 * - request_masks: the mask tracks being drawn and corrected on a clip (working state).
 * - request_packages (+ files): the data subject's package copies, recorded file by file.
 * - deletion_journal is rebuilt so the door can journal request files and package files under
 *   their own kinds (their ids would collide with incident clips' and package files').
 */
export const sql = `
CREATE TABLE access_requests (
  id                  INTEGER PRIMARY KEY,
  ref                 TEXT NOT NULL UNIQUE,
  year                INTEGER NOT NULL,
  seq                 INTEGER NOT NULL,
  received_ms         INTEGER NOT NULL,
  requester_name      TEXT NOT NULL,
  requester_contact   TEXT NOT NULL,
  identity_checked_by TEXT NOT NULL,
  identity_method     TEXT NOT NULL,
  description         TEXT NOT NULL,
  language            TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
  due_ms              INTEGER NOT NULL,
  extended_due_ms     INTEGER,
  extension_reason    TEXT,
  extension_told_ms   INTEGER,
  extended_ms         INTEGER,
  extended_by         TEXT,
  status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ready', 'answered', 'withdrawn')),
  outcome             TEXT CHECK (outcome IN ('found', 'not-found')),
  outcome_note        TEXT,
  ready_ms            INTEGER,
  delivered_ms        INTEGER,
  delivery_method     TEXT,
  delivered_by        TEXT,
  delivery_note       TEXT,
  withdrawn_ms        INTEGER,
  withdrawn_by        TEXT,
  withdrawn_reason    TEXT,
  material_deleted_ms INTEGER,
  created_ms          INTEGER NOT NULL,
  created_by          TEXT NOT NULL,
  UNIQUE (year, seq),
  CHECK (due_ms > received_ms),
  CHECK (extended_due_ms IS NULL OR extended_due_ms > due_ms)
) STRICT;
CREATE TRIGGER access_requests_fixed BEFORE UPDATE OF ref, year, seq, received_ms, due_ms, created_ms, created_by ON access_requests
BEGIN SELECT RAISE(ABORT, 'an access request''s receipt and deadline cannot be changed'); END;
CREATE TRIGGER access_requests_one_extension BEFORE UPDATE OF extended_due_ms, extension_reason, extension_told_ms, extended_ms, extended_by ON access_requests
WHEN OLD.extended_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an access request is extended once, and the extension cannot be changed'); END;
CREATE TRIGGER access_requests_delivery_final BEFORE UPDATE OF delivered_ms, delivery_method, delivered_by, delivery_note ON access_requests
WHEN OLD.delivered_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the delivery of an answer cannot be changed'); END;
CREATE TABLE request_horizon (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  before_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER access_requests_no_delete BEFORE DELETE ON access_requests
WHEN OLD.status NOT IN ('answered', 'withdrawn')
  OR COALESCE(OLD.delivered_ms, OLD.withdrawn_ms, OLD.created_ms) >= COALESCE((SELECT before_ms FROM request_horizon WHERE id = 1), 0)
BEGIN SELECT RAISE(ABORT, 'an access request is kept for its stated period'); END;

CREATE TABLE request_windows (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES access_requests(id),
  from_ms    INTEGER NOT NULL,
  to_ms      INTEGER NOT NULL,
  hold_id    INTEGER REFERENCES holds(id),
  created_ms INTEGER NOT NULL,
  CHECK (to_ms > from_ms)
) STRICT;
CREATE INDEX request_windows_request ON request_windows(request_id);
CREATE TABLE request_window_cameras (
  window_id INTEGER NOT NULL REFERENCES request_windows(id),
  camera_id TEXT NOT NULL,
  PRIMARY KEY (window_id, camera_id)
) STRICT;

CREATE TABLE request_files (
  id               INTEGER PRIMARY KEY,
  request_id       INTEGER NOT NULL REFERENCES access_requests(id),
  kind             TEXT NOT NULL CHECK (kind IN ('clip', 'masked')),
  camera_id        TEXT,
  from_ms          INTEGER,
  to_ms            INTEGER,
  start_ms         INTEGER,
  end_ms           INTEGER,
  rel_path         TEXT NOT NULL,
  sha256           TEXT,
  size             INTEGER,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'complete', 'failed', 'deleted')),
  error            TEXT,
  derived_from     INTEGER REFERENCES request_files(id),
  tracks           TEXT,
  settings         TEXT,
  source_had_audio INTEGER,
  created_ms       INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  completed_ms     INTEGER,
  superseded_ms    INTEGER
) STRICT;
CREATE INDEX request_files_request ON request_files(request_id);
CREATE TRIGGER request_files_no_rewrite BEFORE UPDATE OF rel_path, sha256, size, derived_from, tracks ON request_files
WHEN OLD.status = 'complete'
BEGIN SELECT RAISE(ABORT, 'the record of a file Custodian wrote cannot be rewritten'); END;
CREATE TABLE request_file_sources (
  file_id  INTEGER NOT NULL REFERENCES request_files(id),
  ord      INTEGER NOT NULL,
  name     TEXT NOT NULL,
  path     TEXT NOT NULL,
  sha256   TEXT NOT NULL,
  size     INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms   INTEGER NOT NULL,
  PRIMARY KEY (file_id, ord)
) STRICT;

CREATE TABLE request_masks (
  clip_id    INTEGER PRIMARY KEY REFERENCES request_files(id),
  tracks     TEXT NOT NULL,
  origin     TEXT NOT NULL CHECK (origin IN ('manual', 'proposed', 'corrected')),
  proposal   TEXT,
  updated_ms INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

CREATE TABLE request_packages (
  id              INTEGER PRIMARY KEY,
  package_id      TEXT NOT NULL UNIQUE,
  request_id      INTEGER NOT NULL REFERENCES access_requests(id),
  dir             TEXT NOT NULL,
  zip_path        TEXT,
  manifest_sha256 TEXT NOT NULL,
  files           INTEGER NOT NULL,
  location        TEXT NOT NULL CHECK (location IN ('data', 'out')),
  key_fingerprint TEXT NOT NULL,
  dir_dev         INTEGER,
  dir_ino         INTEGER,
  created_ms      INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  superseded_ms   INTEGER,
  deleted_ms      INTEGER
) STRICT;
CREATE INDEX request_packages_request ON request_packages(request_id);
CREATE TABLE request_package_files (
  id         INTEGER PRIMARY KEY,
  package_id INTEGER NOT NULL REFERENCES request_packages(id),
  copy       TEXT NOT NULL CHECK (copy IN ('folder', 'zip')),
  rel_path   TEXT NOT NULL,
  file_id    INTEGER REFERENCES request_files(id),
  size       INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  deleted_ms INTEGER,
  UNIQUE (package_id, copy, rel_path)
) STRICT;
CREATE TRIGGER request_package_files_no_rewrite BEFORE UPDATE OF package_id, copy, rel_path, file_id, size, sha256 ON request_package_files
BEGIN SELECT RAISE(ABORT, 'the record of a package file cannot be rewritten'); END;

CREATE TABLE deletion_journal_010 (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('clip', 'package', 'request-file', 'request-package')),
  record_id    INTEGER NOT NULL,
  base         TEXT NOT NULL,
  rel          TEXT NOT NULL,
  size         INTEGER,
  sha256       TEXT,
  camera_id    TEXT,
  from_ms      INTEGER,
  to_ms        INTEGER,
  incident_ref TEXT,
  handover_id  INTEGER,
  reason       TEXT NOT NULL,
  marked_ms    INTEGER NOT NULL,
  UNIQUE (kind, record_id)
) STRICT;
INSERT INTO deletion_journal_010 SELECT id, kind, record_id, base, rel, size, sha256, camera_id, from_ms, to_ms, incident_ref, handover_id, reason, marked_ms FROM deletion_journal;
DROP TABLE deletion_journal;
ALTER TABLE deletion_journal_010 RENAME TO deletion_journal;
-- The deadline facts of each request as it moves (received, extended, answered, delivered,
-- withdrawn, not found, reopened): append-only, and chained in the ledger (db/ledger.ts) like the
-- deletion and handover records, so the register and the report's G1 rest on rows nobody can
-- rewrite unseen. No name or contact in them: they are kept when the request's own row is pruned.
CREATE TABLE request_records (
  id              INTEGER PRIMARY KEY,
  request_ref     TEXT NOT NULL,
  event           TEXT NOT NULL CHECK (event IN ('received', 'extended', 'not-found', 'answered', 'reopened', 'delivered', 'withdrawn')),
  at_ms           INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  status          TEXT NOT NULL,
  outcome         TEXT,
  received_ms     INTEGER NOT NULL,
  due_ms          INTEGER NOT NULL,
  extended_due_ms INTEGER,
  told_ms         INTEGER,
  delivered_ms    INTEGER,
  withdrawn_ms    INTEGER
) STRICT;
CREATE INDEX request_records_ref ON request_records (request_ref, id);
CREATE TRIGGER request_records_no_update BEFORE UPDATE ON request_records
BEGIN SELECT RAISE(ABORT, 'the record of an access request is append-only'); END;
CREATE TRIGGER request_records_no_delete BEFORE DELETE ON request_records
BEGIN SELECT RAISE(ABORT, 'the record of an access request is append-only'); END;
`;