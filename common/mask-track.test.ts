import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MASK_TRACKS_FORMAT,
  MaskTrackSetSchema,
  boxAt,
  containsRect,
  coveredShare,
  maskedBoxesAt,
  padRect,
  simplifyKeys,
  trackProblem,
  type KeyBox,
  type MaskTrack,
  type Rect,
} from './mask-track.js';

const track = (id: string, keys: KeyBox[]): MaskTrack => ({ id, origin: 'manual', keys });
const r = (x: number, y: number, w: number, h: number): Rect => ({ x, y, w, h });

describe('a mask track', () => {
  const t = track('A', [
    { t: 1000, box: r(0.1, 0.1, 0.2, 0.2) },
    { t: 2000, box: r(0.3, 0.1, 0.4, 0.2) },
  ]);

  it('hides exactly its key boxes at their times and moves linearly in between', () => {
    expect(boxAt(t, 1000)).toEqual(r(0.1, 0.1, 0.2, 0.2));
    expect(boxAt(t, 2000)).toEqual(r(0.3, 0.1, 0.4, 0.2));
    const mid = boxAt(t, 1500) as Rect;
    expect(mid.x).toBeCloseTo(0.2);
    expect(mid.w).toBeCloseTo(0.3);
  });

  it('hides nothing before its first key or after its last', () => {
    expect(boxAt(t, 999)).toBeNull();
    expect(boxAt(t, 2001)).toBeNull();
  });

  it('leaves kept tracks out of what is masked', () => {
    const other = track('B', [{ t: 0, box: r(0, 0, 0.1, 0.1) }, { t: 3000, box: r(0, 0, 0.1, 0.1) }]);
    expect(maskedBoxesAt([t, other], new Set(['A']), 1500)).toEqual([r(0, 0, 0.1, 0.1)]);
    expect(maskedBoxesAt([t, other], new Set(), 1500)).toHaveLength(2);
  });

  it('is refused when its keys are out of order or outside the picture', () => {
    expect(trackProblem(t)).toBeNull();
    expect(trackProblem(track('C', [{ t: 5, box: r(0, 0, 0.1, 0.1) }, { t: 1, box: r(0, 0, 0.1, 0.1) }]))).toMatch(/time order/);
    expect(trackProblem(track('D', [{ t: 0, box: r(0.95, 0, 0.1, 0.1) }]))).toMatch(/inside the picture/);
    expect(trackProblem(track('bad id!', [{ t: 0, box: r(0, 0, 0.1, 0.1) }]))).toMatch(/track id/);
  });

  it('a set must name only its own tracks as kept', () => {
    const set = { format: MASK_TRACKS_FORMAT, width: 640, height: 360, durationMs: 3000, tracks: [t], keep: ['A'] };
    expect(MaskTrackSetSchema.safeParse(set).success).toBe(true);
    expect(MaskTrackSetSchema.safeParse({ ...set, keep: ['Z'] }).success).toBe(false);
    expect(MaskTrackSetSchema.safeParse({ ...set, tracks: [t, t] }).success).toBe(false);
  });
});

describe('padding and coverage', () => {
  it('pads by a share of the box on each side and stays in the picture', () => {
    expect(padRect(r(0.4, 0.4, 0.2, 0.1), 0.5, 0.5)).toEqual({ x: 0.30000000000000004, y: 0.35000000000000003, w: 0.4, h: 0.2 });
    const edge = padRect(r(0, 0, 0.1, 0.1), 1, 1);
    expect(edge.x).toBe(0);
    expect(edge.y).toBe(0);
  });

  it('measures the covered share of a box exactly, overlaps counted once', () => {
    const target = r(0, 0, 1, 1);
    expect(coveredShare(target, [])).toBe(0);
    expect(coveredShare(target, [r(0, 0, 0.5, 1)])).toBeCloseTo(0.5);
    expect(coveredShare(target, [r(0, 0, 0.5, 1), r(0.25, 0, 0.5, 1)])).toBeCloseTo(0.75);
    expect(coveredShare(r(0.2, 0.2, 0.2, 0.2), [r(0, 0, 1, 1)])).toBe(1);
  });
});

describe('thinning key boxes', () => {
  const arbRect = fc
    .record({ x: fc.double({ min: 0, max: 0.7, noNaN: true }), y: fc.double({ min: 0, max: 0.7, noNaN: true }), w: fc.double({ min: 0.02, max: 0.3, noNaN: true }), h: fc.double({ min: 0.02, max: 0.3, noNaN: true }) });
  const arbKeys = fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), arbRect), { minLength: 1, maxLength: 30 }).map((steps) => {
    let t = 0;
    return steps.map(([dt, box]) => ({ t: (t += dt), box }));
  });

  it('never hides less than the full track, at any instant', () => {
    fc.assert(
      fc.property(arbKeys, fc.double({ min: 0, max: 1, noNaN: true }), (keys, f) => {
        const full = track('F', keys);
        const thin = track('F', simplifyKeys(keys));
        const first = keys[0] as KeyBox;
        const last = keys[keys.length - 1] as KeyBox;
        const at = first.t + f * (last.t - first.t);
        const a = boxAt(full, at);
        const b = boxAt(thin, at);
        return a !== null && b !== null && containsRect(b, a, 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it('drops the keys of steady straight motion', () => {
    const keys = Array.from({ length: 50 }, (_, i) => ({ t: i * 200, box: r(0.01 * i, 0.2, 0.1, 0.3) }));
    expect(simplifyKeys(keys)).toHaveLength(2);
  });
});
