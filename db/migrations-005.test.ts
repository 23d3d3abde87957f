import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './open.js';
import { getSessionByTokenHash, insertSession } from './sessions.js';
import { countActiveAdmins, getUserByName, insertUser } from './users.js';

describe('migration 005 (users and sessions)', () => {
  it('applies on a version-4 database with data, keeping every row', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    db.prepare("INSERT INTO roots (path, sentinel_uuid, layout, added_ms) VALUES ('/r', 'u', 'camera-date-time', 1)").run();
    db.prepare("INSERT INTO cameras (id, first_seen_ms) VALUES ('entrance', 1)").run();
    db.prepare("INSERT INTO holds (from_ms, to_ms, reason, created_ms, created_by) VALUES (0, 10, 'r', 1, 'me')").run();
    db.prepare("INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (1, 'os:me', 'init', '{}', 'p', 'h')").run();
    migrate(db, 5);
    expect(schemaVersion(db)).toBe(5);
    expect((db.prepare('SELECT COUNT(*) AS n FROM roots').get() as { n: number }).n).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM holds').get() as { n: number }).n).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n).toBe(1);

    const id = insertUser(db, { name: 'Anna', role: 'officer', passwordHash: 'scrypt$x', createdMs: 5, createdBy: 'os:me' });
    expect(getUserByName(db, 'anna')?.id).toBe(id);
    expect(() => insertUser(db, { name: 'ANNA', role: 'hr', passwordHash: 'scrypt$x', createdMs: 5, createdBy: 'os:me' })).toThrow(/UNIQUE/);
    expect(() => insertUser(db, { name: 'bob', role: 'root' as never, passwordHash: 'scrypt$x', createdMs: 5, createdBy: 'os:me' })).toThrow(/CHECK/);
    expect(countActiveAdmins(db)).toBe(0);

    insertSession(db, { tokenHash: 'abc', userId: id, atMs: 6, client: null });
    expect(getSessionByTokenHash(db, 'abc')).toMatchObject({ user_id: id, last_seen_ms: 6, ended_ms: null });
    expect(() => insertSession(db, { tokenHash: 'def', userId: 999, atMs: 6, client: null })).toThrow(/FOREIGN KEY/);
  });
});
