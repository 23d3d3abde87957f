import { stmt, type Db, type ReadDb } from './open.js';

export interface SweepRow {
  id: number;
  started_ms: number;
  finished_ms: number | null;
  cutoff_ms: number;
  due: number;
  deleted: number;
  held: number;
  deferred: number;
  refused: string | null;
  actor: string;
  uptime_ms: number | null;
  boot_id: string | null;
}

export function insertSweep(db: Db, s: { startedMs: number; cutoffMs: number; actor: string; uptimeMs: number | null; bootId: string | null }): number {
  return Number(
    stmt(db, 'INSERT INTO sweeps (started_ms, cutoff_ms, actor, uptime_ms, boot_id) VALUES (?, ?, ?, ?, ?)').run(s.startedMs, s.cutoffMs, s.actor, s.uptimeMs, s.bootId).lastInsertRowid,
  );
}

export function finishSweep(db: Db, id: number, r: { finishedMs: number; due: number; deleted: number; held: number; deferred: number; refused: string | null }): void {
  stmt(db, 'UPDATE sweeps SET finished_ms = ?, due = ?, deleted = ?, held = ?, deferred = ?, refused = ? WHERE id = ?').run(
    r.finishedMs,
    r.due,
    r.deleted,
    r.held,
    r.deferred,
    r.refused,
    id,
  );
}

export function lastSweep(db: ReadDb): SweepRow | undefined {
  return stmt(db, 'SELECT * FROM sweeps ORDER BY id DESC LIMIT 1').get() as SweepRow | undefined;
}

/** Takes the lease if it is free, expired or already ours. */
export function takeLease(db: Db, holder: string, nowMs: number, ttlMs: number): boolean {
  const info = stmt(
    db,
    `INSERT INTO sweep_lease (id, holder, expires_ms) VALUES (1, ?, ?)
     ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
     WHERE sweep_lease.expires_ms < ? OR sweep_lease.holder = excluded.holder`,
  ).run(holder, nowMs + ttlMs, nowMs);
  return info.changes === 1;
}

/**
 * Renews the lease only if `holder` still has it: the fencing check every chunk of a sweep runs
 * inside the write transaction that then unlinks. False: another sweeper took over; stop.
 */
export function renewLease(db: Db, holder: string, nowMs: number, ttlMs: number): boolean {
  return stmt(db, 'UPDATE sweep_lease SET expires_ms = ? WHERE id = 1 AND holder = ?').run(nowMs + ttlMs, holder).changes === 1;
}

export function dropLease(db: Db, holder: string): void {
  stmt(db, 'DELETE FROM sweep_lease WHERE holder = ?').run(holder);
}

export function leaseHolder(db: ReadDb): { holder: string; expires_ms: number } | undefined {
  return stmt(db, 'SELECT holder, expires_ms FROM sweep_lease WHERE id = 1').get() as { holder: string; expires_ms: number } | undefined;
}

/** When each sweep in [fromMs, toMs] started, in order (the report looks for gaps: no service). */
export function sweepStarts(db: ReadDb, fromMs: number, toMs: number): number[] {
  return (stmt(db, 'SELECT started_ms FROM sweeps WHERE started_ms BETWEEN ? AND ? ORDER BY started_ms').all(fromMs, toMs) as { started_ms: number }[]).map((r) => r.started_ms);
}
