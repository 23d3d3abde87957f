import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grabFrame, grabKeyframeJpeg, jpegSize } from './frame.js';
import { resolveMediaTools } from './media-tools.js';

const tools = resolveMediaTools();
let dir: string;
let input: string;

function ffmpeg(args: string[]): Buffer {
  return execFileSync(tools.ffmpeg, ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 64 << 20 });
}

/** The first picture of `file` (after `extra` input options) as raw RGB. */
const rgb = (file: string, extra: string[] = []): Buffer => ffmpeg([...extra, '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'custodian-frame-test-'));
  input = path.join(dir, 'clip.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=4', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-pix_fmt', 'yuv420p', input]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('grabFrame', () => {
  it('writes the picture shown at the asked time as a full-size PNG', async () => {
    const png = path.join(dir, 'at-2.5.png');
    const size = await grabFrame(tools, input, 2.5, png);
    expect(size).toEqual({ width: 320, height: 240 });
    // The PNG is the frame at 2.5 s (between keyframes), not the keyframe before it nor the first frame.
    const shown = rgb(png);
    expect(shown.equals(rgb(input, ['-ss', '2.5']))).toBe(true);
    expect(shown.equals(rgb(input, ['-ss', '2.0']))).toBe(false);
    expect(shown.equals(rgb(input))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('says when the time is past the end, and leaves no file', async () => {
    const png = path.join(dir, 'late.png');
    await expect(grabFrame(tools, input, 30, png)).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/past the end/) });
    expect(existsSync(png)).toBe(false);
    expect(existsSync(png + '.partial')).toBe(false);
  });

  it('says when the video is not there', async () => {
    await expect(grabFrame(tools, path.join(dir, 'nope.mp4'), 1, path.join(dir, 'nope.png'))).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/does not exist/) });
  });
});

describe('grabKeyframeJpeg', () => {
  it('writes the first keyframe, scaled to the width asked, as a JPEG that ffmpeg reads back', async () => {
    const jpg = path.join(dir, 'thumb.jpg');
    const size = await grabKeyframeJpeg(tools, input, 160, jpg);
    expect(size).toEqual({ width: 160, height: 120 });
    expect(await jpegSize(jpg)).toEqual(size);
    // The still is the recording's first picture: compare it, decoded at the same size, with the source's.
    const still = ffmpeg(['-i', jpg, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
    const first = ffmpeg(['-i', input, '-frames:v', '1', '-vf', 'scale=160:120', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
    const later = ffmpeg(['-ss', '2.5', '-i', input, '-frames:v', '1', '-vf', 'scale=160:120', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
    const diff = (a: Buffer, b: Buffer): number => a.reduce((acc, v, i) => acc + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
    expect(still).toHaveLength(160 * 120);
    expect(diff(still, first)).toBeLessThan(6);
    expect(diff(still, later)).toBeGreaterThan(diff(still, first) * 2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('refuses a file that is not a video, leaving nothing behind', async () => {
    const notVideo = path.join(dir, 'not-video.mp4');
    execFileSync('sh', ['-c', `printf 'hello' > "${notVideo}"`]);
    const jpg = path.join(dir, 'bad.jpg');
    await expect(grabKeyframeJpeg(tools, notVideo, 160, jpg)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(existsSync(jpg)).toBe(false);
    expect(existsSync(jpg + '.partial')).toBe(false);
  });
});
