/**
 * Assisted masking, step 2: burn the masks into a copy of the clip (issue 14). Every box of
 * every track that is not kept visible is painted SOLID BLACK in every frame it covers, and the
 * result is re-encoded (H.264, the same settings as redact.ts, no audio ever): irreversible,
 * nothing of what was under a mask is in the file. Solid, not blurred, for the reason redact.ts
 * gives: a blur can be partly undone and still leaks shapes and colours.
 *
 * How moving boxes are drawn with the bundled ffmpeg (a 2018 build: drawbox there has fixed
 * coordinates and takes no commands): each track is cut into PIECES over which its box size
 * changes little; a piece's rectangle is its largest box plus a margin, centred on the
 * interpolated centre, so it contains the interpolated box at every instant. Pieces of about
 * the same size that do not overlap in time share a LANE: one black rectangle (a one-frame
 * `color` source, repeated) laid on the picture by one `overlay`, whose x/y are evaluated for
 * every frame from that frame's own time `t`. Because everything follows each frame's real
 * timestamp, variable frame rates and gaps are masked correctly. Measured against a plain
 * re-encode in bench/masking.bench.ts.
 *
 * Written as `out + '.partial'`, fsynced and renamed (ffmpeg-run.ts); the partial is removed on
 * any failure. The result carries what a manifest needs: the SHA-256 of the clip it came from,
 * the mask-track set (with which tracks were kept) and the encoder settings.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { removeWorkingFolder } from '../own-files.js';
import os from 'node:os';
import path from 'node:path';
import { CustodianError, failure } from '../../common/errors.js';
import { MASK_TRACKS_FORMAT, MaskTrackSchema, lerpRect, type KeyBox, type MaskTrack, type MaskTrackSet, type Rect } from '../../common/mask-track.js';
import { sha256File } from '../hash.js';
import { MediaToolFailed, classifyFailure, commitPartial, ffmpegVersion, lastLines, monotonicProgress, outputError, preparePartial, removeQuietly, runTool } from '../ffmpeg-run.js';
import { resolveMediaTools, type MediaTools } from '../media-tools.js';
import { REDACT_ENCODER_ARGS } from '../redact.js';
import { probeClip } from './clip-info.js';

export interface BurnOptions {
  readonly tools?: MediaTools | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface BurnResult {
  readonly out: string;
  /** SHA-256 of the clip the masked copy was made from. */
  readonly sourceSha256: string;
  readonly sha256: string;
  /** The tracks and the kept ones, as burned in: what the manifest records. */
  readonly set: MaskTrackSet;
  readonly maskedTrackIds: readonly string[];
  readonly encoder: string;
  readonly settings: string;
  /** Pieces the tracks were cut into, and the black rectangles (lanes) that draw them. */
  readonly pieces: number;
  readonly lanes: number;
}

/** One black rectangle moving over a time span: size fixed, centre piecewise linear. */
export interface Piece {
  readonly from: number;
  readonly to: number;
  /** Pixels, even. */
  readonly w: number;
  readonly h: number;
  /** Centre in pixels at each key time (seconds). */
  readonly path: readonly { readonly t: number; readonly cx: number; readonly cy: number }[];
}

/** A piece's box may be at most this much larger than the smallest box it stands for. */
const MAX_GROWTH = 1.25;
/** Keys per piece (a lane packs pieces in time; shorter pieces pack better). */
const MAX_KEYS = 40;
/** Pixels added to every side: overlay rounds positions down to even pixels for 4:2:0. */
const MARGIN = 2;

const even = (v: number): number => Math.ceil(v / 2) * 2;

function pieceOf(keys: readonly KeyBox[], width: number, height: number): Piece {
  const w = Math.max(...keys.map((k) => k.box.w));
  const h = Math.max(...keys.map((k) => k.box.h));
  return {
    from: (keys[0] as KeyBox).t / 1000,
    to: (keys[keys.length - 1] as KeyBox).t / 1000,
    w: even(w * width + 2 * MARGIN),
    h: even(h * height + 2 * MARGIN),
    path: keys.map((k) => ({ t: k.t / 1000, cx: (k.box.x + k.box.w / 2) * width, cy: (k.box.y + k.box.h / 2) * height })),
  };
}

const grows = (a: Rect, b: Rect): boolean => Math.max(a.w, b.w) > MAX_GROWTH * Math.min(a.w, b.w) || Math.max(a.h, b.h) > MAX_GROWTH * Math.min(a.h, b.h);

/**
 * Adds interpolated keys where the box size changes by more than MAX_GROWTH from one key to the
 * next (a person walking towards the camera, or a hand-drawn track with few keys), so every
 * step between neighbours is small. The track's boxes at every instant stay the same.
 */
export function densify(keys: readonly KeyBox[]): KeyBox[] {
  const out: KeyBox[] = [];
  keys.forEach((k, i) => {
    const prev = keys[i - 1];
    if (prev && grows(prev.box, k.box)) {
      const ratio = Math.max(k.box.w / prev.box.w, prev.box.w / k.box.w, k.box.h / prev.box.h, prev.box.h / k.box.h);
      // Linear steps: the first (from the smaller box) grows most, by 1 + (ratio - 1) / n.
      const n = Math.min(64, Math.ceil((ratio - 1) / (MAX_GROWTH - 1) - 1e-9));
      for (let j = 1; j < n; j++) out.push({ t: prev.t + ((k.t - prev.t) * j) / n, box: lerpRect(prev.box, k.box, j / n) });
    }
    out.push(k);
  });
  return out;
}

/**
 * Cuts a track into pieces: runs of consecutive keys over which the box size grows at most
 * MAX_GROWTH, neighbouring runs sharing their boundary key so the pieces meet without a gap.
 * Within a run the interpolated box is never larger than the run's largest and is centred on
 * the interpolated centre, so the piece's rectangle (that size, that centre) contains it.
 */
export function piecesOf(track: MaskTrack, width: number, height: number): Piece[] {
  const dense = densify(track.keys);
  if (dense.length === 1) return [pieceOf(dense, width, height)];
  const out: Piece[] = [];
  let s = 0;
  while (s < dense.length - 1) {
    let e = s + 1;
    let minW = Math.min((dense[s] as KeyBox).box.w, (dense[e] as KeyBox).box.w);
    let maxW = Math.max((dense[s] as KeyBox).box.w, (dense[e] as KeyBox).box.w);
    let minH = Math.min((dense[s] as KeyBox).box.h, (dense[e] as KeyBox).box.h);
    let maxH = Math.max((dense[s] as KeyBox).box.h, (dense[e] as KeyBox).box.h);
    while (e + 1 < dense.length && e + 1 - s < MAX_KEYS) {
      const b = (dense[e + 1] as KeyBox).box;
      const w0 = Math.min(minW, b.w);
      const w1 = Math.max(maxW, b.w);
      const h0 = Math.min(minH, b.h);
      const h1 = Math.max(maxH, b.h);
      if (w1 > MAX_GROWTH * w0 || h1 > MAX_GROWTH * h0) break;
      [minW, maxW, minH, maxH] = [w0, w1, h0, h1];
      e++;
    }
    out.push(pieceOf(dense.slice(s, e + 1), width, height));
    s = e;
  }
  return out;
}

const num = (v: number): string => {
  const s = v.toFixed(4);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

/** Where a lane's rectangle is when none of its pieces is on: far outside the picture. */
const OFF = -100000;

/** One straight stretch of a lane's path: from `t0` to `t1` (seconds), centre moving linearly. */
interface Segment {
  readonly t0: number;
  readonly t1: number;
  readonly cx0: number;
  readonly cy0: number;
  readonly cx1: number;
  readonly cy1: number;
}

/**
 * A LANE is one black rectangle in the filter graph that shows several pieces one after the
 * other: pieces of about the same size whose time spans do not overlap. The graph's cost is one
 * overlay per lane and frame, so lanes (tens for a busy 10-minute clip) instead of pieces
 * (thousands) keep the burn-in near a plain re-encode. Sizes are rounded UP to steps of
 * SIZE_STEP, so a lane's rectangle is never smaller than any of its pieces'.
 */
export interface Lane {
  readonly w: number;
  readonly h: number;
  readonly segments: readonly Segment[];
}

const SIZE_STEP = 1.2;
const sizeClass = (v: number): number => Math.ceil(Math.log(Math.max(v, 2)) / Math.log(SIZE_STEP) - 1e-9);
const classSize = (k: number): number => even(Math.pow(SIZE_STEP, k));

export function lanesOf(pieces: readonly Piece[]): Lane[] {
  const groups = new Map<string, { w: number; h: number; pieces: Piece[] }>();
  for (const p of pieces) {
    const kw = sizeClass(p.w);
    const kh = sizeClass(p.h);
    const key = `${kw}x${kh}`;
    const g = groups.get(key) ?? { w: Math.max(p.w, classSize(kw)), h: Math.max(p.h, classSize(kh)), pieces: [] };
    g.pieces.push(p);
    groups.set(key, g);
  }
  const lanes: Lane[] = [];
  for (const g of groups.values()) {
    // Interval scheduling: each piece goes to the first lane that is free when it starts.
    const open: { end: number; segments: Segment[] }[] = [];
    for (const p of [...g.pieces].sort((x, y) => x.from - y.from)) {
      let lane = open.find((l) => l.end < p.from);
      if (!lane) {
        lane = { end: -Infinity, segments: [] };
        open.push(lane);
      }
      const path = p.path;
      if (path.length === 1) {
        const q = path[0] as { t: number; cx: number; cy: number };
        lane.segments.push({ t0: q.t, t1: q.t, cx0: q.cx, cy0: q.cy, cx1: q.cx, cy1: q.cy });
      }
      for (let i = 0; i + 1 < path.length; i++) {
        const a = path[i] as { t: number; cx: number; cy: number };
        const b = path[i + 1] as { t: number; cx: number; cy: number };
        lane.segments.push({ t0: a.t, t1: b.t, cx0: a.cx, cy0: a.cy, cx1: b.cx, cy1: b.cy });
      }
      lane.end = p.to;
    }
    for (const l of open) lanes.push({ w: g.w, h: g.h, segments: l.segments });
  }
  return lanes;
}

/**
 * A lane's x (or y) as an ffmpeg expression of `t`: a balanced tree of `if(lt(t, …))` over its
 * segments (evaluated lazily, so a frame costs log2(segments) comparisons, and the nesting
 * stays far below the expression parser's depth limit of 100), each leaf the straight line of
 * its segment inside the segment's span and OFF outside. A segment of no length (a one-key
 * track) lasts 20 ms either side.
 */
export function laneExpr(segments: readonly Segment[], coord: 'x' | 'y', size: number): string {
  const line = (s: Segment): string => {
    const v0 = (coord === 'x' ? s.cx0 : s.cy0) - size / 2;
    const v1 = (coord === 'x' ? s.cx1 : s.cy1) - size / 2;
    const slope = s.t1 > s.t0 ? (v1 - v0) / (s.t1 - s.t0) : 0;
    return slope === 0 ? num(v0) : `${num(v0)}+(t-${num(s.t0)})*${num(slope)}`;
  };
  const leaf = (s: Segment): string => {
    const pad = s.t1 > s.t0 ? 0.0005 : 0.02;
    return `if(between(t\\,${num(s.t0 - pad)}\\,${num(s.t1 + pad)})\\,${line(s)}\\,${OFF})`;
  };
  const node = (lo: number, hi: number): string => {
    if (lo === hi) return leaf(segments[lo] as Segment);
    const mid = (lo + hi + 1) >> 1;
    return `if(lt(t\\,${num((segments[mid] as Segment).t0 - 0.0005)})\\,${node(lo, mid - 1)}\\,${node(mid, hi)})`;
  };
  return segments.length === 0 ? String(OFF) : node(0, segments.length - 1);
}

/**
 * Where a lane's rectangle is at time `t` (seconds), top-left in pixels before overlay's rounding:
 * the same tree walk laneExpr writes for ffmpeg, in JavaScript (tests hold the two together).
 */
export function laneAt(lane: Lane, t: number): { x: number; y: number } {
  const segs = lane.segments;
  if (segs.length === 0) return { x: OFF, y: OFF };
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t < (segs[mid] as Segment).t0 - 0.0005) hi = mid - 1;
    else lo = mid;
  }
  const s = segs[lo] as Segment;
  const pad = s.t1 > s.t0 ? 0.0005 : 0.02;
  if (t < s.t0 - pad || t > s.t1 + pad) return { x: OFF, y: OFF };
  const f = s.t1 > s.t0 ? (t - s.t0) / (s.t1 - s.t0) : 0;
  return { x: s.cx0 + (s.cx1 - s.cx0) * f - lane.w / 2, y: s.cy0 + (s.cy1 - s.cy0) * f - lane.h / 2 };
}

/** The filter graph (for -filter_complex_script): input [0:v] → output [vout]. */
export function burnGraph(lanes: readonly Lane[]): string {
  const lines = ['[0:v]format=yuv420p[m0]'];
  lanes.forEach((l, i) => {
    // One black frame, timed long before any real frame and repeated by overlay (eof_action
    // repeat): every frame has it, including frames with negative times.
    lines.push(`color=c=black:s=${l.w}x${l.h}:r=1:d=1,format=yuv420p,setpts=PTS-100000/TB[c${i}]`);
    lines.push(`[m${i}][c${i}]overlay=x=${laneExpr(l.segments, 'x', l.w)}:y=${laneExpr(l.segments, 'y', l.h)}:eof_action=repeat[m${i + 1}]`);
  });
  lines.push(`[m${lanes.length}]null[vout]`);
  return lines.join(';\n');
}

function validate(tracks: readonly MaskTrack[], keep: readonly string[]): void {
  const seen = new Set<string>();
  for (const t of tracks) {
    const r = MaskTrackSchema.safeParse(t);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw failure('invalid_request', 'masking:invalidTrack', { id: String((t as { id?: unknown }).id ?? '?'), detail: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' });
    }
    if (seen.has(t.id)) throw failure('invalid_request', 'masking:duplicateTrack', { id: t.id });
    seen.add(t.id);
  }
  for (const id of keep) if (!seen.has(id)) throw failure('invalid_request', 'masking:unknownKeptTrack', { id });
}

export async function burnMasks(
  clipPath: string,
  tracks: readonly MaskTrack[],
  keepTrackIds: readonly string[],
  out: string,
  onProgress?: (fraction: number) => void,
  options: BurnOptions = {},
): Promise<BurnResult> {
  validate(tracks, keepTrackIds);
  const tools = options.tools ?? resolveMediaTools();
  const { signal } = options;
  const clip = await probeClip(tools, clipPath, signal);
  const keep = new Set(keepTrackIds);
  const masked = tracks.filter((t) => !keep.has(t.id));
  const pieces = masked.flatMap((t) => piecesOf(t, clip.width, clip.height));
  const lanes = lanesOf(pieces);
  const sourceSha256 = await sha256File(clipPath);
  const work = await mkdtemp(path.join(os.tmpdir(), 'custodian-burn-'));
  const script = path.join(work, 'graph.txt');
  await writeFile(script, burnGraph(lanes));
  const partial = await preparePartial(out);
  const report = monotonicProgress(onProgress);
  try {
    report(0);
    const args = ['-nostdin', '-nostats', '-y', '-i', clipPath, '-filter_complex_script', script, '-map', '[vout]', '-an', '-sn', '-dn', ...REDACT_ENCODER_ARGS,
      '-vsync', 'passthrough', '-movflags', '+faststart', '-f', 'mp4', '-progress', 'pipe:1', partial];
    let stderr: string;
    try {
      ({ stderr } = await runTool(tools.ffmpeg, args, { signal, onOutTime: (ms) => report(Math.min(0.99, ms / clip.durationMs)) }));
    } catch (e) {
      if (signal?.aborted || e instanceof CustodianError) throw e;
      const fail = e instanceof MediaToolFailed ? classifyFailure(e.stderr) : null;
      if (fail && (fail.kind === 'disk_full' || fail.kind === 'read_only')) throw outputError(fail.kind, out, lastLines((e as MediaToolFailed).stderr, 1));
      throw failure('internal', 'masking:burnFailed', { file: path.basename(out), detail: e instanceof MediaToolFailed ? lastLines(e.stderr, 2) : String(e) });
    }
    await commitPartial(partial, out);
    const sha256 = await sha256File(out);
    report(1);
    const x264 = /\b264 - core (\d+)/.exec(stderr)?.[1];
    const versions = [`ffmpeg ${ffmpegVersion(stderr) ?? 'unknown version'}`, x264 ? `x264 core ${x264}` : null].filter(Boolean).join(', ');
    const settings =
      `${REDACT_ENCODER_ARGS.join(' ')} -vsync passthrough -an -movflags +faststart; ` +
      `${masked.length} mask tracks burned in as solid black rectangles (overlay per frame time, after conversion to yuv420p, ${pieces.length} pieces in ${lanes.length} lanes), ${keepTrackIds.length} kept visible; ${versions}`;
    return {
      out,
      sourceSha256,
      sha256,
      set: { format: MASK_TRACKS_FORMAT, width: clip.width, height: clip.height, durationMs: clip.durationMs, tracks: [...tracks], keep: [...keepTrackIds] },
      maskedTrackIds: masked.map((t) => t.id),
      encoder: 'libx264',
      settings,
      pieces: pieces.length,
      lanes: lanes.length,
    };
  } catch (e) {
    await removeQuietly(partial);
    throw e;
  } finally {
    await removeWorkingFolder(work);
  }
}
