import { createHash } from 'node:crypto';
import { insertChained } from './ledger.js';
import { stmt, type Db, type ReadDb } from './open.js';

export interface AuditRow {
  id: number;
  ts_ms: number;
  actor: string;
  action: string;
  details: string;
  /** The pre-007 chain (see migration 007); '' for events the ledger chains. */
  prev_hash: string;
  hash: string;
}

/** Appends an event and chains it in the same transaction (db/ledger.ts). */
export function insertAudit(db: Db, row: Pick<AuditRow, 'ts_ms' | 'actor' | 'action' | 'details'>): number {
  return insertChained(db, 'audit', 1, () =>
    Number(stmt(db, "INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, '', '')").run(row.ts_ms, row.actor, row.action, row.details).lastInsertRowid),
  );
}

export function getAudit(db: ReadDb, id: number): AuditRow | undefined {
  return stmt(db, 'SELECT * FROM audit WHERE id = ?').get(id) as AuditRow | undefined;
}

export function iterateAudit(db: ReadDb): IterableIterator<AuditRow> {
  return stmt(db, 'SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<AuditRow>;
}

/** Events of one action, oldest first (the horizon and anchor events verify reads). */
export function auditByAction(db: ReadDb, action: string): AuditRow[] {
  return stmt(db, 'SELECT * FROM audit WHERE action = ? ORDER BY id').all(action) as AuditRow[];
}

export function listAudit(db: ReadDb, opts: { sinceMs: number; action?: string; limit: number }): AuditRow[] {
  if (opts.action) {
    return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? AND action = ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.action, opts.limit) as AuditRow[];
  }
  return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.limit) as AuditRow[];
}

const LEGACY_GENESIS = '0'.repeat(64);

/**
 * Checks the chain the audit table carried itself before migration 007 (each event the SHA-256
 * of the one before and its own fields). Run once, when the ledger adopts those events.
 */
export function legacyAuditChainBreak(db: ReadDb): { id: number; reason: string } | null {
  let prev = LEGACY_GENESIS;
  let lastId = 0;
  for (const row of iterateAudit(db)) {
    if (row.prev_hash !== prev) {
      return { id: row.id, reason: row.id !== lastId + 1 ? 'events before it were removed or reordered' : 'it does not follow the event before it' };
    }
    const expect = createHash('sha256').update(`${row.prev_hash}\n${row.ts_ms}\n${row.actor}\n${row.action}\n${row.details}`).digest('hex');
    if (expect !== row.hash) return { id: row.id, reason: 'it was altered after it was written' };
    prev = row.hash;
    lastId = row.id;
  }
  return null;
}
