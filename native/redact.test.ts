import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import { resolveMediaTools } from './media-tools.js';
import { maskBoxes, redactClip } from './redact.js';

const tools = resolveMediaTools();
const W = 320;
const H = 240;
let dir: string;
let input: string;

function ffmpeg(args: string[]): Buffer {
  return execFileSync(tools.ffmpeg, ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 64 << 20 });
}

/** One decoded frame as raw RGB bytes (W×H×3). */
function rgbFrame(file: string, seconds: number): Buffer {
  const buf = ffmpeg(['-ss', seconds.toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  expect(buf.length).toBe(W * H * 3);
  return buf;
}

/** Pixel values of a rectangle [x0,x1)×[y0,y1), all three channels. */
function region(buf: Buffer, x0: number, y0: number, x1: number, y1: number): number[] {
  const v: number[] = [];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) v.push(buf[(y * W + x) * 3 + c] as number);
  return v;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanAbsDiff = (a: number[], b: number[]): number => mean(a.map((x, i) => Math.abs(x - (b[i] as number))));

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'custodian-redact-test-'));
  input = path.join(dir, 'clip.mp4');
  // An archived clip as a camera with a microphone would make it: 4 s of testsrc2 with audio.
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${W}x${H}:r=25:d=4`, '-f', 'lavfi', '-i', 'sine=d=4', '-c:a', 'aac',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-pix_fmt', 'yuv420p', input]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('redactClip', () => {
  it('paints the masked region solid black in every frame and leaves the rest of the picture alone', async () => {
    const out = path.join(dir, 'redacted.mp4');
    const progress: number[] = [];
    // Left half of the picture, middle band: 160×120 px at (0,60); and a small box top right.
    const r = await redactClip({ tools, input, out, masks: [{ x: 0, y: 0.25, w: 0.5, h: 0.5 }, { x: 0.8, y: 0.05, w: 0.1, h: 0.1 }], onProgress: (f) => progress.push(f) });
    expect(r.encoder).toBe('libx264');
    expect(r.settings).toContain('-crf 20');
    expect(r.settings).toContain('solid black');
    expect(r.settings).toContain('160x120+0+60');

    for (const t of [0.5, 2.0, 3.5]) {
      const before = rgbFrame(input, t);
      const after = rgbFrame(out, t);
      // Inside the mask: black. Within a few pixels of an edge that does not fall on the
      // encoder's 16 px block grid its ringing leaves values up to ~20 of 255 (coming from the
      // picture outside, not from what was masked); further in it is uniform.
      const inside = region(after, 2, 62, 158, 178);
      expect(mean(inside)).toBeLessThan(3);
      expect(Math.max(...inside)).toBeLessThanOrEqual(32);
      const core = region(after, 8, 68, 152, 172);
      expect(Math.max(...core) - Math.min(...core)).toBeLessThanOrEqual(3);
      // The same place in the original is a colourful test picture, so the check can fail.
      expect(mean(region(before, 2, 62, 158, 178))).toBeGreaterThan(60);
      const small = region(after, 260, 16, 286, 34);
      expect(mean(small)).toBeLessThan(6);
      expect(Math.max(...small)).toBeLessThanOrEqual(32);
      // Outside the masks (4 px away from them): the picture is the original, give or take compression.
      expect(meanAbsDiff(region(after, 164, 40, 250, 240), region(before, 164, 40, 250, 240))).toBeLessThan(6);
      expect(meanAbsDiff(region(after, 0, 0, 250, 56), region(before, 0, 0, 250, 56))).toBeLessThan(6);
    }

    // No audio leaves, even though the clip had some.
    const streams = execFileSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type,pix_fmt', '-of', 'csv=p=0', out], { encoding: 'utf8' }).trim();
    expect(streams).toBe('video,yuv420p');
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);

    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1] as number);
  });

  it('keeps the clip’s timeline', async () => {
    const out = path.join(dir, 'redacted-times.mp4');
    await redactClip({ tools, input, out, masks: [{ x: 0.5, y: 0.5, w: 0.25, h: 0.25 }] });
    const dur = (f: string): number =>
      Number(execFileSync(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', f], { encoding: 'utf8' }));
    expect(Math.abs(dur(out) - dur(input))).toBeLessThan(0.05);
  });

  it('grows masks outward to whole chroma samples, never smaller than asked', () => {
    const [b] = maskBoxes([{ x: 0.101, y: 0.333, w: 0.013, h: 0.02 }], 1920, 1080);
    expect(b).toBeDefined();
    if (!b) return;
    expect(b.x % 2 + b.y % 2 + b.w % 2 + b.h % 2).toBe(0);
    expect(b.x).toBeLessThanOrEqual(0.101 * 1920);
    expect(b.y).toBeLessThanOrEqual(0.333 * 1080);
    expect(b.x + b.w).toBeGreaterThanOrEqual((0.101 + 0.013) * 1920);
    expect(b.y + b.h).toBeGreaterThanOrEqual((0.333 + 0.02) * 1080);
    expect(maskBoxes([{ x: 0.9, y: 0.9, w: 0.1, h: 0.1 }], 1921, 1081)[0]).toMatchObject({ x: 1728, y: 972, w: 193, h: 109 });
  });

  it('rejects missing, empty and out-of-picture masks', async () => {
    const out = path.join(dir, 'never.mp4');
    await expect(redactClip({ tools, input, out, masks: [] })).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(redactClip({ tools, input, out, masks: [{ x: 0.8, y: 0, w: 0.5, h: 0.1 }] })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/Mask 1/) });
    await expect(redactClip({ tools, input, out, masks: [{ x: 0, y: 0, w: 0, h: 0.1 }] })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(existsSync(out)).toBe(false);
  });

  it('names a damaged input and leaves nothing behind', async () => {
    const bad = path.join(dir, 'bad.mp4');
    writeFileSync(bad, Buffer.alloc(4096, 7));
    const out = path.join(dir, 'bad-redacted.mp4');
    const err = await redactClip({ tools, input: bad, out, masks: [{ x: 0, y: 0, w: 0.5, h: 0.5 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CustodianError);
    expect((err as CustodianError).code).toBe('invalid_request');
    expect((err as CustodianError).message).toContain(bad);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(out + '.partial')).toBe(false);
  });
});
