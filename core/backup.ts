/**
 * Backups of the database and restoring one.
 *
 * `backup --to DIR` uses SQLite's online backup (better-sqlite3 `db.backup`), never a file copy:
 * the copy is a consistent snapshot even while the service writes. It is written under a
 * temporary name, fsynced and renamed; the chain's head is anchored first, and the anchors and
 * the public key are copied beside the backups so a restore can be checked even when the data
 * folder is gone. The service makes one a day (core/records-upkeep.ts) into the `backupDir`
 * setting and keeps `backupKeep` of them: older ones are removed only if they are regular files with the name
 * Custodian gives its own backups (this installation's), in a folder reached without a link.
 *
 * `restore --from FILE` checks the backup (integrity, its chain, the anchors), moves the
 * current database aside (never deletes it), copies the backup in with the same online backup,
 * and then reconciles: holds in the roots' copies that are newer than the backup are restored,
 * recordings the backup indexes but the disk no longer has are counted, and what no record can
 * vouch for any more (records written after the backup, which the anchors show existed) is said.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, statSync, constants as fsConstants } from 'node:fs';
import { removeOwnBackup, removeWorkingFileSync } from '../native/own-files.js';
import { hostname } from 'node:os';
import path from 'node:path';
import { failure, isCustodianError, messageOf } from '../common/errors.js';
import type { Msg } from '../common/i18n/catalog.js';
import { formatInstant } from '../common/time.js';
import { listDirs } from '../db/dirs.js';
import { insertHold, listHolds } from '../db/holds.js';
import { installationOf, ledgerHead } from '../db/ledger.js';
import { openBackupFile, openDatabase, schemaVersion, LATEST_VERSION, type Db } from '../db/open.js';
import { listRoots } from '../db/roots.js';
import { segmentsInDir } from '../db/segments.js';
import { leaseHolder } from '../db/sweeps.js';
import { fsyncFolder } from '../native/atomic-write.js';
import { KEYS_DIR, PUBLIC_KEY_FILE } from '../native/keys.js';
import { listDir, relComponents } from '../native/recorder-fs.js';
import { anchorChain, anchorsDir, compactUtc, listAnchorFiles, readAnchor, signText, sitePublicKey, type Anchor } from './anchors.js';
import { restoreStatement } from './chain.js';
import { audit } from './audit.js';
import { DB_FILE, openCtx, prepareDataDir, type Actor, type Ctx } from './context.js';
import { readHoldCopy, writeHoldCopies } from './hold-copies.js';
import { checkSentinel } from './roots.js';
import { verifyRecords, type RecordsVerdict } from './records.js';

/** custodian-backup-<first 8 of the installation id>-<UTC time>.db: the only names retention removes. */
const BACKUP_NAME = /^custodian-backup-([0-9a-f]{8})-(\d{8}T\d{6}Z)\.db$/;

function fromCompactUtc(s: string): number {
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly head: { seq: number; hash: string } | null;
  readonly anchor: Anchor | null;
  /** Why no anchor could be made (the chain did not check out), if so. */
  readonly anchorProblem: string | null;
  readonly removed: string[];
}

/** This installation's own backups in `dir`, newest first (regular files with Custodian's names only). */
export function ownBackups(ctx: Ctx, dir: string): { file: string; atMs: number }[] {
  const short = installationOf(ctx.db).uuid.slice(0, 8);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .map((e) => ({ e, m: BACKUP_NAME.exec(e.name) }))
    .filter((x) => x.e.isFile() && x.m !== null && x.m[1] === short)
    .map((x) => ({ file: path.join(dir, x.e.name), atMs: fromCompactUtc((x.m as RegExpExecArray)[2] as string) }))
    .sort((a, b) => b.atMs - a.atMs);
}

function copyAnchorsTo(ctx: Ctx, dir: string): void {
  const target = path.join(dir, `anchors-${installationOf(ctx.db).uuid.slice(0, 8)}`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  const files = listAnchorFiles(anchorsDir(ctx.dataDir)).flatMap((f) => [f, f.replace(/\.json$/, '.sig')]);
  files.push(path.join(ctx.dataDir, KEYS_DIR, PUBLIC_KEY_FILE));
  for (const f of files) {
    try {
      copyFileSync(f, path.join(target, path.basename(f)), fsConstants.COPYFILE_EXCL);
    } catch {
      // already there (anchors never change) or gone
    }
  }
}

/** Removes this installation's backups beyond `keep`: only regular files named as Custodian names them. */
export function pruneBackups(ctx: Ctx, dir: string, keep: number): string[] {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return []; // a link to a folder: nothing is removed through it
  const removed: string[] = [];
  for (const b of ownBackups(ctx, dir).slice(keep)) {
    try {
      removeOwnBackup(b.file);
      removed.push(path.basename(b.file));
    } catch {
      // gone meanwhile, or not ours to remove after all
    }
  }
  if (removed.length > 0) {
    fsyncFolder(dir);
    audit(ctx, 'records.backups-removed', { dir, files: removed, keep });
  }
  return removed;
}

export async function backupTo(ctx: Ctx, dirArg: string, why: 'manual' | 'daily' = 'manual'): Promise<BackupResult> {
  const dir = path.resolve(dirArg);
  if (isInside(dir, ctx.dataDir)) throw failure('invalid_request', 'records:backup.insideData', { dir, data: ctx.dataDir });
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw failure('invalid_request', 'records:backup.cannotWrite', { dir, reason: messageOf(e) });
  }
  // The head signed before the copy, so the anchor outside the backup covers what it holds.
  let anchor: Anchor | null = null;
  let anchorProblem: string | null = null;
  try {
    anchor = anchorChain(ctx, 'backup');
  } catch (e) {
    anchorProblem = messageOf(e);
  }
  const name = `custodian-backup-${installationOf(ctx.db).uuid.slice(0, 8)}-${compactUtc(ctx.now())}.db`;
  const file = path.join(dir, name);
  const partial = path.join(dir, `.${name}.partial`);
  let head: { seq: number; hash: string } | null = null;
  try {
    await ctx.db.backup(partial);
    // One file, not a WAL database: copied, mailed or restored, nothing can be left behind.
    const copy = openBackupFile(partial);
    head = ledgerHead(copy);
    copy.close();
    renameSync(partial, file);
    fsyncFolder(dir);
  } catch (e) {
    try {
      removeWorkingFileSync(partial);
    } catch {
      // not written
    }
    throw failure('invalid_request', 'records:backup.cannotWrite', { dir, reason: messageOf(e) });
  }
  copyAnchorsTo(ctx, dir);
  const bytes = statSync(file).size;
  audit(ctx, 'records.backup', { file, bytes, head, why, anchor: anchor ? { seq: anchor.seq, file: path.basename(anchor.file) } : null });
  const removed = why === 'daily' ? pruneBackups(ctx, dir, ctx.settings().backupKeep) : [];
  return { file, bytes, head, anchor, anchorProblem, removed };
}

export interface RestoreReport {
  readonly from: string;
  readonly dataDir: string;
  /** Where the database that was there before was moved (nothing is deleted). */
  readonly replaced: string | null;
  readonly backupHead: { seq: number; hash: string } | null;
  readonly verdict: RecordsVerdict;
  readonly anchor: Anchor | null;
  readonly holdsRestored: number;
  /** Holds active in the backup that a newer copy on a root no longer has (released after the backup?): kept. */
  readonly holdsMaybeReleased: number[];
  readonly recordingsGone: number;
  /** What the restored records cannot vouch for, in sentences. */
  readonly notVouched: Msg[];
}

/** A sweeper lease held by a process on this machine that is alive: the service is running. */
function liveHolder(db: Db): string | null {
  const h = leaseHolder(db);
  if (!h) return null;
  const [host, pid] = h.holder.split(':');
  if (host !== hostname() || !pid) return null;
  try {
    process.kill(Number(pid), 0);
    return h.holder;
  } catch {
    return null;
  }
}

function moveAside(dataDir: string, nowMs: number): string | null {
  const dbFile = path.join(dataDir, DB_FILE);
  if (!existsSync(dbFile)) return null;
  const base = path.join(dataDir, `custodian-replaced-${compactUtc(nowMs)}.db`);
  // The -wal and -shm go with it: left behind, SQLite would apply them to the restored file.
  for (const suffix of ['-wal', '-shm', '']) {
    if (existsSync(`${dbFile}${suffix}`)) renameSync(`${dbFile}${suffix}`, `${base}${suffix}`);
  }
  fsyncFolder(dataDir);
  return base;
}

/** Holds in the roots' copies that the restored database lacks (made after the backup) are restored. */
function reconcileHolds(ctx: Ctx): { restored: number; maybeReleased: number[] } {
  const installation = installationOf(ctx.db).uuid;
  const key = sitePublicKey(ctx.dataDir);
  const active = listHolds(ctx.db, false);
  const all = new Set(listHolds(ctx.db, true).map((h) => h.id));
  const restoredRefs = new Set(active.filter((h) => h.source === 'restored').map((h) => h.source_ref));
  let restored = 0;
  const inNewestCopy = new Set<number>();
  let newest = -1;
  for (const root of listRoots(ctx.db)) {
    if (!checkSentinel(root).online) continue;
    const r = readHoldCopy(root.path, key?.pem ?? null);
    if (r.state !== 'ok' || r.copy.installation !== installation) continue;
    if (r.copy.chainSeq > newest) {
      newest = r.copy.chainSeq;
      inNewestCopy.clear();
      for (const h of r.copy.holds) inNewestCopy.add(h.id);
    }
    for (const h of r.copy.holds) {
      const ref = `${installation}:${h.id}`;
      if (all.has(h.id) || restoredRefs.has(ref)) continue;
      const id = insertHold(ctx.db, { fromMs: h.fromMs, toMs: h.toMs, reason: h.reason, source: 'restored', sourceRef: ref, createdMs: ctx.now(), createdBy: ctx.actor.name, cameras: h.cameras });
      audit(ctx, 'hold.restored', { hold: id, from: { installation, hold: h.id, source: h.source, sourceRef: h.sourceRef, createdBy: h.createdBy, createdMs: h.createdMs }, cameras: h.cameras, fromMs: h.fromMs, toMs: h.toMs, reason: h.reason, root: root.path });
      restoredRefs.add(ref);
      restored++;
    }
  }
  const backupHead = ledgerHead(ctx.db)?.seq ?? 0;
  const maybeReleased = newest > backupHead ? active.filter((h) => h.source !== 'restored' && !inNewestCopy.has(h.id)).map((h) => h.id) : [];
  return { restored, maybeReleased };
}

/** Recordings the restored index lists that are no longer on the disk (one listing per folder). */
function recordingsGone(ctx: Ctx): number {
  let gone = 0;
  for (const root of listRoots(ctx.db)) {
    if (!checkSentinel(root).online) continue;
    for (const d of listDirs(ctx.db, root.id)) {
      const rows = segmentsInDir(ctx.db, d.id);
      if (rows.length === 0) continue;
      let files: Set<string>;
      try {
        files = new Set(listDir(path.join(root.path, ...relComponents(d.rel))).files);
      } catch {
        files = new Set();
      }
      for (const r of rows) if (!files.has(r.name)) gone++;
    }
  }
  return gone;
}

export async function restoreBackup(opts: { dataDir: string; from: string; force?: boolean; now?: () => number; actor?: Actor }): Promise<RestoreReport> {
  const from = path.resolve(opts.from);
  const now = opts.now ?? (() => Date.now());
  let st;
  try {
    st = statSync(from);
  } catch {
    throw failure('invalid_request', 'records:restore.noFile', { file: from });
  }
  if (!st.isFile()) throw failure('invalid_request', 'records:restore.noFile', { file: from });
  const dataDir = prepareDataDir(opts.dataDir);
  // No key at all: the data folder lost it too; the anchors it signed can no longer be checked.
  const keyLost = sitePublicKey(dataDir) === null;
  if (isInside(from, dataDir) && path.basename(from).startsWith('custodian.db')) throw failure('invalid_request', 'records:restore.fromItself', { file: from });

  // Anchors kept beside the backups come back too (the data folder may have lost its own).
  const kept = path.join(path.dirname(from), `anchors-${path.basename(from).split('-')[2] ?? ''}`);
  if (existsSync(kept)) {
    mkdirSync(anchorsDir(dataDir), { recursive: true, mode: 0o700 });
    for (const f of listAnchorFiles(kept).flatMap((x) => [x, x.replace(/\.json$/, '.sig')])) {
      try {
        copyFileSync(f, path.join(anchorsDir(dataDir), path.basename(f)), fsConstants.COPYFILE_EXCL);
      } catch {
        // already there
      }
    }
  }
  // The backup must be a whole Custodian database this version can read, and its records must
  // agree with the anchors (those newer than the backup only show what it lacks).
  const src = openDatabase(from, { readonly: true });
  let backupHead: { seq: number; hash: string } | null = null;
  try {
    const integrity = src.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw failure('invalid_request', 'records:restore.damaged', { file: from, reason: String(integrity) });
    if (schemaVersion(src) > LATEST_VERSION) throw failure('conflict', 'records:restore.newer', { file: from });
    if (schemaVersion(src) < 7) throw failure('conflict', 'records:restore.tooOld', { file: from });
    backupHead = ledgerHead(src);
    const before = verifyRecords({ db: src, dataDir }).problems.filter((p) => p.code !== 'tailCut' && p.code !== 'noSiteKey');
    if (before.length > 0 && !opts.force) throw failure('conflict', 'records:restore.refusedBroken', { file: from, problem: before[0]?.text ?? '' });
  } catch (e) {
    src.close();
    throw e;
  }

  const dbFile = path.join(dataDir, DB_FILE);
  if (existsSync(dbFile)) {
    let current: Db | null = null;
    try {
      current = openDatabase(dbFile, { readonly: true });
      const live = liveHolder(current);
      if (live) throw failure('conflict', 'records:restore.serviceRunning', { holder: live });
    } catch (e) {
      if (isCustodianError(e) && e.code === 'conflict') throw e;
      // unreadable (that may be why it is restored): moved aside all the same
    } finally {
      current?.close();
    }
  }

  const replaced = moveAside(dataDir, now());
  const partial = path.join(dataDir, `.${DB_FILE}.restoring`);
  try {
    await src.backup(partial);
  } finally {
    src.close();
  }
  renameSync(partial, dbFile);
  fsyncFolder(dataDir);

  const ctx = openCtx({ dataDir, now, ...(opts.actor ? { actor: opts.actor } : {}) });
  try {
    const headSeq = ledgerHead(ctx.db)?.seq ?? 0;
    // Anchors newer than the backup are heads of history the restored database no longer has.
    const key = sitePublicKey(ctx.dataDir);
    const installation = installationOf(ctx.db).uuid;
    const beyond: { file: string; seq: number; atMs: number }[] = [];
    const unverifiable: string[] = [];
    for (const f of listAnchorFiles(anchorsDir(ctx.dataDir))) {
      const a = readAnchor(f, key);
      if (a.ok && a.statement.installation === installation && a.statement.seq > headSeq) beyond.push({ file: path.basename(f), seq: a.statement.seq, atMs: a.statement.atMs });
      else if (keyLost) unverifiable.push(path.basename(f));
    }
    const holds = ctx.db.transaction(() => reconcileHolds(ctx)).immediate();
    const gone = recordingsGone(ctx);
    const tz = ctx.settings().siteTimeZone;
    const lastBeyond = beyond.sort((a, b) => a.seq - b.seq).at(-1);
    const notVouched: Msg[] = [];
    if (lastBeyond) notVouched.push({ key: 'records:restore.lostRecords', params: { from: headSeq + 1, to: lastBeyond.seq, at: formatInstant(lastBeyond.atMs, tz) } });
    else notVouched.push({ key: 'records:restore.noLaterAnchor', params: { seq: headSeq } });
    if (gone > 0) notVouched.push({ key: 'records:restore.recordingsGone', params: { n: gone } });
    if (holds.maybeReleased.length > 0) notVouched.push({ key: 'records:restore.maybeReleased', params: { holds: holds.maybeReleased.join(', ') } });
    if (keyLost) notVouched.push({ key: 'records:restore.keyLost', params: { n: unverifiable.length } });
    // Signed (with a new key if the old one is lost): only a signed restore may set anchors aside.
    const atMs = ctx.now();
    const superseded = beyond.map((b) => b.file);
    const signed = signText(ctx, restoreStatement(installation, { backupSeq: backupHead?.seq ?? 0, backupHash: backupHead?.hash ?? '', atMs, superseded, unverifiable }));
    audit(ctx, 'records.restored', {
      from,
      backupHead,
      atMs,
      ...signed,
      unverifiableAnchors: unverifiable,
      replaced,
      supersededAnchors: superseded,
      holdsRestored: holds.restored,
      holdsMaybeReleased: holds.maybeReleased,
      recordingsGone: gone,
      notVouched,
    });
    const verdict = verifyRecords(ctx);
    if (!verdict.ok) notVouched.push({ key: 'records:restore.chainBroken', params: { problem: verdict.firstBroken?.text ?? '' } });
    let anchor: Anchor | null = null;
    try {
      anchor = verdict.ok ? anchorChain(ctx, 'restore') : null;
    } catch {
      anchor = null;
    }
    writeHoldCopies(ctx);
    return { from, dataDir, replaced, backupHead, verdict, anchor, holdsRestored: holds.restored, holdsMaybeReleased: holds.maybeReleased, recordingsGone: gone, notVouched };
  } finally {
    ctx.close();
  }
}
