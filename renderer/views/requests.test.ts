/** The requests screen's corrections of mask tracks, checked with the model's own interpolation. */
import { describe, expect, it } from 'vitest';
import { boxAt, type MaskTrack } from '../../common/mask-track.js';
import { clockTone, wholeClip } from './Requests.js';

describe('requests screen', () => {
  const box = (x: number) => ({ x, y: 0.1, w: 0.2, h: 0.5 });
  const track: MaskTrack = { id: 'T1', origin: 'detected', keys: [{ t: 1000, box: box(0.1) }, { t: 3000, box: box(0.5) }], score: 0.9 };

  it('"hide for the whole clip" hides the first box from the start and the last to the end, the middle unchanged', () => {
    const w = wholeClip(track, 10_000);
    expect(boxAt(track, 500)).toBeNull();
    expect(boxAt(w, 0)).toEqual(box(0.1));
    expect(boxAt(w, 500)).toEqual(box(0.1));
    expect(boxAt(w, 2000)).toEqual(boxAt(track, 2000));
    expect(boxAt(w, 9_999)).toEqual(box(0.5));
    expect(w.origin).toBe('manual');
    // Already covering the whole clip: nothing added.
    expect(wholeClip(w, 10_000).keys).toHaveLength(w.keys.length);
  });

  it('shows overdue and late answers as bad, due soon as a warning', () => {
    expect(clockTone('overdue')).toBe('bad');
    expect(clockTone('answered-late')).toBe('bad');
    expect(clockTone('due-soon')).toBe('warn');
    expect(clockTone('answered-in-time')).toBe('ok');
  });
});
