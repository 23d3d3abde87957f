/**
 * The indexer: the file system is the truth about which segments exist; this module makes the
 * index agree with it. A rescan lists only folders whose mtime changed (recorders write only in
 * their newest folders), stats only files in recently changed folders, and never marks more
 * than a set share of a root missing in one pass.
 */
import { statfsSync } from 'node:fs';
import path from 'node:path';
import { isCustodianRootFile } from '../common/domain.js';
import { LayoutMatcher, type Captures, type ParsedName } from '../common/layout.js';
import { unusedAckedAlarm, markAlarmUsed } from '../db/alarms.js';
import { WriteBatch } from '../db/batch.js';
import { ensureCamera } from '../db/cameras.js';
import { deleteDir, findDir, listDirs, upsertDir, type DirRow } from '../db/dirs.js';
import { listRoots, markRootScanned, setRootOnline, type RootRow } from '../db/roots.js';
import {
  countSegments,
  deleteSegmentRow,
  insertSegment,
  insertSegments,
  nextSegmentStart,
  previousSegment,
  segmentsInDir,
  setSegmentEnd,
  updateSegmentFile,
  type EndSource,
  type NewSegment,
} from '../db/segments.js';
import { clearUnrecognisedUnder, countUnrecognised, replaceUnrecognisedInDir } from '../db/unrecognised.js';
import { createTimeIndexes, dropTimeIndexes, stmt } from '../db/open.js';
import { dirMtime, fileFacts, joinInRoot, listDir, type FileFacts } from '../native/recorder-fs.js';
import { conditionEnded, raiseAlarm } from './alarms.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';
import { checkSentinel, layoutOf } from './roots.js';

export interface ScanReport {
  root: number;
  path: string;
  online: boolean;
  offlineReason?: string;
  added: number;
  changed: number;
  missing: number;
  /** Missing files found but not applied: safety rule 3 (mass disappearance) stopped it. */
  missingRefused: number;
  unrecognised: number;
  newlyUnrecognised: { path: string; reason: string }[];
  pending: number;
  empty: number;
  dirsListed: number;
  dirsSkipped: number;
  problems: string[];
  durationMs: number;
}

/** A folder's mtime is trusted to mean "unchanged" only once it is this old (coarse share clocks). */
const MTIME_TRUST_MS = 60_000;
const MAX_EXTRA_DEPTH = 4;

interface NewFile {
  name: string;
  parsed: ParsedName;
  facts: FileFacts | null;
}

function parentRel(rel: string): string | null {
  if (rel === '') return null;
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

function childRel(rel: string, name: string): string {
  return rel === '' ? name : `${rel}/${name}`;
}

/** Chooses a segment's end without probing: its mtime if plausible, bounded by the next start. */
export function estimateEnd(startMs: number, facts: FileFacts | null, nextStart: number | undefined, maxSegmentMs: number): { end: number; source: EndSource } {
  let end = startMs + maxSegmentMs;
  let source: EndSource = 'estimate';
  if (facts && facts.mtimeMs > startMs && facts.mtimeMs <= startMs + maxSegmentMs) {
    end = facts.mtimeMs;
    source = 'mtime';
  }
  if (nextStart !== undefined && nextStart > startMs && nextStart < end) {
    end = nextStart;
    source = source === 'mtime' ? 'mtime' : 'next';
  } else if (nextStart !== undefined && source === 'estimate' && nextStart > startMs) {
    source = 'next';
  }
  return { end, source };
}

export function scanRoot(ctx: Ctx, root: RootRow, opts: { full?: boolean } = {}): ScanReport {
  const t0 = performance.now();
  const now = ctx.now();
  const settings = ctx.settings();
  const report: ScanReport = {
    root: root.id,
    path: root.path,
    online: true,
    added: 0,
    changed: 0,
    missing: 0,
    missingRefused: 0,
    unrecognised: 0,
    newlyUnrecognised: [],
    pending: 0,
    empty: 0,
    dirsListed: 0,
    dirsSkipped: 0,
    problems: [],
    durationMs: 0,
  };
  const alarmKey = `root-offline:${root.id}`;
  const sentinel = checkSentinel(root);
  if (!sentinel.online) {
    // Safety rule 1: an offline root changes nothing in the index.
    setRootOnline(ctx.db, root.id, false, sentinel.reason);
    raiseAlarm(ctx, { kind: 'root-offline', key: alarmKey, rootId: root.id, message: `Recording root ${root.path} is offline: ${sentinel.reason}. Nothing in it is indexed or deleted until it is back.`, details: { root: root.id, path: root.path } });
    report.online = false;
    report.offlineReason = sentinel.reason;
    report.durationMs = performance.now() - t0;
    return report;
  }
  if (!root.online) {
    setRootOnline(ctx.db, root.id, true, null);
    audit(ctx, 'root.online', { root: root.id, path: root.path });
  }
  conditionEnded(ctx, alarmKey);
  checkFreeSpace(ctx, root);

  const full = opts.full ?? false;
  const layout = layoutOf(ctx, root);
  const matcher = new LayoutMatcher(layout);
  const fileDepth = layout.depth - 1;
  const maxSegMs = settings.maxSegmentMinutes * 60_000;
  const settleMs = settings.settleSeconds * 1000;
  const recentAfter = now - maxSegMs - 10 * 60_000;
  const totalBefore = countSegments(ctx.db, root.id);

  const known = new Map<string, DirRow>();
  const childrenOf = new Map<string, string[]>();
  for (const d of listDirs(ctx.db, root.id)) {
    known.set(d.rel, d);
    const p = parentRel(d.rel);
    if (p !== null) {
      const list = childrenOf.get(p);
      if (list) list.push(d.rel);
      else childrenOf.set(p, [d.rel]);
    }
  }
  const visited = new Set<string>();
  const missingIds: number[] = [];
  const missingDirs = new Set<number>();
  const listedDirMtimes: { id: number; mtime: number | null }[] = [];
  const lastInDir: { id: number; camera: string; start: number; end: number }[] = [];
  const cameras = new Set<string>();
  const batch = new WriteBatch(ctx.db);

  const stack: { rel: string; comps: string[]; caps: Captures | null; why: string | null }[] = [{ rel: '', comps: [], caps: {}, why: null }];
  batch.begin();
  // The first index of an empty table (a new installation on a recorder full of footage) builds
  // the two time indexes once at the end, sorted, instead of updating them a million times.
  const firstIndex = countSegments(ctx.db) === 0;
  if (firstIndex) dropTimeIndexes(ctx.db);
  try {
    while (stack.length > 0) {
      const cur = stack.pop() as (typeof stack)[number];
      const abs = joinInRoot(root.path, cur.comps);
      const mtime = dirMtime(abs);
      if (mtime === null) continue; // vanished (or not a folder any more): handled as unvisited below
      visited.add(cur.rel);
      const k = known.get(cur.rel);
      const unchanged = !full && k !== undefined && k.mtime_ms === mtime && mtime < now - MTIME_TRUST_MS;
      let subdirs: string[];
      if (unchanged) {
        report.dirsSkipped++;
        subdirs = (childrenOf.get(cur.rel) ?? []).map((c) => c.slice(c.lastIndexOf('/') + 1));
      } else {
        let listing;
        try {
          listing = listDir(abs);
        } catch (e) {
          // Unreadable now: keep what we know about it rather than calling it missing.
          report.problems.push(`${abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
          for (const r of known.keys()) if (r === cur.rel || r.startsWith(`${cur.rel}/`) || cur.rel === '') visited.add(r);
          continue;
        }
        report.dirsListed++;
        const dirId = k?.id ?? upsertDir(ctx.db, root.id, cur.rel, null);
        subdirs = listing.dirs;
        const unrec: { name: string; reason: string }[] = listing.skipped.map((s) => ({ ...s }));
        const atFileDepth = cur.comps.length === fileDepth;
        const recent = listing.mtimeMs >= recentAfter || full;
        const existing = k ? segmentsInDir(ctx.db, dirId) : [];
        const existingByName = new Map(existing.map((e) => [e.name, e]));
        const present = new Set(listing.files);
        let hadMissing = false;
        const pendingBefore = report.pending;
        for (const e of existing) {
          if (!present.has(e.name) && e.state === 'present') {
            missingIds.push(e.id);
            hadMissing = true;
          }
        }
        const fresh: NewFile[] = [];
        for (const name of listing.files) {
          if (cur.rel === '' && isCustodianRootFile(name)) continue;
          const ex = existingByName.get(name);
          if (ex) {
            if (recent) {
              const facts = fileFacts(path.join(abs, name));
              if (facts && (facts.size !== ex.size || facts.mtimeMs !== ex.mtime_ms)) {
                if (ex.size !== null) report.changed++;
                updateSegmentFile(ctx.db, ex.id, facts.size, facts.mtimeMs);
                batch.tick();
              }
            }
            continue;
          }
          if (!atFileDepth || cur.caps === null) {
            unrec.push({ name, reason: cur.why ?? (cur.comps.length < fileDepth ? 'a file where the layout expects a folder' : 'deeper than the layout puts recordings') });
            continue;
          }
          const m = matcher.matchComponent(fileDepth, name);
          const merged = m ? LayoutMatcher.merge(cur.caps, m) : null;
          const parsed = merged ? matcher.finish(merged) : `"${name}" does not match "${layout.components[fileDepth]?.source ?? ''}"`;
          if (typeof parsed === 'string') {
            unrec.push({ name, reason: merged ? parsed : `does not match the layout ${layout.pattern}` });
            continue;
          }
          let facts: FileFacts | null = null;
          if (recent) {
            facts = fileFacts(path.join(abs, name));
            if (!facts) continue;
            if (facts.mtimeMs > now - settleMs) {
              report.pending++;
              continue;
            }
          }
          fresh.push({ name, parsed, facts });
        }
        insertFresh(fresh, dirId);
        replaceUnrecognisedInDir(ctx.db, root.id, cur.rel, unrec);
        if (k === undefined || unrec.length > 0) {
          for (const u of unrec) {
            if (report.newlyUnrecognised.length < 50) report.newlyUnrecognised.push({ path: path.join(abs, u.name), reason: u.reason });
          }
        }
        if (hadMissing) missingDirs.add(dirId);
        // A folder with a file still being written must be listed again: its mtime will not
        // change when that file is finished.
        listedDirMtimes.push({ id: dirId, mtime: report.pending > pendingBefore ? null : listing.mtimeMs });
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

    // Folders we knew that are gone: everything in them is missing.
    const vanishedDirs: DirRow[] = [];
    for (const d of known.values()) {
      if (visited.has(d.rel)) continue;
      vanishedDirs.push(d);
      for (const s of segmentsInDir(ctx.db, d.id)) if (s.state === 'present') missingIds.push(s.id);
    }

    // Safety rule 3: a mass disappearance is an alarm, not a fact.
    const share = totalBefore > 0 ? missingIds.length / totalBefore : 0;
    const missingKey = `mass-missing:${root.id}`;
    let applyMissing = true;
    if (missingIds.length > 0 && share > settings.massMissingShare) {
      const permit = unusedAckedAlarm(ctx.db, missingKey, now - 86_400_000);
      if (permit) {
        markAlarmUsed(ctx.db, permit.id, now);
        audit(ctx, 'scan.mass-missing-approved', { root: root.id, alarm: permit.id, missing: missingIds.length });
      } else {
        applyMissing = false;
        report.missingRefused = missingIds.length;
        raiseAlarm(ctx, {
          kind: 'mass-missing',
          key: missingKey,
          rootId: root.id,
          message: `${missingIds.length} of ${totalBefore} recordings in ${root.path} (${Math.round(share * 100)}%) seem to have disappeared at once. Custodian has not removed them from the index; check the recorder and acknowledge the alarm if this is right.`,
          details: { root: root.id, missing: missingIds.length, total: totalBefore, share },
        });
      }
    }
    if (applyMissing) {
      for (const id of missingIds) {
        deleteSegmentRow(ctx.db, id);
        batch.tick();
      }
      for (const d of vanishedDirs) {
        clearUnrecognisedUnder(ctx.db, root.id, d.rel);
        deleteDir(ctx.db, d.id);
      }
      report.missing = missingIds.length;
    }
    for (const { id, mtime } of listedDirMtimes) {
      // A folder whose missing files were not applied must be listed again next time.
      const keep = !applyMissing && missingDirs.has(id) ? null : mtime;
      stmt(ctx.db, 'UPDATE dirs SET mtime_ms = ? WHERE id = ?').run(keep, id);
    }
    if (firstIndex) createTimeIndexes(ctx.db);
    for (const seg of lastInDir) {
      const next = nextSegmentStart(ctx.db, seg.camera, seg.start);
      if (next !== undefined && next < seg.end) setSegmentEnd(ctx.db, seg.id, next, 'next');
    }
    markRootScanned(ctx.db, root.id, now, full);
    batch.commit();
  } catch (e) {
    batch.rollback();
    if (firstIndex) createTimeIndexes(ctx.db);
    throw e;
  }
  report.unrecognised = countUnrecognised(ctx.db, root.id);
  report.durationMs = Math.round(performance.now() - t0);
  if (report.added || report.missing || report.changed || report.missingRefused) {
    audit(ctx, 'scan', { root: root.id, added: report.added, changed: report.changed, missing: report.missing, missingRefused: report.missingRefused, full });
  }
  return report;

  function insertFresh(fresh: NewFile[], dirId: number): void {
    if (fresh.length === 0) return;
    const byCamera = new Map<string, NewFile[]>();
    for (const f of fresh) {
      const list = byCamera.get(f.parsed.camera);
      if (list) list.push(f);
      else byCamera.set(f.parsed.camera, [f]);
    }
    for (const [camera, files] of byCamera) {
      if (!cameras.has(camera)) {
        ensureCamera(ctx.db, camera, now);
        cameras.add(camera);
      }
      files.sort((a, b) => a.parsed.startMs - b.parsed.startMs);
      const first = files[0] as NewFile;
      // (On a first index there is no earlier row to shorten; the fix-up after the walk joins folders.)
      const prev = firstIndex ? undefined : previousSegment(ctx.db, camera, first.parsed.startMs);
      if (prev && prev.end_ms > first.parsed.startMs && prev.end_source !== 'probe') {
        setSegmentEnd(ctx.db, prev.id, first.parsed.startMs, prev.end_source === 'mtime' ? 'mtime' : 'next');
      }
      const rows: NewSegment[] = [];
      for (let i = 0; i < files.length; i++) {
        const f = files[i] as NewFile;
        const next = files[i + 1]?.parsed.startMs;
        const { end, source } = estimateEnd(f.parsed.startMs, f.facts, next, maxSegMs);
        rows.push({ rootId: root.id, dirId, name: f.name, cameraId: camera, startMs: f.parsed.startMs, endMs: end, endSource: source, size: f.facts?.size ?? null, mtimeMs: f.facts?.mtimeMs ?? null });
        if (f.facts?.size === 0) report.empty++;
      }
      const ids = insertSegments(ctx.db, rows);
      const last = rows[rows.length - 1] as NewSegment;
      lastInDir.push({ id: ids[ids.length - 1] as number, camera, start: last.startMs, end: last.endMs });
      report.added += rows.length;
      for (let i = 0; i < rows.length; i++) batch.tick();
    }
  }
}

/**
 * A nearly full recorder disk is an alarm for a person. Custodian never answers it by deleting
 * more (held footage stays held whatever the disk says).
 */
function checkFreeSpace(ctx: Ctx, root: RootRow): void {
  const key = `disk-full:${root.id}`;
  let free: number;
  try {
    const st = statfsSync(root.path);
    free = st.blocks > 0 ? st.bavail / st.blocks : 1;
  } catch {
    return;
  }
  if (free < 0.02) {
    raiseAlarm(ctx, { kind: 'disk-full', key, rootId: root.id, message: `The recording disk ${root.path} is ${Math.round((1 - free) * 100)}% full. Custodian does not delete held or young recordings to make room: free space or extend the disk.`, details: { root: root.id, free } });
  } else {
    conditionEnded(ctx, key);
  }
}

export function scanAll(ctx: Ctx, opts: { full?: boolean } = {}): ScanReport[] {
  return listRoots(ctx.db).map((r) => scanRoot(ctx, r, opts));
}

export type IndexOneResult = 'indexed' | 'known' | 'pending' | 'unrecognised' | 'outside' | 'offline';

/**
 * Indexes one file the watcher saw closed. Its folder's stored mtime is left alone, so the next
 * scan still lists that folder and catches anything the watcher missed.
 */
export function indexFile(ctx: Ctx, root: RootRow, absFile: string): IndexOneResult {
  const rel = path.relative(root.path, absFile);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return 'outside';
  const comps = rel.split(path.sep);
  if (comps.length === 1 && isCustodianRootFile(comps[0] as string)) return 'known';
  if (!checkSentinel(root).online) return 'offline';
  const layout = layoutOf(ctx, root);
  const parsed = new LayoutMatcher(layout).parse(comps);
  if (typeof parsed === 'string') return 'unrecognised';
  const facts = fileFacts(absFile);
  if (!facts) return 'outside';
  if (facts.mtimeMs > ctx.now() - ctx.settings().settleSeconds * 1000) return 'pending';
  const dirRel = comps.slice(0, -1).join('/');
  const name = comps[comps.length - 1] as string;
  const maxSegMs = ctx.settings().maxSegmentMinutes * 60_000;
  return ctx.db.transaction((): IndexOneResult => {
    const dir = findDir(ctx.db, root.id, dirRel);
    const dirId = dir?.id ?? upsertDir(ctx.db, root.id, dirRel, null);
    if (dir && segmentsInDir(ctx.db, dir.id).some((s) => s.name === name)) return 'known';
    ensureCamera(ctx.db, parsed.camera, ctx.now());
    const prev = previousSegment(ctx.db, parsed.camera, parsed.startMs);
    if (prev && prev.end_ms > parsed.startMs && prev.end_source !== 'probe') setSegmentEnd(ctx.db, prev.id, parsed.startMs, prev.end_source);
    const next = nextSegmentStart(ctx.db, parsed.camera, parsed.startMs);
    const { end, source } = estimateEnd(parsed.startMs, facts, next, maxSegMs);
    insertSegment(ctx.db, { rootId: root.id, dirId, name, cameraId: parsed.camera, startMs: parsed.startMs, endMs: end, endSource: source, size: facts.size, mtimeMs: facts.mtimeMs });
    return 'indexed';
  }).immediate();
}
