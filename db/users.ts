/** The users table: people who log in, their role, password hash and login-attempt state. */
import { stmt, type Db, type ReadDb } from './open.js';

export type UserRole = 'officer' | 'hr' | 'dpo' | 'admin';

export interface UserRow {
  id: number;
  name: string;
  role: UserRole;
  password_hash: string;
  created_ms: number;
  created_by: string;
  password_changed_ms: number;
  disabled_ms: number | null;
  disabled_by: string | null;
  failed_logins: number;
  last_failed_ms: number | null;
  locked_until_ms: number | null;
  last_login_ms: number | null;
}

export function insertUser(db: Db, u: { name: string; role: UserRole; passwordHash: string; createdMs: number; createdBy: string }): number {
  const info = stmt(db, 'INSERT INTO users (name, role, password_hash, created_ms, created_by, password_changed_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
    u.name,
    u.role,
    u.passwordHash,
    u.createdMs,
    u.createdBy,
    u.createdMs,
  );
  return Number(info.lastInsertRowid);
}

/** Names compare without regard to case ("Anna" and "anna" are one user). */
export function getUserByName(db: ReadDb, name: string): UserRow | undefined {
  return stmt(db, 'SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
}

export function getUserById(db: ReadDb, id: number): UserRow | undefined {
  return stmt(db, 'SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

export function listUserRows(db: ReadDb): UserRow[] {
  return stmt(db, 'SELECT * FROM users ORDER BY name').all() as UserRow[];
}

export function countUsers(db: ReadDb): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
}

export function countActiveAdmins(db: ReadDb): number {
  return (stmt(db, "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled_ms IS NULL").get() as { n: number }).n;
}

export function setUserRole(db: Db, id: number, role: UserRole): void {
  stmt(db, 'UPDATE users SET role = ? WHERE id = ?').run(role, id);
}

/** A new password also lifts a lockout: the person who set it knows who is at the keyboard. */
export function setUserPassword(db: Db, id: number, passwordHash: string, atMs: number): void {
  stmt(db, 'UPDATE users SET password_hash = ?, password_changed_ms = ?, failed_logins = 0, locked_until_ms = NULL WHERE id = ?').run(passwordHash, atMs, id);
}

export function disableUserRow(db: Db, id: number, by: string, atMs: number): void {
  stmt(db, 'UPDATE users SET disabled_ms = ?, disabled_by = ? WHERE id = ?').run(atMs, by, id);
}

/** Counts a login attempt as failed before its password is checked (a success undoes it: recordLogin). */
export function countLoginAttempt(db: Db, id: number, failedLogins: number, atMs: number): void {
  stmt(db, 'UPDATE users SET failed_logins = ?, last_failed_ms = ? WHERE id = ?').run(failedLogins, atMs, id);
}

export function lockUser(db: Db, id: number, untilMs: number): void {
  stmt(db, 'UPDATE users SET locked_until_ms = ? WHERE id = ?').run(untilMs, id);
}

/** An administrator's unlock: no lock, no failures counted. */
export function clearLoginFailures(db: Db, id: number): void {
  stmt(db, 'UPDATE users SET failed_logins = 0, last_failed_ms = NULL, locked_until_ms = NULL WHERE id = ?').run(id);
}

export function recordLogin(db: Db, id: number, atMs: number): void {
  stmt(db, 'UPDATE users SET failed_logins = 0, locked_until_ms = NULL, last_login_ms = ? WHERE id = ?').run(atMs, id);
}
