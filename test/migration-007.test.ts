import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../core/chain.js';
import { getHandover, setReceipts } from '../db/handovers.js';
import { migrate, schemaVersion } from '../db/open.js';

/** An audit row the way versions before 007 wrote it: its own hash chain. */
function legacyAudit(db: Database.Database, n: number): void {
  let prev = '0'.repeat(64);
  for (let i = 1; i <= n; i++) {
    const details = JSON.stringify({ i });
    const hash = createHash('sha256').update(`${prev}\n${i}\nos:me\nsweep\n${details}`).digest('hex');
    db.prepare('INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)').run(i, 'os:me', 'sweep', details, prev, hash);
    prev = hash;
  }
}

function version6(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 6);
  expect(schemaVersion(db)).toBe(6);
  legacyAudit(db, 5);
  const del = db.prepare("INSERT INTO deletions (kind, path, marked_ms, deleted_ms, reason, outcome) VALUES ('segment', ?, 1, ?, 'retention', ?)");
  del.run('/r/a.mp4', 2, 'deleted');
  del.run('/r/b.mp4', 3, 'already-gone');
  del.run('/a/clip.mp4', null, 'pending'); // a journal entry, not a record
  del.run('/r/c.mp4', 4, 'deleted');
  db.prepare("INSERT INTO incidents (ref, year, seq, title, reason, justification, from_ms, to_ms, review_by_ms, created_ms, created_by) VALUES ('INC-2026-0001', 2026, 1, 't', 'other', 'j', 0, 10, 99, 1, 'me')").run();
  db.prepare("INSERT INTO handovers (incident_id, package_id, manifest_sha256, audience, organisation, recipient, reference, method, handed_ms, recorded_by, receipt_html, receipt_pdf) VALUES (1, 'p', 'h', 'police', 'Polisen', 'Berg', 'K-1', 'hand', 5, 'me', '/x.html', '/x.pdf')").run();
  db.prepare("INSERT INTO log_horizon (log, before_ms) VALUES ('deletions', 0)").run();
  return db;
}

describe('migration 007 (the record chain)', () => {
  it('applies on a version-6 database with data: every record is chained once, pending rows are not, and the earlier audit chain is checked', () => {
    const db = version6();
    migrate(db, 7);
    expect(schemaVersion(db)).toBe(7);
    expect((db.prepare('SELECT COUNT(*) AS n FROM deletions').get() as { n: number }).n).toBe(4);
    const c = checkLedger(db, {});
    expect(c.problems).toEqual([]);
    // 5 old events + the event that says the chain started; 3 deletion records; 1 handover.
    expect(c.records).toMatchObject({ audit: 6, deletions: 3, handovers: 1, handover_receipts: 0 });
    // The pending row (id 3) splits the deletions into two runs.
    expect(db.prepare("SELECT first_id, last_id FROM ledger WHERE tbl = 'deletions' ORDER BY seq").all()).toEqual([
      { first_id: 1, last_id: 2 },
      { first_id: 4, last_id: 4 },
    ]);
    const started = db.prepare("SELECT details FROM audit WHERE action = 'records.chain-started'").get() as { details: string };
    expect(JSON.parse(started.details)).toEqual({ adopted: { audit: 5, deletions: 3, handovers: 1, handover_receipts: 0 }, earlierAuditChain: { whole: true } });
    expect(db.prepare('SELECT through_id FROM log_horizon').get()).toEqual({ through_id: null });
    expect((db.prepare('SELECT uuid FROM installation').get() as { uuid: string }).uuid).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses from then on what the earlier triggers let through, and keeps old receipts readable', () => {
    const db = version6();
    migrate(db, 7);
    expect(() => db.prepare("UPDATE deletions SET outcome = 'pending' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE deletions SET camera_id = ? WHERE id = 1').run('x')).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE handovers SET receipt_pdf = '/y.pdf'").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE installation SET uuid = 'x'").run()).toThrow(/does not change/);
    // The pending row may still be completed or dropped (the old journal of archive deletions).
    db.prepare("UPDATE deletions SET outcome = 'deleted', deleted_ms = 9 WHERE id = 3").run();
    migrate(db); // today's reader needs today's columns (the last test shows the chain stays whole)
    expect(getHandover(db, 1)).toMatchObject({ receipt_html: '/x.html', receipt_pdf: '/x.pdf', incident_ref: 'INC-2026-0001' });
  });

  it('records that the earlier audit chain was broken, naming the event', () => {
    const db = version6();
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET details = '{\"i\":99}' WHERE id = 3").run();
    migrate(db, 7);
    const started = db.prepare("SELECT details FROM audit WHERE action = 'records.chain-started'").get() as { details: string };
    expect(JSON.parse(started.details).earlierAuditChain).toEqual({ whole: false, firstBroken: 3, reason: 'it was altered after it was written' });
  });

  it('receipts written after 007 go to their own table, chained', () => {
    const db = version6();
    db.prepare("INSERT INTO incidents (ref, year, seq, title, reason, justification, from_ms, to_ms, review_by_ms, created_ms, created_by) VALUES ('INC-2026-0002', 2026, 2, 't', 'other', 'j', 0, 10, 99, 1, 'me')").run();
    db.prepare("INSERT INTO handovers (incident_id, package_id, manifest_sha256, audience, organisation, recipient, reference, method, handed_ms, recorded_by) VALUES (2, 'q', 'h', 'hr', 'HR', 'Lind', 'HR-1', 'hand', 6, 'me')").run();
    migrate(db);
    db.transaction(() => setReceipts(db, 2, '/r.html', '/r.pdf'))();
    expect(getHandover(db, 2)).toMatchObject({ receipt_html: '/r.html', receipt_pdf: '/r.pdf' });
    expect(checkLedger(db, {}).records).toMatchObject({ handovers: 2, handover_receipts: 1 });
    expect(checkLedger(db, {}).problems).toEqual([]);
  });
});
