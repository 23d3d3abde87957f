/** Recording roots: registered folders with a layout and a sentinel that proves they are mounted. */
import { homedir } from 'node:os';
import { compileLayout, type Layout } from '../common/layout.js';
import { failure } from '../common/errors.js';
import { english } from '../common/i18n/catalog.js';
import { assertTimeZone, formatInstant } from '../common/time.js';
import { markAlarmUsed, unusedAckedAlarm } from '../db/alarms.js';
import { deleteRoot, findRootByPath, getRoot, insertRoot, listRoots, setRootIdentity, type RootRow } from '../db/roots.js';
import { assertUsableRoot, ensureSentinel, folderIdentities, isLink, readSentinel, realFolder, type FolderIdentity } from '../native/recorder-fs.js';
import { audit } from './audit.js';
import { adoptRoot, writeHoldCopies } from './hold-copies.js';
import type { Ctx } from './context.js';
import { storeRefusal } from './store-refusal.js';
import { whyNotARoot } from './root-admission.js';

export interface RootSpec {
  readonly path: string;
  readonly layout?: string;
  readonly layoutTimeZone?: string;
  /** Take over a root whose sentinel an earlier installation wrote, restoring its holds first. */
  readonly adopt?: boolean;
}

export function layoutOf(ctx: Ctx, root: Pick<RootRow, 'layout' | 'layout_tz'>): Layout {
  return compileLayout(root.layout, ctx.settings().siteTimeZone, root.layout_tz ?? undefined);
}

/**
 * Everything addRoot checks before it writes anything: the folder may be a root, is no store
 * whose files must never be deleted one by one, and overlaps no registered root or its storage.
 * The command line asks it before proposing a layout, so a refusal is said first.
 */
export function assertAddable(ctx: Ctx, dir: string): string {
  const abs = assertUsableRoot(dir);
  admitFolder(ctx.dataDir, abs);
  // A ring or database store (Hikvision, Milestone, Moonfire, Scrypted) is never a root: its files must not be deleted one by one.
  const store = storeRefusal(abs);
  if (store) throw failure('refused_by_safety_rule', store.key, store.params);
  const existing = findRootByPath(ctx.db, abs);
  if (existing) throw failure('conflict', 'core:rootExists', { folder: abs, root: existing.id });
  for (const r of listRoots(ctx.db)) {
    const a = abs.endsWith('/') || abs.endsWith('\\') ? abs : `${abs}${abs.includes('\\') ? '\\' : '/'}`;
    const b = r.path.endsWith('/') || r.path.endsWith('\\') ? r.path : `${r.path}${r.path.includes('\\') ? '\\' : '/'}`;
    if (a.startsWith(b) || b.startsWith(a)) {
      throw failure('conflict', 'core:rootOverlaps', { folder: abs, other: r.path });
    }
  }
  refuseSameStorage(ctx, abs);
  return abs;
}

export function addRoot(ctx: Ctx, spec: RootSpec): RootRow {
  const layoutName = spec.layout ?? 'camera-date-time';
  if (spec.layoutTimeZone !== undefined) assertTimeZone(spec.layoutTimeZone);
  // Validate before touching the disk: a bad layout must not leave a sentinel behind.
  compileLayout(layoutName, ctx.settings().siteTimeZone, spec.layoutTimeZone);
  const abs = assertAddable(ctx, spec.path);
  adoptRoot(ctx, abs, spec.adopt ?? false);
  const uuid = ensureSentinel(abs, formatInstant(ctx.now(), ctx.settings().siteTimeZone));
  const id = insertRoot(ctx.db, { path: abs, sentinelUuid: uuid, layout: layoutName, layoutTz: spec.layoutTimeZone ?? null, addedMs: ctx.now() });
  const sentinel = readSentinel(abs);
  if (sentinel.ok) setRootIdentity(ctx.db, id, sentinel.rootIno, sentinel.sentinelIno);
  audit(ctx, 'root.added', { root: id, path: abs, layout: layoutName, layoutTimeZone: spec.layoutTimeZone ?? null, sentinel: uuid });
  writeHoldCopies(ctx);
  return getRoot(ctx.db, id) as RootRow;
}

/**
 * Safety rule: the folder may be a root. A link is refused (the sweep never deletes through one,
 * and a link to / or to a folder holding the data folder would otherwise pass by its name), and
 * the rules are applied to where the folder really is as well as to the name given.
 */
export function admitFolder(dataDir: string, abs: string): void {
  const real = realFolder(abs);
  if (isLink(abs)) throw failure('refused_by_safety_rule', 'deletion:rootIsLink', { folder: abs, target: real });
  for (const folder of real === abs ? [abs] : [abs, real]) {
    const refusal = whyNotARoot({ abs: folder, dataDir: realFolder(dataDir), home: homedir(), platform: process.platform, env: process.env });
    if (refusal) throw failure('refused_by_safety_rule', refusal.key, { ...refusal.params, folder: real === abs ? abs : `${abs} (${real})` });
  }
}

type Identity = Pick<FolderIdentity, 'dev' | 'ino'>;
const sameFolder = (a: Identity) => (b: Identity): boolean => a.dev === b.dev && a.ino === b.ino;

/**
 * Safety rule: one storage is one root. The same disk reached by a second path (a bind mount, a
 * share mapped twice) has the same folder identities whatever its names; a disk that carries a
 * registered root's sentinel is that root or a copy of it. Either would let two roots' sweeps and
 * holds disagree about the same files.
 */
function refuseSameStorage(ctx: Ctx, abs: string): void {
  const mine = folderIdentities(abs);
  const sentinel = readSentinel(abs);
  for (const r of listRoots(ctx.db)) {
    const refuse = (key: string): never => {
      throw failure('refused_by_safety_rule', key, { folder: abs, other: r.path, id: r.id });
    };
    if (sentinel.ok && sentinel.uuid === r.sentinel_uuid) refuse('deletion:rootSentinelTaken');
    const theirs = folderIdentities(r.path);
    const [me] = mine;
    const [them] = theirs;
    // The new folder is (or holds) the registered one, or lies inside it.
    if (me && them && (theirs.some(sameFolder(me)) || mine.some(sameFolder(them)))) refuse('deletion:rootSameStorage');
  }
}

export function removeRoot(ctx: Ctx, idOrPath: string): RootRow {
  const root = findRoot(ctx, idOrPath);
  ctx.db.transaction(() => {
    deleteRoot(ctx.db, root.id);
    audit(ctx, 'root.removed', { root: root.id, path: root.path, note: 'index forgotten; files left in place' });
  })();
  return root;
}

export function findRoot(ctx: Ctx, idOrPath: string): RootRow {
  const byId = /^\d+$/.test(idOrPath) ? getRoot(ctx.db, Number(idOrPath)) : undefined;
  const row = byId ?? findRootByPath(ctx.db, idOrPath) ?? listRoots(ctx.db).find((r) => r.path === idOrPath.replace(/[\\/]+$/, ''));
  if (!row) throw failure('not_found', 'core:noRoot', { root: idOrPath });
  return row;
}

export type SentinelCheck =
  | { online: true; rootIno: number; sentinelIno: number }
  | { online: false; reason: string; /** The sentinel reads right but is not the one we trust (a copy, a swapped root). */ identity?: boolean };

/**
 * Safety rule 1: a root is online only while its own sentinel is there, in the very folder and
 * file Custodian trusted (their inodes): a copy of the sentinel on an empty mount point, or the
 * root swapped for a link to a copy, is not this root.
 */
export function checkSentinel(root: RootRow): SentinelCheck {
  const s = readSentinel(root.path);
  if (!s.ok) return { online: false, reason: s.reason };
  if (s.uuid !== root.sentinel_uuid) return { online: false, reason: english({ key: 'media:sentinelOtherRoot' }) };
  if ((root.root_ino !== null && root.root_ino !== s.rootIno) || (root.sentinel_ino !== null && root.sentinel_ino !== s.sentinelIno)) {
    return { online: false, identity: true, reason: english({ key: 'media:sentinelNotRegistered' }) };
  }
  return { online: true, rootIno: s.rootIno, sentinelIno: s.sentinelIno };
}

/**
 * The root as the scan and the sweep see it: its sentinel checked; a root registered before
 * identities were kept is trusted with the one it shows now; and a new identity a person
 * confirmed (by acknowledging the root-identity alarm) is accepted once.
 */
export function checkRoot(ctx: Ctx, root: RootRow): SentinelCheck {
  const c = checkSentinel(root);
  if (!c.online && c.identity) {
    const permit = unusedAckedAlarm(ctx.db, `root-identity:${root.id}`, 0);
    if (permit) {
      acceptRootIdentity(ctx, root);
      markAlarmUsed(ctx.db, permit.id, ctx.now());
      const fresh = getRoot(ctx.db, root.id);
      return fresh ? checkSentinel(fresh) : c;
    }
  }
  trustRootIdentity(ctx, root, c);
  return c;
}

/** Roots registered before identities were kept are trusted with the identity they show now. */
export function trustRootIdentity(ctx: Ctx, root: RootRow, check: SentinelCheck): void {
  if (check.online && (root.root_ino === null || root.sentinel_ino === null)) setRootIdentity(ctx.db, root.id, check.rootIno, check.sentinelIno);
}

/** A person confirmed that the root's new identity is right (a restored or replaced disk). */
export function acceptRootIdentity(ctx: Ctx, root: RootRow): void {
  const s = readSentinel(root.path);
  if (!s.ok || s.uuid !== root.sentinel_uuid) return;
  setRootIdentity(ctx.db, root.id, s.rootIno, s.sentinelIno);
  audit(ctx, 'root.identity-accepted', { root: root.id, path: root.path, rootIno: s.rootIno, sentinelIno: s.sentinelIno });
}

export function roots(ctx: Ctx): RootRow[] {
  return listRoots(ctx.db);
}
