import { describe, expect, it } from 'vitest';
import { boxAt, containsRect, padRect, trackSpan, type Rect } from '../../common/mask-track.js';
import { buildTracks, linkDetections, type SampledDetections } from './tracker.js';

const OPTS = { maxGapMs: 2000, padX: 0.2, padY: 0.1, holdMs: 400, durationMs: 20_000 };

/** A person walking: centre moves `vx` (relative per second), box 0.04 × 0.15. */
function walker(x0: number, y: number, vx: number, t: number): Rect {
  return { x: x0 + (vx * t) / 1000, y, w: 0.04, h: 0.15 };
}

function frames(count: number, stepMs: number, people: ((t: number) => Rect | null)[]): SampledDetections[] {
  return Array.from({ length: count }, (_, i) => {
    const t = i * stepMs;
    return { t, boxes: people.map((p) => p(t)).filter((b): b is Rect => b !== null).map((b) => ({ ...b, score: 0.6 })) };
  });
}

describe('linking detections into tracks', () => {
  it('keeps two people who walk past each other on separate tracks', () => {
    const a = (t: number): Rect => walker(0.1, 0.4, 0.15, t);
    const b = (t: number): Rect => walker(0.8, 0.42, -0.15, t);
    const raw = linkDetections(frames(25, 200, [a, b]), 2000);
    expect(raw).toHaveLength(2);
    for (const r of raw) {
      const first = r.raw[0]?.box.x ?? 0;
      const last = r.raw[r.raw.length - 1]?.box.x ?? 0;
      // each track goes one way all along: no swap at the crossing
      const dir = Math.sign(last - first);
      for (let i = 1; i < r.raw.length; i++) expect(Math.sign((r.raw[i]?.box.x ?? 0) - (r.raw[i - 1]?.box.x ?? 0))).toBe(dir);
    }
  });

  it('bridges a person the detector missed for a second, and interpolates over the gap', () => {
    const a = (t: number): Rect | null => (t >= 2000 && t < 3000 ? null : walker(0.1, 0.4, 0.1, t));
    const tracks = buildTracks(frames(30, 200, [a]), OPTS);
    expect(tracks).toHaveLength(1);
    const tr = tracks[0];
    if (!tr) return;
    for (const t of [2100, 2500, 2900]) {
      const truth = walker(0.1, 0.4, 0.1, t);
      expect(containsRect(boxAt(tr, t) as Rect, truth, 1e-6), `covered at ${t} ms`).toBe(true);
    }
  });

  it('starts a new track after a gap longer than maxGapMs', () => {
    const a = (t: number): Rect | null => (t >= 2000 && t < 5000 ? null : walker(0.1, 0.4, 0.02, t));
    expect(buildTracks(frames(40, 200, [a]), OPTS)).toHaveLength(2);
  });

  it('holds a track before its first and after its last sighting, padded, inside the clip', () => {
    const a = (t: number): Rect | null => (t < 1000 || t > 3000 ? null : walker(0.3, 0.4, 0.1, t));
    const [tr] = buildTracks(frames(30, 200, [a]), OPTS);
    expect(tr).toBeDefined();
    if (!tr) return;
    expect(trackSpan(tr)).toEqual({ from: 600, to: 3400 });
    // At 3200 ms the person (had they been seen) is inside the held box.
    expect(containsRect(boxAt(tr, 3200) as Rect, walker(0.3, 0.4, 0.1, 3200), 1e-6)).toBe(true);
    // Padded: 20 % of the width on each side, 10 % of the height above and below.
    expect(containsRect(boxAt(tr, 2000) as Rect, padRect(walker(0.3, 0.4, 0.1, 2000), 0.2, 0.1), 1e-6)).toBe(true);
    const [early] = buildTracks(frames(5, 200, [(t) => walker(0.3, 0.4, 0, t)]), OPTS);
    expect(early && trackSpan(early).from).toBe(0);
  });

  it('makes a track of a single sighting, held on both sides', () => {
    const tracks = buildTracks([{ t: 5000, boxes: [{ x: 0.5, y: 0.5, w: 0.05, h: 0.1, score: 0.3 }] }], OPTS);
    expect(tracks).toHaveLength(1);
    expect(tracks[0] && trackSpan(tracks[0])).toEqual({ from: 4600, to: 5400 });
  });
});
