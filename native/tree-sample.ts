/**
 * A bounded look at a folder tree before it becomes a recording root: which names it holds,
 * enough to tell how a recorder names its files and whether it is a store that must never be
 * deleted file by file. Never follows a link, never reads a file's content.
 *
 * The walk is breadth-first over a thinned tree: of each folder's subfolders it visits the
 * first, the last and a few spread between them (sorted by name, so days and hours are spread
 * over the recorder's whole span), until `maxFolders`. Of each folder's files it stats a spread
 * of `filesPerFolder` (and the second, so one pair of neighbours is there). Every listed folder's names are kept (for the store marks); only the
 * sampled files carry a size and a modification time.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isCustodianRootFile } from '../common/domain.js';

export interface SampledFile {
  /** Path components relative to the root. */
  readonly comps: readonly string[];
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SampledFolder {
  readonly comps: readonly string[];
  readonly files: readonly string[];
  readonly dirs: readonly string[];
  /** Links, devices, names that are not UTF-8: never indexed, never touched. */
  readonly skipped: readonly string[];
}

export interface TreeSample {
  readonly files: readonly SampledFile[];
  readonly folders: readonly SampledFolder[];
  /** Regular files in the listed folders (sampled or not). */
  readonly filesSeen: number;
  /** Some folders were left unvisited (the tree is larger than the look). */
  readonly partial: boolean;
}

export interface SampleOptions {
  readonly maxFolders?: number;
  readonly subfoldersPerFolder?: number;
  readonly filesPerFolder?: number;
  readonly maxDepth?: number;
}

/** Up to `n` items of a sorted list: the first, the last and evenly spread between. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return items.slice(0, n);
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))] as T);
  return out;
}

const BAD_NAME = /\uFFFD/;

export function sampleTree(root: string, opts: SampleOptions = {}): TreeSample {
  const maxFolders = opts.maxFolders ?? 1500;
  const perFolder = opts.subfoldersPerFolder ?? 5;
  const filesPerFolder = opts.filesPerFolder ?? 8;
  const maxDepth = opts.maxDepth ?? 12;
  const files: SampledFile[] = [];
  const folders: SampledFolder[] = [];
  let filesSeen = 0;
  let partial = false;
  const queue: string[][] = [[]];
  while (queue.length > 0) {
    if (folders.length >= maxFolders) {
      partial = true;
      break;
    }
    const comps = queue.shift() as string[];
    const abs = path.join(root, ...comps);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      continue;
    }
    const f: string[] = [];
    const d: string[] = [];
    const skipped: string[] = [];
    for (const e of entries) {
      // The root's own files (sentinel, hold copy) are Custodian's, not the recorder's.
      if (comps.length === 0 && isCustodianRootFile(e.name)) continue;
      if (BAD_NAME.test(e.name)) skipped.push(e.name);
      else if (e.isFile()) f.push(e.name);
      else if (e.isDirectory()) d.push(e.name);
      else skipped.push(e.name);
    }
    f.sort();
    d.sort();
    folders.push({ comps, files: f, dirs: d, skipped });
    filesSeen += f.length;
    // The second file too, beside the first: one pair of neighbours tells a segment's length.
    const pick = spread(f, filesPerFolder);
    if (f.length > filesPerFolder && f[1] !== undefined) pick.splice(1, 0, f[1]);
    for (const name of pick) {
      try {
        const st = lstatSync(path.join(abs, name));
        if (st.isFile()) files.push({ comps: [...comps, name], size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
      } catch {
        // gone since the listing: not part of the look
      }
    }
    if (comps.length >= maxDepth) {
      if (d.length > 0) partial = true;
      continue;
    }
    const visit = spread(d, perFolder);
    if (visit.length < d.length) partial = true;
    for (const name of visit) queue.push([...comps, name]);
  }
  return { files, folders, filesSeen, partial };
}
