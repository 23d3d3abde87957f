import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './open.js';
import { insertThumbnail, liveThumbnail, markThumbnailDeleting, orphanedThumbnails, recordThumbnailDeleted } from './thumbnails.js';

describe('migration 012 (timeline stills, their record and the log of their deletion)', () => {
  it('applies on a version-11 database with recordings, and the stills follow their recordings', () => {
    const db = new Database(':memory:');
    migrate(db, 11);
    expect(schemaVersion(db)).toBe(11);
    db.prepare("INSERT INTO roots (id, path, sentinel_uuid, layout, added_ms) VALUES (1, '/r', 'u', 'camera-date-time', 0)").run();
    db.prepare("INSERT INTO dirs (id, root_id, rel, mtime_ms) VALUES (1, 1, 'entrance/2026-11-25', 0)").run();
    const seg = db.prepare("INSERT INTO segments (root_id, dir_id, name, camera_id, start_ms, end_ms, end_source, size, mtime_ms) VALUES (1, 1, ?, 'entrance', ?, ?, 'mtime', 10, ?)");
    for (let i = 1; i <= 3; i++) seg.run(`${i}.mp4`, i * 1000, i * 1000 + 999, i * 1000 + 999);
    migrate(db, 12);
    expect(schemaVersion(db)).toBe(12);
    expect((db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n).toBe(3);

    const base = { camera_id: 'entrance', size: 5, sha256: 'a'.repeat(64), width: 240, height: 135, created_ms: 9 };
    const one = insertThumbnail(db, { ...base, segment_id: 1, at_ms: 1000, rel: '0/1.jpg' });
    expect(one?.state).toBe('present');
    // No still for a recording the index does not have; one live still per recording.
    expect(insertThumbnail(db, { ...base, segment_id: 99, at_ms: 0, rel: '0/99.jpg' })).toBeUndefined();
    expect(() => insertThumbnail(db, { ...base, segment_id: 1, at_ms: 1000, rel: '0/1b.jpg' })).toThrow(/UNIQUE/);
    insertThumbnail(db, { ...base, segment_id: 2, at_ms: 2000, rel: '0/2.jpg' });
    expect(orphanedThumbnails(db, 10)).toEqual([]);

    // Recording 2 leaves the index; a new recording takes id 3's place after 3 is deleted too.
    db.prepare('DELETE FROM segments WHERE id IN (2, 3)').run();
    seg.run('4.mp4', 4000, 4999, 4999);
    expect(orphanedThumbnails(db, 10).map((t) => t.segment_id)).toEqual([2]);
    const two = liveThumbnail(db, 2);
    if (!two) throw new Error('no still for recording 2');
    markThumbnailDeleting(db, two.id, 50, 'recording deleted');
    recordThumbnailDeleted(db, two.id, 60, 'deleted');
    expect(liveThumbnail(db, 2)).toBeUndefined();
    expect(db.prepare('SELECT state, deleted_ms, outcome FROM thumbnails WHERE id = ?').get(two.id)).toEqual({ state: 'deleted', deleted_ms: 60, outcome: 'deleted' });
    // The log is final, and a still on disk is never forgotten.
    expect(() => db.prepare("UPDATE thumbnails SET outcome = 'already-gone' WHERE id = ?").run(two.id)).toThrow(/final/);
    expect(() => db.prepare('DELETE FROM thumbnails WHERE id = ?').run(one?.id)).toThrow(/cannot be forgotten/);
    expect(() => db.prepare("UPDATE thumbnails SET state = 'deleted' WHERE id = ?").run(one?.id)).toThrow(/CHECK/);
    // After its still's deletion a recording may have a new one.
    markThumbnailDeleting(db, one?.id ?? 0, 70, 'replaced');
    recordThumbnailDeleted(db, one?.id ?? 0, 71, 'deleted');
    expect(insertThumbnail(db, { ...base, segment_id: 1, at_ms: 1000, rel: '0/1.jpg' })?.state).toBe('present');
  });
});
