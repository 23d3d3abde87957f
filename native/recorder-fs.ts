/**
 * The recorder's file system: sentinels, directory listings and the only unlink of recorder
 * files in the product. Paths inside a root are handled as arrays of components and joined with
 * node:path, so the same code works on Windows shares and POSIX mounts.
 */
import { randomUUID } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CustodianError } from '../common/errors.js';
import { SENTINEL_FILE } from '../common/domain.js';

export interface Sentinel {
  readonly uuid: string;
  readonly createdAt: string;
}

export type SentinelState = { ok: true; uuid: string } | { ok: false; reason: string };

/** Checks that `dir` is an existing, listable folder; throws a clear error otherwise. */
export function assertUsableRoot(dir: string): string {
  const abs = path.resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CustodianError('invalid_request', `The recording folder ${abs} does not exist.`);
    if (code === 'EACCES' || code === 'EPERM') throw new CustodianError('invalid_request', `The recording folder ${abs} cannot be read (permission denied).`);
    throw new CustodianError('invalid_request', `The recording folder ${abs} cannot be used: ${(e as Error).message}.`);
  }
  if (!st.isDirectory()) throw new CustodianError('invalid_request', `${abs} is a file, not a folder: a recording root must be a folder.`);
  try {
    readdirSync(abs);
  } catch (e) {
    throw new CustodianError('invalid_request', `The recording folder ${abs} cannot be listed: ${(e as Error).message}.`);
  }
  return abs;
}

export function readSentinel(root: string): SentinelState {
  let text: string;
  try {
    const st = lstatSync(path.join(root, SENTINEL_FILE));
    if (!st.isFile()) return { ok: false, reason: 'the sentinel is not a regular file' };
    text = readFileSync(path.join(root, SENTINEL_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'the sentinel file is missing (share unmounted or wrong disk?)' };
    return { ok: false, reason: `the sentinel cannot be read (${code ?? (e as Error).message})` };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Sentinel>;
    if (typeof parsed.uuid !== 'string') return { ok: false, reason: 'the sentinel file is damaged' };
    return { ok: true, uuid: parsed.uuid };
  } catch {
    return { ok: false, reason: 'the sentinel file is damaged' };
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
    throw new CustodianError('invalid_request', `Cannot write the sentinel file in ${root}: ${(e as Error).message}.`);
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

export function listDir(abs: string): DirListing {
  const mtimeMs = Math.trunc(lstatSync(abs).mtimeMs);
  const entries = readdirSync(abs, { withFileTypes: true });
  const files: string[] = [];
  const dirs: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const e of entries) {
    const name = e.name;
    if (BAD_NAME.test(name)) skipped.push({ name, reason: 'the file name is not valid UTF-8' });
    else if (e.isFile()) files.push(name);
    else if (e.isDirectory()) dirs.push(name);
    else if (e.isSymbolicLink()) skipped.push({ name, reason: 'symbolic link (not followed)' });
    else skipped.push({ name, reason: 'not a regular file' });
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

export type UnlinkOutcome =
  | { outcome: 'deleted' }
  | { outcome: 'already-gone' }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'retry-later'; reason: string };


/**
 * Deletes one recorder file, and only if it is a regular file reached from the root without
 * passing through a symlink. Errors that may pass (file in use, share gone) say "retry later";
 * they are never reported as deleted.
 */
export function unlinkInsideRoot(root: string, components: readonly string[]): UnlinkOutcome {
  const name = components[components.length - 1];
  if (name === undefined) return { outcome: 'refused', reason: 'empty path' };
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    return { outcome: 'refused', reason: `path component "${name}" is not allowed` };
  }
  const problem = checkFolderInsideRoot(root, components.slice(0, -1));
  if (problem) return problem.outcome === 'already-gone' ? { outcome: 'already-gone' } : problem;
  return unlinkRegularFile(path.join(root, ...components));
}

/**
 * Checks once that a folder is reached from the root through real folders only (no symlink),
 * so a sweep can then delete many files in it with one lstat and one unlink each.
 * Returns null when it is fine, or why not.
 */
export function checkFolderInsideRoot(root: string, components: readonly string[]): { outcome: 'refused' | 'retry-later' | 'already-gone'; reason: string } | null {
  try {
    if (!statSync(root).isDirectory()) return { outcome: 'retry-later', reason: 'the root is not reachable' };
  } catch (e) {
    return { outcome: 'retry-later', reason: `the root is not reachable (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let cur = root;
  for (const c of components) {
    if (c === '' || c === '.' || c === '..' || c.includes('/') || c.includes('\\') || c.includes('\0')) return { outcome: 'refused', reason: `path component "${c}" is not allowed` };
    cur = path.join(cur, c);
    let st;
    try {
      st = lstatSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT' || code === 'ENOTDIR') return { outcome: 'already-gone', reason: `${cur} is gone` };
      return { outcome: 'retry-later', reason: `${code || 'error'} while checking ${cur}` };
    }
    if (st.isSymbolicLink()) return { outcome: 'refused', reason: `${cur} is a symbolic link: Custodian never deletes through links` };
    if (!st.isDirectory()) return { outcome: 'refused', reason: `${cur} is not a folder` };
  }
  return null;
}

/**
 * What kind of entry each name in a folder is, from one readdir (the directory entry's own type:
 * a symlink is reported as a symlink, never followed). A sweep uses it instead of an lstat per file.
 */
export function folderEntryKinds(abs: string): Map<string, 'file' | 'link' | 'other'> | null {
  try {
    const out = new Map<string, 'file' | 'link' | 'other'>();
    for (const e of readdirSync(abs, { withFileTypes: true })) out.set(e.name, e.isFile() ? 'file' : e.isSymbolicLink() ? 'link' : 'other');
    return out;
  } catch {
    return null;
  }
}

/**
 * Deletes one regular file in a folder checked with checkFolderInsideRoot. `kind` is what the
 * folder's listing said the entry is (folderEntryKinds); without it the file is lstat'ed.
 */
export function unlinkRegularFile(abs: string, kind?: 'file' | 'link' | 'other' | 'absent'): UnlinkOutcome {
  let entry = kind;
  if (entry === undefined) {
    try {
      const st = lstatSync(abs);
      entry = st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT' || code === 'ENOTDIR') return { outcome: 'already-gone' };
      return { outcome: 'retry-later', reason: `${code || 'error'} while checking ${abs}` };
    }
  }
  if (entry === 'absent') return { outcome: 'already-gone' };
  if (entry === 'link') return { outcome: 'refused', reason: `${abs} is a symbolic link: Custodian never deletes through links` };
  if (entry === 'other') return { outcome: 'refused', reason: `${abs} is not a regular file` };
  try {
    unlinkSync(abs);
    return { outcome: 'deleted' };
  } catch (e) {
    // In use, read-only, a share gone: try again later, and say so; never "deleted".
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') return { outcome: 'already-gone' };
    return { outcome: 'retry-later', reason: `${code || (e as Error).message}: ${abs} could not be deleted now` };
  }
}

/**
 * Removes folders left empty by deletion, walking up from `components` but never the root
 * itself. A folder that is not empty, or is a link, stops the walk.
 */
export function removeEmptyDirs(root: string, components: readonly string[]): number {
  let removed = 0;
  for (let n = components.length; n > 0; n--) {
    const dir = path.join(root, ...components.slice(0, n));
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory()) break;
      if (readdirSync(dir).length > 0) break;
      rmdirSync(dir);
      removed++;
    } catch {
      break;
    }
  }
  return removed;
}
