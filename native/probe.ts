/** Reads a segment's duration, codec and streams with ffprobe (through fluent-ffmpeg). */
import ffmpeg from 'fluent-ffmpeg';
import type { MediaTools } from './media-tools.js';

export interface ProbeResult {
  readonly durationMs: number | null;
  readonly videoCodec: string | null;
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
  readonly width: number | null;
  readonly height: number | null;
}

export function probeMedia(tools: MediaTools, file: string, timeoutMs = 20_000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ffprobe took longer than ${timeoutMs} ms on ${file}`)), timeoutMs);
    const cmd = ffmpeg(file).setFfprobePath(tools.ffprobe);
    cmd.ffprobe((err: Error | null, data: ffmpeg.FfprobeData) => {
      clearTimeout(timer);
      if (err) {
        // ffprobe's own stderr is long; the first meaningful line is enough for a person.
        const line = String(err.message).split('\n').find((l) => /Invalid data|moov atom|No such file|Permission denied|End of file/i.test(l));
        reject(new Error(line ? line.trim() : 'not a readable video file'));
        return;
      }
      const video = data.streams.find((s) => s.codec_type === 'video');
      const audio = data.streams.some((s) => s.codec_type === 'audio');
      const dur = Number(data.format.duration);
      resolve({
        durationMs: Number.isFinite(dur) && dur > 0 ? Math.round(dur * 1000) : null,
        videoCodec: video?.codec_name ?? null,
        hasAudio: audio,
        hasVideo: video !== undefined,
        width: video?.width ?? null,
        height: video?.height ?? null,
      });
    });
  });
}
