/**
 * The only code in the product that unlinks a file Custodian governs (a recorder's segment, an
 * archived clip, a file of a package copy). The deletion door (core/deletion/) decides what may
 * go; this module makes sure that what goes is the file it was told, in the folder it was told,
 * and nothing reached through a link or a swapped folder.
 *
 * A folder is opened from its base (a recording root, the archive, a package folder) one
 * component at a time without following links. Where the platform lets us (Linux: /proc/self/fd)
 * the folder is then held open and every unlink is made relative to that handle: renaming the
 * folder, or replacing it (or any folder above it) with a link, cannot redirect it. Elsewhere
 * (Windows) the path is walked again and its identity compared immediately before each unlink.
 * Either way the path from the base is confirmed to lead to the same folder (device and inode)
 * immediately before each unlink, so a swap, or the folder moved out of the base, is noticed and
 * stops deletion there.
 */
import { closeSync, constants, existsSync, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, rmdirSync, unlinkSync, type BigIntStats } from 'node:fs';
import path from 'node:path';

/** A folder's identity: device and inode, exact (64-bit inode numbers pass 2^53 on NTFS). */
export interface Identity {
  readonly ino: bigint;
  readonly dev: bigint;
}

/** Identities compared as the signed 64-bit values the index stores. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return BigInt.asIntN(64, a.ino) === BigInt.asIntN(64, b.ino) && BigInt.asIntN(64, a.dev) === BigInt.asIntN(64, b.dev);
}

export type UnlinkOutcome =
  | { outcome: 'deleted' }
  | { outcome: 'already-gone' }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'retry-later'; reason: string };

export type EntryFacts =
  | { kind: 'file'; size: number; mtimeMs: number }
  | { kind: 'absent' }
  | { kind: 'link' | 'other' }
  | { kind: 'error'; code: string };

export type OpenProblem = { outcome: 'absent' | 'refused' | 'retry-later'; reason: string };

const BAD_COMPONENT = (c: string): boolean => c === '' || c === '.' || c === '..' || c.includes('/') || c.includes('\\') || c.includes('\0');

export function badComponent(components: readonly string[]): string | null {
  for (const c of components) if (BAD_COMPONENT(c)) return c;
  return null;
}

function codeOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'error';
}

/** lstat (exact 64-bit numbers) that says what it found without throwing. */
function look(abs: string): BigIntStats | { code: string } {
  try {
    return lstatSync(abs, { bigint: true });
  } catch (e) {
    return { code: codeOf(e) };
  }
}

const isStats = (s: BigIntStats | { code: string }): s is BigIntStats => 'ino' in s;

/** The identity of a folder or file, read without following a link; null when it is not there. */
export function identityOf(abs: string): Identity | null {
  const st = look(abs);
  return isStats(st) ? { ino: st.ino, dev: st.dev } : null;
}

/**
 * Walks from `base` through `components`, each a real folder (never a link). Returns the final
 * folder's identity, or why it cannot be reached.
 */
export function walkFolder(base: string, components: readonly string[]): Identity | OpenProblem {
  const bad = badComponent(components);
  if (bad !== null) return { outcome: 'refused', reason: `path component "${bad}" is not allowed` };
  let cur = base;
  let st = look(cur);
  for (let i = 0; ; i++) {
    if (!isStats(st)) {
      if (st.code === 'ENOENT' || st.code === 'ENOTDIR') return { outcome: 'absent', reason: `${cur} is gone` };
      return { outcome: 'retry-later', reason: `${st.code} while checking ${cur}` };
    }
    if (st.isSymbolicLink()) return { outcome: 'refused', reason: `${cur} is a symbolic link: Custodian never deletes through links` };
    if (!st.isDirectory()) return { outcome: 'refused', reason: `${cur} is not a folder` };
    const next = components[i];
    if (next === undefined) return { ino: st.ino, dev: st.dev };
    cur = path.join(cur, next);
    st = look(cur);
  }
}

const isIdentity = (x: Identity | OpenProblem): x is Identity => 'ino' in x;

/** Linux: a folder held open can be named as /proc/self/fd/N, which no rename or link redirects. */
const FD_PATHS = process.platform === 'linux' && existsSync('/proc/self/fd');
const DIR_FLAGS = constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | (constants.O_NOFOLLOW ?? 0);

export interface GovernedFolder {
  /** The folder's identity when it was opened. */
  readonly identity: Identity;
  readonly abs: string;
  /** What is at `name` in this folder, read without following a link. */
  entry(name: string): EntryFacts;
  /** Unlinks the regular file `name` in this folder (never a link target, never a folder). */
  unlink(name: string): UnlinkOutcome;
  /** A path that reads `name` in this very folder (to hash it before deleting). */
  readPath(name: string): string;
  /** The path from the base still leads to this very folder (nothing swapped, renamed, unmounted). */
  stillReachable(): true | OpenProblem;
  /** Makes the unlinks done so far durable (fsync of the folder), where the platform allows. */
  sync(): void;
  close(): void;
}

/** Why `base` is refused when it is not the folder whose identity was recorded. */
export function baseChanged(base: string): OpenProblem {
  return { outcome: 'refused', reason: `${base} is not the folder Custodian wrote (another folder has its name now)` };
}

/**
 * Opens a folder under `base` for deletion. `expected` (from the index) must match when given:
 * a folder replaced by another of the same name is not the folder that was indexed.
 * `baseExpected`: the identity `base` itself must have (a package copy's folder, recorded when
 * it was written); another folder at that path, even with the same files in it, is not
 * Custodian's copy, and nothing in it is deleted.
 */
export function openGovernedFolder(
  base: string,
  components: readonly string[],
  expected?: Identity | null,
  /** 'path' forces the portable variant (what Windows uses), so it is tested here too. */
  mode: 'auto' | 'path' = 'auto',
  baseExpected?: Identity | null,
): GovernedFolder | OpenProblem {
  const walked = walkFolder(base, components);
  if (!isIdentity(walked)) return walked;
  if (expected && !sameIdentity(expected, walked)) {
    return { outcome: 'refused', reason: `${path.join(base, ...components)} is not the folder that was indexed (it was replaced)` };
  }
  const baseNow = identityOf(base);
  if (baseExpected && (baseNow === null || !sameIdentity(baseExpected, baseNow))) return baseChanged(base);
  const abs = path.join(base, ...components);
  if (FD_PATHS && mode === 'auto') {
    const opened = openByHandles(base, components, walked, baseExpected ?? null);
    if ('outcome' in opened) return opened;
    return new HandleFolder(base, components, abs, walked, opened.fd, baseExpected ?? null);
  }
  return new PathFolder(base, components, abs, walked, baseExpected ?? null);
}

/** Opens each component relative to the handle of the one above it, refusing links. */
function openByHandles(base: string, components: readonly string[], expect: Identity, baseExpected: Identity | null): { fd: number } | OpenProblem {
  let fd: number;
  try {
    fd = openSync(base, DIR_FLAGS);
  } catch (e) {
    return { outcome: 'retry-later', reason: `${codeOf(e)} while opening ${base}` };
  }
  if (baseExpected) {
    // The handle itself is checked: a swap between the look above and this open is caught.
    const b = fstatSync(fd, { bigint: true });
    if (!sameIdentity({ ino: b.ino, dev: b.dev }, baseExpected)) {
      closeSync(fd);
      return baseChanged(base);
    }
  }
  for (const c of components) {
    let next: number;
    try {
      next = openSync(`/proc/self/fd/${fd}/${c}`, DIR_FLAGS);
    } catch (e) {
      closeSync(fd);
      const code = codeOf(e);
      if (code === 'ENOENT') return { outcome: 'absent', reason: `${path.join(base, ...components)} is gone` };
      if (code === 'ELOOP' || code === 'ENOTDIR') return { outcome: 'refused', reason: `${path.join(base, ...components)} is not a real folder (a link?)` };
      return { outcome: 'retry-later', reason: `${code} while opening ${path.join(base, ...components)}` };
    }
    closeSync(fd);
    fd = next;
  }
  const st = lstatSync(`/proc/self/fd/${fd}/.`, { bigint: true });
  if (!sameIdentity({ ino: st.ino, dev: st.dev }, expect)) {
    closeSync(fd);
    return { outcome: 'refused', reason: `${path.join(base, ...components)} changed while it was being opened` };
  }
  return { fd };
}

function entryAt(abs: string): EntryFacts {
  let st;
  try {
    st = lstatSync(abs);
  } catch (e) {
    const code = codeOf(e);
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'absent' } : { kind: 'error', code };
  }
  if (st.isSymbolicLink()) return { kind: 'link' };
  if (!st.isFile()) return { kind: 'other' };
  // Size and mtime exactly as the index reads them (native/recorder-fs.ts fileFacts).
  return { kind: 'file', size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
}

function unlinkAt(abs: string, shown: string): UnlinkOutcome {
  const e = entryAt(abs);
  if (e.kind === 'absent') return { outcome: 'already-gone' };
  if (e.kind === 'link') return { outcome: 'refused', reason: `${shown} is a symbolic link: Custodian never deletes through links` };
  if (e.kind === 'other') return { outcome: 'refused', reason: `${shown} is not a regular file` };
  if (e.kind === 'error') return { outcome: 'retry-later', reason: `${e.code} while checking ${shown}` };
  try {
    unlinkSync(abs);
    return { outcome: 'deleted' };
  } catch (err) {
    // In use, read-only, a share gone: try again later, and say so; never "deleted".
    const code = codeOf(err);
    if (code === 'ENOENT') return { outcome: 'already-gone' };
    return { outcome: 'retry-later', reason: `${code}: ${shown} could not be deleted now` };
  }
}

function nameProblem(name: string): UnlinkOutcome | null {
  return BAD_COMPONENT(name) ? { outcome: 'refused', reason: `file name "${name}" is not allowed` } : null;
}

class HandleFolder implements GovernedFolder {
  private open = true;
  constructor(
    private readonly base: string,
    private readonly components: readonly string[],
    readonly abs: string,
    readonly identity: Identity,
    private readonly fd: number,
    private readonly baseExpected: Identity | null,
  ) {}

  private at(name: string): string {
    return `/proc/self/fd/${this.fd}/${name}`;
  }

  entry(name: string): EntryFacts {
    return BAD_COMPONENT(name) ? { kind: 'other' } : entryAt(this.at(name));
  }

  unlink(name: string): UnlinkOutcome {
    const bad = nameProblem(name);
    if (bad) return bad;
    // The handle cannot be redirected, but the folder itself can be moved out of the root (an
    // operator keeping a day's footage) mid-batch: confirm it is still where it was, reached
    // from the base without links, immediately before each unlink (the attacker's round 9).
    const same = this.stillReachable();
    if (same !== true) return same.outcome === 'absent' ? { outcome: 'retry-later', reason: same.reason } : { outcome: 'refused', reason: same.reason };
    return unlinkAt(this.at(name), path.join(this.abs, name));
  }

  readPath(name: string): string {
    return this.at(name);
  }

  stillReachable(): true | OpenProblem {
    return sameFolder(this.base, this.components, this.identity, this.baseExpected);
  }

  sync(): void {
    try {
      fsyncSync(this.fd);
    } catch {
      // Some file systems (network shares) refuse a folder fsync; their unlink is synchronous.
    }
  }

  close(): void {
    if (this.open) closeSync(this.fd);
    this.open = false;
  }
}

class PathFolder implements GovernedFolder {
  constructor(
    private readonly base: string,
    private readonly components: readonly string[],
    readonly abs: string,
    readonly identity: Identity,
    private readonly baseExpected: Identity | null,
  ) {}

  entry(name: string): EntryFacts {
    return BAD_COMPONENT(name) ? { kind: 'other' } : entryAt(path.join(this.abs, name));
  }

  unlink(name: string): UnlinkOutcome {
    const bad = nameProblem(name);
    if (bad) return bad;
    // Without a folder handle the path is confirmed immediately before each unlink.
    const same = this.stillReachable();
    if (same !== true) return same.outcome === 'absent' ? { outcome: 'retry-later', reason: same.reason } : { outcome: 'refused', reason: same.reason };
    return unlinkAt(path.join(this.abs, name), path.join(this.abs, name));
  }

  readPath(name: string): string {
    return path.join(this.abs, name);
  }

  stillReachable(): true | OpenProblem {
    return sameFolder(this.base, this.components, this.identity, this.baseExpected);
  }

  sync(): void {
    try {
      const fd = openSync(this.abs, constants.O_RDONLY);
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Windows cannot open a folder for fsync; NTFS journals the unlink itself.
    }
  }

  close(): void {}
}

function sameFolder(base: string, components: readonly string[], identity: Identity, baseExpected: Identity | null): true | OpenProblem {
  const now = walkFolder(base, components);
  if (!isIdentity(now)) return now;
  const baseNow = baseExpected ? identityOf(base) : null;
  if (baseExpected && (baseNow === null || !sameIdentity(baseNow, baseExpected))) return baseChanged(base);
  if (!sameIdentity(now, identity)) {
    return { outcome: 'refused', reason: `${path.join(base, ...components)} is no longer the folder it was (swapped or replaced)` };
  }
  return true;
}

/**
 * Removes folders left empty by deletion, walking up from `components` but never `base` itself.
 * A folder that is not empty, or is a link, stops the walk. Returns how many were removed.
 */
/** Every regular file and link under `base` (relative components), never following a link. */
export function listTree(base: string, rel: string[] = [], out: string[][] = []): string[][] {
  let entries;
  try {
    entries = readdirSync(path.join(base, ...rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory()) listTree(base, [...rel, e.name], out);
    else out.push([...rel, e.name]);
  }
  return out;
}

/**
 * Removes every empty folder below `base`/`components` (deepest first, never through a link),
 * and that folder itself when `includeTop`. A folder with anything in it stays.
 */
export function removeEmptyTree(base: string, components: readonly string[], includeTop: boolean): void {
  if (badComponent(components) !== null || !isIdentity(walkFolder(base, components))) return;
  const visit = (comps: string[]): void => {
    let entries;
    try {
      entries = readdirSync(path.join(base, ...comps), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) visit([...comps, e.name]);
    if (comps.length > components.length || includeTop) {
      try {
        rmdirSync(path.join(base, ...comps));
      } catch {
        // not empty: it stays
      }
    }
  };
  visit([...components]);
}

export function removeEmptyFolders(base: string, components: readonly string[]): number {
  if (badComponent(components) !== null) return 0;
  let removed = 0;
  for (let n = components.length; n > 0; n--) {
    const comps = components.slice(0, n);
    const walked = walkFolder(base, comps);
    if (!isIdentity(walked)) break;
    const dir = path.join(base, ...comps);
    try {
      if (readdirSync(dir).length > 0) break;
      rmdirSync(dir);
      removed++;
    } catch {
      break;
    }
  }
  return removed;
}
