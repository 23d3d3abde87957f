/**
 * Cutting a clip out of the recorder into Custodian's archive, the one way incidents and access
 * requests both do it (DESIGN.md "Archived clips are copied out of the recorder's storage"): the
 * camera's present segments in the window, split into continuous runs; for each run the source
 * segments are hashed at copy time (the clip is linked to exactly those bytes), cut with
 * native/clip.ts (concat demuxer, stream copy, no audio, `.partial` then rename), and the clip
 * is hashed. The caller records the result (its own table) and raises what it must.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CustodianError } from '../common/errors.js';
import { segmentsForCamera, type SegmentRow } from '../db/segments.js';
import { cutClip, type CutClipResult } from '../native/clip.js';
import { sha256File } from '../native/hash.js';
import type { MediaTools } from '../native/media-tools.js';
import { fileFacts } from '../native/recorder-fs.js';
import type { Ctx } from './context.js';
import { segmentFile } from './paths.js';

/** Segments closer than this are one continuous run (recorders leave a frame or two between files). */
export const RUN_GAP_TOLERANCE_MS = 2_000;

export interface Gap {
  camera: string;
  fromMs: number;
  toMs: number;
}

/** A camera's recordings on disk that overlap the window, by start. */
export function presentSegments(ctx: Ctx, camera: string, fromMs: number, toMs: number): SegmentRow[] {
  const maxSeg = ctx.settings().maxSegmentMinutes * 60_000;
  return segmentsForCamera(ctx.db, camera, fromMs, toMs, maxSeg).filter((s) => s.state === 'present');
}

/** Splits a camera's segments in the window into continuous runs, and names the gaps. */
export function planRuns(segments: readonly Pick<SegmentRow, 'start_ms' | 'end_ms'>[], fromMs: number, toMs: number, camera: string): { runs: number[][]; gaps: Gap[] } {
  const runs: number[][] = [];
  const gaps: Gap[] = [];
  let cursor = fromMs;
  segments.forEach((s, i) => {
    if (s.start_ms - cursor > RUN_GAP_TOLERANCE_MS) gaps.push({ camera, fromMs: cursor, toMs: Math.min(s.start_ms, toMs) });
    const last = runs[runs.length - 1];
    const prev = segments[i - 1];
    if (last && prev && s.start_ms - prev.end_ms <= RUN_GAP_TOLERANCE_MS) last.push(i);
    else runs.push([i]);
    cursor = Math.max(cursor, s.end_ms);
  });
  if (toMs - cursor > RUN_GAP_TOLERANCE_MS) gaps.push({ camera, fromMs: cursor, toMs });
  return { runs, gaps };
}

/** One source segment as the clip is linked to it. */
export interface ArchivedSource {
  name: string;
  path: string;
  sha256: string;
  size: number;
  start_ms: number;
  end_ms: number;
}

export interface ArchivedCut {
  cut: CutClipResult;
  sha256: string;
  size: number;
  sources: ArchivedSource[];
}

/**
 * Hashes the run's source segments, cuts [fromMs, toMs) from them into `out` and hashes the
 * clip. Throws (nothing recorded) if a source vanished or the cut failed.
 */
export async function cutIntoArchive(
  ctx: Ctx,
  tools: MediaTools,
  run: readonly SegmentRow[],
  fromMs: number,
  toMs: number,
  out: string,
  onProgress?: (fraction: number) => void,
): Promise<ArchivedCut> {
  mkdirSync(path.dirname(out), { recursive: true, mode: 0o700 });
  // A file under the final name whose clip is not recorded complete is the leftover of a crash
  // between rename and record: it is not evidence yet; the new clip's rename replaces it.
  const sources: ArchivedSource[] = [];
  for (const seg of run) {
    const file = segmentFile(ctx, seg);
    const facts = file ? fileFacts(file) : null;
    if (!file || !facts) throw new CustodianError('internal', `The recording ${file ?? seg.name} vanished before it could be copied.`);
    sources.push({ name: seg.name, path: file, sha256: await sha256File(file), size: facts.size, start_ms: seg.start_ms, end_ms: seg.end_ms });
  }
  const cut = await cutClip({ tools, sources: sources.map((x) => ({ path: x.path, startMs: x.start_ms, endMs: x.end_ms })), fromMs, toMs, out, onProgress });
  const sha256 = await sha256File(out);
  return { cut, sha256, size: statSync(out).size, sources };
}
