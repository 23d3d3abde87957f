import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { getHold, insertHold, listHolds, releaseHold } from './holds.js';
import { migrate, schemaVersion } from './open.js';

describe('migration 014 (holds change only by being released, once)', () => {
  it('applies on a version-13 database with holds, keeping them; afterwards a hold can be released once and nothing else', () => {
    const db = new Database(':memory:');
    migrate(db, 13);
    const active = insertHold(db, { fromMs: 0, toMs: 600_000, reason: 'incident 7', source: 'manual', sourceRef: null, createdMs: 1, createdBy: 'os:me', cameras: ['a', 'b'] });
    const released = insertHold(db, { fromMs: 0, toMs: 600_000, reason: 'old', source: 'manual', sourceRef: null, createdMs: 1, createdBy: 'os:me', cameras: ['a'] });
    releaseHold(db, released, 'os:me', 'done', 2);
    migrate(db, 14);
    expect(schemaVersion(db)).toBe(14);
    expect(listHolds(db, true).map((h) => [h.id, h.cameras, h.released_ms])).toEqual([[active, 'a,b', null], [released, 'a', 2]]);

    // What the sqlite3 shell would try: every one refused, the rows as they were.
    const tries = [
      `UPDATE holds SET to_ms = from_ms + 60000 WHERE id = ${active}`,
      `UPDATE holds SET from_ms = 1 WHERE id = ${active}`,
      `UPDATE holds SET reason = 'x' WHERE id = ${active}`,
      `UPDATE holds SET released_ms = 5 WHERE id = ${active}`, // a release without who and why
      `UPDATE holds SET released_ms = NULL, released_by = NULL, release_reason = NULL WHERE id = ${released}`,
      `UPDATE holds SET released_ms = 9, released_by = 'x', release_reason = 'y' WHERE id = ${released}`,
      `DELETE FROM holds WHERE id = ${active}`,
      `DELETE FROM hold_cameras WHERE hold_id = ${active}`,
      `UPDATE hold_cameras SET camera_id = 'z' WHERE hold_id = ${active}`,
    ];
    for (const sql of tries) expect(() => db.exec(sql), sql).toThrow(/hold/);
    expect(getHold(db, active)).toMatchObject({ from_ms: 0, to_ms: 600_000, reason: 'incident 7', released_ms: null, cameras: 'a,b' });
    expect(getHold(db, released)).toMatchObject({ released_ms: 2, released_by: 'os:me', release_reason: 'done' });

    // The workflow's release goes through, once.
    releaseHold(db, active, 'os:anna', 'case closed', 3);
    expect(getHold(db, active)).toMatchObject({ released_ms: 3, released_by: 'os:anna', release_reason: 'case closed' });
    expect(() => releaseHold(db, active, 'os:anna', 'again', 4)).toThrow(/once/);
  });
});
