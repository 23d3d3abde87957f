/** What the masking engine needs to know about a clip before it reads its pictures. */
import { stat } from 'node:fs/promises';
import { failure } from '../../common/errors.js';
import { MediaToolFailed, classifyFailure, lastLines, runTool } from '../ffmpeg-run.js';
import type { MediaTools } from '../media-tools.js';

export interface ClipInfo {
  readonly width: number;
  readonly height: number;
  /** Playing time, ms (the video stream's, else the file's). */
  readonly durationMs: number;
  /** Frames per second as the stream declares it (informative; timestamps rule). */
  readonly fps: number | null;
}

interface ProbeJson {
  streams?: { width?: number; height?: number; duration?: string; avg_frame_rate?: string; r_frame_rate?: string }[];
  format?: { duration?: string };
}

function rate(s: string | undefined): number | null {
  const m = /^(\d+)\/(\d+)$/.exec(s ?? '');
  if (!m) return null;
  const v = Number(m[1]) / Number(m[2]);
  return Number.isFinite(v) && v > 0 ? v : null;
}

export async function probeClip(tools: MediaTools, file: string, signal?: AbortSignal): Promise<ClipInfo> {
  const st = await stat(file).catch(() => null);
  if (!st) throw failure('invalid_request', 'masking:clipMissing', { file });
  if (!st.isFile()) throw failure('invalid_request', 'masking:clipUnreadable', { file, detail: 'not a file' });
  let stdout: string;
  try {
    ({ stdout } = await runTool(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,duration,avg_frame_rate,r_frame_rate:format=duration', '-of', 'json', file], { signal }));
  } catch (e) {
    if (signal?.aborted) throw e;
    const stderr = e instanceof MediaToolFailed ? e.stderr : String(e);
    const { kind } = classifyFailure(stderr);
    if (kind === 'missing') throw failure('invalid_request', 'masking:clipMissing', { file });
    const detail = lastLines(stderr.split(`${file}: `).join(''), 1) || 'not a video file';
    throw failure('invalid_request', 'masking:clipUnreadable', { file, detail });
  }
  const j = JSON.parse(stdout) as ProbeJson;
  const v = j.streams?.[0];
  if (!v?.width || !v.height) throw failure('invalid_request', 'masking:clipNoPicture', { file });
  const d = Number(v.duration ?? j.format?.duration);
  const df = Number(j.format?.duration);
  const durationS = Number.isFinite(d) && d > 0 ? d : Number.isFinite(df) && df > 0 ? df : NaN;
  if (!Number.isFinite(durationS)) throw failure('invalid_request', 'masking:clipUnreadable', { file, detail: 'no duration' });
  return { width: v.width, height: v.height, durationMs: durationS * 1000, fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate) };
}
