import { stmt, type Db, type ReadDb } from './open.js';

export interface AlarmRow {
  id: number;
  kind: string;
  key: string;
  root_id: number | null;
  message: string;
  details: string;
  raised_ms: number;
  last_seen_ms: number;
  acked_ms: number | null;
  acked_by: string | null;
  ack_note: string | null;
  cleared_ms: number | null;
}

export function openAlarmByKey(db: ReadDb, key: string): AlarmRow | undefined {
  return stmt(db, 'SELECT * FROM alarms WHERE key = ? AND acked_ms IS NULL').get(key) as AlarmRow | undefined;
}

export function insertAlarm(
  db: Db,
  a: { kind: string; key: string; rootId: number | null; message: string; details: unknown; nowMs: number },
): number {
  const info = stmt(
    db,
    'INSERT INTO alarms (kind, key, root_id, message, details, raised_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(a.kind, a.key, a.rootId, a.message, JSON.stringify(a.details ?? {}), a.nowMs, a.nowMs);
  return Number(info.lastInsertRowid);
}

export function touchAlarm(db: Db, id: number, message: string, details: unknown, nowMs: number): void {
  stmt(db, 'UPDATE alarms SET message = ?, details = ?, last_seen_ms = ?, cleared_ms = NULL WHERE id = ?').run(
    message,
    JSON.stringify(details ?? {}),
    nowMs,
    id,
  );
}

export function clearAlarm(db: Db, id: number, nowMs: number): void {
  stmt(db, 'UPDATE alarms SET cleared_ms = ? WHERE id = ? AND cleared_ms IS NULL').run(nowMs, id);
}

export function ackAlarm(db: Db, id: number, by: string, note: string | null, nowMs: number): void {
  stmt(db, 'UPDATE alarms SET acked_ms = ?, acked_by = ?, ack_note = ? WHERE id = ?').run(nowMs, by, note, id);
}

export function getAlarm(db: ReadDb, id: number): AlarmRow | undefined {
  return stmt(db, 'SELECT * FROM alarms WHERE id = ?').get(id) as AlarmRow | undefined;
}

export function listOpenAlarms(db: ReadDb): AlarmRow[] {
  return stmt(db, 'SELECT * FROM alarms WHERE acked_ms IS NULL ORDER BY raised_ms').all() as AlarmRow[];
}

export function listAlarms(db: ReadDb, sinceMs: number): AlarmRow[] {
  return stmt(db, 'SELECT * FROM alarms WHERE raised_ms >= ? OR acked_ms IS NULL ORDER BY raised_ms').all(sinceMs) as AlarmRow[];
}
/** An acknowledged permission-type alarm (mass deletion/missing) is used up once acted on. */
export function markAlarmUsed(db: Db, id: number, nowMs: number): void {
  stmt(db, 'UPDATE alarms SET cleared_ms = ? WHERE id = ?').run(nowMs, id);
}

/** The newest acknowledged alarm with this key whose permission has not been used yet. */
export function unusedAckedAlarm(db: ReadDb, key: string, sinceMs: number): AlarmRow | undefined {
  return stmt(
    db,
    'SELECT * FROM alarms WHERE key = ? AND acked_ms IS NOT NULL AND cleared_ms IS NULL AND acked_ms >= ? ORDER BY acked_ms DESC LIMIT 1',
  ).get(key, sinceMs) as AlarmRow | undefined;
}

/** Alarms whose life (raised until acknowledged, or until now) overlaps [fromMs, toMs]. */
export function alarmsOverlapping(db: ReadDb, fromMs: number, toMs: number): AlarmRow[] {
  return stmt(db, 'SELECT * FROM alarms WHERE raised_ms <= ? AND (acked_ms IS NULL OR acked_ms >= ? OR cleared_ms >= ?) ORDER BY raised_ms').all(toMs, fromMs, fromMs) as AlarmRow[];
}
