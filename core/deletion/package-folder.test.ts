/**
 * A package copy is deleted only inside the folder it was written to (its recorded device and
 * inode): a later package exported to the same place, whose clips and site-public.pem have the
 * same bytes, is another folder and stays whole (attack 9, reused export folder).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOpenAlarms } from '../../db/alarms.js';
import { listDeletions } from '../../db/deletions.js';
import { getIncident, insertIncident } from '../../db/incidents.js';
import { findPackage, insertPackage, packageDirIdentity } from '../../db/packages.js';
import { tempDir, testCtx, type TestClock } from '../../test/helpers.js';
import type { Ctx } from '../context.js';
import { deletePackageCopy } from './incident-material.js';

const FILES: Record<string, string> = { 'site-public.pem': 'the site key, the same in every package', 'clips/corridor.mp4': 'the same clip bytes in every package' };
const sha = (file: string): string => execFileSync('sha256sum', [file], { encoding: 'utf8' }).slice(0, 64);
const writeCopy = (dir: string): void => {
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
};

describe('a package copy and the folder it was written to', () => {
  let t: ReturnType<typeof tempDir>;
  let ctx: Ctx;
  let dir: string;
  const clock: TestClock = { now: Date.UTC(2026, 11, 2, 12) };

  beforeEach(() => {
    t = tempDir();
    ctx = testCtx(path.join(t.dir, 'data'), clock);
    dir = path.join(t.dir, 'usb', 'paket');
    writeCopy(dir);
  });
  afterEach(() => {
    ctx.close();
    t.cleanup();
  });

  const record = (identity: { dev: bigint; ino: bigint }): { pkgId: string; incId: number } => {
    const incId = insertIncident(ctx.db, { ref: 'INC-2026-001', year: 2026, seq: 1, title: 't', reason: 'crime-on-premises', justification: 'j', fromMs: 0, toMs: 1, reviewByMs: clock.now + 1e9, holdId: null, gaps: '[]', createdMs: clock.now, createdBy: 'anna', cameras: [] });
    const written = Object.keys(FILES).map((rel) => ({ copy: 'folder' as const, rel_path: rel, clip_id: null, size: lstatSync(path.join(dir, rel)).size, sha256: sha(path.join(dir, rel)) }));
    insertPackage(ctx.db, { package_id: 'P1', incident_id: incId, audience: 'police', dir, zip_path: null, manifest_sha256: 'm', files: written.length, created_ms: clock.now, created_by: 'anna', location: 'out', key_fingerprint: 'f'.repeat(64), dir_dev: identity.dev, dir_ino: identity.ino }, written);
    return { pkgId: 'P1', incId };
  };
  const discard = async (r: { pkgId: string; incId: number }) => {
    const pkg = findPackage(ctx.db, r.pkgId);
    const inc = getIncident(ctx.db, r.incId);
    if (!pkg || !inc) throw new Error('not recorded');
    return deletePackageCopy(ctx, pkg, inc, 'package discarded: test', null);
  };

  it('keeps the identity exact: an inode past 2^53 reads back as written', () => {
    const big = { dev: 2049n, ino: (1n << 62n) + 3n };
    record(big);
    const pkg = findPackage(ctx.db, 'P1');
    expect(pkg && packageDirIdentity(ctx.db, pkg.id)).toEqual(big);
  });

  it('another folder at the recorded path is left whole, named in an alarm, nothing logged; the copy is deleted in its own folder', async () => {
    const st = lstatSync(dir, { bigint: true });
    const r = record({ dev: st.dev, ino: st.ino });
    // The officer moves the copy aside and a second package lands at the same path, same bytes.
    const aside = path.join(t.dir, 'usb', 'gammal-kopia');
    renameSync(dir, aside);
    writeCopy(dir);
    const first = await discard(r);
    expect(first.deleted).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['clips', 'site-public.pem']);
    expect(readdirSync(path.join(dir, 'clips'))).toEqual(['corridor.mp4']);
    expect(listDeletions(ctx.db, 0, 100).filter((d) => d.outcome === 'deleted')).toEqual([]);
    const alarm = listOpenAlarms(ctx.db).find((a) => a.key === 'package-folder-changed:P1');
    expect(alarm?.kind).toBe('foreign-files');
    expect(alarm?.message).toContain(dir);
    expect(findPackage(ctx.db, 'P1')?.deleted_ms).toBeNull();

    // Its own folder back in place: its files go, each logged, and the copy counts as deleted.
    renameSync(dir, path.join(t.dir, 'usb', 'andra-paketet'));
    renameSync(aside, dir);
    const second = await discard(r);
    expect(second).toMatchObject({ deleted: 2, failed: [] });
    expect(readdirSync(path.join(t.dir, 'usb')).sort()).toEqual(['andra-paketet']);
    expect(listDeletions(ctx.db, 0, 100).filter((d) => d.outcome === 'deleted').map((d) => path.relative(dir, d.path)).sort()).toEqual(['clips/corridor.mp4', 'site-public.pem']);
    expect(findPackage(ctx.db, 'P1')?.deleted_ms).not.toBeNull();
  });
});
