import { describe, expect, it } from 'vitest';
import { compileLayout, formatLayoutPath, LAYOUT_PRESETS, LayoutMatcher } from './layout.js';

const TZ = 'Europe/Stockholm';

describe('layouts', () => {
  it.each(LAYOUT_PRESETS.map((p) => [p.name, p] as const))('preset %s parses its documented example', (_name, preset) => {
    const m = new LayoutMatcher(compileLayout(preset.name, TZ));
    const r = m.parse(preset.example.split('/'));
    expect(typeof r).toBe('object');
    if (typeof r === 'object') expect(r.camera.toLowerCase()).toContain('entrance');
  });
  it('frigate names are UTC, camera-date-time names are site time', () => {
    const f = new LayoutMatcher(compileLayout('frigate', TZ)).parse(['2026-11-25', '13', 'entrance', '30.00.mp4']);
    expect(f).toEqual({ camera: 'entrance', startMs: Date.parse('2026-11-25T13:30:00Z') });
    const c = new LayoutMatcher(compileLayout('camera-date-time', TZ)).parse(['entrance', '2026-11-25', '14-30-00.mp4']);
    expect(c).toEqual({ camera: 'entrance', startMs: Date.parse('2026-11-25T13:30:00Z') });
  });
  it('a custom pattern with quoted text and a wildcard', () => {
    const l = compileLayout("{camera}/rec_*_{yyyyMMdd'T'HHmmss}.mp4", 'UTC');
    expect(new LayoutMatcher(l).parse(['cam1', 'rec_main_20261125T101500.mp4'])).toEqual({ camera: 'cam1', startMs: Date.parse('2026-11-25T10:15:00Z') });
    expect(formatLayoutPath(l, 'cam1', Date.parse('2026-11-25T10:15:00Z'), 'main')).toEqual(['cam1', 'rec_main_20261125T101500.mp4']);
  });
  it('rejects names that are not real times or do not match', () => {
    const m = new LayoutMatcher(compileLayout('camera-date-time', TZ));
    expect(typeof m.parse(['entrance', '2026-02-30', '10-00-00.mp4'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25', '25-00-00.mp4'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25', 'notes.txt'])).toBe('string');
    expect(typeof m.parse(['entrance', '2026-11-25'])).toBe('string');
  });
  it('refuses layouts without a camera or a time, with a clear message', () => {
    expect(() => compileLayout('{yyyy-MM-dd}/{HH-mm-ss}.mp4', TZ)).toThrow(/no \{camera\}/);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}.mp4', TZ)).toThrow(/no full start time/);
    expect(() => compileLayout('{camera}/{yyyy-MM-dd}/{HH-mm-Q}.mp4', TZ)).toThrow(/do not support/);
    expect(() => compileLayout('nonsense', TZ)).toThrow(/neither a layout preset/);
    expect(() => compileLayout('/abs/{camera}/{yyyy-MM-dd HH-mm}.mp4', TZ)).toThrow(/relative/);
  });
});
