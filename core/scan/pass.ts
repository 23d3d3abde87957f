/**
 * One scan pass over one or more recording roots: walk each online root (listing only what may
 * have changed), reconcile each listed folder, then — once every root has been walked, so a
 * recording that moved from one root to another is seen as both halves — settle moves, insert
 * what is new, and apply what is missing under the guards. Long writes are split into
 * transactions (WriteBatch) so the sweeper and the app are never locked out for long.
 */
import { LayoutMatcher } from '../../common/layout.js';
import { WriteBatch } from '../../db/batch.js';
import { listDirs, setDirIdentity, setDirListed } from '../../db/dirs.js';
import { markRootScanned, type RootRow } from '../../db/roots.js';
import { anyMissingSegments, hasSegments, maxSegmentId, missingSegments, scanSegmentsInDir, type ScanSegment } from '../../db/segments.js';
import { countUnrecognised } from '../../db/unrecognised.js';
import { createTimeIndexes, dropTimeIndexes } from '../../db/open.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { layoutOf } from '../roots.js';
import { StoreWatch } from '../store-watch.js';
import { insertGroup, joinFolders } from './fresh.js';
import { reconcileFolder } from './listing.js';
import { settleMissing } from './missing.js';
import { MAX_WAITING, MoveMatcher } from './moves.js';
import { emptyReport, type ScanReport } from './report.js';
import { reportRewritten } from './rewrites.js';
import { checkFreeSpace, rootOnline } from './root-check.js';
import type { PassState, RootScan } from './state.js';
import { walkRoot } from './walk.js';

/** `true`: every folder listed and every file compared; `'daily'`: so for each root whose last full scan is a day old. */
export type FullScan = boolean | 'daily';

export const FULL_SCAN_EVERY_MS = 24 * 3_600_000;

function fullFor(root: RootRow, full: FullScan, now: number): boolean {
  if (full !== 'daily') return full;
  // Never scanned: the first scan lists everything anyway (and has no facts to compare).
  if (root.last_full_scan_ms === null) return root.last_scan_ms !== null;
  return now - root.last_full_scan_ms >= FULL_SCAN_EVERY_MS;
}

export interface ScanOptions {
  readonly full?: FullScan;
  /** How many fresh files may wait for a move partner before they are inserted anyway (memory bound). */
  readonly maxWaiting?: number;
}

export function scanRoots(ctx: Ctx, roots: readonly RootRow[], opts: ScanOptions = {}): ScanReport[] {
  const now = ctx.now();
  const settings = ctx.settings();
  const maxSegMs = settings.maxSegmentMinutes * 60_000;
  const reports: ScanReport[] = [];
  const scans: RootScan[] = [];
  const pass: PassState = {
    ctx,
    now,
    settings,
    maxSegMs,
    settleMs: settings.settleSeconds * 1000,
    firstIndex: !hasSegments(ctx.db),
    maxIdAtStart: maxSegmentId(ctx.db),
    batch: new WriteBatch(ctx.db),
    cameras: new Set(),
    roots: new Map(),
    maxWaiting: opts.maxWaiting ?? MAX_WAITING,
  };
  // Held recordings missing since an earlier pass (few; usually none: one look at the table).
  const missing: ScanSegment[] = !pass.firstIndex && anyMissingSegments(ctx.db) ? missingSegments(ctx.db) : [];
  for (const root of roots) {
    const full = fullFor(root, opts.full ?? false, now);
    const report = emptyReport(root, full);
    reports.push(report);
    if (!rootOnline(ctx, root, report)) continue;
    checkFreeSpace(ctx, root);
    const layout = layoutOf(ctx, root);
    const rs: RootScan = {
      root,
      report,
      layout,
      matcher: new LayoutMatcher(layout),
      full,
      recentAfter: now - maxSegMs - 10 * 60_000,
      missingBefore: missing.filter((r) => r.root_id === root.id).length,
      listed: [],
      missingDirs: new Set(),
      vanished: [],
      replaced: [],
      rewritten: [],
      lastInDir: [],
      stores: new StoreWatch(ctx, root),
    };
    scans.push(rs);
    pass.roots.set(root.id, rs);
  }
  const moves = new MoveMatcher(pass);
  const { batch } = pass;
  batch.begin();
  // The first index of an empty table (a new installation on a recorder full of footage) builds
  // the two time indexes once at the end, sorted, instead of updating them a million times.
  if (pass.firstIndex) dropTimeIndexes(ctx.db);
  try {
    moves.loadMissing(missing);
    for (const rs of scans) timed(rs, () => walkOne(pass, rs, moves));
    // Shared by every root of the pass; each root's duration includes it.
    const t = performance.now();
    moves.matchInserted();
    insertWaiting(pass, moves);
    moves.pinHeldTwins();
    if (pass.firstIndex) createTimeIndexes(ctx.db);
    for (const rs of scans) rs.report.durationMs += performance.now() - t;
    for (const rs of scans) timed(rs, () => finishRoot(pass, rs, moves));
    moves.finish();
    batch.commit();
  } catch (e) {
    batch.rollback();
    if (pass.firstIndex) createTimeIndexes(ctx.db);
    throw e;
  }
  for (const rs of scans) {
    const r = rs.report;
    r.unrecognised = countUnrecognised(ctx.db, rs.root.id);
    if (r.added || r.missing || r.changed || r.missingRefused || r.moved || r.heldMissing || r.found) {
      audit(ctx, 'scan', { root: rs.root.id, added: r.added, changed: r.changed, rewritten: r.rewritten, missing: r.missing, missingRefused: r.missingRefused, moved: r.moved, heldMissing: r.heldMissing, found: r.found, full: r.full });
    }
  }
  for (const r of reports) r.durationMs = Math.round(r.durationMs);
  return reports;
}

/** A root's share of the pass: its walk and its settling (the cross-root matching is the pass's). */
function timed(rs: RootScan, fn: () => void): void {
  const t = performance.now();
  fn();
  rs.report.durationMs += performance.now() - t;
}

function walkOne(pass: PassState, rs: RootScan, moves: MoveMatcher): void {
  const { ctx } = pass;
  walkRoot(
    { rootPath: rs.root.path, layout: rs.layout, known: listDirs(ctx.db, rs.root.id), full: rs.full, now: pass.now },
    {
      listed: (folder, listing) => {
        rs.stores.listed(folder.rel, folder.abs, listing);
        reconcileFolder(pass, rs, moves, folder, listing);
        if (moves.waitingCount > pass.maxWaiting) insertWaiting(pass, moves);
      },
      skipped: (folder) => {
        rs.report.dirsSkipped++;
        // Known from before identities were kept: remember it now, without listing.
        if (folder.known && folder.known.ino === null) {
          setDirIdentity(ctx.db, folder.known.id, folder.identity);
          pass.batch.tick();
        }
      },
      rootGone: () => {
        rs.report.problems.push(`${rs.root.path}: the root folder could not be reached`);
      },
      unreadable: (folder, e) => {
        rs.report.problems.push(`${folder.abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      },
      vanished: (dirs) => {
        for (const d of dirs) {
          rs.vanished.push(d);
          moves.vanishedDir(d);
          // The rows are read now, so a fresh file later in the walk can already be matched.
          for (const row of scanSegmentsInDir(ctx.db, d.id)) moves.lost(row);
        }
      },
    },
  );
}

/** Inserts the fresh files no move claimed (at the end of the pass, or early when too many wait). */
function insertWaiting(pass: PassState, moves: MoveMatcher): void {
  for (const group of moves.waitingGroups) {
    const rs = pass.roots.get(group.rootId);
    if (rs) insertGroup(pass, rs, group);
  }
  moves.inserted();
}

function finishRoot(pass: PassState, rs: RootScan, moves: MoveMatcher): void {
  const { ctx } = pass;
  const applied = settleMissing(pass, rs, moves.unmatched(rs.root.id));
  for (const d of rs.listed) {
    // A folder whose missing files were not applied must be listed again next time.
    setDirListed(ctx.db, d.id, !applied && rs.missingDirs.has(d.id) ? null : d.mtime, d.identity);
  }
  if (rs.replaced.length > 0) {
    audit(ctx, 'dir.replaced', { root: rs.root.id, count: rs.replaced.length, dirs: rs.replaced.slice(0, 50) });
  }
  reportRewritten(pass, rs);
  joinFolders(pass, rs);
  rs.stores.finish();
  // Every folder was listed (a full scan, or the first scan of this root): the daily clock starts here.
  markRootScanned(ctx.db, rs.root.id, pass.now, rs.full || rs.root.last_scan_ms === null);
}
