/**
 * 006: what the deletion door needs to confirm before each unlink, and what a hold pins.
 * - dirs.ino/dev: a folder's identity as last listed (a swapped or replaced folder is noticed).
 * - roots.root_ino/sentinel_ino: the root folder's and its sentinel file's identity (a sentinel
 *   copied onto an empty mount point, or the root swapped for a link to a copy, is noticed).
 * - segments.missing_ms: a held recording that vanished from the disk keeps its row (and its
 *   pins) until it is found again, wherever it turns up.
 * - hold_pins: the recordings a hold covered when it was made, by segment id, so a hold follows
 *   them through a renamed camera or day folder.
 * - sweeps.uptime_ms/boot_id: the machine's uptime at each sweep, to see the wall clock jump.
 * - deletions.note: what else the record must say (recovered after a crash; unlinked before a
 *   hold that now covers it committed).
 * - deletion_journal: archived clips and package files marked for deletion before the unlink (the
 *   segment row's own state is the journal for recordings), so a crash is finished correctly and
 *   the deletion log is written once, complete.
 */
export const sql = `
ALTER TABLE dirs ADD COLUMN ino INTEGER;
ALTER TABLE dirs ADD COLUMN dev INTEGER;
ALTER TABLE roots ADD COLUMN root_ino INTEGER;
ALTER TABLE roots ADD COLUMN sentinel_ino INTEGER;
ALTER TABLE segments ADD COLUMN missing_ms INTEGER;
CREATE TABLE hold_pins (
  segment_id INTEGER NOT NULL,
  hold_id    INTEGER NOT NULL REFERENCES holds(id),
  PRIMARY KEY (segment_id, hold_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX hold_pins_hold ON hold_pins(hold_id);
ALTER TABLE sweeps ADD COLUMN uptime_ms INTEGER;
ALTER TABLE sweeps ADD COLUMN boot_id TEXT;
ALTER TABLE deletions ADD COLUMN note TEXT;
CREATE TABLE deletion_journal (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('clip', 'package')),
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
`;
