/**
 * Masking an access request's clips (issue 14 "Masking", "Assisted masking"): in each clip every
 * person other than the requester is hidden, burned in. The masks are tracks of rectangles over
 * time (common/mask-track.ts) saved per clip: proposed by the detector (native/masking
 * proposeTracks, offline; the officer then picks the requester's track(s) to leave visible) or
 * drawn and corrected by hand in the UI. A masked copy (native/masking burnMasks: re-encoded,
 * solid black, irreversible) is made from the saved tracks and played as the preview; it is what
 * the data subject's package holds, with the SHA-256 of the clip it came from and the tracks.
 * Without the detector (model missing or altered), proposing says so and manual masking works.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CustodianError, failure } from '../../common/errors.js';
import type { Msg } from '../../common/i18n/catalog.js';
import { MASK_TRACKS_FORMAT, MaskTrackSetSchema, type MaskTrack, type MaskTrackSet } from '../../common/mask-track.js';
import { formatLocal } from '../../common/time.js';
import { completeFile, failFile, getFile, getMasks, insertPendingFile, saveMasks as saveMaskRow, setFilePath, setFileSuperseded, type MaskRow, type RequestFileRow, type RequestRow } from '../../db/access-requests.js';
import { sha256File } from '../../native/hash.js';
import { burnMasks, isAssistedMaskingUnavailable, proposeTracks, type MaskingProgress } from '../../native/masking/index.js';
import { probeClip } from '../../native/masking/clip-info.js';
import { resolveMediaTools, type MediaTools } from '../../native/media-tools.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { deleteRequestFiles } from '../deletion/request-material.js';
import { archiveDir } from '../paths.js';
import { findRequest, reopenIfReady, requireOpen } from './intake.js';
import { liveFiles, requestClip } from './review.js';

function tools(ctx: Ctx): MediaTools {
  const s = ctx.settings();
  return resolveMediaTools({ ffmpegPath: s.ffmpegPath, ffprobePath: s.ffprobePath });
}

export function clipPath(ctx: Ctx, f: Pick<RequestFileRow, 'rel_path'>): string {
  return path.join(archiveDir(ctx), ...f.rel_path.split('/'));
}

/** The clip must still be the file that was archived before anything is made from it. */
async function checkedClip(ctx: Ctx, r: RequestRow, clip: RequestFileRow): Promise<string> {
  const abs = clipPath(ctx, clip);
  const sha = await sha256File(abs).catch(() => null);
  if (sha !== clip.sha256) throw failure('refused_by_safety_rule', 'requests:err.clipChanged', { ref: r.ref, clip: clip.id, path: abs });
  return abs;
}

export interface MaskState {
  /** The tracks saved for the clip, with the kept (visible) ones; null: none yet. */
  set: MaskTrackSet | null;
  origin: MaskRow['origin'] | null;
  /** What the detector said when it proposed (its summary and warnings), if it did. */
  proposal: { summary: Msg; warnings: Msg[]; rate: number; frames: number } | null;
  updated: { atMs: number; by: string } | null;
  /** The masked copy on disk, if one was made. */
  masked: RequestFileRow | null;
  /** The masked copy was made from exactly the saved tracks (the preview shows what will be sent). */
  current: boolean;
}

function parseSet(json: string): MaskTrackSet {
  return MaskTrackSetSchema.parse(JSON.parse(json));
}

export function maskState(ctx: Ctx, r: RequestRow, clip: RequestFileRow): MaskState {
  const row = getMasks(ctx.db, clip.id);
  const masked = liveFiles(ctx, r).filter((f) => f.kind === 'masked' && f.derived_from === clip.id && f.superseded_ms === null).pop() ?? null;
  const set = row ? parseSet(row.tracks) : null;
  return {
    set,
    origin: row?.origin ?? null,
    proposal: row?.proposal ? (JSON.parse(row.proposal) as MaskState['proposal']) : null,
    updated: row ? { atMs: row.updated_ms, by: row.updated_by } : null,
    masked,
    current: set !== null && masked !== null && masked.tracks === row?.tracks,
  };
}

export interface ProposeOutcome {
  set: MaskTrackSet;
  summary: Msg;
  warnings: Msg[];
}

/**
 * Assisted masking: the detector proposes tracks for every person in the clip; nothing is kept
 * visible yet (the officer picks the requester's). Replaces the clip's saved tracks.
 */
export async function proposeMasks(
  ctx: Ctx,
  ref: string,
  clipId: number,
  onProgress?: (p: MaskingProgress) => void,
  options: { modelDir?: string | undefined; rate?: number | undefined } = {},
): Promise<ProposeOutcome> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  const clip = requestClip(ctx, r, clipId);
  const abs = await checkedClip(ctx, r, clip);
  const modelDir = options.modelDir ?? ctx.settings().maskingModelDir ?? undefined;
  let p;
  try {
    p = await proposeTracks(abs, { tools: tools(ctx), modelDir, rate: options.rate }, onProgress);
  } catch (e) {
    if (isAssistedMaskingUnavailable(e)) {
      throw failure('conflict', 'requests:err.assistedUnavailable', { detail: e instanceof Error ? e.message : String(e) }, { assistedMasking: 'unavailable' });
    }
    throw e;
  }
  reopenIfReady(ctx, r, 'masks proposed');
  const set: MaskTrackSet = { ...p.set, keep: [] };
  const proposal = { summary: p.summary, warnings: [...p.warnings], rate: p.rate, frames: p.framesAnalysed };
  const tracksJson = JSON.stringify(set);
  ctx.db.transaction(() => {
    saveMaskRow(ctx.db, { clip_id: clip.id, tracks: tracksJson, origin: 'proposed', proposal: JSON.stringify(proposal), updated_ms: ctx.now(), updated_by: ctx.actor.name });
    audit(ctx, 'request.masks-proposed', { request: r.ref, clip: clip.id, tracks: set.tracks.length, frames: p.framesAnalysed, rate: p.rate, summary: p.summary.key });
  })();
  return { set, summary: p.summary, warnings: [...p.warnings] };
}

export interface MaskInput {
  readonly tracks: readonly MaskTrack[];
  /** The tracks left visible: the requester. */
  readonly keep: readonly string[];
}

/**
 * Saves the tracks an officer drew or corrected (and which ones are the requester's). An empty
 * set says, on the officer's word, that nobody else is in the clip.
 */
export async function saveMasks(ctx: Ctx, ref: string, clipId: number, input: MaskInput): Promise<MaskTrackSet> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  const clip = requestClip(ctx, r, clipId);
  const prev = getMasks(ctx.db, clip.id);
  const frame = prev ? parseSet(prev.tracks) : await probeClip(tools(ctx), clipPath(ctx, clip));
  const parsed = MaskTrackSetSchema.safeParse({ format: MASK_TRACKS_FORMAT, width: frame.width, height: frame.height, durationMs: frame.durationMs, tracks: input.tracks, keep: input.keep });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw failure('invalid_request', 'requests:err.badTracks', { detail: issue ? `${issue.path.join('.') || 'tracks'}: ${issue.message}` : 'not a set of mask tracks' });
  }
  const set = parsed.data;
  reopenIfReady(ctx, r, 'masks saved');
  const origin: MaskRow['origin'] = prev && prev.origin !== 'manual' ? 'corrected' : 'manual';
  ctx.db.transaction(() => {
    saveMaskRow(ctx.db, { clip_id: clip.id, tracks: JSON.stringify(set), origin, proposal: null, updated_ms: ctx.now(), updated_by: ctx.actor.name });
    audit(ctx, 'request.masks-saved', { request: r.ref, clip: clip.id, origin, tracks: set.tracks.length, kept: set.keep });
  })();
  return set;
}

/**
 * Burns the saved tracks into a masked copy of the clip (the preview, and what the package will
 * hold). A copy made earlier from other tracks is deleted (by record, logged): only the current
 * masks are ever sent.
 */
export async function renderMasked(ctx: Ctx, ref: string, clipId: number, onProgress?: (fraction: number) => void): Promise<RequestFileRow> {
  const r = findRequest(ctx, ref);
  requireOpen(r);
  const clip = requestClip(ctx, r, clipId);
  const row = getMasks(ctx.db, clip.id);
  if (!row) throw failure('conflict', 'requests:err.noMasks', { ref: r.ref, clip: clip.id });
  const set = parseSet(row.tracks);
  const abs = await checkedClip(ctx, r, clip);
  const tz = ctx.settings().siteTimeZone;
  const { id, rel } = ctx.db.transaction(() => {
    const fileId = insertPendingFile(ctx.db, { request_id: r.id, kind: 'masked', camera_id: clip.camera_id, from_ms: clip.from_ms, to_ms: clip.to_ms, rel_path: '', derived_from: clip.id, created_ms: ctx.now(), created_by: ctx.actor.name });
    const relPath = [r.ref, 'masked', `${clip.camera_id}_${formatLocal(clip.start_ms ?? clip.from_ms ?? 0, tz, "yyyyMMdd'T'HHmmss")}-${clip.id}-maskerad-${fileId}.mp4`].join('/');
    setFilePath(ctx.db, fileId, relPath);
    return { id: fileId, rel: relPath };
  })();
  const out = path.join(archiveDir(ctx), ...rel.split('/'));
  mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
  let b;
  try {
    b = await burnMasks(abs, set.tracks, set.keep, out, onProgress, { tools: tools(ctx) });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.db.transaction(() => failFile(ctx.db, id, message))();
    throw e instanceof CustodianError ? e : failure('internal', 'requests:err.burnFailed', { ref: r.ref, clip: clip.id, error: message });
  }
  if (b.sourceSha256 !== clip.sha256) {
    // The clip changed between the check and the burn: the copy is not of the archived clip.
    ctx.db.transaction(() => failFile(ctx.db, id, 'the clip changed while it was masked'))();
    throw failure('refused_by_safety_rule', 'requests:err.clipChanged', { ref: r.ref, clip: clip.id, path: abs });
  }
  const earlier = liveFiles(ctx, r).filter((f) => f.kind === 'masked' && f.derived_from === clip.id && f.id !== id);
  ctx.db.transaction(() => {
    completeFile(ctx.db, id, { startMs: clip.start_ms, endMs: clip.end_ms, sha256: b.sha256, size: statSync(out).size, atMs: ctx.now(), tracks: row.tracks, settings: b.settings });
    for (const e of earlier) setFileSuperseded(ctx.db, e.id, ctx.now());
    audit(ctx, 'request.masked', { request: r.ref, clip: clip.id, masked: id, path: rel, sha256: b.sha256, sourceSha256: b.sourceSha256, masks: b.maskedTrackIds.length, kept: set.keep, settings: b.settings });
  })();
  if (earlier.length > 0) await deleteRequestFiles(ctx, r, earlier, `access request ${r.ref}: masked copy replaced by a newer one`);
  return getFile(ctx.db, id) as RequestFileRow;
}
