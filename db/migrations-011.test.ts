import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditByAction, pageAudit } from './audit.js';
import { pageDeletions } from './deletions.js';
import { migrate, schemaVersion } from './open.js';
import { insertOverdueAtIndex, listOverdueAtIndex } from './overdue-at-index.js';

describe('migration 011 (recordings overdue at first index; the audit log by action)', () => {
  it('applies on a version-10 database with data, keeping every row, and the log reads the new fact', () => {
    const db = new Database(':memory:');
    migrate(db, 10);
    expect(schemaVersion(db)).toBe(10);
    const del = db.prepare(
      "INSERT INTO deletions (kind, segment_id, root_id, camera_id, path, from_ms, to_ms, due_ms, marked_ms, deleted_ms, reason, outcome) VALUES ('segment', ?, 1, 'entrance', ?, ?, ?, ?, ?, ?, 'retention', 'deleted')",
    );
    for (let i = 1; i <= 3; i++) del.run(i, `/r/${i}.mp4`, i * 1000, i * 1000 + 600, 5000 + i, 9000 + i, 9000 + i);
    db.prepare("INSERT INTO audit (ts_ms, actor, action, details, prev_hash, hash) VALUES (1, 'officer', 'footage.viewed', '{\"segment\":1}', 'p', 'h')").run();
    migrate(db, 11);
    expect(schemaVersion(db)).toBe(11);
    expect((db.prepare('SELECT COUNT(*) AS n FROM deletions').get() as { n: number }).n).toBe(3);

    // Rows from before the migration have no first-index fact; a range names ids 2–3.
    insertOverdueAtIndex(db, { root_id: 1, camera_id: 'entrance', first_segment_id: 2, last_segment_id: 3, segments: 2, oldest_end_ms: 2600, newest_end_ms: 3600, indexed_ms: 7000 });
    expect(listOverdueAtIndex(db, 0)).toHaveLength(1);
    const rows = pageDeletions(db, { kind: 'segment' }, null, 10);
    expect(rows.map((r) => [r.segment_id, r.overdue_indexed_ms, r.reason_class])).toEqual([
      [1, null, 'retention'],
      [2, 7000, 'retention'],
      [3, 7000, 'retention'],
    ]);
    // Keyset: after the first row's (deleted time, id), the rest.
    expect(pageDeletions(db, {}, { at: rows[0]?.deleted_ms ?? 0, id: rows[0]?.id ?? 0 }, 10).map((r) => r.segment_id)).toEqual([2, 3]);
    expect(() => db.prepare("INSERT INTO overdue_at_index (root_id, camera_id, first_segment_id, last_segment_id, segments, oldest_end_ms, newest_end_ms, indexed_ms) VALUES (1, 'x', 5, 4, 1, 0, 0, 0)").run()).toThrow(/CHECK/);
    expect(auditByAction(db, 'footage.viewed', 0, 10)).toHaveLength(1);
    expect(pageAudit(db, { action: 'footage.viewed', detail: { field: 'segment', value: 1 } }, 0, 10)).toHaveLength(1);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM audit WHERE action = 'footage.viewed' AND id > 0 ORDER BY id LIMIT 10").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/audit_action/);
  });
});
