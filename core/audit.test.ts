/**
 * The chain in one database (no anchors): every kind of change the triggers cannot stop once
 * they are dropped is named, at the first bad record. The sqlite3-shell tampering on a real data
 * folder, and the anchors, are in test/records-tamper.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { insertFinalDeletions, type FinalDeletion } from '../db/deletions.js';
import { openDatabase, type Db } from '../db/open.js';
import { appendAuditRaw, verifyAuditChain } from './audit.js';
import { checkLedger } from './chain.js';

function deletion(i: number): FinalDeletion {
  return { kind: 'segment', segment_id: i, root_id: 1, camera_id: 'cam', path: `/r/cam/${i}.mp4`, from_ms: i * 1000, to_ms: i * 1000 + 999, size: 10, sha256: null, due_ms: 5, marked_ms: 6, sweep_id: 1, handover_id: null, incident_ref: null, reason: 'retention', outcome: 'deleted', deleted_ms: 7, note: null } as FinalDeletion;
}

function chain(n: number): Db {
  const db = openDatabase(':memory:');
  for (let i = 0; i < n; i++) appendAuditRaw(db, 1_000 + i, 'os:tester', 'sweep', { i });
  return db;
}

const first = (db: Db) => checkLedger(db, {}).problems[0];

describe('the record chain in the database', () => {
  it('verifies a whole chain of audit events and deletion runs', () => {
    const db = chain(20);
    db.transaction(() => insertFinalDeletions(db, Array.from({ length: 2500 }, (_, i) => deletion(i))))();
    const c = checkLedger(db, {});
    expect(c.problems).toEqual([]);
    expect(c.records).toMatchObject({ audit: 20, deletions: 2500 });
    // 2,500 rows in one transaction: three entries of at most 1,000 rows.
    expect(c.entries).toBe(23);
    expect(verifyAuditChain(db)).toEqual({ ok: true, events: 20 });
  });

  it('refuses UPDATE and DELETE of records outright', () => {
    const db = chain(3);
    db.transaction(() => insertFinalDeletions(db, [deletion(1)]))();
    expect(() => db.prepare('UPDATE audit SET actor = ? WHERE id = 2').run('mallory')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE deletions SET outcome = 'pending'").run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE deletions SET camera_id = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM deletions').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE ledger SET hash = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger').run()).toThrow(/append-only/);
  });

  it('names the first bad record when rows were altered, removed or inserted behind the triggers', () => {
    const altered = chain(10);
    altered.exec('DROP TRIGGER audit_no_update');
    altered.prepare('UPDATE audit SET details = ? WHERE id = 4').run('{"i":99}');
    expect(first(altered)).toMatchObject({ code: 'rowChanged', table: 'audit', rowId: 4, seq: 4 });
    expect(verifyAuditChain(altered).firstBroken?.id).toBe(4);

    const removed = chain(10);
    removed.exec('DROP TRIGGER audit_no_delete');
    removed.prepare('DELETE FROM audit WHERE id = 6').run();
    expect(first(removed)).toMatchObject({ code: 'rowMissing', rowId: 6 });

    const inserted = chain(10);
    inserted.prepare("INSERT INTO audit (id, ts_ms, actor, action, details, prev_hash, hash) VALUES (100, 1, 'x', 'forged', '{}', '', '')").run();
    expect(first(inserted)).toMatchObject({ code: 'unchained', table: 'audit', rowId: 100, seq: null });
  });

  it('names the one row of a 1,000-row run that changed, and a changed column whatever it is', () => {
    for (const col of ['camera_id', 'from_ms', 'to_ms', 'deleted_ms', 'incident_ref', 'outcome', 'note']) {
      const db = chain(2);
      db.transaction(() => insertFinalDeletions(db, Array.from({ length: 1000 }, (_, i) => deletion(i))))();
      db.exec('DROP TRIGGER deletions_no_update; DROP TRIGGER deletions_no_rewrite');
      db.prepare(`UPDATE deletions SET ${col} = ${col === 'outcome' ? "'pending'" : col === 'incident_ref' || col === 'note' || col === 'camera_id' ? "'x'" : '42'} WHERE id = 777`).run();
      expect(first(db), col).toMatchObject({ code: 'rowChanged', table: 'deletions', rowId: 777, seq: 3 });
    }
  });

  it('a column added later (nullable) changes no hash; a value put in it is caught', () => {
    const db = chain(5);
    db.exec('ALTER TABLE audit ADD COLUMN extra TEXT');
    expect(checkLedger(db, {}).problems).toEqual([]);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET extra = 'x' WHERE id = 3").run();
    expect(first(db)).toMatchObject({ code: 'rowChanged', rowId: 3 });
  });

  it('sees a gap in the sequence numbers, a spliced link and an altered entry', () => {
    const gap = chain(10);
    gap.exec('DROP TRIGGER ledger_no_delete; DROP TRIGGER audit_no_delete');
    gap.exec('DELETE FROM ledger WHERE seq = 5; DELETE FROM audit WHERE id = 5');
    expect(first(gap)).toMatchObject({ code: 'gap', seq: 5 });

    const altered = chain(10);
    altered.exec('DROP TRIGGER ledger_no_update');
    altered.exec("UPDATE ledger SET first_id = 3, last_id = 3 WHERE seq = 7");
    expect(first(altered)).toMatchObject({ code: 'entryAltered', seq: 7 });
  });

  it('a pending deletion row is a journal entry until completed, and chained when it completes', () => {
    const db = chain(1);
    const id = Number(db.prepare("INSERT INTO deletions (kind, path, marked_ms, reason) VALUES ('clip', '/a/clip.mp4', 1, 'closed')").run().lastInsertRowid);
    expect(checkLedger(db, {}).problems).toEqual([]);
    db.prepare("UPDATE deletions SET outcome = 'deleted', deleted_ms = 2 WHERE id = ?").run(id);
    // Completed by hand, not by completeDeletion: not in the chain.
    expect(first(db)).toMatchObject({ code: 'unchained', table: 'deletions', rowId: id });
  });
});
