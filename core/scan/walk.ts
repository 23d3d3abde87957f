/**
 * The walk of one recording root: which folders to list and which to trust unchanged.
 *
 * A folder is listed when it is new, its mtime changed (or is too recent to trust: coarse share
 * clocks), the scan is full, or its identity (device and inode) is not the folder that was
 * listed last time — it was replaced by another folder of the same name, so nothing known about
 * it holds. Otherwise the walk goes on into the subfolders it knew. Folders known to the index
 * that are no longer there are reported as vanished as soon as their parent's listing shows it,
 * so the rest of the walk already knows which recordings went missing.
 */
import { LayoutMatcher, type Captures, type Layout } from '../../common/layout.js';
import { identityText, type DirRow } from '../../db/dirs.js';
import { folderIdentity, joinInRoot, listDir, type DirListing, type FolderIdentity } from '../../native/recorder-fs.js';

/** A folder's mtime is trusted to mean "unchanged" only once it is this old (coarse share clocks). */
export const MTIME_TRUST_MS = 60_000;
/** How far below the layout's file level the walk still looks (to report what is there). */
const MAX_EXTRA_DEPTH = 4;

export interface Folder {
  readonly rel: string;
  readonly comps: readonly string[];
  readonly abs: string;
  /** What the layout captured from the path so far; null once a component did not match. */
  readonly caps: Captures | null;
  /** Why files in here are not recordings (set with caps null). */
  readonly why: string | null;
  readonly identity: FolderIdentity;
  readonly known: DirRow | undefined;
  /** Not the folder that was listed last time under this name. */
  readonly replaced: boolean;
}

export interface WalkHandlers {
  listed(folder: Folder, listing: DirListing): void;
  skipped(folder: Folder): void;
  unreadable(folder: Folder, error: unknown): void;
  /** Known folders that are gone (with every known folder below them). */
  vanished(dirs: readonly DirRow[]): void;
  /** The root folder could not be reached at all: the walk did nothing. */
  rootGone(): void;
}

export interface WalkOptions {
  readonly rootPath: string;
  readonly layout: Layout;
  readonly known: readonly DirRow[];
  readonly full: boolean;
  readonly now: number;
}

function parentRel(rel: string): string | null {
  if (rel === '') return null;
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function childRel(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/**
 * Whether `known` was a different folder. The device number alone changes when a share or disk
 * is mounted again, so it counts only while the root's own device is the one last seen.
 */
export function replacedSince(known: DirRow | undefined, now: FolderIdentity, deviceTrusted: boolean): boolean {
  if (!known || known.ino === null) return false;
  if (known.ino !== identityText(now.ino)) return true;
  return deviceTrusted && known.dev !== null && known.dev !== identityText(now.dev);
}

export function walkRoot(opts: WalkOptions, on: WalkHandlers): void {
  const { layout } = opts;
  const matcher = new LayoutMatcher(layout);
  const fileDepth = layout.depth - 1;
  const known = new Map<string, DirRow>();
  const childrenOf = new Map<string, string[]>();
  for (const d of opts.known) {
    known.set(d.rel, d);
    const p = parentRel(d.rel);
    if (p === null) continue;
    const list = childrenOf.get(p);
    if (list) list.push(d.rel);
    else childrenOf.set(p, [d.rel]);
  }
  const visited = new Set<string>();
  const gone = new Set<string>();
  const rootIdentity = folderIdentity(opts.rootPath);
  if (rootIdentity === null) {
    // The root itself is gone since its sentinel was read (a share dropping now): nothing in
    // it is called missing.
    on.rootGone();
    return;
  }
  const rootKnown = known.get('');
  const deviceTrusted = rootKnown?.dev == null || rootKnown.dev === identityText(rootIdentity.dev);

  const vanishSubtree = (rel: string): void => {
    const out: DirRow[] = [];
    const stack = [rel];
    while (stack.length > 0) {
      const r = stack.pop() as string;
      const d = known.get(r);
      if (!d || gone.has(r) || visited.has(r)) continue;
      gone.add(r);
      out.push(d);
      for (const c of childrenOf.get(r) ?? []) stack.push(c);
    }
    if (out.length > 0) on.vanished(out);
  };

  const stack: { rel: string; comps: string[]; caps: Captures | null; why: string | null }[] = [{ rel: '', comps: [], caps: {}, why: null }];
  while (stack.length > 0) {
    const cur = stack.pop() as (typeof stack)[number];
    const abs = joinInRoot(opts.rootPath, cur.comps);
    const identity = cur.rel === '' ? rootIdentity : folderIdentity(abs);
    if (identity === null) continue; // vanished (or not a folder any more): reported below
    visited.add(cur.rel);
    const k = known.get(cur.rel);
    const replaced = replacedSince(k, identity, deviceTrusted || cur.rel === '');
    const folder: Folder = { rel: cur.rel, comps: cur.comps, abs, caps: cur.caps, why: cur.why, identity, known: k, replaced };
    const unchanged = !opts.full && !replaced && k !== undefined && k.mtime_ms === identity.mtimeMs && identity.mtimeMs < opts.now - MTIME_TRUST_MS;
    let subdirs: string[];
    if (unchanged) {
      on.skipped(folder);
      subdirs = (childrenOf.get(cur.rel) ?? []).map(baseName);
    } else {
      let listing: DirListing;
      try {
        listing = listDir(abs);
      } catch (e) {
        // Unreadable now: keep what we know about it rather than calling it missing.
        on.unreadable(folder, e);
        for (const r of known.keys()) if (cur.rel === '' || r === cur.rel || r.startsWith(`${cur.rel}/`)) visited.add(r);
        continue;
      }
      on.listed(folder, listing);
      subdirs = listing.dirs;
      const present = new Set(subdirs);
      for (const c of childrenOf.get(cur.rel) ?? []) if (!present.has(baseName(c))) vanishSubtree(c);
    }
    const depth = cur.comps.length;
    if (depth >= fileDepth + MAX_EXTRA_DEPTH) continue;
    for (const sub of subdirs) {
      let caps: Captures | null = null;
      let why: string | null = cur.why;
      if (cur.caps !== null && depth < fileDepth) {
        const m = matcher.matchComponent(depth, sub);
        caps = m ? LayoutMatcher.merge(cur.caps, m) : null;
        if (!caps) why = `in folder "${sub}", which does not match "${layout.components[depth]?.source ?? ''}"`;
      } else if (depth >= fileDepth) {
        why = 'deeper than the layout puts recordings';
      }
      stack.push({ rel: childRel(cur.rel, sub), comps: [...cur.comps, sub], caps, why });
    }
  }
  // Known folders the walk never reached (a parent that vanished as a whole, a lying mtime).
  for (const rel of known.keys()) if (!visited.has(rel) && !gone.has(rel)) vanishSubtree(rel);
}
