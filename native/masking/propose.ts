/**
 * Assisted masking, step 1: propose mask tracks for a clip (issue 14). Samples the clip's frames
 * at `rate` a second, finds people in each with the offline detector (pool.ts, one worker per
 * core), links them into tracks and pads them (tracker.ts). The officer then picks the
 * requester's track(s) to keep visible, corrects or adds tracks by hand, and burnMasks hides
 * everything else.
 *
 * Defaults, and why (figures: bench/masking.bench.ts):
 * - 5 samples a second: a walking person moves about a third of a metre between samples, which
 *   the padding covers, and 640×360 is analysed well inside half real time on two cores;
 * - score ≥ 0.2: lower finds more real people at the price of more masked rocks, which is the
 *   cheap side of the trade;
 * - padding 20 % of the width on each side and 10 % of the height above and below; tracks held
 *   400 ms (or 1.2 sampling intervals, if longer) before the first and after the last sighting;
 *   gaps up to 2 s bridged.
 */
import os from 'node:os';
import { failure } from '../../common/errors.js';
import type { Msg } from '../../common/i18n/catalog.js';
import { MASK_TRACKS_FORMAT, type MaskTrack, type MaskTrackSet } from '../../common/mask-track.js';
import { resolveMediaTools, type MediaTools } from '../media-tools.js';
import { probeClip, type ClipInfo } from './clip-info.js';
import type { TileMode } from './detector.js';
import { checkModelFiles, defaultModelDir } from './model.js';
import { detectInClip } from './pool.js';
import { buildTracks, type SampledDetections } from './tracker.js';

export interface ProposeOptions {
  readonly tools?: MediaTools | undefined;
  /** Samples per second (0.2 to 30). */
  readonly rate?: number | undefined;
  /** Worker processes; default one per core. */
  readonly workers?: number | undefined;
  readonly minScore?: number | undefined;
  readonly tiles?: TileMode | undefined;
  /** Where centernet.json/.bin are; default the ones inside @vladmandic/human. */
  readonly modelDir?: string | undefined;
  readonly padX?: number | undefined;
  readonly padY?: number | undefined;
  readonly holdMs?: number | undefined;
  readonly maxGapMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface MaskingProgress {
  readonly phase: 'starting' | 'detecting' | 'tracking' | 'done';
  /** 0..1 over the whole job. */
  readonly fraction: number;
  readonly framesDone: number;
  readonly framesTotal: number;
}

export interface ProposeResult {
  /** The proposal as a mask-track set (nothing kept yet). */
  readonly set: MaskTrackSet;
  readonly tracks: readonly MaskTrack[];
  readonly clip: ClipInfo;
  readonly rate: number;
  readonly framesAnalysed: number;
  readonly framesExpected: number;
  /** What to tell the officer: how many tracks, or that nobody was found. */
  readonly summary: Msg;
  /** Things the officer must know besides (a clip that could not be decoded to its end). */
  readonly warnings: readonly Msg[];
  readonly stats: {
    readonly workers: number;
    readonly wallMs: number;
    readonly startMs: number;
    /** Per frame in each worker: wall time, and CPU time (what it costs on a core of its own). */
    readonly detectorMsPerFrame: number;
    readonly detectorCpuMsPerFrame: number;
    readonly workerRssBytes: number;
  };
  /** Every analysed frame's detections (relative boxes), for review and measurement. */
  readonly detections: readonly SampledDetections[];
}

export const DEFAULTS = { rate: 5, minScore: 0.2, padX: 0.2, padY: 0.1, holdMs: 400, maxGapMs: 2000 } as const;

function checkNumber(name: string, v: number, min: number, max: number): number {
  if (!Number.isFinite(v) || v < min || v > max) throw failure('invalid_request', 'masking:badOption', { name, value: String(v), why: `between ${min} and ${max}` });
  return v;
}

export async function proposeTracks(clipPath: string, options: ProposeOptions = {}, onProgress?: (p: MaskingProgress) => void): Promise<ProposeResult> {
  const rate = options.rate ?? DEFAULTS.rate;
  if (!Number.isFinite(rate) || rate < 0.2 || rate > 30) throw failure('invalid_request', 'masking:badRate', { rate: String(rate), min: 0.2, max: 30 });
  const minScore = checkNumber('minScore', options.minScore ?? DEFAULTS.minScore, 0.05, 0.95);
  const padX = checkNumber('padX', options.padX ?? DEFAULTS.padX, 0, 2);
  const padY = checkNumber('padY', options.padY ?? DEFAULTS.padY, 0, 2);
  // At least a little more than one sampling interval: two sightings of a person that were not
  // linked (a fast walker at a low rate) still overlap in time, so no frame between them is bare.
  const holdMs = checkNumber('holdMs', options.holdMs ?? Math.max(DEFAULTS.holdMs, 1200 / rate), 0, 60_000);
  const maxGapMs = checkNumber('maxGapMs', options.maxGapMs ?? DEFAULTS.maxGapMs, 0, 60_000);
  const workers = Math.floor(checkNumber('workers', options.workers ?? os.availableParallelism(), 1, 64));
  const tiles = options.tiles ?? 'auto';
  if (typeof tiles === 'object' && (!Number.isInteger(tiles.cols) || !Number.isInteger(tiles.rows) || tiles.cols < 1 || tiles.rows < 1 || tiles.cols * tiles.rows > 64)) {
    throw failure('invalid_request', 'masking:badOption', { name: 'tiles', value: `${tiles.cols}x${tiles.rows}`, why: 'whole numbers of columns and rows, at most 64 tiles' });
  }
  const tools = options.tools ?? resolveMediaTools();
  const modelDir = options.modelDir ?? defaultModelDir();

  onProgress?.({ phase: 'starting', fraction: 0, framesDone: 0, framesTotal: 0 });
  // Both checks run before any worker starts: a bad model or a bad clip fails in milliseconds.
  await checkModelFiles(modelDir);
  const clip = await probeClip(tools, clipPath, options.signal);

  const pool = await detectInClip(
    { clip: clipPath, width: clip.width, height: clip.height, durationS: clip.durationMs / 1000 },
    rate,
    { workers, ffmpeg: tools.ffmpeg, modelDir, minScore, tiles, signal: options.signal },
    (done, expected) => onProgress?.({ phase: 'detecting', fraction: Math.min(0.99, (0.98 * done) / expected), framesDone: done, framesTotal: expected }),
  );
  if (pool.frames.length === 0) throw failure('invalid_request', 'masking:clipDamaged', { file: clipPath, seconds: 0, detail: 'no picture could be decoded' });
  onProgress?.({ phase: 'tracking', fraction: 0.99, framesDone: pool.frames.length, framesTotal: pool.expected });

  const W = clip.width;
  const H = clip.height;
  const detections: SampledDetections[] = pool.frames.map((f) => ({
    t: f.t,
    boxes: f.boxes.map(([x, y, w, h, score]) => {
      const x0 = Math.max(0, x / W);
      const y0 = Math.max(0, y / H);
      return { x: x0, y: y0, w: Math.min(1, (x + w) / W) - x0, h: Math.min(1, (y + h) / H) - y0, score };
    }).filter((b) => b.w > 0 && b.h > 0),
  }));
  const tracks = buildTracks(detections, { maxGapMs, padX, padY, holdMs, durationMs: clip.durationMs });
  const detectorMs = pool.frames.reduce((s, f) => s + f.ms, 0);
  const detectorCpuMs = pool.frames.reduce((s, f) => s + f.cpuMs, 0);
  const rateText = String(rate);
  const summary: Msg =
    tracks.length === 0
      ? { key: 'masking:noPeopleFound', params: { frames: pool.frames.length, rate: rateText } }
      : { key: 'masking:peopleFound', params: { tracks: tracks.length, frames: pool.frames.length, rate: rateText } };
  // The samples should reach the clip's end; a damaged clip stops decoding early (ffmpeg still
  // exits 0), and the officer must not read "nobody found" as covering the part never seen.
  const lastT = pool.frames[pool.frames.length - 1]?.t ?? 0;
  const warnings: Msg[] = [];
  if (lastT < clip.durationMs - 2000 / rate - 500) {
    warnings.push({ key: 'masking:partlySearched', params: { file: clipPath, seconds: Math.floor(lastT / 1000), total: Math.round(clip.durationMs / 1000) } });
  }
  onProgress?.({ phase: 'done', fraction: 1, framesDone: pool.frames.length, framesTotal: pool.expected });
  return {
    set: { format: MASK_TRACKS_FORMAT, width: W, height: H, durationMs: clip.durationMs, tracks, keep: [] },
    tracks,
    clip,
    rate,
    framesAnalysed: pool.frames.length,
    framesExpected: pool.expected,
    summary,
    warnings,
    stats: { workers: pool.workers, wallMs: pool.wallMs, startMs: pool.startMs, detectorMsPerFrame: detectorMs / pool.frames.length, detectorCpuMsPerFrame: detectorCpuMs / pool.frames.length, workerRssBytes: pool.workerRssBytes },
    detections,
  };
}
