/**
 * 011: what the compliance report and the DPO's logs need that no table kept.
 * - overdue_at_index: recordings that were already past their due time when Custodian first
 *   indexed them (a root added with old footage, a share that came back, files copied in late).
 *   One row per run of consecutive segment ids indexed together, not one per segment: a cold
 *   index of a year of footage adds a few hundred rows. The report compares a late deletion's
 *   segment id with these ranges to say why it went late (POLICY P2).
 * - audit_action: the audit log read by action (footage views for the DPO, export records),
 *   newest id last, without reading every event of the chain.
 */
export const sql = `
CREATE TABLE overdue_at_index (
  id               INTEGER PRIMARY KEY,
  root_id          INTEGER NOT NULL,
  camera_id        TEXT NOT NULL,
  first_segment_id INTEGER NOT NULL,
  last_segment_id  INTEGER NOT NULL,
  segments         INTEGER NOT NULL,
  oldest_end_ms    INTEGER NOT NULL,
  newest_end_ms    INTEGER NOT NULL,
  indexed_ms       INTEGER NOT NULL,
  CHECK (last_segment_id >= first_segment_id)
) STRICT;
CREATE INDEX overdue_at_index_range ON overdue_at_index(root_id, camera_id, first_segment_id);
CREATE INDEX audit_action ON audit(action, id);
`;
