/** A recording root and a Custodian on a movable clock, made before each test and removed after it. */
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { Ctx } from '../core/context.js';
import { MINUTE, tempDir, testCtx, type TestClock } from './helpers.js';

export interface RecorderFixture {
  /** The test's temporary folder (the root and the data folder are inside it). */
  dir: string;
  /** An empty recording root, not yet added. */
  root: string;
  ctx: Ctx;
  readonly clock: TestClock;
}

export function useRecorder(): RecorderFixture {
  let cleanup = (): void => undefined;
  // ctx is set by beforeEach before any test body reads it; the placeholder is never used.
  const f: RecorderFixture = { dir: '', root: '', ctx: null as unknown as Ctx, clock: { now: 0 } };
  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    f.dir = t.dir;
    f.root = path.join(t.dir, 'rec');
    mkdirSync(f.root);
    f.clock.now = Math.floor(Date.now() / MINUTE) * MINUTE;
    f.ctx = testCtx(path.join(t.dir, 'data'), f.clock);
  });
  afterEach(() => {
    f.ctx.close();
    cleanup();
  });
  return f;
}

/** Every folder under `dir` (and `dir`) gets mtime `atMs`: a recorder that stopped writing there then. */
export function settleFolders(dir: string, atMs: number): void {
  const at = new Date(atMs);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) settleFolders(path.join(dir, e.name), atMs);
  utimesSync(dir, at, at);
}

/** Overwrites a file with other content (another size), keeping its mtime and its folder's: a recorder reusing a name. */
export function overwriteKeepingTimes(file: string, content: string): void {
  const st = statSync(file);
  const dir = statSync(path.dirname(file));
  writeFileSync(file, content);
  utimesSync(file, st.atime, st.mtime);
  utimesSync(path.dirname(file), dir.atime, dir.mtime);
}
