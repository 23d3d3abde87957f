/**
 * Stored hours per camera per site-local day, and how much of it is held: the overview's chart
 * over the retention window. Pure, so it is tested without a browser.
 */
import { TZDate } from '@date-fns/tz';
import type { Span } from './timeline.js';

export interface DayBucket {
  /** Start of the site-local day (UTC ms). */
  dayMs: number;
  hours: number;
  heldHours: number;
}

/** Starts of the site-local days from the day containing `fromMs` up to the one containing `toMs`. */
export function siteDays(fromMs: number, toMs: number, tz: string): number[] {
  const out: number[] = [];
  const f = new TZDate(fromMs, tz);
  let d = new TZDate(f.getFullYear(), f.getMonth(), f.getDate(), 0, 0, 0, tz);
  let guard = 0;
  while (d.getTime() <= toMs && guard++ < 2000) {
    out.push(d.getTime());
    d = new TZDate(d.getFullYear(), d.getMonth(), d.getDate() + 1, 0, 0, 0, tz);
  }
  return out;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * Buckets segments (sorted or not) into days. A segment that spans midnight is split. Held time
 * is the part of each segment inside one of `holds` (holds may overlap; each moment counts once).
 */
export function hoursPerDay(segments: readonly Span[], holds: readonly Span[], days: readonly number[], dayEnd: (dayMs: number) => number): DayBucket[] {
  const buckets = days.map((dayMs) => ({ dayMs, hours: 0, heldHours: 0 }));
  if (days.length === 0) return buckets;
  const merged = mergeSpans(holds);
  const first = days[0] as number;
  for (const s of segments) {
    // binary search for the day containing the segment start
    let lo = 0;
    let hi = days.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((days[mid] as number) <= s.startMs) lo = mid;
      else hi = mid - 1;
    }
    if (s.endMs <= first) continue;
    for (let i = s.startMs < first ? 0 : lo; i < days.length; i++) {
      const d0 = days[i] as number;
      const d1 = dayEnd(d0);
      if (d0 >= s.endMs) break;
      const ov = overlap(s.startMs, s.endMs, d0, d1);
      if (ov <= 0) continue;
      const b = buckets[i] as DayBucket;
      b.hours += ov / 3_600_000;
      let held = 0;
      for (const h of merged) held += overlap(Math.max(s.startMs, d0), Math.min(s.endMs, d1), h.startMs, h.endMs);
      b.heldHours += held / 3_600_000;
    }
  }
  return buckets;
}

export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
  const out: { startMs: number; endMs: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return out;
}
