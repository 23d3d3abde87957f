import { createHash } from 'node:crypto';
import { insertChained } from './ledger.js';
import { stmt, type Db, type ReadDb } from './open.js';
import { whereOf } from './where.js';

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


export function listAudit(db: ReadDb, opts: { sinceMs: number; action?: string; limit: number }): AuditRow[] {
  if (opts.action) {
    return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? AND action = ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.action, opts.limit) as AuditRow[];
  }
  return stmt(db, 'SELECT * FROM audit WHERE ts_ms >= ? ORDER BY id LIMIT ?').all(opts.sinceMs, opts.limit) as AuditRow[];
}

/**
 * Events of one action in [fromMs, toMs] (all of them by default: the horizon and anchor events
 * verify reads), oldest first (index audit_action, migration 011).
 */
export function auditByAction(db: ReadDb, action: string, fromMs = Number.MIN_SAFE_INTEGER, toMs = Number.MAX_SAFE_INTEGER): AuditRow[] {
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

/** The audit events that name an access request (its story), oldest first. */
export function auditForRequest(db: ReadDb, ref: string): Pick<AuditRow, 'ts_ms' | 'actor' | 'action' | 'details'>[] {
  return stmt(db, "SELECT ts_ms, actor, action, details FROM audit WHERE json_extract(details, '$.request') = ? ORDER BY id").all(ref) as Pick<AuditRow, 'ts_ms' | 'actor' | 'action' | 'details'>[];
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
