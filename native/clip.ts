/**
 * Cuts one archived clip out of a camera's recorder segments: the window [fromMs, toMs) across
 * consecutive segments, joined with ffmpeg's concat demuxer and stream-copied (no re-encode: the
 * clip's pictures are the recorder's own coded frames; for H.264 the demuxer also repeats the
 * parameter sets (SPS/PPS) in-band at each keyframe, a few dozen bytes, so segments whose encoder
 * settings changed still decode), video only.
 *
 * How exact the cut is (stream copy can only start on a keyframe):
 * - The first segment gets an `inpoint` and the last an `outpoint` in the concat list. The
 *   demuxer seeks to a keyframe before the inpoint and keeps the packets from there, so the clip
 *   STARTS up to one GOP before fromMs (2 s on our cameras), plus the B-frame reorder delay
 *   (a few frames) when the encoder uses B-frames: `startMs` is always ≤ fromMs, and ≥ fromMs
 *   minus one GOP and a few frames.
 * - The outpoint drops packets whose decode time is at or after it, so the clip ENDS at toMs
 *   to within a frame or two (a little after it with B-frames, up to one frame before it).
 * - We do not guess where the demuxer landed: ffmpeg reports the start of the joined input
 *   relative to the inpoint ("start: -1.96"), and we probe the finished clip's duration. The
 *   returned startMs/endMs are the wall-clock span the clip really covers.
 * - The clip's timeline is continuous: a gap between two segments (a recorder outage) is closed
 *   up in the clip. `endMs` adds the gaps back, so endMs − startMs can exceed durationMs.
 *
 * No audio ever leaves (policy P7): only the first video stream is mapped, `-an`, and the
 * finished clip is checked to have no audio stream. Whether any source had audio is reported
 * (from ffprobe of every source) so the caller can flag the recording as a policy deviation.
 *
 * The clip is written as `out + '.partial'`, fsynced, then renamed to `out`: a crash leaves no
 * half clip under the final name, and every failure removes the partial.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { removeWorkingFolder } from './own-files.js';
import os from 'node:os';
import path from 'node:path';
import { CustodianError, failure } from '../common/errors.js';
import type { MsgParam } from '../common/i18n/catalog.js';
import {
  MediaToolFailed,
  classifyFailure,
  commitPartial,
  lastLines,
  mapLimit,
  outputError,
  preparePartial,
  removeQuietly,
  runTool,
} from './ffmpeg-run.js';
import type { MediaTools } from './media-tools.js';

export interface ClipSource {
  readonly path: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface CutClipOptions {
  readonly tools: MediaTools;
  /** Consecutive segments of ONE camera, sorted by start. Only those overlapping the window are used. */
  readonly sources: readonly ClipSource[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly out: string;
  readonly onProgress?: ((fraction: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface CutClipResult {
  /** Wall-clock UTC ms of the clip's first frame (≤ fromMs, by at most one GOP and a few frames). */
  readonly startMs: number;
  /** Wall-clock UTC ms where the clip's last frame ends. */
  readonly endMs: number;
  /** Some source had an audio stream (a policy deviation to flag); the clip never has one. */
  readonly sourceHadAudio: boolean;
  /** The clip's own playing time. */
  readonly durationMs: number;
}

interface SourceProbe {
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
  /** The file's own first timestamp in seconds, over all its streams (0 for most MP4, often not for MPEG-TS). */
  readonly startTime: number;
  /** The first video frame's timestamp in seconds; the segment's wall-clock start is this frame. */
  readonly videoStart: number;
  /** The video stream's duration (the format's when the stream has none). */
  readonly durationS: number | null;
}

interface FfprobeJson {
  streams?: { codec_type?: string; start_time?: string; duration?: string }[];
  format?: { start_time?: string; duration?: string };
}

function num(s: string | undefined): number | null {
  const v = Number(s);
  return s !== undefined && s !== 'N/A' && Number.isFinite(v) ? v : null;
}

async function probe(tools: MediaTools, input: readonly string[], signal: AbortSignal | undefined): Promise<SourceProbe> {
  const { stdout } = await runTool(
    tools.ffprobe,
    ['-v', 'error', '-show_entries', 'format=start_time,duration:stream=codec_type,start_time,duration', '-of', 'json', ...input],
    { signal },
  );
  const j = JSON.parse(stdout) as FfprobeJson;
  const streams = j.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  const start = num(j.format?.start_time) ?? 0;
  return {
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    hasVideo: video !== undefined,
    startTime: start,
    videoStart: num(video?.start_time) ?? start,
    durationS: num(video?.duration) ?? num(j.format?.duration),
  };
}

const probeFile = (tools: MediaTools, file: string, signal: AbortSignal | undefined): Promise<SourceProbe> => probe(tools, [file], signal);

/** The error for a source that cannot be used, naming the file. */
function sourceError(file: string, e: unknown): CustodianError {
  if (e instanceof CustodianError) return e;
  const stderr = e instanceof MediaToolFailed ? e.stderr : String((e as Error | null)?.message ?? e);
  const { kind } = classifyFailure(stderr);
  if (kind === 'missing') return vanished(file);
  if (kind === 'permission') return failure('invalid_request', 'media:recordingDenied', { file });
  const why: MsgParam = lastLines(stderr.replace(new RegExp(escapeRegExp(file) + ':\\s*', 'g'), ''), 1) || { key: 'media:notVideo' };
  return failure('invalid_request', 'media:recordingDamaged', { file, detail: why }, { file });
}

function vanished(file: string): CustodianError {
  return failure('invalid_request', 'media:recordingGone', { file });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One entry of an ffconcat list; single quotes in a path are closed, escaped and reopened. */
function concatEntry(file: string, inpoint: number | null, outpoint: number | null): string {
  let s = `file '${path.resolve(file).replace(/'/g, "'\\''")}'\n`;
  if (inpoint !== null) s += `inpoint ${inpoint.toFixed(6)}\n`;
  if (outpoint !== null) s += `outpoint ${outpoint.toFixed(6)}\n`;
  return s;
}

function validate(opts: CutClipOptions): ClipSource[] {
  const { sources, fromMs, toMs } = opts;
  if (sources.length === 0) throw failure('invalid_request', 'media:noSources');
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw failure('invalid_request', 'media:badWindow', { from: fromMs, to: toMs });
  }
  let prev: ClipSource | undefined;
  for (const s of sources) {
    if (!(s.endMs > s.startMs)) throw failure('invalid_request', 'media:emptySpan', { file: s.path });
    if (prev && s.startMs < prev.startMs) throw failure('invalid_request', 'media:unsorted');
    prev = s;
  }
  const used = sources.filter((s) => s.endMs > fromMs && s.startMs < toMs);
  if (used.length === 0) throw failure('invalid_request', 'media:noOverlap');
  return used;
}

export async function cutClip(opts: CutClipOptions): Promise<CutClipResult> {
  const { tools, fromMs, toMs, out, onProgress, signal } = opts;
  const used = validate(opts);
  const first = used[0] as ClipSource;
  const last = used[used.length - 1] as ClipSource;

  // A source that vanished is the commonest failure (the recorder overwrote it): say so first.
  await Promise.all(
    used.map(async (s) => {
      const st = await stat(s.path).catch((e: unknown) => {
        throw sourceError(s.path, e);
      });
      if (!st.isFile()) throw failure('invalid_request', 'media:notAFile', { file: s.path });
    }),
  );

  // Inpoint/outpoint are in each file's own timestamps, so the first and last need probing before the run.
  const [firstProbe, lastProbe] = await Promise.all(
    [first, last].map((s) => probeFile(tools, s.path, signal).catch((e: unknown) => Promise.reject(signal?.aborted ? e : sourceError(s.path, e)))),
  );
  if (!firstProbe || !lastProbe) throw failure('internal', 'media:probeEmpty');
  for (const [s, p] of [[first, firstProbe], [last, lastProbe]] as const) {
    if (!p.hasVideo) throw failure('invalid_request', 'media:noVideoStream', { file: s.path });
  }

  const inpoint = fromMs > first.startMs ? firstProbe.videoStart + (fromMs - first.startMs) / 1000 : null;
  const outpoint = toMs < last.endMs ? lastProbe.videoStart + (toMs - last.startMs) / 1000 : null;
  let gapsMs = 0;
  for (let i = 1; i < used.length; i++) gapsMs += Math.max(0, (used[i] as ClipSource).startMs - (used[i - 1] as ClipSource).endMs);
  const expectedMs = Math.max(1, Math.min(toMs, last.endMs) - Math.max(fromMs, first.startMs) - gapsMs);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'custodian-clip-')).catch((e: unknown) => {
    throw failure('internal', 'media:tempFolder', { detail: (e as Error).message });
  });
  let partial: string;
  try {
    partial = await preparePartial(out);
  } catch (e) {
    await removeWorkingFolder(tmp);
    throw e;
  }
  const list = path.join(tmp, 'list.ffconcat');
  // The middle sources are probed (for audio, and to name a damaged one) while ffmpeg copies.
  const middle = used.slice(1, -1);
  let middleProbes: Promise<PromiseSettledResult<SourceProbe>[]> = Promise.resolve([]);
  let reported = -1;
  const report = (f: number): void => {
    if (onProgress && f > reported) {
      reported = f;
      onProgress(f);
    }
  };
  try {
    const entries = used.map((s, i) => concatEntry(s.path, i === 0 ? inpoint : null, i === used.length - 1 ? outpoint : null));
    await writeFile(list, 'ffconcat version 1.0\n' + entries.join('')).catch((e: unknown) => {
      throw failure('internal', 'media:tempList', { folder: tmp, detail: (e as Error).message });
    });
    // Where the demuxer's seek to the inpoint lands: the joined input's first video timestamp,
    // relative to the inpoint (e.g. -1.96 when the keyframe is 1.96 s before it).
    const joined = await probe(tools, ['-f', 'concat', '-safe', '0', '-i', list], signal).catch((e: unknown) => {
      throw signal?.aborted ? e : ffmpegError(e, out, used);
    });
    middleProbes = mapLimit(middle, 2, (s) => probeFile(tools, s.path, signal));
    report(0);
    try {
      // -copyts keeps the joined input's timestamps (without it ffmpeg would shift by the earliest
      // stream, which may be an unmapped audio stream); -output_ts_offset puts the first video
      // frame at 0.
      await runTool(
        tools.ffmpeg,
        ['-hide_banner', '-nostdin', '-nostats', '-y', '-copyts', '-f', 'concat', '-safe', '0', '-i', list,
          '-map', '0:v:0', '-c', 'copy', '-an', '-sn', '-dn', '-output_ts_offset', (-joined.videoStart).toFixed(6),
          '-movflags', '+faststart', '-f', 'mp4', '-progress', 'pipe:1', partial],
        { signal, onOutTime: (ms) => report(Math.min(0.99, Math.max(0, ms / expectedMs))) },
      );
    } catch (e) {
      if (signal?.aborted) throw e;
      // A damaged or vanished middle source explains the failure best, by name.
      const probes = await middleProbes;
      probes.forEach((p, i) => {
        if (p.status === 'rejected') throw sourceError((middle[i] as ClipSource).path, p.reason);
      });
      throw ffmpegError(e, out, used);
    }
    const probes = await middleProbes;
    let sourceHadAudio = firstProbe.hasAudio || lastProbe.hasAudio;
    probes.forEach((p, i) => {
      if (p.status === 'rejected') throw sourceError((middle[i] as ClipSource).path, p.reason);
      sourceHadAudio ||= p.value.hasAudio;
    });

    const result = await probeFile(tools, partial, signal).catch((e: unknown) => {
      throw failure('internal', 'media:readBack', { detail: e instanceof Error ? e.message : String(e) });
    });
    if (result.hasAudio) throw failure('internal', 'media:cutHasAudio');
    if (!result.hasVideo || result.durationS === null || result.durationS <= 0) {
      throw failure('internal', 'media:cutEmpty', { files: used.map((s) => path.basename(s.path)).join(', ') });
    }
    // The first video frame in the first file's own time. The concat demuxer measures from the
    // inpoint (or from the file's start over all streams when there is none). result.videoStart
    // is 0 unless ffmpeg's seek landed elsewhere than ffprobe's (they are separate builds), in
    // which case it measures the difference and keeps the returned span true.
    const fileTime = (inpoint ?? firstProbe.startTime) + joined.videoStart + result.videoStart;
    const startMs = Math.round(first.startMs + (fileTime - firstProbe.videoStart) * 1000);
    const durationMs = Math.round(result.durationS * 1000);
    await commitPartial(partial, out);
    report(1);
    return { startMs, endMs: startMs + durationMs + gapsMs, sourceHadAudio, durationMs };
  } catch (e) {
    await removeQuietly(partial);
    // Let the background probes finish before we return, so no ffprobe outlives the call.
    await middleProbes.catch(() => undefined);
    throw e;
  } finally {
    await removeWorkingFolder(tmp);
  }
}

function ffmpegError(e: unknown, out: string, used: readonly ClipSource[]): CustodianError {
  if (e instanceof CustodianError) return e;
  if (!(e instanceof MediaToolFailed)) return failure('internal', 'media:cutFailed', { detail: e instanceof Error ? e.message : String(e) });
  const { kind, file } = classifyFailure(e.stderr);
  const source = file ? used.find((s) => path.resolve(s.path) === path.resolve(file)) : undefined;
  if (source) return sourceError(source.path, e);
  if (kind === 'disk_full' || kind === 'read_only' || kind === 'permission') return outputError(kind, out, lastLines(e.stderr, 1));
  return failure('internal', 'media:cutFailed', { detail: lastLines(e.stderr, 2) || { key: 'media:ffmpegNoReason' } });
}
