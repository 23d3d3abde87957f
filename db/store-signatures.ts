/**
 * Where a scan found the mark of a store Custodian must never delete file by file (a ring of
 * pre-allocated files, a recorder's database): one row per file or folder, per root (013).
 */
import { stmt, type Db, type ReadDb } from './open.js';

export interface StoreSignatureRow {
  root_id: number;
  /** Relative to the root, "/" between components. */
  rel: string;
  recorder: string;
  found_ms: number;
}

export function storeSignatures(db: ReadDb, rootId: number): StoreSignatureRow[] {
  return stmt(db, 'SELECT * FROM store_signatures WHERE root_id = ? ORDER BY rel').all(rootId) as StoreSignatureRow[];
}

export function noteStoreSignature(db: Db, rootId: number, rel: string, recorder: string, nowMs: number): void {
  stmt(db, 'INSERT OR IGNORE INTO store_signatures (root_id, rel, recorder, found_ms) VALUES (?, ?, ?, ?)').run(rootId, rel, recorder, nowMs);
}

/** The mark is gone from the disk (looked for by the scan). */
export function forgetStoreSignature(db: Db, rootId: number, rel: string): void {
  stmt(db, 'DELETE FROM store_signatures WHERE root_id = ? AND rel = ?').run(rootId, rel);
}
