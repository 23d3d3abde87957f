import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, openDatabase, schemaVersion } from './open.js';
import { MIGRATIONS } from './migrations/index.js';
import Database from 'better-sqlite3';

describe('migrations', () => {
  it('each migration applies on top of the one before, keeping rows', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    db.prepare("INSERT INTO roots (path, sentinel_uuid, layout, added_ms) VALUES ('/r', 'u', 'camera-date-time', 1)").run();
    db.prepare("INSERT INTO cameras (id, first_seen_ms) VALUES ('entrance', 1)").run();
    db.prepare("INSERT INTO dirs (root_id, rel, mtime_ms) VALUES (1, 'entrance/2026-01-01', 1)").run();
    db.prepare("INSERT INTO segments (root_id, dir_id, name, camera_id, start_ms, end_ms, end_source) VALUES (1, 1, 'a.mp4', 'entrance', 0, 10, 'next')").run();
    migrate(db, 2);
    expect(schemaVersion(db)).toBe(2);
    expect((db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n).toBe(1);
    db.prepare("INSERT INTO holds (from_ms, to_ms, reason, created_ms, created_by) VALUES (0, 10, 'r', 1, 'me')").run();
    migrate(db);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });
  it('refuses a database from a newer Custodian and leaves it untouched', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer Custodian/);
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 1);
  });
  it('opens in WAL mode with foreign keys on', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
