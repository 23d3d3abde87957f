/**
 * One still frame of a video as PNG, full resolution: the picture the settings screen shows so
 * an officer can draw masks on it. Written as `outPng + '.partial'` then renamed, like clips.
 */
import { open, stat } from 'node:fs/promises';
import { CustodianError, failure } from '../common/errors.js';
import { MediaToolFailed, classifyFailure, commitPartial, inputError, lastLines, outputError, preparePartial, removeQuietly, runTool } from './ffmpeg-run.js';
import type { MediaTools } from './media-tools.js';

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes the frame shown at `atSeconds` (accurate: ffmpeg seeks to the keyframe before and
 * decodes up to the time) and writes it as a PNG. Returns the picture's size in pixels.
 */
export async function grabFrame(tools: MediaTools, input: string, atSeconds: number, outPng: string): Promise<FrameSize> {
  if (!Number.isFinite(atSeconds) || atSeconds < 0) throw failure('invalid_request', 'media:frameTime', { seconds: atSeconds });
  await stat(input).catch((e: unknown) => {
    throw inputError(input, e);
  });
  const partial = await preparePartial(outPng);
  try {
    try {
      await runTool(tools.ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-y', '-ss', atSeconds.toFixed(3), '-i', input, '-map', '0:v:0', '-frames:v', '1', '-an', '-c:v', 'png', '-f', 'image2pipe', partial]);
    } catch (e) {
      const how = e instanceof MediaToolFailed ? classifyFailure(e.stderr) : null;
      if (how && (how.kind === 'disk_full' || how.kind === 'read_only')) throw outputError(how.kind, outPng, lastLines((e as MediaToolFailed).stderr, 1));
      throw inputError(input, e);
    }
    const size = await pngSize(partial);
    if (!size) {
      // ffmpeg succeeds with an empty output when the time is past the end.
      throw failure('invalid_request', 'media:framePastEnd', { seconds: atSeconds, file: input });
    }
    await commitPartial(partial, outPng);
    return size;
  } catch (e) {
    await removeQuietly(partial);
    throw e;
  }
}

/** Width and height from a PNG's IHDR chunk, or null if the file is not a PNG (e.g. empty). */
async function pngSize(file: string): Promise<FrameSize | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(24);
    const { bytesRead } = await fh.read(buf, 0, 24, 0);
    if (bytesRead < 24 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  } finally {
    await fh.close();
  }
}

/**
 * A small still of a recording for the timeline: its first keyframe (only keyframes are decoded,
 * so it costs a fraction of a frame-accurate grab), scaled to `width` pixels wide, as JPEG.
 * Written as `outJpg + '.partial'` then renamed. Returns the picture's size in pixels.
 */
export async function grabKeyframeJpeg(tools: MediaTools, input: string, width: number, outJpg: string): Promise<FrameSize> {
  if (!Number.isInteger(width) || width < 16 || width > 1920) throw new CustodianError('invalid_request', `A still ${width} px wide is not one Custodian makes.`);
  await stat(input).catch((e: unknown) => {
    throw inputError(input, e);
  });
  const partial = await preparePartial(outJpg);
  try {
    try {
      await runTool(tools.ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-y', '-skip_frame', 'nokey', '-i', input, '-map', '0:v:0', '-frames:v', '1', '-an', '-vf', `scale=${width}:-2`, '-c:v', 'mjpeg', '-q:v', '5', '-f', 'image2pipe', partial]);
    } catch (e) {
      const failure = e instanceof MediaToolFailed ? classifyFailure(e.stderr) : null;
      if (failure && (failure.kind === 'disk_full' || failure.kind === 'read_only')) throw outputError(failure.kind, outJpg, lastLines((e as MediaToolFailed).stderr, 1));
      throw inputError(input, e);
    }
    const size = await jpegSize(partial);
    if (!size) throw new CustodianError('invalid_request', `${input} has no picture to make a still of.`, { file: input });
    await commitPartial(partial, outJpg);
    return size;
  } catch (e) {
    await removeQuietly(partial);
    throw e;
  }
}

/** Width and height from a JPEG's first start-of-frame marker, or null if it is not a JPEG. */
export async function jpegSize(file: string): Promise<FrameSize | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
    let i = 2;
    while (i + 9 < bytesRead) {
      if (buf[i] !== 0xff) return null;
      const marker = buf[i + 1] as number;
      const len = buf.readUInt16BE(i + 2);
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      i += 2 + len;
    }
    return null;
  } finally {
    await fh.close();
  }
}
