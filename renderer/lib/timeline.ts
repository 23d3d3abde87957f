/**
 * The timeline's arithmetic, kept free of React and the DOM so it can be tested and benchmarked:
 * a view is a window [fromMs, toMs) drawn across `width` pixels. Segments are merged into runs
 * as wide as at least a pixel (a day of one-minute segments is 1,440 files but a few hundred
 * rectangles), gaps between runs are what a person must see, holds are drawn over them.
 */
import { TZDate } from '@date-fns/tz';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface View {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

export interface PixelRun {
  /** Left edge, px. */
  readonly x: number;
  /** Width, px (at least `minWidth`). */
  readonly w: number;
  readonly startMs: number;
  readonly endMs: number;
  /** How many segments the run covers. */
  readonly count: number;
}

/** Smallest window a person can zoom to (one minute) and largest (the whole retention and then some). */
export const MIN_SPAN_MS = MINUTE;
export const MAX_SPAN_MS = 400 * DAY;

export function msToX(view: View, width: number, ms: number): number {
  return ((ms - view.fromMs) / (view.toMs - view.fromMs)) * width;
}

export function xToMs(view: View, width: number, x: number): number {
  return view.fromMs + (x / width) * (view.toMs - view.fromMs);
}

/**
 * Segments (sorted by start) merged into runs on screen: two segments join when the gap between
 * them is under `toleranceMs` or under one pixel. Only what intersects the view is drawn.
 */
export function pixelRuns(segments: readonly Span[], view: View, width: number, toleranceMs = 2_000, minWidth = 1): PixelRun[] {
  const span = view.toMs - view.fromMs;
  if (span <= 0 || width <= 0) return [];
  const pxMs = span / width;
  const joinMs = Math.max(toleranceMs, pxMs);
  const out: PixelRun[] = [];
  let cur: { startMs: number; endMs: number; count: number } | null = null;
  const flush = (): void => {
    if (!cur) return;
    const a = Math.max(cur.startMs, view.fromMs);
    const b = Math.min(cur.endMs, view.toMs);
    const x = msToX(view, width, a);
    out.push({ x, w: Math.max(minWidth, msToX(view, width, b) - x), startMs: cur.startMs, endMs: cur.endMs, count: cur.count });
  };
  for (const s of segments) {
    if (s.endMs <= view.fromMs || s.startMs >= view.toMs) continue;
    if (cur && s.startMs - cur.endMs <= joinMs) {
      cur.endMs = Math.max(cur.endMs, s.endMs);
      cur.count++;
    } else {
      flush();
      cur = { startMs: s.startMs, endMs: s.endMs, count: 1 };
    }
  }
  flush();
  return out;
}

/** The gaps inside the view that no run covers (longer than `minGapMs`). */
export function gapsIn(runs: readonly Span[], view: View, minGapMs = 2_000): Span[] {
  const gaps: Span[] = [];
  let cursor = view.fromMs;
  for (const r of runs) {
    if (r.startMs - cursor > minGapMs) gaps.push({ startMs: cursor, endMs: Math.min(r.startMs, view.toMs) });
    cursor = Math.max(cursor, r.endMs);
  }
  if (view.toMs - cursor > minGapMs) gaps.push({ startMs: cursor, endMs: view.toMs });
  return gaps;
}

export function clampView(v: View, bounds?: View): View {
  let span = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, v.toMs - v.fromMs));
  let from = v.fromMs;
  if (bounds) {
    span = Math.min(span, Math.max(MIN_SPAN_MS, bounds.toMs - bounds.fromMs));
    from = Math.min(Math.max(from, bounds.fromMs), bounds.toMs - span);
  }
  return { fromMs: from, toMs: from + span };
}

/** Zoom by `factor` (< 1 zooms in) keeping the instant under `anchorMs` where it is. */
export function zoomView(v: View, factor: number, anchorMs: number, bounds?: View): View {
  const span = v.toMs - v.fromMs;
  const next = Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span * factor));
  const t = (anchorMs - v.fromMs) / span;
  const from = anchorMs - t * next;
  return clampView({ fromMs: from, toMs: from + next }, bounds);
}

export function panView(v: View, deltaMs: number, bounds?: View): View {
  return clampView({ fromMs: v.fromMs + deltaMs, toMs: v.toMs + deltaMs }, bounds);
}

const STEPS = [
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
] as const;

export interface Tick {
  readonly ms: number;
  readonly x: number;
  /** A tick at local midnight: labelled with the date. */
  readonly isDay: boolean;
}

/**
 * Ticks about every `minPx` pixels at round site-local times (whole hours in site time, local
 * midnights for days), so labels read as the recorder's clock, across DST changes too.
 */
export function ticks(view: View, width: number, tz: string, minPx = 80): { stepMs: number; ticks: Tick[] } {
  const span = view.toMs - view.fromMs;
  const want = (span / width) * minPx;
  const stepMs = STEPS.find((s) => s >= want) ?? STEPS[STEPS.length - 1] ?? DAY;
  const out: Tick[] = [];
  if (stepMs >= DAY) {
    const days = Math.round(stepMs / DAY);
    const d = new TZDate(view.fromMs, tz);
    let cur = new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), 0, 0, 0, tz);
    let guard = 0;
    while (cur.getTime() <= view.toMs && guard++ < 1000) {
      if (cur.getTime() >= view.fromMs) out.push({ ms: cur.getTime(), x: msToX(view, width, cur.getTime()), isDay: true });
      cur = new TZDate(cur.getFullYear(), cur.getMonth(), cur.getDate() + days, 0, 0, 0, tz);
    }
    return { stepMs, ticks: out };
  }
  // Sub-day steps: walk site-local wall time so that 00:00, 06:00 … stay on the hour after DST.
  const d = new TZDate(view.fromMs, tz);
  const dayStart = new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), 0, 0, 0, tz).getTime();
  const stepMin = stepMs / MINUTE;
  let guard = 0;
  for (let k = Math.max(0, Math.floor((view.fromMs - dayStart - HOUR) / stepMs)); guard++ < 5000; k++) {
    const base = new TZDate(dayStart, tz);
    const minutes = k * stepMin;
    const t = new TZDate(base.getFullYear(), base.getMonth(), base.getDate(), 0, minutes, 0, tz).getTime();
    if (t > view.toMs) break;
    if (t < view.fromMs) continue;
    const lt = new TZDate(t, tz);
    out.push({ ms: t, x: msToX(view, width, t), isDay: lt.getHours() === 0 && lt.getMinutes() === 0 });
  }
  return { stepMs, ticks: out };
}

/**
 * The window to fetch for a view: the view widened by a quarter span on each side and snapped to
 * a grid of a quarter span (a power of two), so small pans reuse what is loaded while a fetch
 * asks for at most about twice what is on screen.
 */
export function fetchWindow(view: View): View {
  const span = view.toMs - view.fromMs;
  const grid = Math.max(MINUTE, 2 ** Math.floor(Math.log2(span / 4)));
  const fromMs = Math.floor((view.fromMs - span / 4) / grid) * grid;
  const toMs = Math.ceil((view.toMs + span / 4) / grid) * grid;
  return { fromMs, toMs };
}

export function covers(loaded: View | null, want: View): boolean {
  return loaded !== null && loaded.fromMs <= want.fromMs && loaded.toMs >= want.toMs;
}

/** Index of the segment that contains `ms`, or of the first one after it; -1 if none. */
export function segmentAtOrAfter<T extends Span>(segments: readonly T[], ms: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((segments[mid] as T).endMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo < segments.length ? lo : -1;
}

/** Normalises a drag selection into an ordered span of at least a second. */
export function selectionSpan(aMs: number, bMs: number): Span {
  const startMs = Math.min(aMs, bMs);
  const endMs = Math.max(aMs, bMs, startMs + 1000);
  return { startMs, endMs };
}

/** Spans (e.g. holds) clipped to the view, as pixel ranges. */
export function spanPixels<T extends Span>(spans: readonly T[], view: View, width: number): { x: number; w: number; span: T }[] {
  const out: { x: number; w: number; span: T }[] = [];
  for (const s of spans) {
    if (s.endMs <= view.fromMs || s.startMs >= view.toMs) continue;
    const x = msToX(view, width, Math.max(s.startMs, view.fromMs));
    const x2 = msToX(view, width, Math.min(s.endMs, view.toMs));
    out.push({ x, w: Math.max(1, x2 - x), span: s });
  }
  return out;
}
