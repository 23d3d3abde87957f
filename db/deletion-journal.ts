/**
 * The journal of archived clips and package files being deleted (006): a row is written before
 * the unlink and removed in the transaction that writes the deletion log row, so a crash in
 * between is finished as the deletion it was, and the log row is written once, complete.
 */
import { stmt, type Db, type ReadDb } from './open.js';

export interface JournalRow {
  id: number;
  kind: 'clip' | 'package' | 'request-file' | 'request-package';
  record_id: number;
  base: string;
  rel: string;
  size: number | null;
  sha256: string | null;
  camera_id: string | null;
  from_ms: number | null;
  to_ms: number | null;
  incident_ref: string | null;
  handover_id: number | null;
  reason: string;
  marked_ms: number;
}

export type NewJournalRow = Omit<JournalRow, 'id'>;

/** Writes the journal row unless one is there (a retry keeps the first mark). Returns it. */
export function journalMark(db: Db, r: NewJournalRow): JournalRow {
  stmt(
    db,
    `INSERT OR IGNORE INTO deletion_journal (kind, record_id, base, rel, size, sha256, camera_id, from_ms, to_ms, incident_ref, handover_id, reason, marked_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.kind, r.record_id, r.base, r.rel, r.size, r.sha256, r.camera_id, r.from_ms, r.to_ms, r.incident_ref, r.handover_id, r.reason, r.marked_ms);
  return stmt(db, 'SELECT * FROM deletion_journal WHERE kind = ? AND record_id = ?').get(r.kind, r.record_id) as JournalRow;
}

export function journalDone(db: Db, id: number): void {
  stmt(db, 'DELETE FROM deletion_journal WHERE id = ?').run(id);
}

export function journalRows(db: ReadDb): JournalRow[] {
  return stmt(db, 'SELECT * FROM deletion_journal ORDER BY id').all() as JournalRow[];
}
