/**
 * Reconciling one listed folder with the index: files the index has (facts compared where the
 * folder is recent, the scan full, or the folder replaced), files it lacks (new recordings or
 * moved ones, handed to the move matcher), rows whose file is gone (lost, handed to the
 * matcher), and entries that are not recordings (unrecognised, never touched).
 */
import path from 'node:path';
import { isCustodianRootFile } from '../../common/domain.js';
import { LayoutMatcher } from '../../common/layout.js';
import { upsertDir } from '../../db/dirs.js';
import { clearSegmentMissing, scanSegment, segmentsInDir } from '../../db/segments.js';
import { replaceUnrecognisedInDir } from '../../db/unrecognised.js';
import { fileFacts, type DirListing, type FileFacts } from '../../native/recorder-fs.js';
import { segmentTime } from '../layout-time.js';
import { insertGroup } from './fresh.js';
import type { MoveMatcher } from './moves.js';
import { compareFacts } from './rewrites.js';
import type { FreshFile, FreshGroup, PassState, RootScan } from './state.js';
import { MTIME_TRUST_MS, type Folder } from './walk.js';

export function reconcileFolder(pass: PassState, rs: RootScan, moves: MoveMatcher, folder: Folder, listing: DirListing): void {
  const { ctx } = pass;
  const { report, layout } = rs;
  const { matcher } = rs;
  const fileDepth = layout.depth - 1;
  report.dirsListed++;
  if (folder.replaced) {
    report.dirsReplaced++;
    rs.replaced.push(folder.rel);
  }
  const k = folder.known;
  const dirId = k?.id ?? upsertDir(ctx.db, rs.root.id, folder.rel, null);
  // Files a recorder writes beside its videos (snapshots, ids, links) are left alone without a word.
  const unrec: { name: string; reason: string }[] = listing.skipped.filter((s) => !matcher.isCompanion(s.name)).map((s) => ({ ...s }));
  const atFileDepth = folder.comps.length === fileDepth;
  // Facts of files the index has are compared where the folder changed lately, the scan is
  // full, or the folder was replaced (a replaced folder's files are new facts).
  const recentFolder = listing.mtimeMs >= rs.recentAfter;
  const statKnown = recentFolder || rs.full || folder.replaced;
  // New files: every one is stat'ed when the scan is full, the folder replaced, or changed this
  // very minute (a copy may be writing any of them). In a folder changed lately, only those that
  // may still be open: started within the longest segment (by the name), or the newest of their
  // camera here (a recorder whose clock is behind). A tree copied without its times has every
  // folder "changed lately": its old recordings are indexed by name, sizes filled in later.
  const statAllFresh = rs.full || folder.replaced || listing.mtimeMs >= pass.now - MTIME_TRUST_MS;
  const existing = k ? segmentsInDir(ctx.db, dirId) : [];
  const existingByName = new Map(existing.map((e) => [e.name, e]));
  if (existing.length > 0) {
    const present = new Set(listing.files);
    for (const e of existing) {
      if (present.has(e.name) || e.state !== 'present' || e.missing_ms !== null) continue;
      rs.missingDirs.add(dirId);
      const row = scanSegment(ctx.db, e.id);
      if (row) moves.lost(row);
    }
  }
  const pendingBefore = report.pending;
  const byCamera = new Map<string, FreshGroup>();
  for (const name of listing.files) {
    if (folder.rel === '' && isCustodianRootFile(name)) continue;
    const ex = existingByName.get(name);
    if (ex) {
      if (ex.missing_ms !== null) {
        // A held recording that was missing is back where it was.
        clearSegmentMissing(ctx.db, ex.id);
        moves.present(ex.id);
        report.found++;
      }
      if (statKnown) {
        const facts = fileFacts(path.join(folder.abs, name));
        if (facts) compareFacts(pass, rs, ex, facts);
      }
      continue;
    }
    if (!atFileDepth || folder.caps === null) {
      if (matcher.isCompanion(name)) continue;
      unrec.push({ name, reason: folder.why ?? (folder.comps.length < fileDepth ? 'a file where the layout expects a folder' : 'deeper than the layout puts recordings') });
      continue;
    }
    const m = matcher.matchComponent(fileDepth, name);
    const merged = m ? LayoutMatcher.merge(folder.caps, m) : null;
    const parsed = merged ? matcher.finish(merged) : `"${name}" does not match "${layout.components[fileDepth]?.source ?? ''}"`;
    if (typeof parsed === 'string') {
      if (!merged && matcher.isCompanion(name)) continue;
      unrec.push({ name, reason: merged ? parsed : `does not match the layout ${layout.pattern}` });
      continue;
    }
    let facts: FileFacts | null = null;
    // A layout whose path names only the day needs the file's own time, whatever the folder's age.
    // So does a name in the autumn's repeated hour: the file's time says which pass wrote it.
    // Other new files are stat'ed below, and only those that may still be open (statAllFresh).
    if (parsed.timeFrom === 'file' || parsed.earlier !== undefined) {
      facts = fileFacts(path.join(folder.abs, name));
      if (!facts) continue;
      if (facts.mtimeMs > pass.now - pass.settleMs) {
        report.pending++;
        continue;
      }
    }
    const time = segmentTime(parsed, path.join(folder.abs, name), facts);
    if (typeof time === 'string') {
      unrec.push({ name, reason: time });
      continue;
    }
    const file: FreshFile = {
      name,
      startMs: time.startMs,
      facts,
      claimed: false,
      ...(time.statedEndMs !== undefined ? { statedEndMs: time.statedEndMs } : {}),
      ...(time.named ? { named: time.named } : {}),
    };
    const g = byCamera.get(parsed.camera);
    if (g) g.files.push(file);
    else byCamera.set(parsed.camera, { rootId: rs.root.id, dirId, absDir: folder.abs, camera: parsed.camera, files: [file], identity: folder.identity });
  }
  if (recentFolder || statAllFresh) {
    for (const group of byCamera.values()) {
      let newest = Number.NEGATIVE_INFINITY;
      for (const f of group.files) if (f.startMs > newest) newest = f.startMs;
      const kept: FreshFile[] = [];
      for (const f of group.files) {
        if (f.facts === null && (statAllFresh || f.startMs >= rs.recentAfter || f.startMs === newest)) {
          const facts = fileFacts(path.join(folder.abs, f.name));
          if (!facts) continue; // gone since the listing
          if (facts.mtimeMs > pass.now - pass.settleMs) {
            report.pending++;
            continue;
          }
          f.facts = facts;
        }
        kept.push(f);
      }
      group.files.length = 0;
      group.files.push(...kept);
    }
  }
  for (const group of byCamera.values()) {
    if (group.files.length === 0) continue;
    // On a first index nothing can have moved: straight in. Otherwise a fresh file may be a
    // recording that went missing elsewhere; the matcher claims it or keeps it waiting.
    if (pass.firstIndex) insertGroup(pass, rs, group);
    else moves.offer(group);
  }
  replaceUnrecognisedInDir(ctx.db, rs.root.id, folder.rel, unrec);
  if (k === undefined || unrec.length > 0) {
    for (const u of unrec) {
      if (report.newlyUnrecognised.length < 50) report.newlyUnrecognised.push({ path: path.join(folder.abs, u.name), reason: u.reason });
    }
  }
  // Listed again next time, whatever its mtime says then: a folder with a file still being
  // written (its mtime will not change when that file is finished), and one changed within the
  // last minute (on a coarse clock — a share, FAT, 1 s or 2 s timestamps — a change right after
  // this listing can leave the very mtime stored now).
  const settled = report.pending === pendingBefore && listing.mtimeMs < pass.now - MTIME_TRUST_MS;
  rs.listed.push({ id: dirId, mtime: settled ? listing.mtimeMs : null, identity: folder.identity });
}
