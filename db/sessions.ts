/** The sessions table: one row per login; the cookie value itself is never stored, only its SHA-256. */
import { stmt, type Db, type ReadDb } from './open.js';

export interface SessionRow {
  id: number;
  token_hash: string;
  user_id: number;
  created_ms: number;
  last_seen_ms: number;
  ended_ms: number | null;
  end_reason: string | null;
  client: string | null;
}

export function insertSession(db: Db, s: { tokenHash: string; userId: number; atMs: number; client: string | null }): number {
  return Number(
    stmt(db, 'INSERT INTO sessions (token_hash, user_id, created_ms, last_seen_ms, client) VALUES (?, ?, ?, ?, ?)').run(s.tokenHash, s.userId, s.atMs, s.atMs, s.client)
      .lastInsertRowid,
  );
}

export function getSessionByTokenHash(db: ReadDb, tokenHash: string): SessionRow | undefined {
  return stmt(db, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
}

export function touchSession(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE sessions SET last_seen_ms = ? WHERE id = ? AND ended_ms IS NULL').run(atMs, id);
}

export function endSession(db: Db, id: number, atMs: number, reason: string): void {
  stmt(db, 'UPDATE sessions SET ended_ms = ?, end_reason = ? WHERE id = ? AND ended_ms IS NULL').run(atMs, reason, id);
}

/** Ends every open session of a user; returns how many were open. */
export function endSessionsOfUser(db: Db, userId: number, atMs: number, reason: string): number {
  return stmt(db, 'UPDATE sessions SET ended_ms = ?, end_reason = ? WHERE user_id = ? AND ended_ms IS NULL').run(atMs, reason, userId).changes;
}

export function openSessionsOfUser(db: ReadDb, userId: number): SessionRow[] {
  return stmt(db, 'SELECT * FROM sessions WHERE user_id = ? AND ended_ms IS NULL ORDER BY id').all(userId) as SessionRow[];
}

/** Ended sessions older than `beforeMs` are forgotten (POLICY G2: records naming people are culled). */
export function purgeEndedSessions(db: Db, beforeMs: number): number {
  return stmt(db, 'DELETE FROM sessions WHERE ended_ms IS NOT NULL AND ended_ms < ?').run(beforeMs).changes;
}
