import { stmt, type Db, type ReadDb } from './open.js';
import { whereOf } from './where.js';

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

/** Events of one action in [fromMs, toMs], oldest first (index audit_action, migration 011). */
export function auditByAction(db: ReadDb, action: string, fromMs: number, toMs: number): AuditRow[] {
  return stmt(db, 'SELECT * FROM audit WHERE action = ? AND ts_ms BETWEEN ? AND ? ORDER BY id').all(action, fromMs, toMs) as AuditRow[];
}

export interface AuditFilter {
  action: string;
  fromMs?: number;
  toMs?: number;
  actor?: string;
  /** A top-level field of the event's details and the value it must have. */
  detail?: { field: string; value: string | number };
}

function auditWhere(f: AuditFilter): { where: string; params: (string | number)[] } {
  // The field name becomes part of the SQL text: only plain names are accepted.
  if (f.detail !== undefined && !/^[A-Za-z][A-Za-z0-9]*$/.test(f.detail.field)) throw new Error(`not a details field name: ${f.detail.field}`);
  return whereOf(
    ['action = ?'],
    [
      [f.fromMs, 'ts_ms >= ?'],
      [f.toMs, 'ts_ms <= ?'],
      [f.actor, 'actor = ?'],
      [f.detail?.value, `json_extract(details, '$.${f.detail?.field ?? ''}') = ?`],
    ],
    [f.action],
  );
}

/**
 * One page of events of one action after id `afterId`, oldest first (keyset on the audit_action
 * index; the log is never read from its start to find a page).
 */
export function pageAudit(db: ReadDb, f: AuditFilter, afterId: number, limit: number): AuditRow[] {
  const { where, params } = auditWhere(f);
  return stmt(db, `SELECT * FROM audit WHERE ${where} AND id > ? ORDER BY id LIMIT ?`).all(...params, afterId, limit) as AuditRow[];
}

/** How many events of one action match (for the DPO's totals). */
export function countAudit(db: ReadDb, f: AuditFilter): number {
  const { where, params } = auditWhere(f);
  return (stmt(db, `SELECT COUNT(*) AS n FROM audit WHERE ${where}`).get(...params) as { n: number }).n;
}

/** The audit events that name an incident (its story), oldest first. */
export function auditForIncident(db: ReadDb, ref: string): Pick<AuditRow, 'ts_ms' | 'actor' | 'action' | 'details'>[] {
  return stmt(db, "SELECT ts_ms, actor, action, details FROM audit WHERE json_extract(details, '$.incident') = ? ORDER BY id").all(ref) as Pick<AuditRow, 'ts_ms' | 'actor' | 'action' | 'details'>[];
}
