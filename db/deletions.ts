import { insertChained } from './ledger.js';
import { stmt, type Db, type ReadDb } from './open.js';
import { whereOf } from './where.js';
import { OVERDUE_AT_INDEX_SQL } from './overdue-at-index.js';
import type { ReasonClass } from '../common/api/report.js';

export interface DeletionRow {
  id: number;
  kind: 'segment' | 'clip' | 'package';
  segment_id: number | null;
  root_id: number | null;
  camera_id: string | null;
  path: string;
  from_ms: number | null;
  to_ms: number | null;
  size: number | null;
  sha256: string | null;
  due_ms: number | null;
  marked_ms: number;
  deleted_ms: number | null;
  sweep_id: number | null;
  handover_id: number | null;
  incident_ref: string | null;
  reason: string;
  outcome: 'pending' | 'deleted' | 'already-gone';
  note: string | null;
}

export type NewDeletion = Omit<DeletionRow, 'id' | 'deleted_ms' | 'outcome' | 'note'>;

export function listDeletions(db: ReadDb, sinceMs: number, limit: number): DeletionRow[] {
  return stmt(db, "SELECT * FROM deletions WHERE outcome != 'pending' AND deleted_ms >= ? ORDER BY id LIMIT ?").all(sinceMs, limit) as DeletionRow[];
}

export function iterateDeletions(db: ReadDb, sinceMs: number): IterableIterator<DeletionRow> {
  return stmt(db, "SELECT * FROM deletions WHERE outcome != 'pending' AND deleted_ms >= ? ORDER BY id").iterate(sinceMs) as IterableIterator<DeletionRow>;
}

/** Deletions by their reason text in [sinceMs, untilMs]. */
export function deletionTotalsByReason(db: ReadDb, sinceMs: number, untilMs: number): { reason: string; n: number; bytes: number | null }[] {
  return stmt(
    db,
    "SELECT reason, COUNT(*) AS n, SUM(size) AS bytes FROM deletions WHERE outcome != 'pending' AND deleted_ms BETWEEN ? AND ? GROUP BY reason ORDER BY n DESC",
  ).all(sinceMs, untilMs) as { reason: string; n: number; bytes: number | null }[];
}

const DEL_MULTI = 64;
/** Completes many pending rows at once (ids as one JSON array parameter). */
export type FinalDeletion = NewDeletion & { outcome: 'deleted' | 'already-gone'; deleted_ms: number; note: string | null };
const FIN_COLS = '(kind, segment_id, root_id, camera_id, path, from_ms, to_ms, size, sha256, due_ms, marked_ms, sweep_id, handover_id, incident_ref, reason, outcome, deleted_ms, note)';
const FIN_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const FIN_MULTI_SQL = `INSERT INTO deletions ${FIN_COLS} VALUES ${Array(DEL_MULTI).fill(FIN_ROW).join(', ')}`;

/**
 * Records deletions that have happened, 64 rows per statement, chained in the same transaction.
 * The retention sweep journals in the segment row itself (state 'deleting'), so its log rows
 * are written once, complete.
 */
export function insertFinalDeletions(db: Db, rows: readonly FinalDeletion[]): void {
  if (rows.length > 0) insertChained(db, 'deletions', rows.length, () => insertRows(db, rows));
}

function insertRows(db: Db, rows: readonly FinalDeletion[]): void {
  const args: (string | number | null)[] = [];
  let i = 0;
  const push = (d: FinalDeletion): void => {
    args.push(d.kind, d.segment_id, d.root_id, d.camera_id, d.path, d.from_ms, d.to_ms, d.size, d.sha256, d.due_ms, d.marked_ms, d.sweep_id, d.handover_id, d.incident_ref, d.reason, d.outcome, d.deleted_ms, d.note);
  };
  const multi = rows.length >= DEL_MULTI ? stmt(db, FIN_MULTI_SQL) : null;
  for (; multi && i + DEL_MULTI <= rows.length; i += DEL_MULTI) {
    args.length = 0;
    for (let k = i; k < i + DEL_MULTI; k++) push(rows[k] as FinalDeletion);
    multi.run(...args);
  }
  const one = stmt(db, `INSERT INTO deletions ${FIN_COLS} VALUES ${FIN_ROW}`);
  for (; i < rows.length; i++) {
    args.length = 0;
    push(rows[i] as FinalDeletion);
    one.run(...args);
  }
}

/**
 * Recordings deleted before they were due by the clock as it reads now: after a clock that ran
 * ahead is set right, these are the footage that went early (by camera, with their span).
 */
export function deletedBeforeDue(db: ReadDb, nowMs: number): { camera_id: string | null; n: number; from_ms: number | null; to_ms: number | null; latest_due_ms: number | null }[] {
  return stmt(
    db,
    `SELECT camera_id, COUNT(*) AS n, MIN(from_ms) AS from_ms, MAX(to_ms) AS to_ms, MAX(due_ms) AS latest_due_ms
     FROM deletions WHERE deleted_ms > ? AND kind = 'segment' AND outcome = 'deleted' AND due_ms > ? GROUP BY camera_id ORDER BY camera_id`,
  ).all(nowMs - 366 * 86_400_000, nowMs) as { camera_id: string | null; n: number; from_ms: number | null; to_ms: number | null; latest_due_ms: number | null }[];
}

// ---- The DPO's reading of the log (the deletion log view, the compliance report's P2) ----

/** The class of deletion row `d` (the reason texts are written by the sweep, handover and close). */
export const REASON_CLASS_SQL = `CASE WHEN d.reason = 'retention' THEN 'retention' WHEN d.handover_id IS NOT NULL THEN 'handover'
  WHEN d.reason LIKE 'incident closed%' THEN 'closed' ELSE 'other' END`;

export interface DeletionFilter {
  /** On the deletion time, inclusive. */
  fromMs?: number;
  toMs?: number;
  kind?: DeletionRow['kind'];
  reason?: ReasonClass;
  camera?: string;
  root?: number;
  /** Only rows deleted more than this long after their due time (before holds are counted). */
  lateByMs?: number;
}

/** A deletion row with what the DPO's view adds: its reason class and, if it was already overdue then, when it was first indexed. */
export interface DeletionLogRow extends DeletionRow {
  reason_class: ReasonClass;
  overdue_indexed_ms: number | null;
}

/** Keyset position: rows come ordered by deletion time, then id. */
export interface DeletionCursor {
  at: number;
  id: number;
}

function filterSql(f: DeletionFilter): { where: string; params: (string | number)[] } {
  const conditions: [string | number | undefined, string][] = [
    [f.fromMs, 'd.deleted_ms >= ?'],
    [f.toMs, 'd.deleted_ms <= ?'],
    [f.kind, 'd.kind = ?'],
    [f.reason, `${REASON_CLASS_SQL} = ?`],
    [f.camera, 'd.camera_id = ?'],
    [f.root, 'd.root_id = ?'],
    [f.lateByMs, 'd.due_ms IS NOT NULL AND d.deleted_ms - d.due_ms > ?'],
  ];
  return whereOf(["d.outcome != 'pending'"], conditions);
}

const LOG_SELECT = `SELECT d.*, ${REASON_CLASS_SQL} AS reason_class, ${OVERDUE_AT_INDEX_SQL} AS overdue_indexed_ms FROM deletions d`;

/**
 * One page of the log in deletion order, after `after` (keyset: the index on deleted_ms carries
 * the id, so a page costs the same at row 10 as at row 10 million).
 */
export function pageDeletions(db: ReadDb, f: DeletionFilter, after: DeletionCursor | null, limit: number): DeletionLogRow[] {
  const { where, params } = filterSql(f);
  const keyset = after ? ' AND (d.deleted_ms, d.id) > (?, ?)' : '';
  return stmt(db, `${LOG_SELECT} WHERE ${where}${keyset} ORDER BY d.deleted_ms, d.id LIMIT ?`).all(
    ...params,
    ...(after ? [after.at, after.id] : []),
    limit,
  ) as DeletionLogRow[];
}

/** Every row matching `f`, in deletion order, without loading them all at once. */
export function iterateDeletionLog(db: ReadDb, f: DeletionFilter): IterableIterator<DeletionLogRow> {
  const { where, params } = filterSql(f);
  return stmt(db, `${LOG_SELECT} WHERE ${where} ORDER BY d.deleted_ms, d.id`).iterate(...params) as IterableIterator<DeletionLogRow>;
}

export interface DeletionTotalsRow {
  reason_class: ReasonClass;
  outcome: 'deleted' | 'already-gone';
  n: number;
  bytes: number | null;
}

/** Counts and bytes of the rows matching `f`, per reason class and outcome. */
export function deletionTotals(db: ReadDb, f: DeletionFilter): DeletionTotalsRow[] {
  const { where, params } = filterSql(f);
  return stmt(db, `SELECT ${REASON_CLASS_SQL} AS reason_class, d.outcome AS outcome, COUNT(*) AS n, SUM(d.size) AS bytes FROM deletions d WHERE ${where} GROUP BY 1, 2`).all(
    ...params,
  ) as DeletionTotalsRow[];
}

/** The last deletion of each incident's material (archived clips and package copies). */
export function lastMaterialDeletions(db: ReadDb): { incident_ref: string; last_ms: number; n: number }[] {
  return stmt(
    db,
    "SELECT incident_ref, MAX(deleted_ms) AS last_ms, COUNT(*) AS n FROM deletions WHERE incident_ref IS NOT NULL AND kind IN ('clip', 'package') AND outcome != 'pending' GROUP BY incident_ref",
  ).all() as { incident_ref: string; last_ms: number; n: number }[];
}

/** How many rows match `f`, per recording root. */
export function deletionCountsByRoot(db: ReadDb, f: DeletionFilter): { root_id: number | null; n: number }[] {
  const { where, params } = filterSql(f);
  return stmt(db, `SELECT d.root_id AS root_id, COUNT(*) AS n FROM deletions d WHERE ${where} GROUP BY d.root_id`).all(...params) as { root_id: number | null; n: number }[];
}
