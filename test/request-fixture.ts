/**
 * A recorder for the access-request tests: real footage with people in it (the committed
 * excerpt of OpenCV's vtest.avi as a 4-second segment of camera "hall"), the same hall with
 * nobody in the picture (its lawn, cropped: camera "lawn"), and generated test-pattern segments
 * (camera "corridor"), laid out as a camera-date-time recorder writes them, mtime at their end.
 */
import { copyFileSync, mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { runFfmpeg } from '../fixtures/ffmpeg.js';
import { VTEST_EXCERPT } from '../fixtures/masking.js';
import { writeRealSegments } from './helpers.js';

/** The excerpt is 4 s long. */
export const HALL_MS = 4_000;

export interface RequestRecorder {
  /** Start of the hall's and the lawn's segment. */
  readonly hallMs: number;
  /** Start of the corridor's segments (3 × 10 s). */
  readonly corridorMs: number;
}

function place(root: string, camera: string, startMs: number, file: string, tz: string): string {
  const dest = path.join(root, ...formatLayoutPath(compileLayout('camera-date-time', tz), camera, startMs));
  mkdirSync(path.dirname(dest), { recursive: true });
  copyFileSync(file, dest);
  const end = new Date(startMs + HALL_MS);
  utimesSync(dest, end, end);
  return dest;
}

export async function writeRequestRecorder(root: string, work: string, opts: { hallMs: number; corridorMs: number; timeZone?: string }): Promise<RequestRecorder> {
  const tz = opts.timeZone ?? 'Europe/Stockholm';
  mkdirSync(work, { recursive: true });
  place(root, 'hall', opts.hallMs, VTEST_EXCERPT, tz);
  const lawn = path.join(work, 'lawn.mp4');
  await runFfmpeg(['-i', VTEST_EXCERPT, '-vf', 'crop=240:120:0:340', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '40', '-an', lawn]);
  place(root, 'lawn', opts.hallMs, lawn, tz);
  await writeRealSegments(root, path.join(work, 'gen'), ['corridor'], { startMs: opts.corridorMs, count: 3, segmentSeconds: 10, timeZone: tz });
  return { hallMs: opts.hallMs, corridorMs: opts.corridorMs };
}
