/**
 * Burns masks into a clip for an export (policy P4, G1): every masked region is painted SOLID
 * BLACK in every frame before encoding, so the exported file holds no trace of what was there.
 * A blur is not used: a weak blur can be partly undone and a strong one still leaks shapes and
 * colours; a filled box leaks nothing but its own position.
 *
 * The result is re-encoded with libx264 (the settings below, returned for the export manifest),
 * yuv420p so any browser and ordinary player can open it, video only (`-an`: no audio ever
 * leaves, P7), `+faststart` so it plays while loading, and the source's own timestamps
 * (`-vsync passthrough`) so the export keeps the clip's real times. It is written as
 * `out + '.partial'`, fsynced and renamed, and the partial is removed on any failure.
 */
import path from 'node:path';
import { CustodianError, failure } from '../common/errors.js';
import {
  MediaToolFailed,
  classifyFailure,
  commitPartial,
  ffmpegVersion,
  inputError,
  lastLines,
  outputError,
  preparePartial,
  removeQuietly,
  runTool,
} from './ffmpeg-run.js';
import type { MediaTools } from './media-tools.js';

/** A region to hide, relative to the frame: 0..1 from the top-left corner. */
export interface Mask {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface RedactOptions {
  readonly tools: MediaTools;
  readonly input: string;
  readonly masks: readonly Mask[];
  readonly out: string;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface RedactResult {
  /** The encoder, e.g. "libx264". */
  readonly encoder: string;
  /** Everything a reader of the manifest needs to know about how the file was made. */
  readonly settings: string;
}

/**
 * The encoder settings for redacted exports: visually transparent quality for CCTV footage
 * (CRF 20), and veryfast because redaction runs while an officer waits (see bench/redact.bench.ts).
 */
export const REDACT_ENCODER_ARGS: readonly string[] = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-profile:v', 'high', '-pix_fmt', 'yuv420p'];

export interface PixelBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * Relative masks → pixel boxes, grown outwards to even coordinates: with 4:2:0 chroma one
 * colour sample covers 2×2 pixels, and a box edge through the middle of one would leave the
 * edge pixels half-painted. A mask therefore always covers at least the region asked for.
 */
export function maskBoxes(masks: readonly Mask[], width: number, height: number): PixelBox[] {
  return masks.map((m, i) => {
    const ok = [m.x, m.y, m.w, m.h].every(Number.isFinite) && m.x >= 0 && m.y >= 0 && m.w > 0 && m.h > 0 && m.x + m.w <= 1 + 1e-9 && m.y + m.h <= 1 + 1e-9;
    if (!ok) throw failure('invalid_request', 'media:maskOutside', { n: i + 1 });
    const x0 = Math.floor((m.x * width) / 2) * 2;
    const y0 = Math.floor((m.y * height) / 2) * 2;
    const x1 = Math.min(width, Math.ceil(((m.x + m.w) * width) / 2) * 2);
    const y1 = Math.min(height, Math.ceil(((m.y + m.h) * height) / 2) * 2);
    return { x: x0, y: y0, w: Math.max(2, x1 - x0), h: Math.max(2, y1 - y0) };
  });
}

/** The filter graph: convert to the output format first, so black is exactly black there. */
export function maskFilter(boxes: readonly PixelBox[]): string {
  return ['format=yuv420p', ...boxes.map((b) => `drawbox=x=${b.x}:y=${b.y}:w=${b.w}:h=${b.h}:color=black:t=fill`)].join(',');
}

interface InputInfo {
  readonly width: number;
  readonly height: number;
  readonly durationMs: number | null;
}

async function probeInput(tools: MediaTools, input: string, signal: AbortSignal | undefined): Promise<InputInfo> {
  let stdout: string;
  try {
    ({ stdout } = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,duration:format=duration', '-of', 'json', input], { signal }));
  } catch (e) {
    if (signal?.aborted) throw e;
    throw inputError(input, e);
  }
  const j = JSON.parse(stdout) as { streams?: { width?: number; height?: number; duration?: string }[]; format?: { duration?: string } };
  const v = j.streams?.[0];
  if (!v?.width || !v.height) throw failure('invalid_request', 'media:noPicture', { file: input });
  const d = Number(v.duration ?? j.format?.duration);
  return { width: v.width, height: v.height, durationMs: Number.isFinite(d) && d > 0 ? d * 1000 : null };
}

export async function redactClip(opts: RedactOptions): Promise<RedactResult> {
  const { tools, input, masks, out, onProgress, signal } = opts;
  if (masks.length === 0) throw failure('invalid_request', 'media:noMasks');
  const info = await probeInput(tools, input, signal);
  const boxes = maskBoxes(masks, info.width, info.height);
  const filter = maskFilter(boxes);
  const partial = await preparePartial(out);
  let reported = -1;
  const report = (f: number): void => {
    if (onProgress && f > reported) {
      reported = f;
      onProgress(f);
    }
  };
  const expected = info.durationMs ?? 0;
  try {
    report(0);
    const args = ['-nostdin', '-nostats', '-y', '-i', input, '-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filter, ...REDACT_ENCODER_ARGS,
      '-vsync', 'passthrough', '-movflags', '+faststart', '-f', 'mp4', '-progress', 'pipe:1', partial];
    let stderr: string;
    try {
      ({ stderr } = await runTool(tools.ffmpeg, args, { signal, onOutTime: (ms) => {
        if (expected > 0) report(Math.min(0.99, ms / expected));
      } }));
    } catch (e) {
      if (signal?.aborted || e instanceof CustodianError) throw e;
      const how = e instanceof MediaToolFailed ? classifyFailure(e.stderr) : null;
      if (how && (how.kind === 'disk_full' || how.kind === 'read_only')) throw outputError(how.kind, out, lastLines((e as MediaToolFailed).stderr, 1));
      if (how?.file && path.resolve(how.file) === path.resolve(input)) throw inputError(input, e);
      throw failure('internal', 'media:redactFailed', { file: path.basename(input), detail: e instanceof MediaToolFailed ? lastLines(e.stderr, 2) : String(e) });
    }
    await commitPartial(partial, out);
    report(1);
    const x264 = /\b264 - core (\d+)/.exec(stderr)?.[1];
    const versions = [`ffmpeg ${ffmpegVersion(stderr) ?? 'unknown version'}`, x264 ? `x264 core ${x264}` : null].filter(Boolean).join(', ');
    const settings =
      `${REDACT_ENCODER_ARGS.join(' ')} -vsync passthrough -an -movflags +faststart; ` +
      `masks burned in as solid black boxes (drawbox t=fill, after conversion to yuv420p) at ${boxes.map((b) => `${b.w}x${b.h}+${b.x}+${b.y}`).join(', ')} px of ${info.width}x${info.height}; ${versions}`;
    return { encoder: 'libx264', settings };
  } catch (e) {
    await removeQuietly(partial);
    throw e;
  }
}
