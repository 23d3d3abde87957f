/**
 * The recorder's file system: sentinels and directory listings (the unlinking is in
 * native/governed-fs.ts, behind the deletion door). Paths inside a root are handled as arrays of components and joined with
 * node:path, so the same code works on Windows shares and POSIX mounts.
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { failure } from '../common/errors.js';
import { english } from '../common/i18n/catalog.js';
import { SENTINEL_FILE } from '../common/domain.js';

export interface Sentinel {
  readonly uuid: string;
  readonly createdAt: string;
}

export type SentinelState = { ok: true; uuid: string; rootIno: number; sentinelIno: number } | { ok: false; reason: string };

/** Checks that `dir` is an existing, listable folder; throws a clear error otherwise. */
export function assertUsableRoot(dir: string): string {
  const abs = path.resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw failure('invalid_request', 'media:folderGone', { folder: abs });
    if (code === 'EACCES' || code === 'EPERM') throw failure('invalid_request', 'media:folderDenied', { folder: abs });
    throw failure('invalid_request', 'media:folderUnusable', { folder: abs, detail: (e as Error).message });
  }
  if (!st.isDirectory()) throw failure('invalid_request', 'media:folderIsFile', { folder: abs });
  try {
    readdirSync(abs);
  } catch (e) {
    throw failure('invalid_request', 'media:folderUnlistable', { folder: abs, detail: (e as Error).message });
  }
  return abs;
}

/**
 * The identities of `abs` and of every folder above it, nearest first. Two paths whose lists
 * share an entry reach the same folder (a bind mount, a second mapping of one share), whatever
 * their names say.
 */
export function folderIdentities(abs: string): Pick<FolderIdentity, 'dev' | 'ino'>[] {
  const out: Pick<FolderIdentity, 'dev' | 'ino'>[] = [];
  let dir = path.resolve(abs);
  for (;;) {
    try {
      const st = statSync(dir, { bigint: true });
      out.push({ dev: st.dev, ino: st.ino });
    } catch {
      // A folder above that cannot be read says nothing about sameness: leave it out.
    }
    const up = path.dirname(dir);
    if (up === dir) return out;
    dir = up;
  }
}

/** True when `abs` itself is a symbolic link (or a Windows junction), not a folder. */
export function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where `abs` really is once every link on the way is followed; `abs` when it cannot be read. */
export function realFolder(abs: string): string {
  try {
    return realpathSync.native(abs);
  } catch {
    return abs;
  }
}

/**
 * Reads a root's sentinel, with the identity (inode) of the root folder and of the sentinel file
 * itself: a copy of the sentinel on another disk, or a root swapped for a link to such a copy,
 * reads the same UUID but not the same identity. The root must be a real folder, not a link.
 */
export function readSentinel(root: string): SentinelState {
  let text: string;
  let rootIno: number;
  let sentinelIno: number;
  try {
    const rst = lstatSync(root);
    if (rst.isSymbolicLink()) return { ok: false, reason: english({ key: 'media:sentinelLink' }) };
    if (!rst.isDirectory()) return { ok: false, reason: english({ key: 'media:sentinelNotFolder' }) };
    rootIno = rst.ino;
    const st = lstatSync(path.join(root, SENTINEL_FILE));
    if (!st.isFile()) return { ok: false, reason: english({ key: 'media:sentinelNotFile' }) };
    sentinelIno = st.ino;
    text = readFileSync(path.join(root, SENTINEL_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: english({ key: 'media:sentinelMissing' }) };
    return { ok: false, reason: english({ key: 'media:sentinelUnreadable', params: { detail: code ?? (e as Error).message } }) };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Sentinel>;
    if (typeof parsed.uuid !== 'string') return { ok: false, reason: english({ key: 'media:sentinelDamaged' }) };
    return { ok: true, uuid: parsed.uuid, rootIno, sentinelIno };
  } catch {
    return { ok: false, reason: english({ key: 'media:sentinelDamaged' }) };
  }
}

/** Writes a sentinel unless one is there; returns the root's UUID. */
export function ensureSentinel(root: string, nowIso: string): string {
  const existing = readSentinel(root);
  if (existing.ok) return existing.uuid;
  const uuid = randomUUID();
  const body: Sentinel = { uuid, createdAt: nowIso };
  try {
    writeFileSync(
      path.join(root, SENTINEL_FILE),
      `${JSON.stringify({ ...body, note: 'Written by Custodian. While this file is here, Custodian knows this recording root is mounted. Do not copy it to another disk.' }, null, 2)}\n`,
      { flag: 'wx' },
    );
  } catch (e) {
    throw failure('invalid_request', 'media:sentinelWrite', { folder: root, detail: (e as Error).message });
  }
  return uuid;
}

export interface DirListing {
  readonly mtimeMs: number;
  readonly files: string[];
  readonly dirs: string[];
  /** Entries we will not index or touch, with the reason a person reads. */
  readonly skipped: { name: string; reason: string }[];
}

/** Names containing U+FFFD could not be decoded as UTF-8: we could not open them again by name. */
const BAD_NAME = /\uFFFD/;
/** Why an entry is left alone (the English log form; faces read it back into words). */
const SKIPPED = { name: english({ key: 'media:skippedName' }), link: english({ key: 'media:skippedLink' }), special: english({ key: 'media:skippedSpecial' }) };

export function listDir(abs: string): DirListing {
  const mtimeMs = Math.trunc(lstatSync(abs).mtimeMs);
  const entries = readdirSync(abs, { withFileTypes: true });
  const files: string[] = [];
  const dirs: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const e of entries) {
    const name = e.name;
    if (BAD_NAME.test(name)) skipped.push({ name, reason: SKIPPED.name });
    else if (e.isFile()) files.push(name);
    else if (e.isDirectory()) dirs.push(name);
    else if (e.isSymbolicLink()) skipped.push({ name, reason: SKIPPED.link });
    else skipped.push({ name, reason: SKIPPED.special });
  }
  return { mtimeMs, files, dirs, skipped };
}

export function dirMtime(abs: string): number | null {
  try {
    const st = lstatSync(abs);
    return st.isDirectory() ? Math.trunc(st.mtimeMs) : null;
  } catch {
    return null;
  }
}

/** A folder's mtime and identity (device and inode, 64-bit), read without following a link. */
export interface FolderIdentity {
  readonly mtimeMs: number;
  readonly ino: bigint;
  readonly dev: bigint;
}

/**
 * The identity of the folder at `abs`, or null when it is gone or not a folder (a symlink is
 * not a folder here). Bigint: inode numbers are 64-bit and must not be rounded.
 */
export function folderIdentity(abs: string): FolderIdentity | null {
  try {
    const st = lstatSync(abs, { bigint: true });
    return st.isDirectory() ? { mtimeMs: Number(st.mtimeMs), ino: st.ino, dev: st.dev } : null;
  } catch {
    return null;
  }
}

export interface FolderEntry {
  readonly name: string;
  /** A symlink is 'other': never followed. */
  readonly kind: 'file' | 'dir' | 'other';
  readonly mtimeMs: number;
}

/**
 * The entries of a small folder with each one's kind and mtime (one lstat each), or null when
 * it cannot be listed. For a folder that just appeared; a scan uses listDir.
 */
export function folderEntries(abs: string): FolderEntry[] | null {
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return null;
  }
  const out: FolderEntry[] = [];
  for (const name of names) {
    if (BAD_NAME.test(name)) continue;
    try {
      const st = lstatSync(path.join(abs, name));
      out.push({ name, kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', mtimeMs: Math.trunc(st.mtimeMs) });
    } catch {
      // gone between the listing and the lstat
    }
  }
  return out;
}

export interface FileFacts {
  readonly size: number;
  readonly mtimeMs: number;
}

export function fileFacts(abs: string): FileFacts | null {
  try {
    const st = lstatSync(abs);
    if (!st.isFile()) return null;
    return { size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  } catch {
    return null;
  }
}

export function joinInRoot(root: string, relComponents: readonly string[]): string {
  return path.join(root, ...relComponents);
}

/** Splits the canonical stored form ("a/b/c") back into components. */
export function relComponents(rel: string): string[] {
  return rel === '' ? [] : rel.split('/');
}
