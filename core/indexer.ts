/**
 * The indexer: the file system is the truth about which segments exist; this module makes the
 * index agree with it. The work is in core/scan/: the walk (which folders to list), the listing
 * reconcile, the move matcher (a moved or renamed folder keeps its rows and holds), the missing
 * guard (held recordings are never forgotten; a mass disappearance is an alarm, not a fact) and
 * the watcher's one-file path.
 */
import { listRoots, type RootRow } from '../db/roots.js';
import type { Ctx } from './context.js';
import { scanRoots, type ScanOptions } from './scan/pass.js';
import type { ScanReport } from './scan/report.js';

export { estimateEnd } from './scan/fresh.js';
export { indexFile, type IndexOneResult } from './scan/index-file.js';
export type { FullScan, ScanOptions } from './scan/pass.js';
export type { ScanReport } from './scan/report.js';

export function scanRoot(ctx: Ctx, root: RootRow, opts: ScanOptions = {}): ScanReport {
  return scanRoots(ctx, [root], opts)[0] as ScanReport;
}

/** Scans every root in one pass, so a recording moved from one root to another is recognised. */
export function scanAll(ctx: Ctx, opts: ScanOptions = {}): ScanReport[] {
  return scanRoots(ctx, listRoots(ctx.db), opts);
}
