import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustodianError } from '../common/errors.js';
import { cutClip, type ClipSource } from './clip.js';
import { resolveMediaTools } from './media-tools.js';

const tools = resolveMediaTools();
const BASE = Date.UTC(2026, 0, 15, 9, 0, 0);
const SEG_MS = 10_000;
const GOP_MS = 2000;
/** B-frame reorder delay and frame rounding we allow on top of one GOP (a few frames at 25 fps). */
const SLACK_MS = 200;

let dir: string;
let sources: ClipSource[];

function ffmpeg(args: string[]): Buffer {
  return execFileSync(tools.ffmpeg, ['-hide_banner', '-v', 'error', '-y', ...args], { maxBuffer: 64 << 20 });
}

function streamTypes(file: string): string[] {
  return execFileSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The picture shown at `seconds` (accurate seek), small and grey, as raw bytes. */
function frameAt(file: string, seconds: number): Buffer {
  return ffmpeg(['-ss', seconds.toFixed(3), '-i', file, '-frames:v', '1', '-vf', 'scale=80:60', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
}

/** A recorder segment: 10 s of 320×240 testsrc2 at 25 fps, H.264 with B-frames, keyframe every 2 s. */
function makeSegment(file: string, withAudio: boolean, offsetS: number): void {
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=s=320x240:r=25:d=${SEG_MS / 1000}`,
    ...(withAudio ? ['-f', 'lavfi', '-i', `sine=frequency=440:d=${SEG_MS / 1000}`, '-c:a', 'aac'] : []),
    // Shift the test pattern's clock so each segment shows different pictures.
    '-vf', `setpts=PTS-STARTPTS,drawbox=x=${offsetS * 10}:y=0:w=8:h=8:color=red:t=fill`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', file,
  ]);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'custodian-clip-test-'));
  sources = [0, 1, 2].map((i) => {
    const file = path.join(dir, `cam1_${i}.mp4`);
    makeSegment(file, i === 1, i);
    return { path: file, startMs: BASE + i * SEG_MS, endMs: BASE + (i + 1) * SEG_MS };
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function leftovers(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.partial'));
}

describe('cutClip', () => {
  it('cuts a window across three segments, stream-copied, without audio, and reports the span it really covers', async () => {
    const fromMs = BASE + 5300;
    const toMs = BASE + 24_700;
    const out = path.join(dir, 'clip-window.mp4');
    const progress: number[] = [];
    const r = await cutClip({ tools, sources, fromMs, toMs, out, onProgress: (f) => progress.push(f) });

    // Stream copy starts on the keyframe at or before fromMs: at most one GOP (plus a few frames) early.
    expect(r.startMs).toBeLessThanOrEqual(fromMs);
    expect(r.startMs).toBeGreaterThanOrEqual(fromMs - GOP_MS - SLACK_MS);
    expect(r.endMs).toBeGreaterThanOrEqual(toMs - 50);
    expect(r.endMs).toBeLessThanOrEqual(toMs + SLACK_MS);
    expect(r.durationMs).toBeGreaterThanOrEqual(toMs - fromMs - 50);
    expect(r.durationMs).toBeLessThanOrEqual(toMs - fromMs + GOP_MS + SLACK_MS);
    expect(r.endMs - r.startMs).toBe(r.durationMs);

    // The middle segment had audio; the clip has none, and says the source had it.
    expect(r.sourceHadAudio).toBe(true);
    expect(streamTypes(out)).toEqual(['video']);
    expect(existsSync(out)).toBe(true);
    expect(leftovers(dir)).toEqual([]);

    // The returned start is the truth: the clip's first picture is the source's picture at that
    // wall-clock time, and 8 s in, the clip shows the middle segment at startMs + 8 s.
    const first = sources[0] as ClipSource;
    const middle = sources[1] as ClipSource;
    const srcStart = (r.startMs - first.startMs) / 1000;
    expect(frameAt(out, 0).equals(frameAt(first.path, srcStart))).toBe(true);
    expect(frameAt(out, 0).equals(frameAt(first.path, srcStart + 0.04))).toBe(false); // the check can tell frames apart
    expect(frameAt(out, 8).equals(frameAt(middle.path, (r.startMs + 8000 - middle.startMs) / 1000))).toBe(true);

    // Progress: increasing fractions in 0..1, ending at 1.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1] as number);
    expect(progress.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('uses only the segments the window touches, and reports no audio when none of them had it', async () => {
    const out = path.join(dir, 'clip-last.mp4');
    const r = await cutClip({ tools, sources, fromMs: BASE + 22_000, toMs: BASE + 26_000, out });
    expect(r.sourceHadAudio).toBe(false);
    expect(r.startMs).toBe(BASE + 22_000); // 22 s is a keyframe (every 2 s from the segment start at 20 s)
    expect(Math.abs(r.durationMs - 4000)).toBeLessThanOrEqual(SLACK_MS);
    expect(streamTypes(out)).toEqual(['video']);
  });

  it('refuses a damaged middle segment by name and leaves neither a clip nor a partial', async () => {
    const broken = path.join(dir, 'broken');
    mkdirSync(broken);
    const copies = sources.map((s) => {
      const p = path.join(broken, path.basename(s.path));
      copyFileSync(s.path, p);
      return { ...s, path: p };
    });
    const mid = (copies[1] as ClipSource).path;
    truncateSync(mid, Math.floor(statSync(mid).size / 2)); // the recorder died mid-write: no index (moov)
    const out = path.join(broken, 'clip.mp4');
    const err = await cutClip({ tools, sources: copies, fromMs: BASE + 5000, toMs: BASE + 25_000, out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CustodianError);
    expect((err as CustodianError).code).toBe('invalid_request');
    expect((err as CustodianError).message).toContain(mid);
    expect((err as CustodianError).message).toMatch(/damaged/);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(broken)).toEqual([]);
  });

  it('says so when a source has vanished from the recorder', async () => {
    const gone = { path: path.join(dir, 'overwritten.mp4'), startMs: BASE + 30_000, endMs: BASE + 40_000 };
    const out = path.join(dir, 'clip-gone.mp4');
    const err = await cutClip({ tools, sources: [...sources, gone], fromMs: BASE + 25_000, toMs: BASE + 35_000, out }).catch((e: unknown) => e);
    expect((err as CustodianError).code).toBe('invalid_request');
    expect((err as CustodianError).message).toMatch(/overwritten\.mp4 is no longer on the recorder's storage/);
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('rejects an empty request and a window no segment covers', async () => {
    const out = path.join(dir, 'clip-none.mp4');
    await expect(cutClip({ tools, sources: [], fromMs: BASE, toMs: BASE + 1000, out })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/No recordings/) });
    await expect(cutClip({ tools, sources, fromMs: BASE + 60_000, toMs: BASE + 70_000, out })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(existsSync(out)).toBe(false);
  });

  it('never replaces an existing clip', async () => {
    const out = path.join(dir, 'clip-exists.mp4');
    writeFileSync(out, 'evidence');
    await expect(cutClip({ tools, sources, fromMs: BASE, toMs: BASE + 4000, out })).rejects.toMatchObject({ code: 'conflict' });
    expect(String(execFileSync('cat', [out]))).toBe('evidence');
  });

  it('stops when cancelled and cleans up', async () => {
    const out = path.join(dir, 'clip-cancel.mp4');
    await expect(cutClip({ tools, sources, fromMs: BASE, toMs: BASE + 30_000, out, signal: AbortSignal.abort() })).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });
});

/** Real full and read-only file systems: small tmpfs mounts, only where the test may mount (root on Linux). */
function tryMount(target: string, options: string): boolean {
  mkdirSync(target, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', target], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mountRoot = mkdtempSync(path.join(os.tmpdir(), 'custodian-clip-mnt-'));
const fullDir = path.join(mountRoot, 'full');
const roDir = path.join(mountRoot, 'ro');
const canMount = process.platform === 'linux' && process.getuid?.() === 0 && tryMount(fullDir, 'size=64k');
if (canMount) tryMount(roDir, 'ro,size=64k');

afterAll(() => {
  for (const d of [fullDir, roDir]) {
    try {
      execFileSync('umount', [d], { stdio: 'ignore' });
    } catch {
      // not mounted
    }
  }
  rmSync(mountRoot, { recursive: true, force: true });
});

describe.skipIf(!canMount)('cutClip on a full or read-only archive disk', () => {
  it('says the archive disk is full and leaves nothing behind', async () => {
    const out = path.join(fullDir, 'clip.mp4');
    const err = await cutClip({ tools, sources, fromMs: BASE, toMs: BASE + 30_000, out }).catch((e: unknown) => e);
    expect((err as CustodianError).code).toBe('internal');
    expect((err as CustodianError).message).toMatch(/archive disk is full/);
    expect(readdirSync(fullDir)).toEqual([]);
  });

  it('says the output folder is read-only', async () => {
    const out = path.join(roDir, 'clip.mp4');
    const err = await cutClip({ tools, sources, fromMs: BASE, toMs: BASE + 4000, out }).catch((e: unknown) => e);
    expect((err as CustodianError).code).toBe('invalid_request');
    expect((err as CustodianError).message).toMatch(/read-only/);
  });
});
