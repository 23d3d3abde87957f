/** 002: holds, sweeps, the sweep lease and the deletion log. */
export const sql = `
CREATE TABLE holds (
  id          INTEGER PRIMARY KEY,
  from_ms     INTEGER NOT NULL,
  to_ms       INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  source      TEXT NOT NULL DEFAULT 'manual',
  source_ref  TEXT,
  created_ms  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  released_ms INTEGER,
  released_by TEXT,
  release_reason TEXT,
  CHECK (to_ms > from_ms)
) STRICT;
CREATE TABLE hold_cameras (
  hold_id   INTEGER NOT NULL REFERENCES holds(id),
  camera_id TEXT NOT NULL,
  PRIMARY KEY (hold_id, camera_id)
) STRICT;
CREATE INDEX hold_cameras_camera ON hold_cameras(camera_id);

CREATE TABLE sweeps (
  id          INTEGER PRIMARY KEY,
  started_ms  INTEGER NOT NULL,
  finished_ms INTEGER,
  cutoff_ms   INTEGER NOT NULL,
  due         INTEGER NOT NULL DEFAULT 0,
  deleted     INTEGER NOT NULL DEFAULT 0,
  held        INTEGER NOT NULL DEFAULT 0,
  deferred    INTEGER NOT NULL DEFAULT 0,
  refused     TEXT,
  actor       TEXT NOT NULL
) STRICT;

-- One row: who may sweep now. A process takes it when it is free or expired.
CREATE TABLE sweep_lease (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  holder     TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
) STRICT;

-- The deletion journal: a row is written (phase 'marked') before the unlink and completed after.
CREATE TABLE deletions (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('segment', 'clip', 'package')),
  segment_id  INTEGER,
  root_id     INTEGER,
  camera_id   TEXT,
  path        TEXT NOT NULL,
  from_ms     INTEGER,
  to_ms       INTEGER,
  size        INTEGER,
  sha256      TEXT,
  due_ms      INTEGER,
  marked_ms   INTEGER NOT NULL,
  deleted_ms  INTEGER,
  sweep_id    INTEGER,
  handover_id INTEGER,
  incident_ref TEXT,
  reason      TEXT NOT NULL,
  outcome     TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'deleted', 'already-gone'))
) STRICT;
CREATE INDEX deletions_deleted ON deletions(deleted_ms);
CREATE INDEX deletions_pending ON deletions(kind, id) WHERE outcome = 'pending';
CREATE INDEX deletions_segment ON deletions(segment_id) WHERE outcome = 'pending';
CREATE TRIGGER deletions_no_rewrite BEFORE UPDATE OF path, reason, kind, sha256, size ON deletions
BEGIN SELECT RAISE(ABORT, 'the deletion log is append-only'); END;
`;
