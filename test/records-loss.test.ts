/**
 * The database is lost; the recordings and the holds copied beside the sentinel are not. A new
 * `init` on the same root refuses to adopt it silently and says what it found; with `--adopt`
 * the holds come back before any sweep, and even after the mass-deletion alarm is acknowledged
 * nothing held is deleted, while everything due and not held is. Real CLI, real files.
 * Needs the built CLI (npm test builds first).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodianCli, DAY, fastTempBase, MINUTE, tempDir, writeSegments } from './helpers.js';


const run = custodianCli;

describe('holds that survive the database', () => {
  let t: ReturnType<typeof tempDir>;
  let root = '';
  let data = '';
  const now = Date.now();
  let heldFiles: string[] = [];
  let dueFiles: string[] = [];
  let installation = '';

  beforeAll(() => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-loss-', fastTempBase());
    root = path.join(t.dir, 'rec');
    data = path.join(t.dir, 'data');
    mkdirSync(root);
    // 100 days old: all due. The first 20 of each camera fall inside the holds below.
    heldFiles = [...writeSegments(root, 'entrance', now - 100 * DAY, 20, 10 * MINUTE), ...writeSegments(root, 'till', now - 99 * DAY, 20, 10 * MINUTE)];
    dueFiles = [...writeSegments(root, 'entrance', now - 95 * DAY, 40, 10 * MINUTE), ...writeSegments(root, 'till', now - 94 * DAY, 40, 10 * MINUTE)];
    writeSegments(root, 'entrance', now - 301 * MINUTE, 30, 10 * MINUTE); // a live camera: its newest recording ends now (the clock check)
    expect(run(data, 'init', '--storage', root, '--layout', 'camera-date-time').status).toBe(0);
    expect(run(data, 'scan').status).toBe(0);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(run(data, 'hold', 'add', '--camera', 'entrance', '--from', iso(now - 100 * DAY - MINUTE), '--to', iso(now - 100 * DAY + 200 * MINUTE - MINUTE), '--reason', 'break-in, police report 2026-77').status).toBe(0);
    expect(run(data, 'hold', 'add', '--camera', 'till', '--from', iso(now - 99 * DAY - MINUTE), '--to', iso(now - 99 * DAY + 200 * MINUTE - MINUTE), '--reason', 'till discrepancy, HR case 12').status).toBe(0);
    const released = run(data, '--json', 'hold', 'add', '--camera', 'till', '--from', iso(now - 94 * DAY), '--to', iso(now - 93 * DAY), '--reason', 'released again');
    expect(run(data, 'hold', 'release', String((JSON.parse(released.out) as { id: number }).id), '--reason', 'not needed').status).toBe(0);
    const copy = JSON.parse(readFileSync(path.join(root, '.custodian-holds.json'), 'utf8')) as { installation: string; holds: unknown[] };
    expect(copy.holds).toHaveLength(2);
    installation = copy.installation;
  }, 120_000);
  afterAll(() => t?.cleanup());

  it('a fresh data folder refuses the root without --adopt, saying what it found; with --adopt the holds come back and nothing held is deleted', () => {
    // The database is lost (the keys survive here; the next test loses them too).
    for (const f of ['custodian.db', 'custodian.db-wal', 'custodian.db-shm']) rmSync(path.join(data, f), { force: true });
    const refused = run(data, 'init', '--storage', root, '--layout', 'camera-date-time');
    expect(refused.status).toBe(3);
    expect(refused.err).toContain(`earlier installation (${installation}`);
    expect(refused.err).toMatch(/2 hold\(s\)/);
    expect(refused.err).toContain('--adopt');
    // Nothing was taken over: no root registered, no sentinel rewritten.
    expect((JSON.parse(run(data, '--json', 'roots', 'list').out) as { roots: unknown[] }).roots).toEqual([]);

    const adopted = run(data, 'init', '--storage', root, '--layout', 'camera-date-time', '--adopt');
    expect(adopted.status, adopted.err).toBe(0);
    const holds = JSON.parse(run(data, '--json', 'hold', 'list').out) as { holds: { cameras: string[]; reason: string; source: string }[] };
    expect(holds.holds.map((h) => [h.cameras.join(','), h.reason, h.source]).sort()).toEqual([
      ['entrance', 'break-in, police report 2026-77', 'restored'],
      ['till', 'till discrepancy, HR case 12', 'restored'],
    ]);
    expect(run(data, 'scan').status).toBe(0);
    // The first sweep over 100 days of old footage is a mass deletion: paused until acknowledged.
    const paused = run(data, '--json', 'sweep');
    expect(paused.status).toBe(3);
    const alarms = JSON.parse(run(data, '--json', 'alarms').out) as { alarms: { id: number; kind: string }[] };
    const mass = alarms.alarms.find((a) => a.kind === 'mass-deletion');
    expect(mass).toBeDefined();
    expect(run(data, 'alarms', 'ack', String(mass?.id), '--note', 'checked: the old footage is due').status).toBe(0);
    const swept = JSON.parse(run(data, '--json', 'sweep').out) as { deleted: number; held: number };
    expect(swept.deleted).toBe(dueFiles.length);
    for (const f of heldFiles) expect(existsSync(f), `held file deleted: ${f}`).toBe(true);
    for (const f of dueFiles) expect(existsSync(f), `due file kept: ${f}`).toBe(false);
    expect(run(data, 'audit', 'verify').status).toBe(0);
  });

  it('the whole data folder lost, keys too: the copy is signed by a key this site no longer has, and is still restored', () => {
    rmSync(data, { recursive: true, force: true });
    const refused = run(data, 'init', '--storage', root, '--layout', 'camera-date-time');
    expect(refused.status).toBe(3);
    const adopted = run(data, 'init', '--storage', root, '--layout', 'camera-date-time', '--adopt');
    expect(adopted.status, adopted.err).toBe(0);
    const holds = JSON.parse(run(data, '--json', 'hold', 'list').out) as { holds: { reason: string }[] };
    expect(holds.holds).toHaveLength(2);
    // The copy now belongs to the new installation; re-adding the root needs no --adopt.
    expect(run(data, 'roots', 'remove', '1').status).toBe(0);
    expect(run(data, 'roots', 'add', root, '--layout', 'camera-date-time').status).toBe(0);
  });
});
