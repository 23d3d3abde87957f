/** Shared test helpers: temporary folders, a Custodian on a movable clock, small real trees. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileLayout, formatLayoutPath } from '../common/layout.js';
import { openCtx, type Ctx } from '../core/context.js';

export function tempDir(prefix = 'custodian-test-', base = tmpdir()): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestClock {
  now: number;
}

export function testCtx(dataDir: string, clock: TestClock, inMemory = false): Ctx {
  return openCtx({ dataDir, now: () => clock.now, inMemory });
}

/** Writes segment files for a camera-date-time root; returns the absolute paths. */
export function writeSegments(
  root: string,
  camera: string,
  fromMs: number,
  count: number,
  stepMs: number,
  opts: { layout?: string; timeZone?: string; content?: string; mtimeAtEnd?: boolean } = {},
): string[] {
  const layout = compileLayout(opts.layout ?? 'camera-date-time', opts.timeZone ?? 'Europe/Stockholm');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = fromMs + i * stepMs;
    const comps = formatLayoutPath(layout, camera, start);
    const file = path.join(root, ...comps);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, opts.content ?? 'x');
    if (opts.mtimeAtEnd !== false) {
      const end = new Date(start + stepMs);
      utimesSync(file, end, end);
    }
    out.push(file);
  }
  return out;
}

/** A RAM-backed folder where there is one (thousands of tiny trees in property tests). */
export function fastTempBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Real H.264 segments (ffmpeg) for each camera, moved into a camera-date-time recorder tree under
 * `root` with their mtime at their end, as a recorder leaves them.
 */
export async function writeRealSegments(root: string, workDir: string, cameras: readonly string[], opts: { startMs: number; count: number; segmentSeconds: number; timeZone?: string }): Promise<void> {
  // Loaded here, not at the top: most tests that use these helpers never run ffmpeg.
  const { generateSegments } = await import('../fixtures/video.js');
  const timeZone = opts.timeZone ?? 'Europe/Stockholm';
  const layout = compileLayout('camera-date-time', timeZone);
  for (const cam of cameras) {
    const segs = await generateSegments({ dir: path.join(workDir, cam), camera: cam, startMs: opts.startMs, count: opts.count, segmentSeconds: opts.segmentSeconds, timeZone });
    for (const s of segs) {
      const dest = path.join(root, ...formatLayoutPath(layout, cam, s.startMs));
      mkdirSync(path.dirname(dest), { recursive: true });
      renameSync(s.path, dest);
      utimesSync(dest, new Date(s.endMs), new Date(s.endMs));
    }
  }
}

/** Runs the built CLI (`bin/custodian.js`) on a data folder, its text in English (`--lang en`: the tests read the English sentences); for tests that drive the real command. */
export function custodianCli(data: string, ...args: string[]): { status: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.resolve('bin', 'custodian.js'), '--lang', 'en', '--data', data, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
}
