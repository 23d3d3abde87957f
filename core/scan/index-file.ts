/**
 * Indexes one file the watcher saw closed (or the service found in a new folder). Its folder's
 * stored mtime is left alone, so the next scan still lists that folder and catches anything the
 * watcher missed. A file that may be a recording moved from elsewhere (the same recording is
 * indexed somewhere it no longer is) is left to the scan, whose move matcher keeps the old row
 * and its holds.
 */
import { noteOverdueAtIndex } from '../report/first-index.js';
import path from 'node:path';
import { isCustodianRootFile } from '../../common/domain.js';
import { LayoutMatcher } from '../../common/layout.js';
import { ensureCamera } from '../../db/cameras.js';
import { findDir, upsertDir } from '../../db/dirs.js';
import type { RootRow } from '../../db/roots.js';
import { hasSegmentNamed, insertSegment, nextSegmentStart, previousSegment, segmentsNamed, setSegmentEnd } from '../../db/segments.js';
import { fileFacts, type FileFacts } from '../../native/recorder-fs.js';
import type { Ctx } from '../context.js';
import { segmentFile } from '../paths.js';
import { segmentTime } from '../layout-time.js';
import { checkSentinel, layoutOf } from '../roots.js';
import { estimateEnd, statedEnd } from './fresh.js';
import { sameRecording } from './identity.js';

/** `moved`: the same recording is indexed where it no longer is; the scan settles it. */
export type IndexOneResult = 'indexed' | 'known' | 'pending' | 'unrecognised' | 'outside' | 'offline' | 'moved';

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
  const time = segmentTime(parsed, absFile, facts);
  if (typeof time === 'string') return 'unrecognised';
  const dirRel = comps.slice(0, -1).join('/');
  const name = comps[comps.length - 1] as string;
  const maxSegMs = ctx.settings().maxSegmentMinutes * 60_000;
  return ctx.db.transaction((): IndexOneResult => {
    const dir = findDir(ctx.db, root.id, dirRel);
    if (dir && hasSegmentNamed(ctx.db, dir.id, name)) return 'known';
    const startMs = time.startMs;
    if (movedHere(ctx, dir?.id, name, startMs, facts)) return 'moved';
    const dirId = dir?.id ?? upsertDir(ctx.db, root.id, dirRel, null);
    ensureCamera(ctx.db, parsed.camera, ctx.now());
    const prev = previousSegment(ctx.db, parsed.camera, startMs);
    if (prev && prev.end_ms > startMs && prev.end_source !== 'probe' && !statedEnd(prev)) setSegmentEnd(ctx.db, prev.id, startMs, prev.end_source);
    const next = nextSegmentStart(ctx.db, parsed.camera, startMs);
    const { end, source } = estimateEnd(startMs, facts, next, maxSegMs, time.statedEndMs);
    const id = insertSegment(ctx.db, { rootId: root.id, dirId, name, cameraId: parsed.camera, startMs, endMs: end, endSource: source, size: facts.size, mtimeMs: facts.mtimeMs, ...(time.named ? { named: time.named } : {}) });
    noteOverdueAtIndex(ctx, root.id, parsed.camera, [{ endMs: end }], [id]);
    return 'indexed';
  }).immediate();
}

/** The same recording is indexed in another folder and is missing there (or marked missing). */
function movedHere(ctx: Ctx, dirId: number | undefined, name: string, startMs: number, facts: FileFacts): boolean {
  for (const t of segmentsNamed(ctx.db, name, startMs)) {
    if (t.dir_id === dirId || t.state !== 'present') continue;
    if (!sameRecording({ name: t.name, startMs: t.start_ms, size: t.size, mtimeMs: t.mtime_ms }, { name, startMs, size: facts.size, mtimeMs: facts.mtimeMs })) continue;
    if (t.missing_ms !== null) return true;
    const file = segmentFile(ctx, t);
    if (file !== null && fileFacts(file) === null) return true;
  }
  return false;
}
