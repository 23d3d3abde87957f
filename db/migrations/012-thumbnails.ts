/**
 * 012: timeline thumbnails (issue 15). A still of a recording (its first keyframe, scaled down)
 * is personal data like the recording it came from: Custodian writes it into its data folder
 * (`thumbnails/`), records it here (path, size, SHA-256, its segment) and deletes it, through the
 * deletion door, once its segment is gone from the index. The row is its own journal and log,
 * as a segment row is for a recording: `state` goes present → deleting (marked before the
 * unlink) → deleted (with the time and the outcome), and a deleted row is never rewritten.
 */
export const sql = `
CREATE TABLE thumbnails (
  id          INTEGER PRIMARY KEY,
  segment_id  INTEGER NOT NULL,
  camera_id   TEXT NOT NULL,
  -- the recording's start (the still is its first keyframe)
  at_ms       INTEGER NOT NULL,
  -- under the data folder's thumbnails/, '/'-separated
  rel         TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  created_ms  INTEGER NOT NULL,
  state       TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'deleting', 'deleted')),
  marked_ms   INTEGER,
  deleted_ms  INTEGER,
  outcome     TEXT CHECK (outcome IN ('deleted', 'already-gone')),
  reason      TEXT,
  CHECK ((state = 'deleted') = (deleted_ms IS NOT NULL AND outcome IS NOT NULL))
) STRICT;
-- One live still per recording; deleted rows stay as the log.
CREATE UNIQUE INDEX thumbnails_segment ON thumbnails(segment_id) WHERE state != 'deleted';
CREATE INDEX thumbnails_live ON thumbnails(state, segment_id) WHERE state != 'deleted';
CREATE TRIGGER thumbnails_log_final BEFORE UPDATE ON thumbnails WHEN OLD.state = 'deleted'
BEGIN SELECT RAISE(ABORT, 'a thumbnail deletion record is final'); END;
-- A still on disk is never forgotten (only a finished deletion record may be pruned later).
CREATE TRIGGER thumbnails_no_forget BEFORE DELETE ON thumbnails WHEN OLD.state != 'deleted'
BEGIN SELECT RAISE(ABORT, 'a thumbnail on disk cannot be forgotten: delete it through the door'); END;
`;
