import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.js';
import { appendAuditRaw, verifyAuditChain } from './audit.js';

function chain(n: number) {
  const db = openDatabase(':memory:');
  for (let i = 0; i < n; i++) appendAuditRaw(db, 1_000 + i, 'os:tester', 'sweep', { i });
  return db;
}

describe('audit chain', () => {
  it('verifies a whole chain', () => {
    expect(verifyAuditChain(chain(20))).toEqual({ ok: true, events: 20 });
  });
  it('refuses UPDATE and DELETE outright', () => {
    const db = chain(3);
    expect(() => db.prepare('UPDATE audit SET actor = ? WHERE id = 2').run('mallory')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE id = 2').run()).toThrow(/append-only/);
  });
  it('names the first broken event when a row was altered, removed or inserted behind the triggers', () => {
    const altered = chain(10);
    altered.exec('DROP TRIGGER audit_no_update');
    altered.prepare('UPDATE audit SET details = ? WHERE id = 4').run('{"i":99}');
    expect(verifyAuditChain(altered).firstBroken?.id).toBe(4);

    const removed = chain(10);
    removed.exec('DROP TRIGGER audit_no_delete');
    removed.prepare('DELETE FROM audit WHERE id = 6').run();
    expect(verifyAuditChain(removed).firstBroken?.id).toBe(7);

    const inserted = chain(10);
    inserted.prepare("INSERT INTO audit (id, ts_ms, actor, action, details, prev_hash, hash) VALUES (100, 1, 'x', 'forged', '{}', 'aa', 'bb')").run();
    expect(verifyAuditChain(inserted).ok).toBe(false);
    expect(verifyAuditChain(inserted).firstBroken?.id).toBe(100);
  });
});
