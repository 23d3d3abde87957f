import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './open.js';
import { getSegment, insertSegments, type NewSegment } from './segments.js';
import { forgetStoreSignature, noteStoreSignature, storeSignatures } from './store-signatures.js';

describe('migration 013 (what names say beyond the start; stores found inside a root)', () => {
  it('applies on a version-12 database with segments, keeping every row, and new rows carry end and kind', () => {
    const db = new Database(':memory:');
    migrate(db, 12);
    expect(schemaVersion(db)).toBe(12);
    db.prepare("INSERT INTO roots (path, sentinel_uuid, layout, added_ms) VALUES ('/r', 'u', 'dahua', 1)").run();
    db.prepare("INSERT INTO dirs (root_id, rel, mtime_ms) VALUES (1, 'd', 1)").run();
    for (let i = 0; i < 3; i++) {
      db.prepare("INSERT INTO segments (root_id, dir_id, name, camera_id, start_ms, end_ms, end_source) VALUES (1, 1, ?, 'entrance', ?, ?, 'next')").run(`${i}.mp4`, i * 600, i * 600 + 600);
    }
    migrate(db, 13);
    expect(schemaVersion(db)).toBe(13);
    const old = db.prepare('SELECT name, name_end_ms, event_kind, time_from FROM segments ORDER BY id').all();
    expect(old).toEqual([0, 1, 2].map((i) => ({ name: `${i}.mp4`, name_end_ms: null, event_kind: null, time_from: null })));

    // 64 rows take the multi-row statement; the metadata of each lands in its own row.
    const rows: NewSegment[] = Array.from({ length: 70 }, (_, i) => ({
      rootId: 1, dirId: 1, name: `n${i}.mp4`, cameraId: 'gate', startMs: 10_000 + i * 600, endMs: 10_600 + i * 600, endSource: 'estimate',
      size: null, mtimeMs: null, ...(i % 2 === 0 ? { named: { endMs: 10_600 + i * 600, kind: i % 4 === 0 ? 'motion' : 'scheduled' } } : {}),
    }));
    const ids = insertSegments(db, rows);
    expect(getSegment(db, ids[0] as number)).toMatchObject({ name_end_ms: 10_600, event_kind: 'motion', time_from: null });
    expect(getSegment(db, ids[1] as number)).toMatchObject({ name_end_ms: null, event_kind: null });
    expect(getSegment(db, ids[66] as number)).toMatchObject({ name_end_ms: 10_600 + 66 * 600, event_kind: 'scheduled' });
    expect(() => db.prepare("UPDATE segments SET time_from = 'name' WHERE id = 1").run()).toThrow(/CHECK/);

    noteStoreSignature(db, 1, 'datadir0/index00.bin', 'hikvision', 5);
    noteStoreSignature(db, 1, 'datadir0/index00.bin', 'hikvision', 6);
    expect(storeSignatures(db, 1)).toEqual([{ root_id: 1, rel: 'datadir0/index00.bin', recorder: 'hikvision', found_ms: 5 }]);
    forgetStoreSignature(db, 1, 'datadir0/index00.bin');
    expect(storeSignatures(db, 1)).toEqual([]);
  });
});
