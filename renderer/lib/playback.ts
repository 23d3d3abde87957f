/**
 * Playback arithmetic, free of React and the DOM: which file holds a moment, speeds, frame
 * steps, how a drag selection snaps to what a person can read on the axis, and the master clock
 * a grid of cameras follows.
 */
import { MINUTE, segmentAtOrAfter, type Span } from './timeline.js';

export interface Source extends Span {
  kind: 'segment' | 'clip';
  id: number;
}

/** The speeds offered, slowest first: ½× to 8×. */
export const RATES = [0.5, 1, 2, 4, 8] as const;
export type Rate = (typeof RATES)[number];

export function nextRate(r: number, dir: 1 | -1): Rate {
  const i = RATES.findIndex((x) => x >= r - 1e-9);
  const at = i < 0 ? RATES.length - 1 : i;
  return RATES[Math.min(RATES.length - 1, Math.max(0, at + dir))] as Rate;
}

export function rateLabel(r: number): string {
  return r === 0.5 ? '½×' : `${r}×`;
}

/** Frames a second when the video does not tell (most CCTV recorders write 25 or 30). */
export const DEFAULT_FPS = 25;

/**
 * Where `ms` is in `sources` (sorted): the file that holds it and the offset in seconds, or the
 * next file after a gap (offset 0, `inGap` true), or null after the last.
 */
export function locate(sources: readonly Span[], ms: number): { index: number; offsetS: number; inGap: boolean } | null {
  const i = segmentAtOrAfter(sources, ms);
  if (i < 0) return null;
  const s = sources[i] as Span;
  if (ms < s.startMs) return { index: i, offsetS: 0, inGap: true };
  return { index: i, offsetS: (ms - s.startMs) / 1000, inGap: false };
}

/** A step a pixel wide is at least this: a selection snaps to what the axis can show. */
const SNAPS = [1000, 5000, 10_000, 30_000, MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE] as const;

/** The grid a drag on a timeline `spanMs` wide across `width` px snaps to (about 2 px or finer). */
export function snapStep(spanMs: number, width: number): number {
  const perPx = spanMs / Math.max(1, width);
  return SNAPS.find((s) => s >= perPx * 2) ?? (SNAPS[SNAPS.length - 1] as number);
}

export function snap(ms: number, step: number): number {
  return Math.round(ms / step) * step;
}

/**
 * The master clock of a synchronised grid: a wall time that runs at `rate` while playing. Tiles
 * compare their own playhead with it and seek when they drift.
 */
export interface MasterClock {
  readonly baseMs: number;
  readonly baseAt: number;
  readonly rate: number;
  readonly playing: boolean;
}

export function clockAt(c: MasterClock, perfNow: number): number {
  return c.playing ? c.baseMs + (perfNow - c.baseAt) * c.rate : c.baseMs;
}

export function clockSet(c: MasterClock, perfNow: number, patch: Partial<Pick<MasterClock, 'baseMs' | 'rate' | 'playing'>>): MasterClock {
  const now = clockAt(c, perfNow);
  return { baseMs: patch.baseMs ?? now, baseAt: perfNow, rate: patch.rate ?? c.rate, playing: patch.playing ?? c.playing };
}

/** A tile further than this from the master clock seeks back to it (ms of wall time). */
export const DRIFT_MS = 350;

/** Mark in / mark out as a window: either order, at least a second. */
export function markedWindow(inMs: number | null, outMs: number | null): Span | null {
  if (inMs === null || outMs === null) return null;
  const a = Math.min(inMs, outMs);
  const b = Math.max(inMs, outMs);
  return { startMs: a, endMs: Math.max(b, a + 1000) };
}

/** The layouts of the grid: cameras per side. */
export const GRID_SIZES = [1, 2, 3] as const;
export type GridSize = (typeof GRID_SIZES)[number];
