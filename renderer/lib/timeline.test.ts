import { describe, expect, it } from 'vitest';
import { fromLocalInput, isoDay, toLocalInput } from './format.js';
import { DAY, HOUR, MINUTE, clampView, fetchWindow, gapsIn, pixelRuns, segmentAtOrAfter, selectionSpan, ticks, zoomView, covers } from './timeline.js';

const TZ = 'Europe/Stockholm';
const day0 = fromLocalInput('2026-11-25', TZ);

function minuteSegments(fromMs: number, n: number, skip: (i: number) => boolean = () => false): { startMs: number; endMs: number }[] {
  const out = [];
  for (let i = 0; i < n; i++) if (!skip(i)) out.push({ startMs: fromMs + i * MINUTE, endMs: fromMs + (i + 1) * MINUTE - 500 });
  return out;
}

describe('pixelRuns', () => {
  it('merges a continuous day of one-minute segments into one run and shows a gap', () => {
    const segs = minuteSegments(day0, 1440, (i) => i >= 600 && i < 660);
    const view = { fromMs: day0, toMs: day0 + DAY };
    const runs = pixelRuns(segs, view, 1440);
    expect(runs).toHaveLength(2);
    expect(runs[0]?.count).toBe(600);
    expect(runs[1]?.count).toBe(780);
    const gaps = gapsIn(runs, view);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.startMs).toBe(day0 + 599 * MINUTE + MINUTE - 500);
    expect(gaps[0]?.endMs).toBe(day0 + 660 * MINUTE);
  });

  it('draws nothing outside the view and clips runs to it', () => {
    const segs = minuteSegments(day0, 120);
    const view = { fromMs: day0 + 30 * MINUTE, toMs: day0 + 60 * MINUTE };
    const runs = pixelRuns(segs, view, 300);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.x).toBe(0);
    expect(runs[0]?.w).toBeCloseTo(300, 0);
  });

  it('keeps at most about one rectangle per pixel however many segments', () => {
    const segs = Array.from({ length: 100_000 }, (_, i) => ({ startMs: day0 + i * 800, endMs: day0 + i * 800 + 400 }));
    const runs = pixelRuns(segs, { fromMs: day0, toMs: day0 + 100_000 * 800 }, 500);
    expect(runs.length).toBeLessThanOrEqual(1);
  });
});

describe('view arithmetic', () => {
  it('zooms around the anchor', () => {
    const v = { fromMs: 0, toMs: DAY };
    const z = zoomView(v, 0.5, DAY / 2);
    expect(z.fromMs).toBe(DAY / 4);
    expect(z.toMs).toBe((3 * DAY) / 4);
  });
  it('clamps to bounds and to a minute', () => {
    const bounds = { fromMs: 0, toMs: DAY };
    expect(clampView({ fromMs: -HOUR, toMs: HOUR }, bounds)).toEqual({ fromMs: 0, toMs: 2 * HOUR });
    const tiny = zoomView({ fromMs: 0, toMs: 2 * MINUTE }, 0.01, MINUTE);
    expect(tiny.toMs - tiny.fromMs).toBe(MINUTE);
  });
  it('fetches a snapped window that covers the view and is reused for small pans', () => {
    const v = { fromMs: day0 + 3 * HOUR, toMs: day0 + 5 * HOUR };
    const w = fetchWindow(v);
    expect(covers(w, v)).toBe(true);
    expect(w.toMs - w.fromMs).toBeLessThanOrEqual(4 * (v.toMs - v.fromMs));
    expect(covers(w, { fromMs: v.fromMs + 10 * MINUTE, toMs: v.toMs + 10 * MINUTE })).toBe(true);
  });
  it('finds the segment under a moment or the next one', () => {
    const segs = minuteSegments(day0, 10, (i) => i === 5);
    expect(segmentAtOrAfter(segs, day0 + 30_000)).toBe(0);
    expect(segmentAtOrAfter(segs, day0 + 5 * MINUTE + 1)).toBe(5); // index 5 is minute 6
    expect(segmentAtOrAfter(segs, day0 + 20 * MINUTE)).toBe(-1);
  });
  it('orders a drag selection', () => {
    expect(selectionSpan(5000, 1000)).toEqual({ startMs: 1000, endMs: 5000 });
  });
});

describe('ticks', () => {
  it('labels local midnights across the autumn DST change', () => {
    const from = fromLocalInput('2026-10-24', TZ);
    const { ticks: t } = ticks({ fromMs: from, toMs: from + 4 * DAY }, 400, TZ, 80);
    expect(t.every((k) => k.isDay)).toBe(true);
    expect(t.map((k) => isoDay(k.ms, TZ))).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
    expect(t[2]!.ms - t[1]!.ms).toBe(25 * HOUR);
  });
  it('puts hourly ticks on the hour in site time', () => {
    const from = fromLocalInput('2026-03-29T00:30', TZ);
    const { stepMs, ticks: t } = ticks({ fromMs: from, toMs: from + 6 * HOUR }, 600, TZ, 80);
    expect(stepMs).toBe(HOUR);
    for (const k of t) expect(toLocalInput(k.ms, TZ).endsWith(':00')).toBe(true);
  });
});

describe('fmtIso', () => {
  it('shows the wall time the API names, whatever the browser zone', async () => {
    const { fmtIso } = await import('./format.js');
    expect(fmtIso('2026-11-25T14:30:00+01:00', 'sv')).toBe('25 nov. 2026 14:30');
    expect(fmtIso('2026-07-01T09:05:00+02:00', 'en')).toBe('1 Jul 2026 09:05');
    expect(fmtIso(null, 'sv')).toBe('—');
  });
});
