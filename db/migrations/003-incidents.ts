/** 003: incidents, their archived clips and the source segments each clip came from. */
export const sql = `
CREATE TABLE incidents (
  id            INTEGER PRIMARY KEY,
  ref           TEXT NOT NULL UNIQUE,
  year          INTEGER NOT NULL,
  seq           INTEGER NOT NULL,
  title         TEXT NOT NULL,
  reason        TEXT NOT NULL CHECK (reason IN ('crime-against-organisation', 'crime-on-premises', 'other')),
  justification TEXT NOT NULL,
  from_ms       INTEGER NOT NULL,
  to_ms         INTEGER NOT NULL,
  review_by_ms  INTEGER NOT NULL,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'archived', 'handed-over', 'deleted')),
  hold_id       INTEGER REFERENCES holds(id),
  gaps          TEXT NOT NULL DEFAULT '[]',
  created_ms    INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  closed_ms     INTEGER,
  closed_reason TEXT,
  UNIQUE (year, seq),
  CHECK (to_ms > from_ms)
) STRICT;

CREATE TABLE incident_cameras (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  camera_id   TEXT NOT NULL,
  PRIMARY KEY (incident_id, camera_id)
) STRICT;

CREATE TABLE clips (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  camera_id   TEXT NOT NULL,
  run_index   INTEGER NOT NULL,
  subjects    TEXT NOT NULL CHECK (subjects IN ('staff', 'visitor', 'mixed')),
  rel_path    TEXT NOT NULL,
  from_ms     INTEGER NOT NULL,
  to_ms       INTEGER NOT NULL,
  start_ms    INTEGER,
  end_ms      INTEGER,
  sha256      TEXT,
  size        INTEGER,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'complete', 'failed', 'deleted')),
  error       TEXT,
  source_had_audio INTEGER,
  created_ms  INTEGER NOT NULL,
  completed_ms INTEGER,
  UNIQUE (incident_id, camera_id, run_index)
) STRICT;

CREATE TABLE clip_sources (
  clip_id  INTEGER NOT NULL REFERENCES clips(id),
  ord      INTEGER NOT NULL,
  name     TEXT NOT NULL,
  path     TEXT NOT NULL,
  sha256   TEXT NOT NULL,
  size     INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms   INTEGER NOT NULL,
  PRIMARY KEY (clip_id, ord)
) STRICT;
`;
