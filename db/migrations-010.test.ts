import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/helpers.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate, openDatabase, schemaVersion } from './open.js';

const count = (db: Database.Database, table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

function insertRequest(db: Database.Database, ref: string, seq: number): number {
  return Number(
    db
      .prepare(
        "INSERT INTO access_requests (ref, year, seq, received_ms, requester_name, requester_contact, identity_checked_by, identity_method, description, due_ms, created_ms, created_by) VALUES (?, 2026, ?, 1000, 'Anna A', 'Storgatan 1', 'officer', 'körkort', 'röd jacka', 5000, 1000, 'officer')",
      )
      .run(ref, seq).lastInsertRowid,
  );
}

describe('migration 010 (access requests)', () => {
  it('applies on a version-9 database with data: the deletion journal keeps its rows and takes the request kinds', () => {
    const db = new Database(':memory:');
    migrate(db, 9);
    expect(schemaVersion(db)).toBe(9);
    db.prepare("INSERT INTO deletion_journal (kind, record_id, base, rel, size, sha256, reason, marked_ms) VALUES ('clip', 7, '/a', 'INC-2026-0001/staff/x.mp4', 10, 'ab', 'handed over', 5)").run();
    migrate(db, 10);
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare('SELECT kind, record_id, rel, reason FROM deletion_journal').all()).toEqual([{ kind: 'clip', record_id: 7, rel: 'INC-2026-0001/staff/x.mp4', reason: 'handed over' }]);
    // A request file with the same id as an incident clip has its own journal row.
    db.prepare("INSERT INTO deletion_journal (kind, record_id, base, rel, reason, marked_ms) VALUES ('request-file', 7, '/a', 'DSR-2026-0001/x.mp4', 'answered', 6)").run();
    expect(count(db, 'deletion_journal')).toBe(2);
    expect(() => db.prepare("INSERT INTO deletion_journal (kind, record_id, base, rel, reason, marked_ms) VALUES ('segment', 1, '/a', 'x', 'r', 1)").run()).toThrow(/CHECK/);

    const id = insertRequest(db, 'DSR-2026-0001', 1);
    expect(() => insertRequest(db, 'DSR-2026-0002', 1)).toThrow(/UNIQUE/);
    // What the register rests on cannot be rewritten.
    expect(() => db.prepare('UPDATE access_requests SET received_ms = 2000 WHERE id = ?').run(id)).toThrow(/cannot be changed/);
    expect(() => db.prepare('UPDATE access_requests SET due_ms = 9000 WHERE id = ?').run(id)).toThrow(/cannot be changed/);
    db.prepare("UPDATE access_requests SET extended_due_ms = 8000, extension_reason = 'många kameror', extension_told_ms = 2000, extended_ms = 2000, extended_by = 'officer' WHERE id = ?").run(id);
    expect(() => db.prepare('UPDATE access_requests SET extended_due_ms = 9000 WHERE id = ?').run(id)).toThrow(/extended once/);
    expect(() => db.prepare('UPDATE access_requests SET extended_due_ms = 100 WHERE id = ?').run(id)).toThrow();
    // An open request cannot be removed; an answered one only behind the horizon.
    expect(() => db.prepare('DELETE FROM access_requests WHERE id = ?').run(id)).toThrow(/kept for its stated period/);
    db.prepare("UPDATE access_requests SET status = 'answered', delivered_ms = 4000, delivery_method = 'post', delivered_by = 'officer' WHERE id = ?").run(id);
    expect(() => db.prepare("UPDATE access_requests SET delivery_method = 'e-mail' WHERE id = ?").run(id)).toThrow(/cannot be changed/);
    expect(() => db.prepare('DELETE FROM access_requests WHERE id = ?').run(id)).toThrow(/kept for its stated period/);
    db.prepare('INSERT INTO request_horizon (id, before_ms) VALUES (1, 4001)').run();
    db.prepare('DELETE FROM access_requests WHERE id = ?').run(id);
    expect(count(db, 'access_requests')).toBe(0);

    // A complete file's record cannot be rewritten; its status can become deleted.
    const r2 = insertRequest(db, 'DSR-2026-0003', 3);
    const f = Number(db.prepare("INSERT INTO request_files (request_id, kind, rel_path, sha256, size, status, created_ms, created_by) VALUES (?, 'clip', 'DSR-2026-0003/a.mp4', 'aa', 5, 'complete', 1, 'officer')").run(r2).lastInsertRowid);
    expect(() => db.prepare("UPDATE request_files SET sha256 = 'bb' WHERE id = ?").run(f)).toThrow(/cannot be rewritten/);
    // The deadline facts' snapshots are append-only (the ledger chains them).
    const rec = db.prepare("INSERT INTO request_records (request_ref, event, at_ms, actor, status, received_ms, due_ms) VALUES ('DSR-2026-0009', 'received', 1, 'officer', 'open', 1, 2)").run().lastInsertRowid;
    expect(() => db.prepare('UPDATE request_records SET due_ms = 3 WHERE id = ?').run(rec)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM request_records WHERE id = ?').run(rec)).toThrow(/append-only/);
    db.prepare("UPDATE request_files SET status = 'deleted' WHERE id = ?").run(f);
  });

  it('is applied to a database that reached version 11 while 010 was still reserved', () => {
    const t = tempDir();
    try {
      const file = path.join(t.dir, 'custodian.db');
      const old = new Database(file);
      // As such a database was made: 010 was `SELECT 1;` then.
      migrate(old, 11, MIGRATIONS.map((m) => (m.version === 10 ? { ...m, sql: 'SELECT 1;' } : m)));
      expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'access_requests'").get()).toBeUndefined();
      old.prepare("INSERT INTO deletion_journal (kind, record_id, base, rel, reason, marked_ms) VALUES ('package', 3, '/p', 'clips/a.mp4', 'discarded', 9)").run();
      old.close();
      const db = openDatabase(file);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(count(db, 'access_requests')).toBe(0);
      expect(db.prepare('SELECT kind, record_id FROM deletion_journal').all()).toEqual([{ kind: 'package', record_id: 3 }]);
      db.close();
      // Opening again changes nothing.
      const again = openDatabase(file);
      expect(count(again, 'deletion_journal')).toBe(1);
      again.close();
    } finally {
      t.cleanup();
    }
  });
});
