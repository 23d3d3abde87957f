/**
 * Review of an access request (issue 14 "Review"): the officer plays the windows the requester
 * gave and marks where they appear, per camera, from–to. Each mark is archived at once as clips
 * the way incident clips are (core/archive-cut.ts: stream copy, no audio, the source segments
 * hashed and linked, one clip per continuous run), under the request in the archive folder:
 * `<archive>/<DSR-…>/clips/`. A mark made by mistake is taken back (its clip deleted through the
 * deletion door). "Not found" is an answer too: the holds are released, and the letter says no
 * recordings of the requester were found.
 */
import path from 'node:path';
import { CustodianError, failure } from '../../common/errors.js';
import { english } from '../../common/i18n/catalog.js';
import { formatLocal } from '../../common/time.js';
import { getCamera } from '../../db/cameras.js';
import { getHold } from '../../db/holds.js';
import {
  completeFile,
  failFile,
  filesOf,
  getFile,
  insertPendingFile,
  setFilePath,
  setRequestOutcome,
  windowsOf,
  type RequestFileRow,
  type RequestRow,
} from '../../db/access-requests.js';
import { resolveMediaTools } from '../../native/media-tools.js';
import { raiseAlarm } from '../alarms.js';
import { cutIntoArchive, planRuns, presentSegments, type Gap } from '../archive-cut.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { deleteRequestFiles } from '../deletion/request-material.js';
import { releaseHoldById } from '../holds.js';
import { archiveDir } from '../paths.js';
import { findRequest, recordRequest, reopenIfReady, requireOpen } from './intake.js';

export interface SpanSpec {
  readonly camera: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface MarkResult {
  request: RequestRow;
  clips: RequestFileRow[];
  gaps: Gap[];
}

const wall = (ms: number, tz: string): string => formatLocal(ms, tz, 'yyyy-MM-dd HH:mm:ss');

/** The request's clips and masked copies that are on disk now. */
export function liveFiles(ctx: Ctx, r: RequestRow): RequestFileRow[] {
  return filesOf(ctx.db, r.id).filter((f) => f.status === 'complete');
}

export function liveClips(ctx: Ctx, r: RequestRow): RequestFileRow[] {
  return liveFiles(ctx, r).filter((f) => f.kind === 'clip');
}

/** A clip of this request, complete, by its id. */
export function requestClip(ctx: Ctx, r: RequestRow, clipId: number): RequestFileRow {
  const f = getFile(ctx.db, clipId);
  if (!f || f.request_id !== r.id || f.kind !== 'clip') throw failure('not_found', 'requests:err.noSuchClip', { ref: r.ref, clip: clipId });
  if (f.status !== 'complete') throw failure('conflict', 'requests:err.clipNotThere', { ref: r.ref, clip: clipId, status: f.status });
  return f;
}

/**
 * Marks where the requester appears and archives it. The span must lie in a window of the
 * request that names the camera (the footage the request froze); with no recording in it, the
 * mark is refused with the reason, and nothing is written.
 */
export async function markSpan(ctx: Ctx, ref: string, span: SpanSpec, onProgress?: (fraction: number) => void): Promise<MarkResult> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  if (r.outcome === 'not-found') throw failure('conflict', 'requests:err.alreadyNotFound', { ref: r.ref });
  const s = ctx.settings();
  const tz = s.siteTimeZone;
  if (!getCamera(ctx.db, span.camera)) throw failure('not_found', 'requests:err.noCamera', { camera: span.camera });
  if (!(span.toMs > span.fromMs)) throw failure('invalid_request', 'requests:err.windowOrder');
  const params = { camera: span.camera, from: wall(span.fromMs, tz), to: wall(span.toMs, tz), ref: r.ref };
  const inWindow = windowsOf(ctx.db, r.id).some((w) => w.cameras.split(',').includes(span.camera) && w.from_ms <= span.fromMs && w.to_ms >= span.toMs);
  if (!inWindow) throw failure('invalid_request', 'requests:err.spanOutsideWindow', params);
  const segs = presentSegments(ctx, span.camera, span.fromMs, span.toMs);
  if (segs.length === 0) throw failure('invalid_request', 'requests:err.spanNoRecordings', params);
  const { runs, gaps } = planRuns(segs, span.fromMs, span.toMs, span.camera);
  reopenIfReady(ctx, r, 'span marked');
  const tools = resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
  const archive = archiveDir(ctx);
  const made: RequestFileRow[] = [];
  for (const [k, run] of runs.entries()) {
    const first = segs[run[0] as number];
    const last = segs[run[run.length - 1] as number];
    if (!first || !last) continue;
    const fromMs = Math.max(span.fromMs, first.start_ms);
    const toMs = Math.min(span.toMs, last.end_ms);
    // The file's id in its name: two marks starting in the same second are two files.
    const { id, rel } = ctx.db.transaction(() => {
      const fileId = insertPendingFile(ctx.db, { request_id: r.id, kind: 'clip', camera_id: span.camera, from_ms: fromMs, to_ms: toMs, rel_path: '', derived_from: null, created_ms: ctx.now(), created_by: ctx.actor.name });
      const relPath = [r.ref, 'clips', `${span.camera}_${formatLocal(fromMs, tz, "yyyyMMdd'T'HHmmss")}-${fileId}.mp4`].join('/');
      setFilePath(ctx.db, fileId, relPath);
      return { id: fileId, rel: relPath };
    })();
    try {
      const cut = await cutIntoArchive(ctx, tools, run.map((i) => segs[i]).filter((x) => x !== undefined), fromMs, toMs, path.join(archive, ...rel.split('/')), (f) => onProgress?.((k + f) / runs.length));
      ctx.db.transaction(() => {
        completeFile(ctx.db, id, { startMs: cut.cut.startMs, endMs: cut.cut.endMs, sha256: cut.sha256, size: cut.size, atMs: ctx.now(), sourceHadAudio: cut.cut.sourceHadAudio, sources: cut.sources });
        audit(ctx, 'request.clip-archived', { request: r.ref, clip: id, camera: span.camera, path: rel, sha256: cut.sha256, size: cut.size, fromMs, toMs, sources: cut.sources.map((x) => ({ name: x.name, sha256: x.sha256 })) });
      })();
      if (cut.cut.sourceHadAudio) {
        const msg = { key: 'requests:alarm.audio', params: { camera: span.camera, ref: r.ref } };
        raiseAlarm(ctx, { kind: 'audio-present', key: `audio-present:${span.camera}`, message: english(msg), details: { camera: span.camera, request: r.ref, msg } });
      }
      made.push(getFile(ctx.db, id) as RequestFileRow);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      ctx.db.transaction(() => {
        failFile(ctx.db, id, message);
        audit(ctx, 'request.clip-failed', { request: r.ref, clip: id, camera: span.camera, error: message });
      })();
      // The holds stay: nothing of the requester's footage is lost; the mark can be made again.
      throw e instanceof CustodianError ? e : failure('internal', 'requests:err.cutFailed', { ...params, error: message });
    }
    onProgress?.((k + 1) / runs.length);
  }
  return { request: findRequest(ctx, r.ref), clips: made, gaps };
}

/** A mark made by mistake: its clip (and any masked copy of it) is deleted and the deletion logged. */
export async function unmarkClip(ctx: Ctx, ref: string, clipId: number, reason: string): Promise<{ request: RequestRow; deleted: number; failed: { path: string; reason: string }[] }> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  const clip = requestClip(ctx, r, clipId);
  if (reason.trim().length < 5) throw failure('invalid_request', 'requests:err.reason', { min: 5 });
  reopenIfReady(ctx, r, 'mark taken back');
  const masked = liveFiles(ctx, r).filter((f) => f.derived_from === clip.id);
  const d = await deleteRequestFiles(ctx, r, [...masked, clip], `access request ${r.ref}: mark taken back: ${reason.trim()}`);
  audit(ctx, 'request.clip-removed', { request: r.ref, clip: clip.id, reason: reason.trim(), deleted: d.deleted, failed: d.failed });
  return { request: findRequest(ctx, r.ref), deleted: d.deleted, failed: d.failed };
}

/** Releases every hold of the request's windows that still stands, saying why. */
export function releaseRequestHolds(ctx: Ctx, r: RequestRow, why: string): number {
  let n = 0;
  for (const w of windowsOf(ctx.db, r.id)) {
    if (w.hold_id === null) continue;
    const h = getHold(ctx.db, w.hold_id);
    if (h && h.released_ms === null) {
      releaseHoldById(ctx, w.hold_id, why);
      n++;
    }
  }
  return n;
}

/**
 * The review found no recording of the requester: that is the answer. The holds are released at
 * once (nothing of theirs needs keeping), and the letter will say so.
 */
export function markNotFound(ctx: Ctx, ref: string, note: string): RequestRow {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  if (r.outcome === 'not-found') return r;
  const clips = liveClips(ctx, r);
  if (clips.length > 0) throw failure('conflict', 'requests:err.notFoundWithClips', { ref: r.ref, clips: clips.length });
  const text = note.trim();
  if (text.length < 10) throw failure('invalid_request', 'requests:err.notFoundNote', { min: 10 });
  ctx.db
    .transaction(() => {
      setRequestOutcome(ctx.db, r.id, 'not-found', text);
      recordRequest(ctx, r.ref, 'not-found');
      audit(ctx, 'request.not-found', { request: r.ref, note: text });
      releaseRequestHolds(ctx, findRequest(ctx, r.ref), `access request ${r.ref}: no recordings of the requester were found`);
    })
    .immediate();
  return findRequest(ctx, r.ref);
}
