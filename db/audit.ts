import { stmt, type Db, type ReadDb } from './open.js';

export interface AuditRow {
  id: number;
  ts_ms: number;
  actor: string;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export function lastAuditHash(db: ReadDb): string | undefined {
  const r = stmt(db, 'SELECT hash FROM audit ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined;
  return r?.hash;
}

export function insertAudit(db: Db, row: Omit<AuditRow, 'id'>): number {
  const info = stmt(db, 'INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
    row.ts_ms,
    row.actor,
    row.action,
    row.details,
    row.prev_hash,
    row.hash,
  );
  return Number(info.lastInsertRowid);
}

export function iterateAudit(db: ReadDb): IterableIterator<AuditRow> {
  return stmt(db, 'SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<AuditRow>;
}

export function listAudit(db: ReadDb, opts: { sinceMs: number; action?: string; limit: number }): AuditRow[] {
  if (opts.action) {
    return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? AND action = ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.action, opts.limit) as AuditRow[];
  }
  return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.limit) as AuditRow[];
}
