/**
 * Holds changed from outside Custodian (attack 10, findings 4–6), with the real sqlite3 shell and
 * the built CLI: a hold released by hand is named by `audit verify` and stops deletion in the
 * root whose signed hold copy still has it (a `hold-copy-conflict` alarm, the sentence from the
 * catalogue), and that copy is never written over; a release made the Custodian way with the
 * copy left stale (a crash before it was rewritten) is no conflict; `init --adopt` refuses a copy
 * older than the data folder's anchors, with an alarm. Needs the built CLI (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodianCli, DAY, fastTempBase, MINUTE, tempDir, writeSegments } from './helpers.js';

const run = custodianCli;
const COPY = '.custodian-holds.json';
const DROP_GUARDS = ['holds_no_delete', 'holds_only_release', 'hold_cameras_no_delete', 'hold_cameras_no_update'].map((t) => `DROP TRIGGER IF EXISTS ${t};`).join(' ');

interface AlarmOut {
  id: number;
  kind: string;
  message: string;
  details: { msg?: { key: string; params?: Record<string, unknown> } };
}

describe('holds against their records and the roots\' signed copies', () => {
  let t: ReturnType<typeof tempDir>;
  let root = '';
  let data = '';
  let held: string[] = [];
  let due: string[] = [];
  let holdId = 0;
  let olderCopy = '';
  const now = Date.now();
  const alarmsOf = (d: string): AlarmOut[] => (JSON.parse(run(d, '--json', 'alarms').out) as { alarms: AlarmOut[] }).alarms;
  const copyData = (name: string): string => {
    const d = path.join(t.dir, name);
    cpSync(data, d, { recursive: true });
    return d;
  };

  beforeAll(() => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-holds-', fastTempBase());
    root = path.join(t.dir, 'rec');
    data = path.join(t.dir, 'data');
    mkdirSync(root);
    held = writeSegments(root, 'entrance', now - 100 * DAY, 10, 10 * MINUTE);
    due = writeSegments(root, 'entrance', now - 95 * DAY, 10, 10 * MINUTE);
    writeSegments(root, 'entrance', now - 301 * MINUTE, 30, 10 * MINUTE); // a live camera (the clock check)
    expect(run(data, 'init', '--storage', root, '--layout', 'camera-date-time').status).toBe(0);
    expect(run(data, 'settings', 'set', 'massDeletionShare', '1').status).toBe(0);
    expect(run(data, 'scan').status).toBe(0);
    expect(run(data, 'audit', 'anchor', '--why', 'before the hold').status).toBe(0);
    olderCopy = readFileSync(path.join(root, COPY), 'utf8');
    const iso = (ms: number) => new Date(ms).toISOString();
    const added = run(data, '--json', 'hold', 'add', '--camera', 'entrance', '--from', iso(now - 100 * DAY - MINUTE), '--to', iso(now - 100 * DAY + 100 * MINUTE - MINUTE), '--reason', 'break-in, police report 2026-77');
    expect(added.status, added.err).toBe(0);
    holdId = (JSON.parse(added.out) as { id: number }).id;
    expect(run(data, 'audit', 'anchor', '--why', 'after the hold').status).toBe(0);
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('released by hand: verify names the hold, the sweep deletes nothing in the root and says why in an alarm, and the copy is not written over', () => {
    const d = copyData('data-released-by-hand');
    const edit = `UPDATE holds SET released_ms = ${now}, released_by = 'admin', release_reason = 'klar' WHERE id = ${holdId};`;
    // The triggers (migration 014) refuse shortening and deleting; a release looks like the
    // workflow's own to them, and one that is dropped first lets anything through.
    const shorten = spawnSync('sqlite3', [path.join(d, 'custodian.db'), `UPDATE holds SET to_ms = from_ms + 60000 WHERE id = ${holdId};`], { encoding: 'utf8' });
    expect(shorten.status, 'the triggers refuse a shortening').not.toBe(0);
    expect(shorten.stderr).toMatch(/only changes by being released, once/);
    expect(spawnSync('sqlite3', [path.join(d, 'custodian.db'), `${DROP_GUARDS} ${edit}`], { encoding: 'utf8' }).status).toBe(0);
    const copyBefore = readFileSync(path.join(root, COPY), 'utf8');

    const v = run(d, '--json', 'audit', 'verify');
    expect(v.status).not.toBe(0);
    const codes = (JSON.parse(v.out) as { problems: { code: string; rowId: number | null }[] }).problems.map((p) => `${p.code}:${String(p.rowId)}`);
    expect(codes).toContain(`holdReleaseUnrecorded:${holdId}`);
    expect(codes).toContain(`holdCopyReleased:${holdId}`);

    const s = run(d, '--json', 'sweep');
    expect(s.status).toBe(3);
    expect((JSON.parse(s.out) as { deleted: number }).deleted).toBe(0);
    for (const f of [...held, ...due]) expect(existsSync(f), `deleted in a root whose copy disagrees: ${f}`).toBe(true);
    const alarm = alarmsOf(d).find((a) => a.kind === 'hold-copy-conflict');
    expect(alarm?.details.msg?.key).toBe('records:problem.holdCopyReleased');
    expect(alarm?.message).toContain(`hold #${holdId}`);
    expect(alarm?.message).toContain(root);

    // A hold change in the tampered folder writes copies; this root's, the evidence, stays as it was.
    expect(run(d, 'hold', 'add', '--camera', 'entrance', '--from', new Date(now - 2 * DAY).toISOString(), '--to', new Date(now - DAY).toISOString(), '--reason', 'another').status).toBe(0);
    expect(readFileSync(path.join(root, COPY), 'utf8')).toBe(copyBefore);
  }, 120_000);

  it('the database lost and an older signed copy put back: init --adopt refuses, names the newer anchor, and raises an alarm', () => {
    const d = copyData('data-db-lost');
    for (const f of readdirSync(d)) if (f.startsWith('custodian.db')) rmSync(path.join(d, f));
    const newest = readFileSync(path.join(root, COPY), 'utf8');
    writeFileSync(path.join(root, COPY), olderCopy);
    try {
      const r = run(d, 'init', '--storage', root, '--layout', 'camera-date-time', '--adopt');
      expect(r.status).toBe(3);
      expect(r.err).toMatch(/the copy is older than the latest/);
      expect((JSON.parse(run(d, '--json', 'roots', 'list').out) as { roots: unknown[] }).roots).toEqual([]);
      expect(alarmsOf(d).find((a) => a.kind === 'hold-copy-conflict')?.details.msg?.key).toBe('records:adopt.olderCopy');
    } finally {
      writeFileSync(path.join(root, COPY), newest);
    }
  }, 120_000);

  it('released the Custodian way with the copy left stale (a crash before it was rewritten): no conflict, the released recordings go', () => {
    const stale = readFileSync(path.join(root, COPY), 'utf8');
    expect(run(data, 'hold', 'release', String(holdId), '--reason', 'case closed').status).toBe(0);
    writeFileSync(path.join(root, COPY), stale);
    const v = run(data, 'audit', 'verify');
    expect(v.status, v.out + v.err).toBe(0);
    const s = run(data, '--json', 'sweep');
    expect(s.status, s.out + s.err).toBe(0);
    for (const f of [...held, ...due]) expect(existsSync(f), `due and not held, still there: ${f}`).toBe(false);
    expect(alarmsOf(data).filter((a) => a.kind === 'hold-copy-conflict')).toEqual([]);
  }, 120_000);
});
