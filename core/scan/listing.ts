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
  // A replaced folder's files are new facts: every one is stat'ed and compared.
  const statAll = listing.mtimeMs >= rs.recentAfter || rs.full || folder.replaced;
  const existing = k ? segmentsInDir(ctx.db, dirId) : [];
  const existingByName = new Map(existing.map((e) => [e.name, e]));
  const present = new Set(listing.files);
  for (const e of existing) {
    if (present.has(e.name) || e.state !== 'present' || e.missing_ms !== null) continue;
    rs.missingDirs.add(dirId);
    const row = scanSegment(ctx.db, e.id);
    if (row) moves.lost(row);
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
      if (statAll) {
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
    if (statAll || parsed.timeFrom === 'file' || parsed.earlier !== undefined) {
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
  for (const group of byCamera.values()) {
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
