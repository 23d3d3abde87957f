/**
 * The watcher's eyes: one non-recursive `fs.watch` per folder (one inotify watch on Linux,
 * ReadDirectoryChangesW on Windows), never one per file. What it reports is only a hint that
 * something changed at a name in a folder; the service looks (lstat) and decides. The scan stays
 * the truth: a folder that could not be watched (the system's limit on watches, a share that
 * sends no events) is still listed by the next rescan.
 *
 * Which folders are watched is the service's choice (the newest folders per camera and the
 * folders above them, see `activeFolders`), so the memory this costs is bounded by the number of
 * cameras, whatever the tree looks like: a tree whose every mtime is recent is watched the same.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isCustodianRootFile } from '../common/domain.js';
import { newestFolders } from '../db/segments.js';
import { getDir } from '../db/dirs.js';
import type { RootRow } from '../db/roots.js';
import { relComponents } from '../native/recorder-fs.js';
import type { Ctx } from './context.js';

/** Folders per camera kept watched: the newest (being written) and the one before (its last file may still close). */
export const FOLDERS_PER_CAMERA = 2;

export interface WatchEvents {
  /** Something happened at `name` in `dir` (created, renamed in, written to, removed). */
  entry(dir: string, name: string): void;
  /** The platform could not say which entry: look at the whole folder. */
  folder(dir: string): void;
  /** A folder could not be watched (or stopped being watchable). */
  problem(dir: string, error: unknown): void;
}

export class RecorderWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  /** Folders watched because they appeared while the service ran, and since when (kept a while whatever the index says). */
  private readonly added = new Map<string, number>();
  private failures = 0;

  constructor(private readonly on: WatchEvents) {}

  has(dir: string): boolean {
    return this.watchers.has(dir);
  }

  folders(): string[] {
    return [...this.watchers.keys()];
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Watches `dir` (idempotent). False when it could not be watched. */
  add(dir: string, appearedAt?: number): boolean {
    if (appearedAt !== undefined && !this.added.has(dir)) this.added.set(dir, appearedAt);
    if (this.watchers.has(dir)) return true;
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true, encoding: 'utf8' }, (_type, name) => {
        if (name === null || name === undefined || name === '') this.on.folder(dir);
        else if (!isCustodianRootFile(String(name))) this.on.entry(dir, String(name)); // our sentinel and hold copies
      });
    } catch (e) {
      this.failures++;
      this.on.problem(dir, e);
      return false;
    }
    // The folder itself removed or no longer readable: drop it; the scan notices the rest.
    w.on('error', (e: unknown) => {
      this.remove(dir);
      this.on.problem(dir, e);
    });
    this.watchers.set(dir, w);
    return true;
  }

  remove(dir: string): void {
    const w = this.watchers.get(dir);
    if (w) w.close();
    this.watchers.delete(dir);
    this.added.delete(dir);
  }

  /**
   * Watches exactly `want`, plus the folders that appeared within `keepAddedMs` before `now`
   * (a new day folder whose first file has not been indexed yet is not in the index's answer).
   */
  set(want: ReadonlySet<string>, now: number, keepAddedMs: number): void {
    for (const [dir, at] of this.added) if (now - at > keepAddedMs && !want.has(dir)) this.remove(dir);
    for (const dir of [...this.watchers.keys()]) if (!want.has(dir) && !this.added.has(dir)) this.remove(dir);
    for (const dir of want) this.add(dir);
  }

  close(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.added.clear();
  }
}

/**
 * What a root's recorders are writing now, from the index: for each camera its newest
 * `FOLDERS_PER_CAMERA` folders (by the start times in the names, not by mtimes, which a copied
 * tree or a share may not keep), and every folder above them up to the root — a camera folder
 * is where tomorrow's day folder appears, the root where a new camera or day appears.
 */
export function activeFolders(ctx: Ctx, root: RootRow): Set<string> {
  const want = new Set<string>([root.path]);
  for (const dirId of newestFolders(ctx.db, root.id, FOLDERS_PER_CAMERA)) {
    const dir = getDir(ctx.db, dirId);
    if (!dir) continue;
    const comps = relComponents(dir.rel);
    for (let n = comps.length; n > 0; n--) {
      const p = path.join(root.path, ...comps.slice(0, n));
      if (want.has(p)) break;
      want.add(p);
    }
  }
  return want;
}
