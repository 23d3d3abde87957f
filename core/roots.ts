/** Recording roots: registered folders with a layout and a sentinel that proves they are mounted. */
import { compileLayout, type Layout } from '../common/layout.js';
import { CustodianError } from '../common/errors.js';
import { assertTimeZone, formatInstant } from '../common/time.js';
import { deleteRoot, findRootByPath, getRoot, insertRoot, listRoots, type RootRow } from '../db/roots.js';
import { assertUsableRoot, ensureSentinel, readSentinel } from '../native/recorder-fs.js';
import { audit } from './audit.js';
import { adoptRoot, writeHoldCopies } from './hold-copies.js';
import type { Ctx } from './context.js';

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

export function addRoot(ctx: Ctx, spec: RootSpec): RootRow {
  const layoutName = spec.layout ?? 'camera-date-time';
  if (spec.layoutTimeZone !== undefined) assertTimeZone(spec.layoutTimeZone);
  // Validate before touching the disk: a bad layout must not leave a sentinel behind.
  compileLayout(layoutName, ctx.settings().siteTimeZone, spec.layoutTimeZone);
  const abs = assertUsableRoot(spec.path);
  const existing = findRootByPath(ctx.db, abs);
  if (existing) throw new CustodianError('conflict', `${abs} is already a recording root (#${existing.id}).`);
  for (const r of listRoots(ctx.db)) {
    const a = abs.endsWith('/') || abs.endsWith('\\') ? abs : `${abs}${abs.includes('\\') ? '\\' : '/'}`;
    const b = r.path.endsWith('/') || r.path.endsWith('\\') ? r.path : `${r.path}${r.path.includes('\\') ? '\\' : '/'}`;
    if (a.startsWith(b) || b.startsWith(a)) {
      throw new CustodianError('conflict', `${abs} overlaps the recording root ${r.path}: roots may not be nested.`);
    }
  }
  adoptRoot(ctx, abs, spec.adopt ?? false);
  const uuid = ensureSentinel(abs, formatInstant(ctx.now(), ctx.settings().siteTimeZone));
  const id = insertRoot(ctx.db, { path: abs, sentinelUuid: uuid, layout: layoutName, layoutTz: spec.layoutTimeZone ?? null, addedMs: ctx.now() });
  audit(ctx, 'root.added', { root: id, path: abs, layout: layoutName, layoutTimeZone: spec.layoutTimeZone ?? null, sentinel: uuid });
  writeHoldCopies(ctx);
  return getRoot(ctx.db, id) as RootRow;
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
  if (!row) throw new CustodianError('not_found', `There is no recording root "${idOrPath}" (see custodian roots list).`);
  return row;
}

export type SentinelCheck = { online: true } | { online: false; reason: string };

export function checkSentinel(root: RootRow): SentinelCheck {
  const s = readSentinel(root.path);
  if (!s.ok) return { online: false, reason: s.reason };
  if (s.uuid !== root.sentinel_uuid) return { online: false, reason: 'the sentinel belongs to another root (wrong disk mounted?)' };
  return { online: true };
}

export function roots(ctx: Ctx): RootRow[] {
  return listRoots(ctx.db);
}
