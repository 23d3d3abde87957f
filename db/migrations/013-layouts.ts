/**
 * 013: what recorders' names say beyond the start (issue 16), and the ring or database stores a
 * scan found inside a root.
 * - segments.name_end_ms: the end the file name states ({end:…}, e.g. Dahua's
 *   "14.30.00-14.40.00"); end_ms starts from it, and this keeps it after a probe refines end_ms.
 * - segments.event_kind: the event kind the name states ({kind}): scheduled, motion, alarm,
 *   smart, or the recorder's code as written.
 * - segments.time_from: NULL when the start is the name's; 'file' when the path names only the
 *   day and the start is the file's modification time less its stated duration (ZoneMinder's
 *   medium storage).
 * - store_signatures: files or folders that mark a store Custodian must never delete file by
 *   file (Hikvision's ring, Milestone's database, Moonfire's sample files, Scrypted's volume),
 *   found by a scan inside a registered root. While any is there the root has a blocking
 *   `store-signature` alarm; each scan looks again.
 */
export const sql = `
ALTER TABLE segments ADD COLUMN name_end_ms INTEGER;
ALTER TABLE segments ADD COLUMN event_kind TEXT;
ALTER TABLE segments ADD COLUMN time_from TEXT CHECK (time_from IS NULL OR time_from = 'file');
CREATE TABLE store_signatures (
  root_id  INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
  rel      TEXT NOT NULL,
  recorder TEXT NOT NULL,
  found_ms INTEGER NOT NULL,
  PRIMARY KEY (root_id, rel)
) STRICT;
`;
