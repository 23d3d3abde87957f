/**
 * Stills for the security desk:
 *  - timeline thumbnails: a recording's first keyframe, 240 px wide, made with the bundled ffmpeg
 *    the first time someone hovers over it and cached in the data folder's thumbnails/, each file
 *    recorded (migration 012) so the deletion door deletes it with its recording
 *    (core/deletion/thumbnails.ts);
 *  - the camera's current picture, full size, for drawing privacy masks (made for the request
 *    into a scratch folder and removed at once; never kept).
 * Both open the recording as playback does (core/api/footage.ts: found by id, inside its online
 * root, no link followed). Whoever asks is the caller's business (permissions, audit).
 */
import { closeSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { failure, isCustodianError } from '../common/errors.js';
import { previousSegment, type SegmentRow } from '../db/segments.js';
import { getSegment } from '../db/segments.js';
import { insertThumbnail, liveThumbnail, type ThumbnailRow } from '../db/thumbnails.js';
import { grabFrame, grabKeyframeJpeg } from '../native/frame.js';
import { resolveMediaTools } from '../native/media-tools.js';
import { removeScratchFolder, removeWorkingFile } from '../native/own-files.js';
import { footageItem, openInside } from './api/footage.js';
import type { Ctx } from './context.js';
import { deleteThumbnails, thumbnailsDir } from './deletion/thumbnails.js';

export const THUMBNAIL_WIDTH = 240;
/** At most this many stills are being made at once per process (hovering a day asks for many). */
const PARALLEL = 2;

export interface Still {
  segmentId: number;
  camera: string;
  /** The recording's start: the still is its first keyframe. */
  atMs: number;
  width: number;
  height: number;
  mime: 'image/jpeg' | 'image/png';
  bytes: Buffer;
}

const inFlight = new Map<string, Promise<Still>>();
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Where a recording's still lives under thumbnails/: a thousand to a folder. */
export function thumbnailRel(segmentId: number): string {
  return `${Math.floor(segmentId / 1000)}/${segmentId}.jpg`;
}

function tools(ctx: Ctx): ReturnType<typeof resolveMediaTools> {
  const s = ctx.settings();
  return resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
}

/** The recording's file, checked as playback checks it (present, root online, no link); its path for ffmpeg to read. */
function recordingPath(ctx: Ctx, segmentId: number): { seg: SegmentRow; file: string } {
  const item = footageItem(ctx, 'segment', segmentId);
  const opened = openInside(item.base, item.components, { key: 'server:footageRecording', params: { id: segmentId } });
  closeSync(opened.fd);
  const seg = getSegment(ctx.db, segmentId);
  if (!seg) throw failure('not_found', 'desk:thumbnailUnavailable', { segment: segmentId });
  return { seg, file: path.join(item.base, ...item.components) };
}

function readRecorded(ctx: Ctx, row: ThumbnailRow): Buffer | null {
  try {
    const opened = openInside(thumbnailsDir(ctx), row.rel.split('/'), { key: 'core:text', params: { text: `#${row.id}` } });
    closeSync(opened.fd);
    if (opened.size !== row.size) return null;
    const bytes = readFileSync(path.join(thumbnailsDir(ctx), ...row.rel.split('/')));
    return bytes.length === row.size ? bytes : null;
  } catch {
    return null;
  }
}

/** The still of a recording: the cached one, or one made now (and recorded) from its first keyframe. */
export function thumbnailOf(ctx: Ctx, segmentId: number): Promise<Still> {
  const key = `${ctx.dataDir}\0${segmentId}`;
  let p = inFlight.get(key);
  if (!p) {
    p = makeOrRead(ctx, segmentId).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

async function makeOrRead(ctx: Ctx, segmentId: number): Promise<Still> {
  const { seg, file } = recordingPath(ctx, segmentId);
  const live = liveThumbnail(ctx.db, segmentId);
  if (live && live.state === 'present' && live.camera_id === seg.camera_id && live.at_ms === seg.start_ms) {
    const bytes = readRecorded(ctx, live);
    if (bytes) return { segmentId, camera: live.camera_id, atMs: live.at_ms, width: live.width, height: live.height, mime: 'image/jpeg', bytes };
  }
  // A still recorded for another recording under this id (ids are reused), or whose file is not
  // what was written: it goes through the door before a new one takes its place.
  if (live) {
    deleteThumbnails(ctx, [live]);
    if (liveThumbnail(ctx.db, segmentId)) throw failure('not_found', 'desk:thumbnailUnavailable', { segment: segmentId });
  }
  return slot(async () => {
    const rel = thumbnailRel(segmentId);
    const final = path.join(thumbnailsDir(ctx), ...rel.split('/'));
    mkdirSync(path.dirname(final), { recursive: true, mode: 0o700 });
    const work = `${final}.${process.pid}.${Date.now()}.tmp`;
    try {
      let size;
      try {
        size = await grabKeyframeJpeg(tools(ctx), file, THUMBNAIL_WIDTH, work);
      } catch (e) {
        if (isCustodianError(e) && e.code === 'invalid_request') throw failure('not_found', 'desk:thumbnailNotAVideo', { segment: segmentId });
        throw e;
      }
      const bytes = readFileSync(work);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      // Recorded and put in place in one write transaction: the sweep's door cannot look for it in
      // between, and a recording deleted meanwhile gets no still (the insert checks it is present).
      const row = ctx.db
        .transaction(() => {
          const r = insertThumbnail(ctx.db, { segment_id: segmentId, camera_id: seg.camera_id, at_ms: seg.start_ms, rel, size: bytes.length, sha256, width: size.width, height: size.height, created_ms: ctx.now() });
          if (r) renameSync(work, final);
          return r;
        })
        .immediate();
      if (!row) throw failure('not_found', 'desk:thumbnailUnavailable', { segment: segmentId });
      return { segmentId, camera: seg.camera_id, atMs: seg.start_ms, width: size.width, height: size.height, mime: 'image/jpeg' as const, bytes };
    } finally {
      await removeWorkingFile(work);
    }
  });
}

/**
 * The camera's current picture, full size (PNG), for the mask editor: a frame a second into its
 * newest recording that can be read (the newest may still be being written), never kept.
 */
export async function cameraFrame(ctx: Ctx, camera: string): Promise<Still> {
  const scratchParent = path.join(ctx.dataDir, 'frames-work');
  mkdirSync(scratchParent, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(path.join(scratchParent, 'custodian-frame-'));
  try {
    let before = ctx.now() + 86_400_000;
    for (let tries = 0; tries < 6; tries++) {
      const seg = previousSegment(ctx.db, camera, before);
      if (!seg) break;
      before = seg.start_ms;
      if (seg.state !== 'present') continue;
      let file: string;
      try {
        file = recordingPath(ctx, seg.id).file;
      } catch {
        continue;
      }
      const png = path.join(dir, 'frame.png');
      try {
        const at = Math.min(1, Math.max(0, (seg.end_ms - seg.start_ms) / 2000));
        const size = await grabFrame(tools(ctx), file, at, png);
        return { segmentId: seg.id, camera, atMs: seg.start_ms + at * 1000, width: size.width, height: size.height, mime: 'image/png', bytes: readFileSync(png) };
      } catch {
        // the newest file may be still growing, or damaged: try the one before
      }
    }
    throw failure('not_found', 'desk:frameNoRecording', { camera });
  } finally {
    removeScratchFolder(dir, 'frames-work');
  }
}
