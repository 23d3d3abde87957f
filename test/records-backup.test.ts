/**
 * Backups on a live service and a restore that says what it cannot vouch for:
 *  - `custodian run` with backupDir set makes its daily backup at start; `custodian backup`
 *    copies the database with the online backup while the service writes;
 *  - after the database is lost, `custodian restore` brings the backup back, restores a hold
 *    made after the backup from the copy beside the sentinel, names the records written after
 *    the backup that the anchors show existed, and the records verify whole;
 *  - the service's retention of backups removes only its own, by name, never through a link.
 * Real CLI, real service process. Needs the built CLI (npm test builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../core/context.js';
import { installationOf } from '../db/ledger.js';
import { recordsUpkeep } from '../core/records-upkeep.js';
import { changeSetting } from '../core/settings.js';
import { custodianCli, DAY, fastTempBase, MINUTE, tempDir, writeSegments } from './helpers.js';

const CLI = path.resolve('bin', 'custodian.js');

const run = custodianCli;

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const backupsIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => /^custodian-backup-.*\.db$/.test(n)).sort() : []);

describe('backups and restore', () => {
  let t: ReturnType<typeof tempDir>;
  let data = '';
  let root = '';
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(() => {
    expect(existsSync(path.resolve('dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    t = tempDir('custodian-backup-', fastTempBase());
    data = path.join(t.dir, 'data');
    root = path.join(t.dir, 'rec');
    mkdirSync(root);
    writeSegments(root, 'entrance', now - 2 * DAY, 50, 10 * MINUTE);
    expect(run(data, 'init', '--storage', root, '--layout', 'camera-date-time').status).toBe(0);
    expect(run(data, 'scan').status).toBe(0);
    expect(run(data, 'settings', 'set', 'backupDir', path.join(t.dir, 'daily')).status).toBe(0);
    expect(run(data, 'hold', 'add', '--camera', 'entrance', '--from', iso(now - 2 * DAY), '--to', iso(now - 2 * DAY + 60 * MINUTE), '--reason', 'made before the backup').status).toBe(0);
  });
  afterAll(() => t?.cleanup());

  it('round trip on a live service: backup while it runs, lose the database, restore, and the records and holds are whole', async () => {
    const service = spawn(process.execPath, [CLI, '--data', data, 'run', '--no-probe'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    service.stdout?.on('data', (b: Buffer) => (log += b.toString()));
    service.stderr?.on('data', (b: Buffer) => (log += b.toString()));
    try {
      await until('the service\'s daily backup', () => backupsIn(path.join(t.dir, 'daily')).length === 1);
      await until('the service to be watching', () => /watching/.test(log));
      // A backup taken by hand while the service runs (and writes: it keeps indexing).
      writeSegments(root, 'entrance', now - 60 * MINUTE, 3, 10 * MINUTE);
      const manual = run(data, '--json', 'backup', '--to', path.join(t.dir, 'manual'));
      expect(manual.status, manual.err).toBe(0);
      const b = JSON.parse(manual.out) as { file: string; head: { seq: number }; anchor: { seq: number } };
      expect(lstatSync(b.file).isFile()).toBe(true);
      // One self-contained file: nothing beside it.
      expect(readdirSync(path.dirname(b.file)).filter((n) => n.startsWith(path.basename(b.file)))).toEqual([path.basename(b.file)]);
      expect(b.head.seq).toBeGreaterThan(b.anchor.seq);
      // After the backup: a hold (its copy goes beside the sentinel) and an anchor over it.
      expect(run(data, 'hold', 'add', '--camera', 'entrance', '--from', iso(now - DAY), '--to', iso(now - DAY + 30 * MINUTE), '--reason', 'made after the backup').status).toBe(0);
      expect(run(data, 'audit', 'anchor', '--why', 'test').status).toBe(0);
    } finally {
      service.kill('SIGTERM');
      await new Promise((r) => service.on('exit', r));
    }
    expect(log).toMatch(/Backup written/);
    expect(run(data, 'audit', 'verify').status).toBe(0);
    const manualFile = path.join(t.dir, 'manual', backupsIn(path.join(t.dir, 'manual'))[0] as string);

    // The database is lost.
    for (const f of ['custodian.db', 'custodian.db-wal', 'custodian.db-shm']) rmSync(path.join(data, f), { force: true });
    const restored = run(data, 'restore', '--from', manualFile);
    expect(restored.status, restored.err + restored.out).toBe(0);
    expect(restored.out).toMatch(/1 hold\(s\) restored from the copies/);
    expect(restored.out).toMatch(/Chain entries #\d+–#\d+ were written after the backup .* are lost/);
    const holds = JSON.parse(run(data, '--json', 'hold', 'list').out) as { holds: { reason: string; source: string }[] };
    expect(holds.holds.map((h) => h.reason).sort()).toEqual(['made after the backup', 'made before the backup']);
    const verify = run(data, 'audit', 'verify');
    expect(verify.status, verify.err).toBe(0);

    // Restoring again over a database that is there moves it aside, never deletes it.
    const again = run(data, '--json', 'restore', '--from', manualFile);
    expect(again.status, again.err).toBe(0);
    const replaced = (JSON.parse(again.out) as { replaced: string }).replaced;
    expect(existsSync(replaced)).toBe(true);

    // The service runs on the restored database.
    const after = run(data, 'run', '--no-probe', '--exit-after', '2');
    expect(after.status, after.err).toBe(0);
    expect(run(data, 'audit', 'verify').status).toBe(0);
  }, 180_000);

  it('the whole data folder lost, key and anchors too: the backup and the anchors kept beside it restore it, and the old anchors are named as unverifiable, not hidden', () => {
    const manual = path.join(t.dir, 'manual');
    const file = path.join(manual, backupsIn(manual)[0] as string);
    const lost = path.join(t.dir, 'data-lost');
    const r = run(lost, 'restore', '--from', file);
    expect(r.status, r.err + r.out).toBe(0);
    expect(r.out).toMatch(/The data folder had no key: the \d+ earlier anchor\(s\)/);
    const v = JSON.parse(run(lost, '--json', 'audit', 'verify').out) as { ok: boolean; anchors: { unverifiable: number; valid: number } };
    expect(v.ok).toBe(true);
    expect(v.anchors.unverifiable).toBeGreaterThan(0);
    expect(v.anchors.valid).toBe(1); // the restore's own anchor, with the new key
  });

  it('a backup that does not agree with the anchors is refused, and nothing is changed', () => {
    const manual = path.join(t.dir, 'manual');
    const file = path.join(manual, backupsIn(manual)[0] as string);
    const tampered = path.join(t.dir, 'tampered.db');
    spawnSync('cp', [file, tampered]);
    expect(spawnSync('sqlite3', [tampered, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE id = 3;"]).status).toBe(0);
    const r = run(data, 'restore', '--from', tampered);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/does not agree with its anchors: Audit event #3/);
    expect(run(data, 'audit', 'verify').status).toBe(0);
  });

  it('the daily retention removes only this installation\'s own backups, by name, never through a link', async () => {
    const dir = path.join(t.dir, 'retention');
    mkdirSync(dir);
    const ctx = openCtx({ dataDir: data });
    try {
      const short = installationOf(ctx.db).uuid.slice(0, 8);
      const ours = [1, 2, 3, 4, 5].map((d) => `custodian-backup-${short}-2026010${d}T030000Z.db`);
      for (const f of ours) writeFileSync(path.join(dir, f), 'old backup');
      const foreign = 'custodian-backup-00000000-20260101T030000Z.db';
      writeFileSync(path.join(dir, foreign), 'another installation');
      writeFileSync(path.join(dir, 'notes.txt'), 'a person\'s file');
      const target = path.join(t.dir, 'precious.db');
      writeFileSync(target, 'not a backup');
      const link = `custodian-backup-${short}-20251231T030000Z.db`;
      symlinkSync(target, path.join(dir, link));
      changeSetting(ctx, 'backupDir', dir);
      changeSetting(ctx, 'backupKeep', 3);
      await recordsUpkeep(ctx, () => undefined);
      const left = readdirSync(dir).sort();
      // The new one and the two newest old ones stay; the three oldest of ours go.
      expect(left.filter((n) => n.startsWith(`custodian-backup-${short}`) && n !== link)).toHaveLength(3);
      for (const f of ours.slice(0, 3)) expect(left).not.toContain(f);
      expect(left).toEqual(expect.arrayContaining([foreign, 'notes.txt', link, ours[3], ours[4]]));
      expect(existsSync(target)).toBe(true);

      // A backup folder reached through a link: backups are written, nothing is removed.
      const real = path.join(t.dir, 'real-backups');
      mkdirSync(real);
      for (const f of ours) writeFileSync(path.join(real, f), 'old backup');
      const viaLink = path.join(t.dir, 'linked-backups');
      symlinkSync(real, viaLink);
      changeSetting(ctx, 'backupDir', viaLink);
      await recordsUpkeep(ctx, () => undefined);
      expect(readdirSync(real).filter((n) => ours.includes(n))).toHaveLength(5);
      expect(backupsIn(real)).toHaveLength(6);
    } finally {
      ctx.close();
    }
  });
});
