/**
 * Bench trees: a recorder's storage as empty files, built once and cached under bench/out/trees
 * (git-ignored), in the two shapes a site has:
 *  - `frigate`: 10-second segments, Frigate's layout `{yyyy-MM-dd}/{HH}/{camera}/{mm.ss}.mp4`,
 *    names in UTC (8,640 files a camera a day, 360 in each camera-hour folder);
 *  - `five-min`: 5-minute segments, `{camera}/{yyyy-MM-dd}/{HH-mm-ss}.mp4` in the site's time
 *    (288 a camera a day).
 * Each at 1 M, 2.5 M and 5 M files (58 days; cameras chosen for the size) and `ci` (≤ 50,000:
 * what the quick test runs). 58 days stay inside two months for at least a day after building
 * (a tree whose oldest file would be due is built again for the benches that sweep).
 *
 * Two kinds of mtimes:
 *  - `recorder`: as a recorder leaves them: a file's mtime is its segment's end; a folder's is
 *    when its last entry appeared (its newest file's end, or its newest subfolder's first start);
 *  - `recent`: every file and folder dated within the last half hour, as a tree copied or
 *    restored without times, or a share that does not keep folder times, looks. Re-applied
 *    (the tree re-timed) whenever the stamp is older than an hour.
 *
 * Where we may (root, loop devices), the trees live in an ext4 image (bench/out/trees.img,
 * sparse) mounted at bench/out/trees: 17 M empty files would otherwise take most of the shared
 * disk's inodes. Elsewhere they go in the folder itself, after a check of the free inodes.
 *
 *   npx tsx bench/trees.ts build frigate 5m [recorder|recent]
 *   npx tsx bench/trees.ts list | remove <name> | unmount
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileLayout, formatLayoutPath, LayoutMatcher, type Layout } from '../common/layout.js';
import { retentionDueAt } from '../common/time.js';
import { BENCH_OUT } from './lib.js';

export type TreeShape = 'frigate' | 'five-min';
export type TreeSize = 'ci' | '1m' | '2.5m' | '5m';
export type MtimeMode = 'recorder' | 'recent';

export const SITE_TZ = 'Europe/Stockholm';
const DAY = 86_400_000;
const TREE_DAYS = 58;

interface Geometry {
  readonly layout: string;
  readonly segmentSeconds: number;
  readonly days: number;
  readonly cameras: number;
}

const SHAPES: Record<TreeShape, { layout: string; segmentSeconds: number; cameras: Record<TreeSize, number>; ciDays: number }> = {
  frigate: { layout: 'frigate', segmentSeconds: 10, cameras: { ci: 1, '1m': 2, '2.5m': 5, '5m': 10 }, ciDays: 4 },
  'five-min': { layout: 'camera-date-time', segmentSeconds: 300, cameras: { ci: 2, '1m': 60, '2.5m': 150, '5m': 300 }, ciDays: TREE_DAYS },
};

export function geometry(shape: TreeShape, size: TreeSize): Geometry {
  const s = SHAPES[shape];
  return { layout: s.layout, segmentSeconds: s.segmentSeconds, days: size === 'ci' ? s.ciDays : TREE_DAYS, cameras: s.cameras[size] };
}

export function cameraIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `cam${String(i).padStart(3, '0')}`);
}

export interface TreeStamp {
  readonly name: string;
  readonly shape: TreeShape;
  readonly size: TreeSize;
  readonly layout: string;
  readonly segmentSeconds: number;
  readonly cameras: readonly string[];
  /** Start of the first segment and end of the last (every camera). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly files: number;
  readonly folders: number;
  readonly builtMs: number;
  readonly buildSeconds: number;
  mode: MtimeMode;
  /** When the mtimes were last applied (recent mode: the half hour before this). */
  timedMs: number;
}

export interface Tree extends TreeStamp {
  readonly root: string;
}

/** Where the trees are: the mounted image, or a plain folder. */
export const TREE_STORE = path.join(BENCH_OUT, 'trees');
const IMAGE = path.join(BENCH_OUT, 'trees.img');
/** 24 M inodes: every tree of both shapes at every size (17.4 M files, 0.3 M folders) fits. */
const IMAGE_INODES = 24_000_000;
const IMAGE_SIZE = '64G';

function isMounted(dir: string): boolean {
  return spawnSync('mountpoint', ['-q', dir]).status === 0;
}

/** Mounts (making it first if needed) the image the trees live in; false where that cannot be done. */
export function ensureStore(): boolean {
  mkdirSync(TREE_STORE, { recursive: true });
  if (isMounted(TREE_STORE)) return true;
  if (process.getuid?.() !== 0 || process.env.BENCH_NO_IMAGE === '1') return false;
  try {
    if (!existsSync(IMAGE)) {
      execFileSync('truncate', ['-s', IMAGE_SIZE, IMAGE]);
      // No reserved blocks; inode tables are initialised lazily and never zeroed (noinit_itable below).
      execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', '-N', String(IMAGE_INODES), '-E', 'lazy_itable_init=1,nodiscard', IMAGE]);
    }
    execFileSync('mount', ['-o', 'loop,noinit_itable', IMAGE, TREE_STORE]);
    return true;
  } catch (e) {
    console.error(`bench trees: could not mount ${IMAGE} (${(e as Error).message.split('\n')[0]}); using the folder itself`);
    return false;
  }
}

function treeName(shape: TreeShape, size: TreeSize): string {
  return `${shape}-${size}`;
}

function stampFile(name: string): string {
  return path.join(TREE_STORE, `${name}.json`);
}

export function readStamp(name: string): TreeStamp | null {
  try {
    return JSON.parse(readFileSync(stampFile(name), 'utf8')) as TreeStamp;
  } catch {
    return null;
  }
}

function writeStamp(s: TreeStamp): void {
  writeFileSync(stampFile(s.name), `${JSON.stringify(s, null, 2)}\n`);
}

function freeInodes(dir: string): number {
  return statfsSync(dir).ffree;
}

/**
 * A folder's mtime as a recorder leaves it: when its last entry appeared. Files appear when
 * they close (at their end); a subfolder appears with its first file (at its first start).
 */
interface DirTimes {
  lastEntryMs: number;
  firstStartMs: number;
}

function buildTree(shape: TreeShape, size: TreeSize, root: string, nowMs: number, log: (m: string) => void): TreeStamp {
  const g = geometry(shape, size);
  const layout = compileLayout(g.layout, SITE_TZ);
  const cameras = cameraIds(g.cameras);
  const step = g.segmentSeconds * 1000;
  // The grid ends at the last whole ten minutes: the recorder's newest closed segment.
  const toMs = Math.floor(nowMs / 600_000) * 600_000;
  const fromMs = toMs - g.days * DAY;
  const perCamera = Math.floor((toMs - fromMs) / step);
  const need = perCamera * cameras.length;
  if (freeInodes(TREE_STORE) < need + 1_000_000) {
    throw new Error(`Not enough free inodes in ${TREE_STORE} for ${need.toLocaleString('en')} files (${freeInodes(TREE_STORE).toLocaleString('en')} free): remove a tree first (npx tsx bench/trees.ts remove NAME).`);
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const t0 = performance.now();
  const { files, dirs } = writeSegmentFiles(layout, root, cameras, fromMs, fromMs + perCamera * step, step, (n) => log(`  ${n.toLocaleString('en')} of ${need.toLocaleString('en')} files (${((performance.now() - t0) / 1000).toFixed(0)} s)`));
  setRecorderFolderTimes(root, dirs);
  const stamp: TreeStamp = {
    name: path.basename(root),
    shape,
    size,
    layout: g.layout,
    segmentSeconds: g.segmentSeconds,
    cameras,
    fromMs,
    toMs: fromMs + perCamera * step,
    files,
    folders: countFolders(dirs, root),
    builtMs: nowMs,
    buildSeconds: Math.round((performance.now() - t0) / 1000),
    mode: 'recorder',
    timedMs: nowMs,
  };
  return stamp;
}

/**
 * Writes empty segment files for [fromMs, toMs) on the grid of `step`, time-major as a recorder
 * writes (every camera's segment k, then k+1), each file's mtime its segment's end.
 */
function writeSegmentFiles(layout: Layout, root: string, cameras: readonly string[], fromMs: number, toMs: number, step: number, progress?: (n: number) => void): { files: number; dirs: Map<string, DirTimes> } {
  const dirs = new Map<string, DirTimes>();
  let files = 0;
  for (let start = fromMs; start + step <= toMs; start += step) {
    const end = start + step;
    for (const cam of cameras) {
      const file = path.join(root, ...formatLayoutPath(layout, cam, start));
      const dir = path.dirname(file);
      let t = dirs.get(dir);
      if (!t) {
        mkdirSync(dir, { recursive: true });
        t = { lastEntryMs: end, firstStartMs: start };
        dirs.set(dir, t);
      }
      t.lastEntryMs = end;
      const fd = openSync(file, 'w');
      futimesSync(fd, end / 1000, end / 1000);
      closeSync(fd);
      files++;
      if (progress && files % 500_000 === 0) progress(files);
    }
  }
  return { files, dirs };
}

export interface Planted {
  readonly files: number;
  /** The folders made (deepest first), to remove what is left of them afterwards. */
  readonly folders: readonly string[];
}

/**
 * Writes the tree's cameras' segments for [fromMs, toMs) into `root` (the tree itself, or a copy
 * elsewhere for a baseline), with a recorder's times on the files and on the folders it made.
 * `keepParents`: folders that were there before get their mtimes back, as if the planted
 * recordings had always been there (a first install); otherwise they show the change (new
 * recordings arriving, which a rescan lists).
 */
export function plantSegments(tree: TreeStamp, root: string, fromMs: number, toMs: number, keepParents: boolean): Planted {
  const layout = layoutOfTree(tree);
  const step = tree.segmentSeconds * 1000;
  const before = new Map<string, number>();
  const existed = (d: string): boolean => {
    try {
      before.set(d, statSync(d).mtimeMs);
      return true;
    } catch {
      return false;
    }
  };
  // Which folders exist already: every ancestor of every folder the segments will go in.
  const made = new Set<string>();
  for (let start = fromMs; start + step <= toMs; start += step * Math.max(1, Math.floor(600_000 / step))) {
    for (const cam of tree.cameras) {
      for (let d = path.dirname(path.join(root, ...formatLayoutPath(layout, cam, start))); d.length >= root.length; d = path.dirname(d)) {
        if (made.has(d) || before.has(d)) break;
        if (!existed(d)) made.add(d);
        if (d === root) break;
      }
    }
  }
  mkdirSync(root, { recursive: true });
  const { files, dirs } = writeSegmentFiles(layout, root, tree.cameras, fromMs, toMs, step);
  const leafTimes = new Map([...dirs].filter(([d]) => made.has(d)));
  setRecorderFolderTimes(root, leafTimes, made);
  if (keepParents) for (const [d, ms] of before) utimesSync(d, ms / 1000, ms / 1000);
  return { files, folders: [...made].sort((a, b) => b.length - a.length) };
}

function countFolders(dirs: Map<string, DirTimes>, root: string): number {
  const all = new Set<string>();
  for (const d of dirs.keys()) for (let p = d; p !== root && p.length > root.length; p = path.dirname(p)) all.add(p);
  return all.size;
}

/** Every folder's mtime as a recorder leaves it (deepest first: setting a child's time does not touch its parent's). */
function setRecorderFolderTimes(root: string, leafTimes: Map<string, DirTimes>, only?: ReadonlySet<string>): void {
  // Each folder's first start is the earliest first start of the leaves below it…
  const first = new Map<string, number>();
  for (const [d, t] of leafTimes) {
    for (let p = d; ; p = path.dirname(p)) {
      const f = first.get(p);
      if (f !== undefined && f <= t.firstStartMs) break;
      first.set(p, t.firstStartMs);
      if (p === root || p.length <= root.length) break;
    }
  }
  // …and a folder above the leaves last changed when its newest subfolder appeared.
  const last = new Map<string, number>();
  for (const [d, t] of leafTimes) last.set(d, t.lastEntryMs);
  for (const [d, f] of first) {
    if (d === root) continue;
    const p = path.dirname(d);
    if (!leafTimes.has(p)) last.set(p, Math.max(last.get(p) ?? 0, f));
  }
  for (const d of [...last.keys()].sort((a, b) => b.length - a.length)) {
    if (only && !only.has(d)) continue;
    const ms = last.get(d) as number;
    utimesSync(d, ms / 1000, ms / 1000);
  }
}

/**
 * Walks the tree and applies a mode's mtimes. `recent`: files dated in walk order across the
 * ten minutes that ended twenty minutes before `nowMs` (a copy that took ten minutes), folders
 * when the copy finished with them. `recorder`: back to the recorder's times, from the names.
 */
function retime(tree: Tree, mode: MtimeMode, nowMs: number): void {
  const layout = compileLayout(tree.layout, SITE_TZ);
  const matcher = new LayoutMatcher(layout);
  const step = tree.segmentSeconds * 1000;
  const copyStart = nowMs - 30 * 60_000;
  const copySpan = 10 * 60_000;
  let n = 0;
  const leafTimes = new Map<string, DirTimes>();
  const walk = (dir: string, comps: string[]): void => {
    const entries = readdirSync(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p, [...comps, e.name]);
        if (mode === 'recent') {
          const t = (copyStart + (n / tree.files) * copySpan) / 1000;
          utimesSync(p, t, t);
        }
      } else if (e.isFile() && comps.length === layout.depth - 1) {
        if (mode === 'recent') {
          const t = (copyStart + (n / tree.files) * copySpan) / 1000;
          utimesSync(p, t, t);
        } else {
          const parsed = matcher.parse([...comps, e.name]);
          if (typeof parsed === 'string') continue;
          const end = parsed.startMs + step;
          utimesSync(p, end / 1000, end / 1000);
          const lt = leafTimes.get(dir);
          if (lt) {
            lt.lastEntryMs = Math.max(lt.lastEntryMs, end);
            lt.firstStartMs = Math.min(lt.firstStartMs, parsed.startMs);
          } else leafTimes.set(dir, { lastEntryMs: end, firstStartMs: parsed.startMs });
        }
        n++;
      }
    }
  };
  walk(tree.root, []);
  if (mode === 'recent') {
    const t = (copyStart + copySpan) / 1000;
    utimesSync(tree.root, t, t);
  } else setRecorderFolderTimes(tree.root, leafTimes);
}

export interface TreeOptions {
  readonly mode?: MtimeMode;
  /** Rebuild when a file of the tree would be due (two months) within this long. Default: never. */
  readonly notDueWithinMs?: number;
  readonly log?: (m: string) => void;
}

/**
 * The cached tree of this shape and size, in the mtime mode asked for: built if missing (or
 * expired for `notDueWithinMs`), re-timed if in the other mode or if its recent times went stale.
 */
export function ensureTree(shape: TreeShape, size: TreeSize, opts: TreeOptions = {}): Tree {
  const log = opts.log ?? ((m: string) => console.log(m));
  const mode = opts.mode ?? 'recorder';
  ensureStore();
  const name = treeName(shape, size);
  const root = path.join(TREE_STORE, name);
  let stamp = readStamp(name);
  const now = Date.now();
  if (stamp && opts.notDueWithinMs !== undefined && retentionDueAt(stamp.fromMs + stamp.segmentSeconds * 1000, 2, SITE_TZ) <= now + opts.notDueWithinMs) {
    log(`tree ${name}: its oldest recordings fall due soon; building it again`);
    stamp = null;
  }
  if (!stamp || !existsSync(root)) {
    rmSync(stampFile(name), { force: true });
    log(`tree ${name}: building ${geometry(shape, size).cameras} cameras × ${geometry(shape, size).days} days of ${geometry(shape, size).segmentSeconds}-second segments in ${root}`);
    stamp = buildTree(shape, size, root, now, log);
    writeStamp(stamp);
    log(`tree ${name}: ${stamp.files.toLocaleString('en')} files in ${stamp.folders.toLocaleString('en')} folders, built in ${stamp.buildSeconds} s`);
  }
  const tree: Tree = { ...stamp, root };
  const stale = mode === 'recent' && now - stamp.timedMs > 3_600_000;
  if (stamp.mode !== mode || stale) {
    const t0 = performance.now();
    retime(tree, mode, now);
    stamp.mode = mode;
    stamp.timedMs = now;
    writeStamp(stamp);
    tree.mode = mode;
    tree.timedMs = now;
    log(`tree ${name}: mtimes set to '${mode}' in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  // A sentinel and anything else a data folder left in the root is not part of the tree.
  return tree;
}

export function layoutOfTree(tree: Pick<TreeStamp, 'layout'>): Layout {
  return compileLayout(tree.layout, SITE_TZ);
}

export function removeTree(name: string): void {
  rmSync(path.join(TREE_STORE, name), { recursive: true, force: true });
  rmSync(stampFile(name), { force: true });
}

function main(argv: string[]): void {
  const [cmd, a, b, c] = argv;
  if (cmd === 'build') {
    const t = ensureTree((a ?? 'frigate') as TreeShape, (b ?? 'ci') as TreeSize, { mode: (c ?? 'recorder') as MtimeMode });
    console.log(`${t.root}: ${t.files.toLocaleString('en')} files, mtimes '${t.mode}'`);
  } else if (cmd === 'list') {
    ensureStore();
    for (const f of readdirSync(TREE_STORE).filter((x) => x.endsWith('.json'))) {
      const s = JSON.parse(readFileSync(path.join(TREE_STORE, f), 'utf8')) as TreeStamp;
      console.log(`${s.name}: ${s.files.toLocaleString('en')} files, ${s.folders.toLocaleString('en')} folders, built ${new Date(s.builtMs).toISOString()}, mtimes '${s.mode}'`);
    }
    const st = statfsSync(TREE_STORE);
    console.log(`${TREE_STORE}${isMounted(TREE_STORE) ? ` (image ${IMAGE})` : ''}: ${st.ffree.toLocaleString('en')} inodes free`);
  } else if (cmd === 'remove' && a) {
    ensureStore();
    removeTree(a);
  } else if (cmd === 'unmount') {
    if (isMounted(TREE_STORE)) execFileSync('umount', [TREE_STORE]);
  } else {
    console.log('usage: npx tsx bench/trees.ts build SHAPE SIZE [MODE] | list | remove NAME | unmount   (SHAPE frigate|five-min, SIZE ci|1m|2.5m|5m, MODE recorder|recent)');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main(process.argv.slice(2));
