import { describe, expect, it } from 'vitest';
import { inferPattern } from './layout-infer.js';

const split = (paths: string[]): string[][] => paths.map((p) => p.split('/'));

describe('a pattern made up from names', () => {
  it('camera folders, compact date and time', () => {
    expect(inferPattern(split(['cam1/20261125/143000.mp4', 'cam1/20261125/144000.mp4', 'gate/20261126/000000.mp4']), 'UTC')).toBe('{camera}/{yyyyMMdd}/{HHmmss}.mp4');
  });
  it('a constant folder, a time inside text, several extensions', () => {
    const p = inferPattern(split(['Site/north/2026-11-25/rec_14-30-00.mkv', 'Site/south/2026-11-25/rec_14-40-00.mp4', 'Site/south/2026-11-26/rec_01-00-00.mp4']), 'UTC');
    expect(p).toBe('Site/{camera}/{yyyy-MM-dd}/rec_{HH-mm-ss}.{mkv|mp4}');
  });
  it('a constant run before the time is text, not a year', () => {
    const p = inferPattern(split(['gate/2026/11/25/Gate_00_20261125143000.mp4', 'gate/2026/11/25/Gate_00_20261125144000.mp4', 'yard/2026/11/26/Yard_00_20261126090000.mp4']), 'UTC');
    expect(p).not.toBeNull();
  });
  it('nothing to go on: no time, or too few videos', () => {
    expect(inferPattern(split(['a/notes.txt', 'b/readme.md']), 'UTC')).toBeNull();
    expect(inferPattern(split(['a/b.mp4']), 'UTC')).toBeNull();
    expect(inferPattern(split(['a/clip-one.mp4', 'b/clip-two.mp4']), 'UTC')).toBeNull();
  });
});
