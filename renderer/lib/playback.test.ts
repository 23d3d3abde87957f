/** Playback arithmetic: speeds, where a moment is among files, the grid's clock, marks, and the form a selection opens. */
import { describe, expect, it } from 'vitest';
import { draftFromSelection } from '../views/NewIncident.js';
import { fromLocalInput } from './format.js';
import { clockAt, clockSet, locate, markedWindow, nextRate, rateLabel, RATES, snap, snapStep } from './playback.js';
import { HOUR, MINUTE } from './timeline.js';

const TZ = 'Europe/Stockholm';

describe('speeds', () => {
  it('offers ½× to 8× and steps through them, stopping at the ends', () => {
    expect(RATES.map(rateLabel)).toEqual(['½×', '1×', '2×', '4×', '8×']);
    expect(nextRate(1, 1)).toBe(2);
    expect(nextRate(8, 1)).toBe(8);
    expect(nextRate(0.5, -1)).toBe(0.5);
    expect(nextRate(1, -1)).toBe(0.5);
    expect(nextRate(3, 1)).toBe(8); // an odd rate moves to the next offered one up, then on
  });
});

describe('locate', () => {
  const files = [
    { startMs: 0, endMs: 600_000 },
    { startMs: 600_000, endMs: 1_200_000 },
    { startMs: 1_800_000, endMs: 2_400_000 }, // after a 10-minute gap
  ];
  it('finds the file holding a moment and the offset in it', () => {
    expect(locate(files, 90_000)).toEqual({ index: 0, offsetS: 90, inGap: false });
    expect(locate(files, 600_000)).toEqual({ index: 1, offsetS: 0, inGap: false });
  });
  it('in a gap, the next file from its start; after the last, nothing', () => {
    expect(locate(files, 1_500_000)).toEqual({ index: 2, offsetS: 0, inGap: true });
    expect(locate(files, 2_400_001)).toBeNull();
  });
});

describe("the grid's master clock", () => {
  it('runs at the chosen speed while playing, stands still when paused, and changes without a jump', () => {
    const c0 = { baseMs: 1_000_000, baseAt: 0, rate: 1, playing: true };
    expect(clockAt(c0, 2000)).toBe(1_002_000);
    const fast = clockSet(c0, 2000, { rate: 4 });
    expect(clockAt(fast, 2000)).toBe(1_002_000);
    expect(clockAt(fast, 3000)).toBe(1_006_000);
    const paused = clockSet(fast, 3000, { playing: false });
    expect(clockAt(paused, 9000)).toBe(1_006_000);
  });
});

describe('marks and selections', () => {
  it('mark in / mark out make a window in either order, at least a second', () => {
    expect(markedWindow(5000, 2000)).toEqual({ startMs: 2000, endMs: 5000 });
    expect(markedWindow(5000, 5000)).toEqual({ startMs: 5000, endMs: 6000 });
    expect(markedWindow(null, 5000)).toBeNull();
  });
  it('a drag snaps to what the axis shows: an hour over 1200 px (3 s a pixel) snaps to 10 s, a day to 5 min', () => {
    expect(snapStep(HOUR, 1200)).toBe(10_000);
    expect(snapStep(24 * HOUR, 1200)).toBe(5 * MINUTE);
    expect(snap(12_345, 5000)).toBe(10_000);
  });
  it('a 15:00–15:10 selection opens the form as 15:00–15:10, and keeps seconds when it has them', () => {
    const from = fromLocalInput('2026-11-25T15:00', TZ);
    const d = draftFromSelection({ camera: 'entrance', startMs: from, endMs: from + 10 * MINUTE }, TZ, '2026-12-25');
    expect([d.from, d.to, d.cameras]).toEqual(['2026-11-25T15:00', '2026-11-25T15:10', ['entrance']]);
    const marked = draftFromSelection({ camera: 'entrance', startMs: from + 12_000, endMs: from + 22_000 }, TZ, '2026-12-25');
    expect([marked.from, marked.to]).toEqual(['2026-11-25T15:00:12', '2026-11-25T15:00:22']);
  });
});
