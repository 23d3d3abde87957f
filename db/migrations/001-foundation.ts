/** 001: recording roots, the segment index, cameras, settings, alarms and the audit chain. */
export const sql = `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE roots (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE,
  sentinel_uuid TEXT NOT NULL,
  layout        TEXT NOT NULL,
  layout_tz     TEXT,
  added_ms      INTEGER NOT NULL,
  online        INTEGER NOT NULL DEFAULT 1,
  offline_reason TEXT,
  last_scan_ms  INTEGER,
  last_full_scan_ms INTEGER
) STRICT;

CREATE TABLE cameras (
  id            TEXT PRIMARY KEY,
  name          TEXT,
  zone          TEXT NOT NULL DEFAULT 'mixed' CHECK (zone IN ('staff', 'visitor', 'mixed')),
  classified    INTEGER NOT NULL DEFAULT 0,
  masks         TEXT NOT NULL DEFAULT '[]',
  first_seen_ms INTEGER NOT NULL
) STRICT;

-- Folders of a root as last listed; a folder whose mtime is unchanged need not be listed again.
CREATE TABLE dirs (
  id       INTEGER PRIMARY KEY,
  root_id  INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  rel      TEXT NOT NULL,
  mtime_ms INTEGER,
  UNIQUE (root_id, rel)
) STRICT;

-- No foreign keys here on purpose: a cold index inserts a million rows, and three FK lookups per
-- row tripled the cost. The indexer is the only writer and creates roots, dirs and cameras first.
CREATE TABLE segments (
  id          INTEGER PRIMARY KEY,
  root_id     INTEGER NOT NULL,
  dir_id      INTEGER NOT NULL,
  name        TEXT NOT NULL,
  camera_id   TEXT NOT NULL,
  start_ms    INTEGER NOT NULL,
  end_ms      INTEGER NOT NULL,
  end_source  TEXT NOT NULL CHECK (end_source IN ('probe', 'mtime', 'next', 'estimate')),
  size        INTEGER,
  mtime_ms    INTEGER,
  state       TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'deleting')),
  probed_ms   INTEGER,
  duration_ms INTEGER,
  video_codec TEXT,
  has_audio   INTEGER,
  probe_error TEXT,
  UNIQUE (dir_id, name)
) STRICT;
CREATE INDEX segments_camera_start ON segments(camera_id, start_ms);
CREATE INDEX segments_end ON segments(end_ms);
-- Only rows a sweep has marked: recovery finds them without reading a million rows.
CREATE INDEX segments_deleting ON segments(id) WHERE state = 'deleting';

CREATE TABLE unrecognised (
  root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  dir_rel TEXT NOT NULL,
  name    TEXT NOT NULL,
  reason  TEXT NOT NULL,
  PRIMARY KEY (root_id, dir_rel, name)
) STRICT;

CREATE TABLE alarms (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL,
  root_id      INTEGER,
  message      TEXT NOT NULL,
  details      TEXT NOT NULL DEFAULT '{}',
  raised_ms    INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  acked_ms     INTEGER,
  acked_by     TEXT,
  ack_note     TEXT,
  cleared_ms   INTEGER
) STRICT;
CREATE UNIQUE INDEX alarms_one_open_per_key ON alarms(key) WHERE acked_ms IS NULL;

-- Append-only and hash-chained: each event carries the hash of the one before.
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  ts_ms     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;
