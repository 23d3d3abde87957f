/**
 * Assisted masking, step 2: burn the masks into a copy of the clip (issue 14). Every box of
 * every track that is not kept visible is painted SOLID BLACK in every frame it covers, and the
 * result is re-encoded (H.264, the same settings as redact.ts, no audio ever): irreversible,
 * nothing of what was under a mask is in the file. Solid, not blurred, for the reason redact.ts
 * gives: a blur can be partly undone and still leaks shapes and colours.
 *
 * How moving boxes are drawn with the bundled ffmpeg (a 2018 build: drawbox there has fixed
 * coordinates and takes no commands): each track is cut into PIECES over which its box size
 * changes little; a piece is one black rectangle (a one-frame `color` source, repeated) laid on
 * the picture by `overlay`, whose x/y are evaluated for every frame from that frame's own time
 * `t` as a piecewise-linear function of the keys, and which is enabled only during the piece.
 * The rectangle is the piece's largest box plus a margin, centred on the interpolated centre,
 * so it contains the interpolated box at every instant. Because everything follows each
 * frame's real timestamp, variable frame rates and gaps are masked correctly. Measured against
 * a plain re-encode in bench/masking.bench.ts.
 *
 * Written as `out + '.partial'`, fsynced and renamed (ffmpeg-run.ts); the partial is removed on
 * any failure. The result carries what a manifest needs: the SHA-256 of the clip it came from,
 * the mask-track set (with which tracks were kept) and the encoder settings.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  /** Black rectangles in the filter graph (pieces of tracks). */
  readonly pieces: number;
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
/** Keys per piece: the x/y expressions nest one `if` per key. */
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

/** A piecewise-linear function of `t` through (t_i, v_i), held constant outside, as an ffmpeg expression. */
export function pathExpr(points: readonly { t: number; v: number }[]): string {
  const p = points;
  const firstP = p[0];
  if (!firstP) return '0';
  if (p.length === 1) return num(firstP.v);
  let expr = num((p[p.length - 1] as { v: number }).v);
  for (let i = p.length - 2; i >= 0; i--) {
    const a = p[i] as { t: number; v: number };
    const b = p[i + 1] as { t: number; v: number };
    const slope = b.t > a.t ? (b.v - a.v) / (b.t - a.t) : 0;
    const seg = slope === 0 ? num(a.v) : `${num(a.v)}+(t-${num(a.t)})*${num(slope)}`;
    expr = `if(lt(t\\,${num(b.t)})\\,${seg}\\,${expr})`;
  }
  return expr;
}

/** The filter graph (for -filter_complex_script): input [0:v] → output [vout]. */
export function burnGraph(pieces: readonly Piece[]): string {
  const lines = ['[0:v]format=yuv420p[m0]'];
  pieces.forEach((p, i) => {
    const xs = pathExpr(p.path.map((q) => ({ t: q.t, v: q.cx - p.w / 2 })));
    const ys = pathExpr(p.path.map((q) => ({ t: q.t, v: q.cy - p.h / 2 })));
    // One black frame, timed long before any real frame and repeated by overlay (eof_action
    // repeat): every frame of the piece's span has it, including frames with negative times.
    lines.push(`color=c=black:s=${p.w}x${p.h}:r=1:d=1,format=yuv420p,setpts=PTS-100000/TB[c${i}]`);
    lines.push(`[m${i}][c${i}]overlay=x=${xs}:y=${ys}:eof_action=repeat:enable=between(t\\,${num(p.from - 0.0005)}\\,${num(p.to + 0.0005)})[m${i + 1}]`);
  });
  lines.push(`[m${pieces.length}]null[vout]`);
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
  const sourceSha256 = await sha256File(clipPath);
  const work = await mkdtemp(path.join(os.tmpdir(), 'custodian-burn-'));
  const script = path.join(work, 'graph.txt');
  await writeFile(script, burnGraph(pieces));
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
      `${masked.length} mask tracks burned in as solid black rectangles (overlay per frame time, after conversion to yuv420p, ${pieces.length} pieces), ${keepTrackIds.length} kept visible; ${versions}`;
    return {
      out,
      sourceSha256,
      sha256,
      set: { format: MASK_TRACKS_FORMAT, width: clip.width, height: clip.height, durationMs: clip.durationMs, tracks: [...tracks], keep: [...keepTrackIds] },
      maskedTrackIds: masked.map((t) => t.id),
      encoder: 'libx264',
      settings,
      pieces: pieces.length,
    };
  } catch (e) {
    await removeQuietly(partial);
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
